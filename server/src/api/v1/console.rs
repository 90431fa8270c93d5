//! The staff console's JSON API under `/api/v1/staff`: sign-in, the queue, cases and their
//! actions, resident records, the audit log and staff sessions. Every handler checks the
//! staff session; scope and role are checked again inside each store function.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::auth::{Staff, session, staff as staff_auth};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases::residents::{self, Reason, RevealRequest, TagRequest};
use crate::usecases::tasks::{self, TaskActionRequest};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::application::ApplicationDetail;
use domain::console::{
    ApplicationForStaff, AuditPage, AuditQuery, ConsoleHome, PersonalField, QueueFilter, QueuePage,
    ResidentHit, ResidentRecord, StaffSessionView,
};
use domain::personal::Revealed;
use domain::staff::StaffMember;
use serde::{Deserialize, Serialize};
use store::applications::for_staff;
use store::{CurrentStaff, audit, queue, resident_records, staff_accounts};

/// Sign in as staff: sets the staff cookie, returns who signed in.
pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    Json(form): Json<staff_auth::StaffSignIn>,
) -> Result<Response, ApiError> {
    let started = staff_auth::sign_in(&state, &form, &parts).await?;
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    let me = staff_accounts::member(&state.db, started.staff_id).await?;
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, cookies.start_staff(&started.token))],
        Json(me),
    )
        .into_response())
}

/// Sign out of the console.
pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Some(current) = parts.extensions.get::<CurrentStaff>() {
        session::destroy(&state.db, &current.session_id).await?;
    }
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookies.end_staff())],
    )
        .into_response())
}

pub async fn me(Staff(actor): Staff) -> Json<StaffMember> {
    Json(actor.member)
}

pub async fn home(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<ConsoleHome>, ApiError> {
    Ok(Json(
        queue::home(&state.db, &actor, &state.settings.satisfaction, Utc::now()).await?,
    ))
}

pub async fn queue_page(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(filter): Query<QueueFilter>,
) -> Result<Json<QueuePage>, ApiError> {
    Ok(Json(
        queue::page(&state.db, &actor, filter, Utc::now()).await?,
    ))
}

pub async fn case(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationForStaff>, ApiError> {
    Ok(Json(
        for_staff::view(&state.db, &actor, &number, Utc::now()).await?,
    ))
}

/// Act on a case. A stale `version` gets 409 `conflict`; the current state is then a GET
/// away.
pub async fn act(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(number): Path<ApplicationNumber>,
    Json(request): Json<TaskActionRequest>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    tasks::act(&state, &actor, &number, request).await?;
    let view = for_staff::view(&state.db, &actor, &number, Utc::now()).await?;
    Ok(Json(view.detail))
}

#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
}

/// `POST /api/v1/staff/residents/search` with `{"q": …}`: a body, not a query string, so
/// that an ID number searched for stays out of logs.
pub async fn search_residents(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(search): Json<Search>,
) -> Result<Json<Vec<ResidentHit>>, ApiError> {
    Ok(Json(
        resident_records::search(&state.db, &actor, &search.q, Utc::now()).await?,
    ))
}

pub async fn resident(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<ResidentId>,
) -> Result<Json<ResidentRecord>, ApiError> {
    Ok(Json(
        resident_records::view(&state.db, &actor, id, Utc::now()).await?,
    ))
}

#[derive(Serialize)]
pub struct Reveal {
    pub field: PersonalField,
    pub value: Revealed<String>,
}

/// Show a masked value in full; the reason is required and recorded.
pub async fn reveal(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<ResidentId>,
    Json(request): Json<RevealRequest>,
) -> Result<Json<Reveal>, ApiError> {
    let value = residents::reveal(&state, &actor, id, &request).await?;
    Ok(Json(Reveal {
        field: request.field,
        value,
    }))
}

pub async fn add_tag(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<ResidentId>,
    Json(request): Json<TagRequest>,
) -> Result<StatusCode, ApiError> {
    residents::add_tag(&state, &actor, id, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_tag(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path((id, code)): Path<(ResidentId, String)>,
    Json(reason): Json<Reason>,
) -> Result<StatusCode, ApiError> {
    residents::remove_tag(&state, &actor, id, &code, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn audit_search(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(audit::search(&state.db, &actor, query).await?))
}

/// The search's result as CSV.
pub async fn audit_csv(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let csv = audit::export_csv(&state.db, &actor, &query, Utc::now()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

pub async fn sessions(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<StaffSessionView>>, ApiError> {
    Ok(Json(
        staff_accounts::sessions(&state.db, &actor, Utc::now()).await?,
    ))
}

pub async fn end_session(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    staff_accounts::end_session(&state.db, &actor, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A file handed in with a case the member of staff may see.
pub async fn download(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let found = for_staff::attachment(&state.db, &actor, id, Utc::now()).await?;
    super::applications::attachment_response(&state, found).await
}
