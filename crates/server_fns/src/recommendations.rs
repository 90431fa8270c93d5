//! The resident's "for you" list (事项找人) for the pages.

use domain::error::AppError;
use domain::recommendation::ForYouItem;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The signed-in resident's recommendations (listing marks them read).
#[server(prefix = "/rpc", endpoint = "me/recommendations", input = GetUrl)]
pub async fn my_recommendations() -> Result<Vec<ForYouItem>, AppError> {
    store::recommendations::for_you(&super::db()?, super::resident_id()?, chrono::Utc::now()).await
}
