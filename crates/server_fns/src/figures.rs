//! Server functions of the satisfaction figures: the console's page (staff, in their scope)
//! and the public page (no sign-in; small numbers suppressed in the store).

use domain::error::AppError;
use domain::figures::{FiguresQuery, PublicSatisfaction, StaffFigures};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "staff/figures", input = GetUrl)]
pub async fn get_staff_figures(query: Option<FiguresQuery>) -> Result<StaffFigures, AppError> {
    // Optional: an empty query travels as an empty query string.
    let query = query.unwrap_or_default();
    store::figures::staff_figures(
        &super::db()?,
        &super::staff()?,
        query,
        &super::policy(),
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "satisfaction", input = GetUrl)]
pub async fn get_public_satisfaction(
    month: Option<String>,
) -> Result<PublicSatisfaction, AppError> {
    store::figures::public_satisfaction(
        &super::db()?,
        domain::figures::MonthQuery { month },
        chrono::Utc::now(),
    )
    .await
}
