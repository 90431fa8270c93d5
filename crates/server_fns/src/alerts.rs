//! Server function of the alerts page (heads: their department's; supervisors: all).

use domain::alert::{AlertList, AlertState};
use domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The open alerts, or the closed ones (the history).
#[server(prefix = "/rpc", endpoint = "staff/alerts", input = GetUrl)]
pub async fn get_alerts(state: AlertState) -> Result<AlertList, AppError> {
    store::alerts::list(&super::db()?, &super::staff()?, state).await
}
