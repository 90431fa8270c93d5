//! The resident's messages for the pages.

use domain::error::AppError;
use domain::notification::NotificationPage;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "me/messages", input = GetUrl)]
pub async fn my_messages() -> Result<NotificationPage, AppError> {
    store::notifications::list(&super::db()?, super::resident_id()?, 50).await
}
