//! Server function of the policy simulation page (heads and supervisors).

use domain::error::AppError;
use domain::simulation::{Simulation, SimulationRequest};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Whom one or two drafted policies would reach now and in a year, and at what cost. The
/// drafts hold rule trees, so they travel as JSON.
#[server(prefix = "/rpc", endpoint = "staff/simulation", input = Json)]
pub async fn simulate_policies(request: SimulationRequest) -> Result<Simulation, AppError> {
    store::simulation::simulate(
        &super::db()?,
        &super::staff()?,
        &request,
        chrono::Utc::now(),
    )
    .await
}
