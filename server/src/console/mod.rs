//! The staff console's form posts under `/admin/forms`. Like the portal's, each works as a
//! plain HTML form: it does the work, then redirects (303) to the page that shows the
//! result, with a problem (or a revealed value) kept in the staff session's flash for that
//! page.
use domain::ids::{ApplicationNumber, ResidentId};

pub mod alerts;
pub mod campaigns;
pub mod catalog;
pub mod identity_checks;
pub mod rectifications;
pub mod segments;
pub mod surveys;

use crate::auth::{FormStaff, session, staff as staff_auth};
use crate::http::form::Fields;
use crate::http::request::console_next;
use crate::state::AppState;
use crate::usecases::residents::{self, Reason, RevealRequest, TagRequest};
use crate::usecases::tasks::{self, TaskActionRequest};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum_extra::extract::{Form, FormRejection};
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::{CurrentStaff, Flash, sessions, staff_accounts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/forms/sign-in", post(sign_in))
        .route("/admin/forms/sign-out", post(sign_out))
        .route("/admin/forms/cases/{number}", post(act))
        .route("/admin/forms/residents/search", post(search_residents))
        .route("/admin/forms/residents/{id}/reveal", post(reveal))
        .route("/admin/forms/residents/{id}/tags", post(add_tag))
        .route(
            "/admin/forms/residents/{id}/tags/{code}/remove",
            post(remove_tag),
        )
        .route("/admin/forms/sessions/{id}/end", post(end_session))
        .route("/admin/forms/staff/{id}/{change}", post(set_staff_active))
        .route(
            "/admin/forms/identity-checks/find",
            post(identity_checks::find),
        )
        .route(
            "/admin/forms/identity-checks/{id}/{decision}",
            post(identity_checks::decide),
        )
        .route(
            "/admin/forms/rectifications/{id}",
            post(rectifications::act),
        )
        .route(
            "/admin/forms/catalog/services",
            post(catalog::create_service),
        )
        .route(
            "/admin/forms/catalog/services/{code}",
            post(catalog::update_service),
        )
        .route("/admin/forms/catalog/bundles", post(catalog::create_bundle))
        .route(
            "/admin/forms/catalog/bundles/{code}",
            post(catalog::update_bundle),
        )
        .route(
            "/admin/forms/catalog/{kind}/{code}/{status}",
            post(catalog::set_status),
        )
        .route("/admin/forms/segments", post(segments::save_segment))
        .route("/admin/forms/campaigns", post(campaigns::create_campaign))
        .route(
            "/admin/forms/campaigns/{id}/{step}",
            post(campaigns::campaign_step),
        )
        .route("/admin/forms/surveys", post(surveys::create))
        .route("/admin/forms/surveys/{id}", post(surveys::update))
        .route(
            "/admin/forms/surveys/{id}/schedule",
            post(surveys::schedule),
        )
        .route("/admin/forms/surveys/{id}/close", post(surveys::close))
        .route(
            "/admin/forms/alerts/{id}/acknowledge",
            post(alerts::acknowledge),
        )
}

/// A form of named rows as the browser sent it. A body that is not a form at all (another
/// content type) reads as an empty form, which every such form refuses field by field.
pub(crate) fn fields_of(form: Result<Form<Fields>, FormRejection>) -> Fields {
    form.map(|Form(fields)| fields).unwrap_or_default()
}

/// 303 to `to` with a flash for the page there: the form's name, what it kept, and the
/// problem if there was one.
pub(crate) async fn back(
    state: &AppState,
    session_id: &str,
    to: &str,
    form: &str,
    values: BTreeMap<String, String>,
    error: Option<AppError>,
) -> Response {
    let flash = Flash {
        form: form.to_owned(),
        values,
        errors: error.as_ref().map(|e| e.errors.clone()).unwrap_or_default(),
        error: error.map(|e| e.code),
    };
    if let Err(err) = sessions::set_flash(&state.db, session_id, &flash).await {
        tracing::warn!(error = %err, "cannot keep the console form's outcome");
    }
    // A new address each time, so that a router already on the page loads it again.
    let to = format!(
        "{to}{}at={}",
        if to.contains('?') { '&' } else { '?' },
        Utc::now().timestamp_millis()
    );
    Redirect::to(&to).into_response()
}

/// The console's sign-in form: the API's credentials and where to go after.
#[derive(Deserialize)]
struct SignInForm {
    #[serde(flatten)]
    credentials: staff_auth::StaffSignIn,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return Redirect::to("/admin/sign-in?error=invalid_parameter").into_response();
    };
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    match staff_auth::sign_in(&state, &form.credentials, &parts).await {
        Ok(started) => {
            let next = console_next(Some(&form.next));
            (
                [(header::SET_COOKIE, cookies.start_staff(&started.token))],
                Redirect::to(&next),
            )
                .into_response()
        }
        Err(error) => {
            let to = format!(
                "/admin/sign-in?error={}&username={}",
                serde_json::to_value(error.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                form_urlencoded::byte_serialize(form.credentials.username.trim().as_bytes())
                    .collect::<String>()
            );
            Redirect::to(&to).into_response()
        }
    }
}

