//! The console's segment builder for the pages: its choices and the live preview of a rule.

use domain::error::AppError;
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
