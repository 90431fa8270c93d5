//! 差评整改: the case a bad review opens for the responsible department, and its closed loop.
//!
//! ```text
//!            answer (on the spot / by a deadline / explained)
//!   open ───────────────────────────────────────────────▶ answered ──satisfied, basically,──▶ closed
//!    │  ▲                                                    │        or silence until the
//!    │  │ appeal rejected                                    │        feedback window ends
//!    │  │ or returned by a supervisor                        │ unsatisfied
//!    │  │                                                    ▼
//!    └──┴─ appeal (within 3 working days) ─▶ appealed     escalated ──supervisor resolves──▶ closed
//!                                              │ upheld: the rating leaves the figures
//!                                              └──────────────────────────────────────────▶ closed
//! ```
//!
//! Every bad review reaches `closed`. The department's part is its response (answer or appeal);
//! it is on time when that came by `due_at`.
use crate::ids::ApplicationNumber;

use super::rating::{IndicatorScores, RatingTag, Score};
use super::text::LocalizedText;
use chrono::{DateTime, NaiveDate, Utc};
use i18n::{Locale, td_string};
use serde::{Deserialize, Serialize};

/// The longest answer, appeal reason, decision note or resident comment.
pub const MAX_TEXT: u32 = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum RectificationStatus {
    /// Waiting for the department's answer.
    Open,
    /// Answered; waiting for the resident's feedback.
    Answered,
    /// The department appealed; waiting for a supervisor.
    Appealed,
    /// The resident was not satisfied with the answer; waiting for a supervisor.
    Escalated,
    Closed,
}

impl RectificationStatus {
    pub const ALL: [RectificationStatus; 5] = [
        RectificationStatus::Open,
        RectificationStatus::Answered,
        RectificationStatus::Appealed,
        RectificationStatus::Escalated,
        RectificationStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RectificationStatus::Open => "open",
            RectificationStatus::Answered => "answered",
            RectificationStatus::Appealed => "appealed",
            RectificationStatus::Escalated => "escalated",
            RectificationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            RectificationStatus::Open => td_string!(locale, ratings.status_open),
            RectificationStatus::Answered => td_string!(locale, ratings.status_answered),
            RectificationStatus::Appealed => td_string!(locale, ratings.status_appealed),
            RectificationStatus::Escalated => td_string!(locale, ratings.status_escalated),
            RectificationStatus::Closed => td_string!(locale, ratings.status_closed),
        }
    }
}

/// How the department answers a bad review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum Classification {
    /// 立行立改: fixed on the spot.
    OnTheSpot,
    /// 限期整改: fixed by a date (a ledger entry).
    ByDeadline,
    /// 解释说明: no legal basis to change; explained to the resident.
    Explained,
    /// 申诉: the rating is believed mistaken or malicious; a supervisor decides.
    Appealed,
}

impl Classification {
    pub const ALL: [Classification; 4] = [
        Classification::OnTheSpot,
        Classification::ByDeadline,
        Classification::Explained,
        Classification::Appealed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::OnTheSpot => "on_the_spot",
            Classification::ByDeadline => "by_deadline",
            Classification::Explained => "explained",
            Classification::Appealed => "appealed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Classification::OnTheSpot => td_string!(locale, ratings.class_on_the_spot),
            Classification::ByDeadline => td_string!(locale, ratings.class_by_deadline),
            Classification::Explained => td_string!(locale, ratings.class_explained),
            Classification::Appealed => td_string!(locale, ratings.class_appealed),
        }
    }
}

/// The resident's rating of the department's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum Feedback {
    Satisfied,
    BasicallySatisfied,
    /// Escalates to a supervisor.
    Unsatisfied,
}

impl Feedback {
    pub const ALL: [Feedback; 3] = [
        Feedback::Satisfied,
        Feedback::BasicallySatisfied,
        Feedback::Unsatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::Satisfied => "satisfied",
            Feedback::BasicallySatisfied => "basically_satisfied",
            Feedback::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Feedback::Satisfied => td_string!(locale, ratings.feedback_satisfied),
            Feedback::BasicallySatisfied => {
                td_string!(locale, ratings.feedback_basically_satisfied)
            }
            Feedback::Unsatisfied => td_string!(locale, ratings.feedback_unsatisfied),
        }
    }

    /// The status the rectification moves to.
    pub fn next_status(self) -> RectificationStatus {
        match self {
            Feedback::Unsatisfied => RectificationStatus::Escalated,
            _ => RectificationStatus::Closed,
        }
    }
}

/// A supervisor's decision on an appeal or an escalated rectification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Decision {
    /// Appeal: the rating was mistaken or malicious; it leaves the figures, the case closes.
    Uphold,
    /// Appeal: the department must answer after all.
    Reject,
    /// Escalation: the supervisor closes it with a resolution.
    Resolve,
    /// Escalation: back to the department with an instruction and a new deadline.
    Return,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Uphold => "uphold",
            Decision::Reject => "reject",
            Decision::Resolve => "resolve",
            Decision::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Decision::Uphold,
            Decision::Reject,
            Decision::Resolve,
            Decision::Return,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Which status a decision applies to, and where it leads.
    pub fn transition(self) -> (RectificationStatus, RectificationStatus) {
        use RectificationStatus::*;
        match self {
            Decision::Uphold => (Appealed, Closed),
            Decision::Reject => (Appealed, Open),
            Decision::Resolve => (Escalated, Closed),
            Decision::Return => (Escalated, Open),
        }
    }
}

