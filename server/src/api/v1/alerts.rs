//! Alerts over JSON (预警 · 告警): `GET /api/v1/staff/alerts` lists the open ones or the
//! history, `POST /api/v1/staff/alerts/{id}/acknowledge` acknowledges one with a note.
//! Department heads see their department's; supervisors every one, grids' included.

use crate::auth::Staff;
use crate::http::error::{ApiError, ApiQuery};
use crate::state::AppState;
use crate::usecases::alerts::{self, AcknowledgeAlert};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::alert::{AlertList, AlertState};
use domain::error::{ApiErrorBody, AppError, ErrorCode};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// `open` (default: new and acknowledged, alarms first) or `closed` (the history, the
    /// most recently closed first).
    #[serde(default)]
    pub state: Option<String>,
}

/// The open alerts of the viewer's scope, or the closed ones; at most 200.
#[utoipa::path(
    get,
    path = "/api/v1/staff/alerts",
    tag = "management",
    params(AlertsQuery),
    responses(
        (status = 200, description = "The alerts, with how many are open and how many of those are alarms", body = AlertList),
        (status = 400, description = "`invalid_parameter`: `state` is neither `open` nor `closed` (`field: state`)", body = ApiErrorBody),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not see alerts (department heads and supervisors may)", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Staff(actor): Staff,
    ApiQuery(query): ApiQuery<AlertsQuery>,
) -> Result<Json<AlertList>, ApiError> {
    let wanted = match query.state.as_deref().filter(|s| !s.is_empty()) {
        None => AlertState::Open,
        Some(s) => AlertState::parse(s)
            .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "state"))?,
    };
    Ok(Json(store::alerts::list(&state.db, &actor, wanted).await?))
}

/// Acknowledges an open alert with a note of what will be done (audited). An alert that
/// became an alarm after it was acknowledged asks for a new acknowledgement.
#[utoipa::path(
    post,
    path = "/api/v1/staff/alerts/{id}/acknowledge",
    tag = "management",
    params(("id" = i64, Path, description = "The alert")),
    request_body = AcknowledgeAlert,
    responses(
        (status = 204, description = "Acknowledged"),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not see alerts, or the request came from another site (`cross_site_request`)", body = ApiErrorBody),
        (status = 404, description = "`not_found`: no such alert in the viewer's scope", body = ApiErrorBody),
        (status = 409, description = "`invalid_state_change`: the alert is closed or already acknowledged", body = ApiErrorBody),
        (status = 422, description = "`validation_failed`: the note is missing or longer than 500 characters (`field: note`)", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(request): Json<AcknowledgeAlert>,
) -> Result<StatusCode, ApiError> {
    alerts::acknowledge(&state, &actor, id, request).await?;
    Ok(StatusCode::NO_CONTENT)
}
