//! The application (办件) life cycle: which state changes exist and who may make them.
//!
//! draft → submitted → accepted → (supplement_requested ⇄ submitted) → approved | rejected →
//! completed, and withdrawn by the resident before a decision. A resident may also take a
//! submitted application back as a draft to correct it, within [`CORRECTION_MINUTES`] of
//! submitting and before any department has acted on it ([`correctable_until`]). The server
//! checks every change against [`ApplicationStatus::can_become`] before it records it.
use crate::ids::{ApplicationNumber, ResidentId};

use super::catalog::{FormField, Material};
use super::form::Answers;
use super::text::LocalizedText;
use super::validation::FieldError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
pub enum ApplicationStatus {
    Draft,
    Submitted,
    Accepted,
    SupplementRequested,
    Approved,
    Rejected,
    Completed,
    Withdrawn,
}

/// Who asks for a state change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Resident,
    Staff,
    System,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::Accepted,
        ApplicationStatus::SupplementRequested,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
        ApplicationStatus::Completed,
        ApplicationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::SupplementRequested => "supplement_requested",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Completed => "completed",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// A decision has been made or the case is over: nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Rejected
                | ApplicationStatus::Completed
                | ApplicationStatus::Withdrawn
        )
    }

    /// Whether the resident may still change the answers and files (a draft, or while a
    /// supplement is requested).
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::SupplementRequested
        )
    }

    /// The status as residents read it.
    pub fn label(self, locale: i18n::Locale) -> &'static str {
        use i18n::td_string;
        match self {
            ApplicationStatus::Draft => td_string!(locale, status.draft),
            ApplicationStatus::Submitted => td_string!(locale, status.submitted),
            ApplicationStatus::Accepted => td_string!(locale, status.accepted),
            ApplicationStatus::SupplementRequested => {
                td_string!(locale, status.supplement_requested)
            }
            ApplicationStatus::Approved => td_string!(locale, status.approved),
            ApplicationStatus::Rejected => td_string!(locale, status.rejected),
            ApplicationStatus::Completed => td_string!(locale, status.completed),
            ApplicationStatus::Withdrawn => td_string!(locale, status.withdrawn),
        }
    }

    /// Whether the SLA clock runs in this state (it pauses while a supplement is requested).
    pub fn clock_runs(self) -> bool {
        matches!(self, ApplicationStatus::Accepted)
    }

    /// Whether `actor` may move an application from `self` to `next`.
    pub fn can_become(self, next: ApplicationStatus, actor: Actor) -> bool {
        use ApplicationStatus::*;
        match (self, next) {
            (Draft, Submitted) | (SupplementRequested, Submitted) => actor == Actor::Resident,
            // Taken back to correct, shortly after submitting (see `correctable_until`).
            (Submitted, Draft) => actor == Actor::Resident,
            (Draft | Submitted | Accepted | SupplementRequested, Withdrawn) => {
                actor == Actor::Resident
            }
            (Submitted, Accepted)
            | (Submitted, Rejected)
            | (Submitted, SupplementRequested)
            | (Accepted, SupplementRequested)
            | (Accepted, Approved)
            | (Accepted, Rejected) => actor == Actor::Staff,
            (Approved, Completed) => matches!(actor, Actor::Staff | Actor::System),
            _ => false,
        }
    }
}

/// How long after submitting a resident may still take an application back to correct it.
pub const CORRECTION_MINUTES: i64 = 10;

/// Files one application can hold (every material, supplements included).
pub const MAX_FILES_PER_APPLICATION: u64 = 30;

/// What one resident's applications may take in files in 24 hours (a flood of uploads fills
/// the disk for everyone).
pub const DAILY_UPLOAD_BYTES: i64 = 200 * 1024 * 1024;

/// Until when the resident may take an application back as a draft to correct it: for
/// [`CORRECTION_MINUTES`] after submitting, while it is `submitted` and no department has
/// acted on it (`staff_acted`: accepted, sent back, assigned or commented). None when it
/// cannot be corrected (any more).
pub fn correctable_until(
    status: ApplicationStatus,
    submitted_at: Option<DateTime<Utc>>,
    staff_acted: bool,
) -> Option<DateTime<Utc>> {
    if status != ApplicationStatus::Submitted || staff_acted {
        return None;
    }
    submitted_at.map(|at| at + Duration::minutes(CORRECTION_MINUTES))
}

