//! The console's campaigns for the pages, with their conversion.

use domain::campaign::CampaignView;
use domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "staff/campaigns", input = GetUrl)]
pub async fn get_campaigns() -> Result<Vec<CampaignView>, AppError> {
    store::campaigns::list(&super::db()?, &super::staff()?, chrono::Utc::now()).await
}
