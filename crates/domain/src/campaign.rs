//! A campaign: one service pushed to the members of a segment (事项找人), with a message,
//! a schedule, a weekly frequency cap and quiet hours; large ones wait for a supervisor.
//!
//! ```text
//! draft ──submit──▶ scheduled ──(due, outside quiet hours)──▶ sending ──(last batch)──▶ sent
//!   │                  ▲
//!   └──submit (audience above the approval threshold)──▶ pending_approval ──approve──┘
//! draft / pending_approval / scheduled ──cancel──▶ cancelled
//! ```

use crate::validation::{FieldError, Problem, too_long};
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: u32 = 100;
pub const MESSAGE_MAX: u32 = 500;
/// The placeholders a message may hold, replaced for each resident.
pub const PLACEHOLDERS: [&str; 3] = ["{name}", "{service}", "{reason}"];
/// Campaigns reaching more residents than this need a supervisor's approval (default).
pub const DEFAULT_APPROVAL_THRESHOLD: i64 = 1000;
pub const DEFAULT_FREQUENCY_CAP: u8 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum CampaignStatus {
    Draft,
    PendingApproval,
    Scheduled,
    /// Being sent, a batch of residents at a time (by a background job, never a request).
    Sending,
    Sent,
    Cancelled,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 6] = [
        CampaignStatus::Draft,
        CampaignStatus::PendingApproval,
        CampaignStatus::Scheduled,
        CampaignStatus::Sending,
        CampaignStatus::Sent,
        CampaignStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::PendingApproval => "pending_approval",
            CampaignStatus::Scheduled => "scheduled",
            CampaignStatus::Sending => "sending",
            CampaignStatus::Sent => "sent",
            CampaignStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn may_cancel(self) -> bool {
        matches!(
            self,
            CampaignStatus::Draft | CampaignStatus::PendingApproval | CampaignStatus::Scheduled
        )
    }
}

/// Where a submitted campaign goes: straight to the schedule, or to a supervisor first.
pub fn after_submit(audience: i64, approval_threshold: i64) -> CampaignStatus {
    if audience > approval_threshold {
        CampaignStatus::PendingApproval
    } else {
        CampaignStatus::Scheduled
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDraft {
    pub name: String,
    /// The service's code (事项编码).
    pub service_code: String,
    pub segment_id: i64,
    pub message: String,
    /// Send at this moment; now when left out.
    #[serde(default)]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// No resident gets more than this many campaign pushes in seven days.
    #[serde(default = "default_cap")]
    pub frequency_cap: u8,
    /// China time; nothing is sent from `quiet_from` to `quiet_until` (may cross midnight).
    #[serde(default)]
    pub quiet_from: Option<NaiveTime>,
    #[serde(default)]
    pub quiet_until: Option<NaiveTime>,
}

fn default_cap() -> u8 {
    DEFAULT_FREQUENCY_CAP
}

impl CampaignDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", Problem::Required));
        } else if too_long(&self.name, NAME_MAX) {
            errors.push(FieldError::new("name", Problem::TooLong { max: NAME_MAX }));
        }
        if self.service_code.trim().is_empty() {
            errors.push(FieldError::new("service_code", Problem::Required));
        }
        if self.message.trim().is_empty() {
            errors.push(FieldError::new("message", Problem::Required));
        } else if too_long(&self.message, MESSAGE_MAX) {
            errors.push(FieldError::new(
                "message",
                Problem::TooLong { max: MESSAGE_MAX },
            ));
        } else if !unknown_placeholders(&self.message).is_empty() {
            errors.push(FieldError::new("message", Problem::InvalidFormat));
        }
        if !(1..=14).contains(&self.frequency_cap) {
            errors.push(FieldError::new(
                "frequency_cap",
                Problem::OutOfRange { min: 1, max: 14 },
            ));
        }
        if self.quiet_from.is_some() != self.quiet_until.is_some()
            || (self.quiet_from.is_some() && self.quiet_from == self.quiet_until)
        {
            errors.push(FieldError::new("quiet_until", Problem::Required));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `{word}`s in the message that are not one of [`PLACEHOLDERS`].
pub fn unknown_placeholders(message: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        match after.find('}') {
            Some(close) => {
                let word = &after[..=close];
                if !PLACEHOLDERS.contains(&word) {
                    unknown.push(word.to_owned());
                }
                rest = &after[close + 1..];
            }
            None => {
                unknown.push(after.to_owned());
                break;
            }
        }
    }
    unknown
}

/// The message for one resident.
pub fn render_message(template: &str, name: &str, service: &str, reason: &str) -> String {
    template
        .replace("{name}", name)
        .replace("{service}", service)
        .replace("{reason}", reason)
}

/// Whether China time `at` falls in the quiet hours (`from` inclusive, `until` exclusive;
/// `from` after `until` means the hours cross midnight).
pub fn in_quiet_hours(at: NaiveTime, from: Option<NaiveTime>, until: Option<NaiveTime>) -> bool {
    match (from, until) {
        (Some(from), Some(until)) if from < until => at >= from && at < until,
        (Some(from), Some(until)) if from > until => at >= from || at < until,
        _ => false,
    }
}

/// Whether a campaign's time has come at `now` (no time set means at once).
pub fn time_has_come(scheduled_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    scheduled_at.is_none_or(|at| at <= now)
}

/// Whether a scheduled campaign may start sending at `now`: its time has come and it is not
/// in its quiet hours. The one rule behind a submit that starts at once and the job that
/// starts the campaigns whose time came later.
pub fn may_start(
    scheduled_at: Option<DateTime<Utc>>,
    quiet_from: Option<NaiveTime>,
    quiet_until: Option<NaiveTime>,
    now: DateTime<Utc>,
) -> bool {
    time_has_come(scheduled_at, now) && !in_quiet_hours(china_time(now), quiet_from, quiet_until)
}

/// The time of day in China, which quiet hours are given in.
pub fn china_time(now: DateTime<Utc>) -> NaiveTime {
    (now + chrono::Duration::hours(8)).time()
}

/// What a campaign led to: each count is of recommendations it created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Conversion {
    pub delivered: i64,
    pub read: i64,
    pub clicked: i64,
    pub applied: i64,
    pub dismissed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    pub id: i64,
    pub name: String,
    pub service_code: String,
    pub service_name: String,
    pub segment_id: i64,
    pub segment_name: String,
    pub message: String,
    pub status: CampaignStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub frequency_cap: u8,
    pub quiet_from: Option<NaiveTime>,
    pub quiet_until: Option<NaiveTime>,
    /// Residents it would reach now (dry run) or reached (once sent).
    pub audience: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub conversion: Conversion,
}

