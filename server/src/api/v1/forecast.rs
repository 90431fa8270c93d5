//! The backlog forecast over JSON, `GET /api/v1/staff/forecast`: for each service of the
//! viewer's scope, the running tasks by deadline day over the next working days, the recent
//! pace, the tasks expected to become overdue and the handlings a day that would prevent it.

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use domain::error::ApiErrorBody;
use domain::forecast::BacklogForecast;

/// The backlog forecast of the viewer's department (a head) or of every department (a
/// supervisor).
#[utoipa::path(
    get,
    path = "/api/v1/staff/forecast",
    tag = "management",
    responses(
        (status = 200, description = "One row per service with work waiting or decided in the last 8 weeks, those that will fall behind the most first", body = BacklogForecast),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not see forecasts (department heads and supervisors may)", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn backlog(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<BacklogForecast>, ApiError> {
    Ok(Json(
        store::forecast::backlog(&state.db, &actor, Utc::now()).await?,
    ))
}
