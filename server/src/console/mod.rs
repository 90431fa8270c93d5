//! The staff console's form posts under `/admin/forms`. Like the portal's, each works as a
//! plain HTML form: it does the work, then redirects (303) to the page that shows the
//! result, with a problem (or a revealed value) kept in the staff session's flash for that
//! page.

pub mod catalog;
pub mod commands;
pub mod engagement;
pub mod rectifications;
pub mod surveys;

use crate::auth::{FormStaff, session, staff as staff_auth};
use crate::http::request::safe_next;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Utc;
use domain::console::PersonalField;
use domain::error::AppError;
use std::collections::BTreeMap;
use store::{CurrentStaff, Flash, resident_records, sessions, staff_accounts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/forms/sign-in", post(sign_in))
        .route("/admin/forms/sign-out", post(sign_out))
        .route("/admin/forms/cases/{number}", post(act))
        .route("/admin/forms/residents/{id}/reveal", post(reveal))
        .route("/admin/forms/residents/{id}/tags", post(add_tag))
        .route(
            "/admin/forms/residents/{id}/tags/{code}/remove",
            post(remove_tag),
        )
        .route("/admin/forms/sessions/{id}/end", post(end_session))
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
        .route("/admin/forms/segments", post(engagement::save_segment))
        .route("/admin/forms/campaigns", post(engagement::create_campaign))
        .route(
            "/admin/forms/campaigns/{id}/{step}",
            post(engagement::campaign_step),
        )
        .route("/admin/forms/surveys", post(surveys::create))
        .route("/admin/forms/surveys/{id}", post(surveys::update))
        .route(
            "/admin/forms/surveys/{id}/schedule",
            post(surveys::schedule),
        )
        .route("/admin/forms/surveys/{id}/close", post(surveys::close))
}

pub(crate) fn pairs(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// What a form typed, to give back with its problems: repeated keys (numbered rows' lists)
/// joined by line breaks.
pub(crate) fn typed(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for (key, value) in pairs {
        values
            .entry(key.clone())
            .and_modify(|v: &mut String| {
                v.push('\n');
                v.push_str(value);
            })
            .or_insert_with(|| value.clone());
    }
    values
}

pub(crate) fn value(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
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

async fn sign_in(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let pairs = pairs(&body);
    let form = staff_auth::StaffSignIn {
        username: value(&pairs, "username"),
        password: value(&pairs, "password"),
    };
    let secure = session::is_https(&parts.headers, state.settings.secure_cookies);
    match staff_auth::sign_in(&state, &form, &parts).await {
        Ok(started) => {
            let next = value(&pairs, "next");
            let next = if next.starts_with("/admin") {
                safe_next(Some(&next))
            } else {
                "/admin".to_owned()
            };
            (
                [(
                    header::SET_COOKIE,
                    session::set_staff_cookie(&started.token, secure),
                )],
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
                form_urlencoded::byte_serialize(form.username.trim().as_bytes())
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
    let secure = session::is_https(&parts.headers, state.settings.secure_cookies);
    (
        [(header::SET_COOKIE, session::clear_staff_cookie(secure))],
        Redirect::to("/admin/sign-in"),
    )
        .into_response()
}

async fn act(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let to = format!("/admin/cases/{number}");
    let action = value(&pairs, "action");
    let result = match commands::from_form(&pairs) {
        Ok(command) => commands::run(&state, &staff.actor, &number, command)
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    };
    let mut values = BTreeMap::from([("action".to_owned(), action)]);
    if result.is_err() {
        // What was typed comes back into the form.
        for key in ["note", "reason", "comment", "text"] {
            let typed = value(&pairs, key);
            if !typed.is_empty() {
                values.insert(key.to_owned(), typed);
            }
        }
    }
    back(&state, &staff.session_id, &to, "case", values, result.err()).await
}

async fn reveal(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let to = format!("/admin/residents/{id}");
    let field = match value(&pairs, "field").as_str() {
        "mobile" => PersonalField::Mobile,
        _ => PersonalField::IdNumber,
    };
    let reason = value(&pairs, "reason");
    match resident_records::reveal(&state.db, &staff.actor, id, field, &reason, Utc::now()).await {
        Ok(full) => {
            let values = BTreeMap::from([(format!("revealed_{}", field.as_str()), full)]);
            back(&state, &staff.session_id, &to, "reveal", values, None).await
        }
        Err(err) => {
            let values = BTreeMap::from([("field".to_owned(), field.as_str().to_owned())]);
            back(&state, &staff.session_id, &to, "reveal", values, Some(err)).await
        }
    }
}

async fn add_tag(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = resident_records::add_tag(
        &state.db,
        &staff.actor,
        id,
        &value(&pairs, "tag"),
        &value(&pairs, "reason"),
        Utc::now(),
    )
    .await;
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
    Path((id, code)): Path<(i64, String)>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = resident_records::remove_tag(
        &state.db,
        &staff.actor,
        id,
        &code,
        &value(&pairs, "reason"),
        Utc::now(),
    )
    .await;
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