impl CampaignView {
    /// Whether only a sender is missing: scheduled, and its time has come (quiet hours are
    /// the sender's to respect).
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.status == CampaignStatus::Scheduled && time_has_come(self.scheduled_at, now)
    }
}

crate::stored::stored_as_words!(CampaignStatus);

#[cfg(test)]
mod tests {
    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("a time")
    }

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let (from, until) = (Some(time(21, 0)), Some(time(8, 0)));
        assert!(in_quiet_hours(time(23, 30), from, until));
        assert!(in_quiet_hours(time(7, 59), from, until));
        assert!(!in_quiet_hours(time(8, 0), from, until));
        assert!(!in_quiet_hours(time(12, 0), from, until));
        assert!(in_quiet_hours(
            time(12, 30),
            Some(time(12, 0)),
            Some(time(14, 0))
        ));
        assert!(!in_quiet_hours(time(12, 30), None, None));
    }

    #[test]
    fn a_campaign_starts_when_its_time_came_outside_quiet_hours() {
        // 2027-01-15 04:00 UTC is 12:00 in China.
        let noon = DateTime::parse_from_rfc3339("2027-01-15T04:00:00Z")
            .expect("a moment")
            .to_utc();
        let hour = chrono::Duration::hours(1);
        assert_eq!(china_time(noon), time(12, 0));
        assert!(may_start(None, None, None, noon));
        assert!(may_start(Some(noon - hour), None, None, noon));
        assert!(!may_start(Some(noon + hour), None, None, noon));
        let lunch = (Some(time(11, 30)), Some(time(13, 0)));
        assert!(!may_start(None, lunch.0, lunch.1, noon));
        assert!(may_start(None, lunch.0, lunch.1, noon + hour));
    }

    #[test]
    fn only_known_placeholders_are_allowed() {
        assert!(unknown_placeholders("{name}您好，{reason}，可申请{service}").is_empty());
        assert_eq!(unknown_placeholders("{nmae}您好"), vec!["{nmae}"]);
        assert_eq!(unknown_placeholders("您好 {name"), vec!["{name"]);
        assert_eq!(
            render_message(
                "{name}您好，{reason}，可申请{service}。",
                "张三",
                "高龄津贴",
                "因为您年满80周岁"
            ),
            "张三您好，因为您年满80周岁，可申请高龄津贴。"
        );
    }

    #[test]
    fn large_campaigns_wait_for_a_supervisor() {
        assert_eq!(after_submit(1000, 1000), CampaignStatus::Scheduled);
        assert_eq!(after_submit(1001, 1000), CampaignStatus::PendingApproval);
    }

    #[test]
    fn only_a_scheduled_campaign_whose_time_came_is_due() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("a moment");
        let campaign = |status, scheduled_at| CampaignView {
            id: 1,
            name: String::new(),
            service_code: String::new(),
            service_name: String::new(),
            segment_id: 1,
            segment_name: String::new(),
            message: String::new(),
            status,
            scheduled_at,
            frequency_cap: 1,
            quiet_from: None,
            quiet_until: None,
            audience: 0,
            sent_at: None,
            conversion: Conversion::default(),
        };
        let tomorrow = now + chrono::Duration::days(1);
        assert!(campaign(CampaignStatus::Scheduled, None).is_due(now));
        assert!(campaign(CampaignStatus::Scheduled, Some(now)).is_due(now));
        assert!(!campaign(CampaignStatus::Scheduled, Some(tomorrow)).is_due(now));
        assert!(!campaign(CampaignStatus::PendingApproval, None).is_due(now));
        assert!(!campaign(CampaignStatus::Cancelled, None).is_due(now));
    }

    #[test]
    fn a_draft_with_problems_names_each() {
        let draft = CampaignDraft {
            name: String::new(),
            service_code: "X".into(),
            segment_id: 1,
            message: "{nmae}".into(),
            scheduled_at: None,
            frequency_cap: 0,
            quiet_from: Some(time(21, 0)),
            quiet_until: None,
        };
        let fields: Vec<String> = draft
            .validate()
            .expect_err("problems")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "message", "frequency_cap", "quiet_until"]);
    }
}