/// Whether a rectification in `status`, due at `due_at`, is late at `now`: only the
/// department's own wait (open) can be.
pub fn is_overdue(status: RectificationStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == RectificationStatus::Open && now > due_at
}

/// The rectification on-time rate: closed on time ÷ (closed + still open and overdue).
/// None when there is nothing to measure yet.
pub fn on_time_rate(closed_on_time: u64, closed: u64, open_overdue: u64) -> Option<f64> {
    let base = closed + open_overdue;
    (base > 0).then(|| closed_on_time as f64 / base as f64)
}

/// What the resident sees of the rectification their bad review opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RectificationForResident {
    pub id: i64,
    pub status: RectificationStatus,
    pub due_at: DateTime<Utc>,
    /// Shown once answered (an appeal's reason stays among staff).
    pub classification: Option<Classification>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub fix_due_on: Option<NaiveDate>,
    pub feedback: Option<Feedback>,
    pub resident_comment: Option<String>,
    /// While answered: the resident may re-rate until then.
    pub feedback_due_at: Option<DateTime<Utc>>,
    /// A supervisor's resolution, after an escalation.
    pub resolution: Option<String>,
    pub can_give_feedback: bool,
}

/// One rectification as staff see it in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RectificationRow {
    pub id: i64,
    pub status: RectificationStatus,
    /// The rated application: for supervisors only. Through it a department would learn
    /// who rated it.
    pub application_number: Option<ApplicationNumber>,
    pub department: LocalizedText,
    pub service: LocalizedText,
    pub score: Score,
    pub tags: Vec<RatingTag>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
}

/// The rectifications list with its counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RectificationList {
    pub rows: Vec<RectificationRow>,
    /// Per status, in `RectificationStatus::ALL` order.
    pub counts: Vec<(RectificationStatus, u64)>,
    pub overdue: u64,
    pub status: Option<RectificationStatus>,
}

/// One rectification as staff work it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RectificationCase {
    pub id: i64,
    pub status: RectificationStatus,
    /// The rated application: for supervisors only (see [`RectificationRow`]).
    pub application_number: Option<ApplicationNumber>,
    pub department: LocalizedText,
    pub service: LocalizedText,
    /// The staff member who handled the application.
    pub handled_by: Option<String>,
    pub score: Score,
    pub indicators: IndicatorScores,
    pub tags: Vec<RatingTag>,
    pub comment: Option<String>,
    pub rated_at: DateTime<Utc>,
    /// Who rated: only for supervisors.
    pub rater: Option<String>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub classification: Option<Classification>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub fix_due_on: Option<NaiveDate>,
    pub appeal_due_at: Option<DateTime<Utc>>,
    pub appeal_reason: Option<String>,
    pub appeal_status: Option<String>,
    pub appeal_note: Option<String>,
    pub feedback: Option<Feedback>,
    pub resident_comment: Option<String>,
    pub feedback_due_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    /// The latest supervisor's instruction (督办) when an escalation was returned.
    pub instruction: Option<String>,
    pub excluded: bool,
    pub closed_at: Option<DateTime<Utc>>,
    /// What this member of staff may do now.
    pub can_answer: bool,
    pub can_appeal: bool,
    pub can_decide: bool,
}

crate::stored::stored_as_words!(RectificationStatus, Classification, Feedback);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_time_counts_late_open_cases_against_the_department() {
        assert_eq!(on_time_rate(0, 0, 0), None);
        assert_eq!(on_time_rate(3, 4, 0), Some(0.75));
        // 3 closed on time of 4 closed, and 2 still open past their deadline.
        assert_eq!(on_time_rate(3, 4, 2), Some(0.5));
        assert_eq!(on_time_rate(0, 0, 1), Some(0.0));
    }

    #[test]
    fn only_an_open_case_past_its_deadline_is_overdue() {
        let due = "2026-06-05T15:59:59Z"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        let later = due + chrono::Duration::minutes(1);
        assert!(is_overdue(RectificationStatus::Open, due, later));
        assert!(!is_overdue(RectificationStatus::Open, due, due));
        assert!(!is_overdue(RectificationStatus::Answered, due, later));
        assert!(!is_overdue(RectificationStatus::Escalated, due, later));
    }

    #[test]
    fn feedback_and_decisions_lead_where_the_loop_says() {
        assert_eq!(
            Feedback::Unsatisfied.next_status(),
            RectificationStatus::Escalated
        );
        assert_eq!(
            Feedback::BasicallySatisfied.next_status(),
            RectificationStatus::Closed
        );
        assert_eq!(
            Decision::Reject.transition(),
            (RectificationStatus::Appealed, RectificationStatus::Open)
        );
        assert_eq!(
            Decision::Return.transition(),
            (RectificationStatus::Escalated, RectificationStatus::Open)
        );
        for s in RectificationStatus::ALL {
            assert_eq!(RectificationStatus::parse(s.as_str()), Some(s));
        }
    }
}
