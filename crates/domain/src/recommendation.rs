//! A service recommended to a resident (事项找人), as the "for you" list shows it: what, why
//! in the resident's language, and where applying starts.

use crate::text::LocalizedText;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYouItem {
    pub id: i64,
    pub service_code: String,
    pub service_name: LocalizedText,
    pub category_code: String,
    pub category_name: LocalizedText,
    /// "因为您年满60周岁…" / "Because you are 60 or older …", explained for this resident.
    pub reason: LocalizedText,
    pub created_at: DateTime<Utc>,
    /// Not seen in the list before.
    pub new: bool,
    /// 免申即享: one tap confirms and the application is made from data already held.
    pub auto_grant: bool,
}

/// The link that starts an application for a recommended service, with the form prefilled
/// from the resident's record (the apply page does that for every signed-in resident).
pub fn apply_link(service_code: &str, recommendation_id: i64) -> String {
    format!("/apply/{service_code}?from=recommendation-{recommendation_id}")
}
