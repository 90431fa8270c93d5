//! Policy simulation over JSON, `POST /api/v1/staff/simulations`: whom one or two drafted
//! eligibility rules with a monthly benefit would reach now and in a year, by district and
//! age band, the yearly cost, and how many already receive a similar service. Nothing is
//! stored (but the audit line) and nothing is sent.

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use domain::error::ApiErrorBody;
use domain::simulation::{Simulation, SimulationRequest};

/// Simulate one policy, or two side by side.
#[utoipa::path(
    post,
    path = "/api/v1/staff/simulations",
    tag = "management",
    request_body = SimulationRequest,
    responses(
        (status = 200, description = "One outcome per draft, in the drafts' order; counts under 10 are shown as `fewer_than_ten` and their cost as a bound", body = Simulation),
        (status = 400, description = "`invalid_parameter`: the body is not JSON", body = ApiErrorBody),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not simulate policies (department heads and supervisors may); `cross_site_request`: sent from another site", body = ApiErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over the limit", body = ApiErrorBody),
        (status = 415, description = "`invalid_parameter`: the body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "`validation_failed`: no draft or more than two, a rule the builder would refuse, an amount over 100 000 yuan a month, or an unknown similar service, each field named `drafts.N.…`; `invalid_parameter`: JSON of another shape", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: too many previews and simulations in a minute, or the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn simulate(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(request): Json<SimulationRequest>,
) -> Result<Json<Simulation>, ApiError> {
    Ok(Json(
        store::simulation::simulate(&state.db, &actor, &request, Utc::now()).await?,
    ))
}
