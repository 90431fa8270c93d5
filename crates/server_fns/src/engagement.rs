//! 事项找人 for the pages: the console's segment builder (choices, live preview), campaigns
//! with their conversion, and the resident's "for you" list. Each a thin call into `store`,
//! which checks the role.

use domain::campaign::CampaignView;
use domain::error::AppError;
use domain::recommendation::ForYouItem;
use domain::rule::Rule;
use domain::segment::{BuilderOptions, SegmentPreview};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(prefix = "/rpc", endpoint = "staff/segment-options", input = GetUrl)]
pub async fn segment_options() -> Result<BuilderOptions, AppError> {
    store::segments::options(&super::db()?, &super::staff()?).await
}

/// Count, districts, age bands and a masked sample of the rule's members now. The rule is a
/// tree, so it travels as JSON (a URL-encoded form cannot carry it).
#[server(prefix = "/rpc", endpoint = "staff/segment-preview", input = Json)]
pub async fn preview_segment(rule: Rule) -> Result<SegmentPreview, AppError> {
    store::segments::preview(&super::db()?, &super::staff()?, &rule, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "staff/campaigns", input = GetUrl)]
pub async fn get_campaigns() -> Result<Vec<CampaignView>, AppError> {
    store::campaigns::list(&super::db()?, &super::staff()?, chrono::Utc::now()).await
}

/// The signed-in resident's recommendations (listing marks them read).
#[server(prefix = "/rpc", endpoint = "me/recommendations", input = GetUrl)]
pub async fn my_recommendations() -> Result<Vec<ForYouItem>, AppError> {
    store::recommendations::for_you(&super::db()?, super::resident_id()?, chrono::Utc::now()).await
}