/// An application as "my applications" lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationSummary {
    /// The human-readable number, e.g. `MS-20261127-000123`; also the id in URLs.
    pub number: ApplicationNumber,
    /// The service's name, or the bundle's for a life-event package (一件事).
    pub title: LocalizedText,
    pub is_bundle: bool,
    pub status: ApplicationStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The promised last day (China date), once accepted; the latest of its tasks.
    pub due_on: Option<NaiveDate>,
    /// Promised working days, counted from acceptance.
    pub promised_days: i32,
    pub updated_at: DateTime<Utc>,
    /// The resident it is for, when someone else applied (代办) or it is for someone else.
    pub for_name: Option<String>,
}

/// One department's part of an application (for a bundle, one per department).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskView {
    pub department: LocalizedText,
    pub service: LocalizedText,
    pub status: ApplicationStatus,
    pub accepted_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    /// The clock is stopped while a supplement is requested.
    pub paused: bool,
}

/// Who did something on the timeline, as the resident may know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum EventActor {
    /// The resident, or the household member or community worker who applied for them.
    Resident {
        name: String,
    },
    /// A member of staff, shown to residents by department; staff also see the name.
    Staff {
        department: Option<LocalizedText>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    System,
}

/// One entry of the timeline: who, when, what, and the comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    /// submitted, accepted, supplement_requested, resubmitted, approved, rejected, completed,
    /// withdrawn, comment …
    pub kind: String,
    pub to_status: Option<ApplicationStatus>,
    pub actor: EventActor,
    pub comment: Option<String>,
    /// A staff-only note; never part of what a resident receives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

/// A file handed in with an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: i64,
    /// Index of the material in the service's list it was handed in for.
    pub material: Option<usize>,
    pub material_name: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// What staff asked for in a supplement request (补正).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SupplementView {
    pub requested_at: DateTime<Utc>,
    /// Indexes into the service's materials.
    pub materials: Vec<usize>,
    pub note: String,
}

/// Everything the resident sees of one application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    /// The service's catalogue code (none for a bundle).
    pub service_code: Option<String>,
    /// The form as it was applied for, with the answers.
    pub fields: Vec<FormField>,
    pub answers: Answers,
    pub materials: Vec<Material>,
    pub attachments: Vec<AttachmentView>,
    pub tasks: Vec<TaskView>,
    /// Oldest first.
    pub timeline: Vec<TimelineEvent>,
    /// The open supplement request, while the status is `supplement_requested`.
    pub supplement: Option<SupplementView>,
    /// Who applied, when it was not the resident themself (代办).
    pub submitted_by: Option<String>,
    pub can_withdraw: bool,
    /// Until when the resident may take it back as a draft to correct it (None: cannot).
    #[serde(default)]
    pub correctable_until: Option<DateTime<Utc>>,
    /// For optimistic concurrency: send it back with a change.
    pub version: i32,
}

/// The form a resident fills in: for a new application, a draft, or a supplement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationForm {
    /// None until the first save creates the draft.
    pub number: Option<ApplicationNumber>,
    pub service_code: String,
    pub title: LocalizedText,
    pub department: LocalizedText,
    pub promised_days: i32,
    pub status: ApplicationStatus,
    /// The applicant block first, then the service's own fields.
    pub fields: Vec<FormField>,
    /// Prefilled from the profile and earlier applications, or as saved.
    pub answers: Answers,
    pub materials: Vec<Material>,
    pub attachments: Vec<AttachmentView>,
    /// Problems with the saved answers (shown after a failed submission).
    pub errors: Vec<FieldError>,
    pub supplement: Option<SupplementView>,
    /// For a new form: sent back with the first post, so a double click makes one draft.
    pub idempotency_key: Option<String>,
    /// A life-event package (一件事): one form, a task per department.
    pub is_bundle: bool,
    /// The household member this is for, when the resident applies on their behalf (代办).
    pub on_behalf_of: Option<OnBehalf>,
    /// Household members who let the resident apply for them.
    pub can_apply_for: Vec<OnBehalf>,
}

/// Someone a resident may apply for (代办): a household member who consented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OnBehalf {
    pub member_id: ResidentId,
    pub name: String,
}

