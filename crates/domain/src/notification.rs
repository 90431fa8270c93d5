//! The resident's inbox and the live stream that feeds open pages.
//!
//! Every state change of an application leaves a [`Notification`]; the same moment a
//! [`PushEvent`] goes to every open page of that resident over Server-Sent Events. The stream
//! carries several kinds of events (recommendations will join it), each a named SSE event.
use crate::ids::{ApplicationNumber, ResidentId};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    /// application_event, recommendation, rating_invitation, …
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the notification leads, a path of the portal.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// One event on a resident's live stream. Serialized as the SSE `data`, with
/// [`PushEvent::name`] as the SSE `event` name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PushEvent {
    /// A new message in the inbox, with the new unread count for the badge.
    Notification {
        notification: Notification,
        unread: i64,
    },
    /// An application changed: pages showing it reload its timeline.
    ApplicationUpdated { number: ApplicationNumber },
    /// A batch of a campaign was sent (事项找人): to the residents whose ids lie in
    /// `after < id <= through`. Published once for everyone (`resident_id` 0); each instance
    /// looks up the new messages of the residents in the batch with a page open on it and
    /// sends each of them a `notification`. Never reaches a browser.
    CampaignSent {
        campaign_id: i64,
        after: i64,
        through: i64,
    },
}

impl PushEvent {
    pub fn name(&self) -> &'static str {
        match self {
            PushEvent::Notification { .. } => "notification",
            PushEvent::ApplicationUpdated { .. } => "application_updated",
            PushEvent::CampaignSent { .. } => "campaign_sent",
        }
    }
}

/// A push addressed to one resident (or, with `resident_id` [`EVERYONE`], to every stream),
/// as it crosses instances (PostgreSQL NOTIFY payload).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Push {
    pub resident_id: ResidentId,
    pub event: PushEvent,
}

/// The `resident_id` of a push every stream receives.
pub const EVERYONE: ResidentId = ResidentId(0);
