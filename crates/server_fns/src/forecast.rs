//! Server function of the backlog forecast page (heads: their department; supervisors: all).

use domain::error::AppError;
use domain::forecast::BacklogForecast;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "staff/forecast", input = GetUrl)]
pub async fn get_backlog_forecast() -> Result<BacklogForecast, AppError> {
    store::forecast::backlog(&super::db()?, &super::staff()?, chrono::Utc::now()).await
}