/// The status of an application made of several departments' tasks (一件事): done when every
/// task is done, waiting on the resident when any task waits on them.
pub fn combined_status(tasks: &[ApplicationStatus]) -> Option<ApplicationStatus> {
    use ApplicationStatus::*;
    let first = *tasks.first()?;
    if tasks.iter().all(|s| *s == first) {
        return Some(first);
    }
    if tasks.contains(&SupplementRequested) {
        return Some(SupplementRequested);
    }
    if tasks.iter().all(|s| s.is_final()) {
        return Some(if tasks.contains(&Completed) {
            Completed
        } else {
            Rejected
        });
    }
    if tasks
        .iter()
        .all(|s| matches!(s, Approved | Completed | Rejected))
    {
        return Some(Approved);
    }
    if tasks.iter().any(|s| *s != Submitted) {
        return Some(Accepted);
    }
    Some(Submitted)
}

crate::stored::stored_as_words!(ApplicationStatus);

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::*;
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for status in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ApplicationStatus::parse("lost"), None);
    }

    #[test]
    fn the_happy_path_is_allowed_to_the_right_actors() {
        assert!(Draft.can_become(Submitted, Actor::Resident));
        assert!(Submitted.can_become(Accepted, Actor::Staff));
        assert!(Accepted.can_become(SupplementRequested, Actor::Staff));
        assert!(SupplementRequested.can_become(Submitted, Actor::Resident));
        assert!(Accepted.can_become(Approved, Actor::Staff));
        assert!(Approved.can_become(Completed, Actor::Staff));
        assert!(Approved.can_become(Completed, Actor::System));
    }

    #[test]
    fn residents_cannot_decide_and_staff_cannot_submit_or_withdraw() {
        assert!(!Submitted.can_become(Accepted, Actor::Resident));
        assert!(!Accepted.can_become(Approved, Actor::Resident));
        assert!(!Draft.can_become(Submitted, Actor::Staff));
        assert!(!Submitted.can_become(Withdrawn, Actor::Staff));
    }

    #[test]
    fn nothing_leaves_a_final_state() {
        for from in ApplicationStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for to in ApplicationStatus::ALL {
                for actor in [Actor::Resident, Actor::Staff, Actor::System] {
                    assert!(
                        !from.can_become(to, actor),
                        "{from:?} -> {to:?} by {actor:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn withdrawal_only_before_a_decision() {
        assert!(Accepted.can_become(Withdrawn, Actor::Resident));
        assert!(!Approved.can_become(Withdrawn, Actor::Resident));
        assert!(!Rejected.can_become(Withdrawn, Actor::Resident));
    }

    #[test]
    fn a_submission_can_be_corrected_for_ten_minutes_until_staff_act() {
        assert!(Submitted.can_become(Draft, Actor::Resident));
        assert!(!Submitted.can_become(Draft, Actor::Staff));
        assert!(!Accepted.can_become(Draft, Actor::Resident));
        let at = DateTime::parse_from_rfc3339("2026-11-29T09:00:00+08:00")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let until = DateTime::parse_from_rfc3339("2026-11-29T09:10:00+08:00")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(correctable_until(Submitted, at, false), until);
        assert_eq!(correctable_until(Submitted, at, true), None);
        assert_eq!(correctable_until(Accepted, at, false), None);
        assert_eq!(correctable_until(Draft, None, false), None);
    }

    #[test]
    fn a_bundle_is_done_when_every_department_is_done() {
        assert_eq!(combined_status(&[]), None);
        assert_eq!(combined_status(&[Submitted, Submitted]), Some(Submitted));
        assert_eq!(combined_status(&[Submitted, Accepted]), Some(Accepted));
        assert_eq!(
            combined_status(&[Accepted, SupplementRequested]),
            Some(SupplementRequested)
        );
        assert_eq!(combined_status(&[Completed, Approved]), Some(Approved));
        assert_eq!(combined_status(&[Completed, Accepted]), Some(Accepted));
        assert_eq!(combined_status(&[Completed, Completed]), Some(Completed));
        assert_eq!(combined_status(&[Completed, Rejected]), Some(Completed));
        assert_eq!(combined_status(&[Rejected, Rejected]), Some(Rejected));
    }

    #[test]
    fn the_clock_pauses_for_a_supplement() {
        assert!(Accepted.clock_runs());
        assert!(!SupplementRequested.clock_runs());
        assert!(!Submitted.clock_runs());
    }
}