async fn sign_out(State(state): State<AppState>, parts: Parts) -> Response {
    if let Some(current) = parts.extensions.get::<CurrentStaff>()
        && let Err(err) = session::destroy(&state.db, &current.session_id).await
    {
        tracing::warn!(error = %err, "cannot end the staff session");
    }
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    (
        [(header::SET_COOKIE, cookies.end_staff())],
        Redirect::to("/admin/sign-in"),
    )
        .into_response()
}

async fn act(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(number): Path<ApplicationNumber>,
    form: Result<Form<TaskActionRequest>, FormRejection>,
) -> Response {
    let to = format!("/admin/cases/{number}");
    let (result, values) = match form_of(form) {
        Ok(request) => {
            let mut values = BTreeMap::from([("action".to_owned(), request.action.clone())]);
            let typed = request.typed();
            let result = tasks::act(&state, &staff.actor, &number, request).await;
            if result.is_err() {
                // What was typed comes back into the form.
                values.extend(typed);
            }
            (result.map(|_| ()), values)
        }
        Err(err) => (Err(err), BTreeMap::new()),
    };
    back(&state, &staff.session_id, &to, "case", values, result.err()).await
}

/// The form body a page sent, or the problem to give back when it is not one it sends (a
/// field given twice, a value of the wrong kind).
pub(crate) fn form_of<T>(form: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    form.map(|Form(value)| value)
        .map_err(|_| AppError::new(ErrorCode::InvalidParameter))
}

/// The resident search form: what was searched travels in the staff session's flash to the
/// search page, never in an address (an ID number in a URL ends up in logs and histories).
#[derive(Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
}

async fn search_residents(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<SearchForm>, FormRejection>,
) -> Response {
    let q = form.map(|Form(form)| form.q).unwrap_or_default();
    let values = BTreeMap::from([("q".to_owned(), q)]);
    back(
        &state,
        &staff.session_id,
        "/admin/residents",
        "resident_search",
        values,
        None,
    )
    .await
}

async fn reveal(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<ResidentId>,
    form: Result<Form<RevealRequest>, FormRejection>,
) -> Response {
    let to = format!("/admin/residents/{id}");
    let request = match form_of(form) {
        Ok(request) => request,
        Err(err) => {
            return back(
                &state,
                &staff.session_id,
                &to,
                "reveal",
                BTreeMap::new(),
                Some(err),
            )
            .await;
        }
    };
    let field = request.field.as_str();
    match residents::reveal(&state, &staff.actor, id, &request).await {
        Ok(full) => {
            let values = BTreeMap::from([(format!("revealed_{field}"), full.into_inner())]);
            back(&state, &staff.session_id, &to, "reveal", values, None).await
        }
        Err(err) => {
            let values = BTreeMap::from([("field".to_owned(), field.to_owned())]);
            back(&state, &staff.session_id, &to, "reveal", values, Some(err)).await
        }
    }
}

async fn add_tag(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<ResidentId>,
    form: Result<Form<TagRequest>, FormRejection>,
) -> Response {
    let result = match form_of(form) {
        Ok(request) => residents::add_tag(&state, &staff.actor, id, &request).await,
        Err(err) => Err(err),
    };
    let to = format!("/admin/residents/{id}");
    back(
        &state,
        &staff.session_id,
        &to,
        "tag",
        BTreeMap::new(),
        result.err(),
    )
    .await
}

async fn remove_tag(
    State(state): State<AppState>,
    staff: FormStaff,
    Path((id, code)): Path<(ResidentId, String)>,
    form: Result<Form<Reason>, FormRejection>,
) -> Response {
    let result = match form_of(form) {
        Ok(reason) => residents::remove_tag(&state, &staff.actor, id, &code, &reason).await,
        Err(err) => Err(err),
    };
    let to = format!("/admin/residents/{id}");
    let values = BTreeMap::from([("tag".to_owned(), code)]);
    back(
        &state,
        &staff.session_id,
        &to,
        "untag",
        values,
        result.err(),
    )
    .await
}

async fn end_session(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<String>,
) -> Response {
    let result = staff_accounts::end_session(&state.db, &staff.actor, &id, Utc::now()).await;
    back(
        &state,
        &staff.session_id,
        "/admin/sessions",
        "sessions",
        BTreeMap::new(),
        result.err(),
    )
    .await
}

/// `POST /admin/forms/staff/{id}/disable|enable` (administrators).
async fn set_staff_active(
    State(state): State<AppState>,
    staff: FormStaff,
    Path((id, change)): Path<(domain::ids::StaffId, String)>,
) -> Response {
    let result = match change.as_str() {
        "disable" | "enable" => {
            let active = change == "enable";
            staff_accounts::set_active_by(&state.db, &staff.actor, id, active, Utc::now()).await
        }
        _ => Err(AppError::not_found()),
    };
    back(
        &state,
        &staff.session_id,
        "/admin/sessions",
        "sessions",
        BTreeMap::new(),
        result.err(),
    )
    .await
}
