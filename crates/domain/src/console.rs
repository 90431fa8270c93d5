//! What the staff console shows and asks: the work queue, a case with the actions open to the
//! viewer, the resident 360 view with masked personal data, the audit log and staff sessions.
//! The urgency rule (overdue, due within 24 hours) lives here as a plain function.
use crate::ids::{ApplicationNumber, ResidentId, StaffId, TaskId};

use super::application::{ApplicationDetail, ApplicationStatus};
use super::personal::{MaskedIdNumber, MaskedMobile};
use super::staff::{StaffMember, StaffRole};
use super::text::LocalizedText;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How pressing a task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    /// Due within the next 24 hours.
    DueSoon,
    Normal,
}

/// Overdue once the due time has passed, "due soon" within 24 hours of it; a task whose
/// clock is stopped (supplement requested) or that is already decided is never pressing.
pub fn urgency(
    due_at: Option<DateTime<Utc>>,
    status: ApplicationStatus,
    now: DateTime<Utc>,
) -> Urgency {
    let running = matches!(status, ApplicationStatus::Accepted);
    match due_at {
        Some(due) if running && due <= now => Urgency::Overdue,
        Some(due) if running && due - now <= Duration::hours(24) => Urgency::DueSoon,
        _ => Urgency::Normal,
    }
}

/// The statuses a task can be in once submitted, in the order the console lists them.
pub const TASK_STATUSES: [ApplicationStatus; 7] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::Accepted,
    ApplicationStatus::SupplementRequested,
    ApplicationStatus::Approved,
    ApplicationStatus::Rejected,
    ApplicationStatus::Completed,
    ApplicationStatus::Withdrawn,
];

/// The statuses that still need someone in the department to act.
pub const OPEN_STATUSES: [ApplicationStatus; 4] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::Accepted,
    ApplicationStatus::SupplementRequested,
    ApplicationStatus::Approved,
];

/// The queue's filters, as the query string carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// One status; none means every open one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationStatus>,
    /// A service code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `overdue` or `due_soon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Urgency>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mine: bool,
    /// For supervisors and administrators: one department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i64>,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

pub const QUEUE_PAGE_SIZE: u64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub number: ApplicationNumber,
    pub task_id: TaskId,
    pub service: LocalizedText,
    pub department: LocalizedText,
    pub resident_name: String,
    pub status: ApplicationStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    pub assigned_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: ApplicationStatus,
    pub count: i64,
}

/// A choice for a filter's select: value and label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub filter: QueueFilter,
    pub rows: Vec<QueueRow>,
    /// Tasks matching the filter (all pages).
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// Per status, within the scope and the service/department filter.
    pub counts: Vec<StatusCount>,
    pub services: Vec<Choice>,
    /// Empty for department staff (they see only their own).
    pub departments: Vec<Choice>,
}

/// The console's first page: who is signed in and what is pressing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleHome {
    pub me: StaffMember,
    pub counts: Vec<StatusCount>,
    pub overdue: i64,
    pub due_soon: i64,
    pub assigned_to_me: i64,
    /// Bad reviews waiting for the department or a supervisor, and those past their deadline.
    pub rectifications_waiting: u64,
    pub rectifications_overdue: u64,
    /// Departments in view whose rolling 30-day satisfaction is below the alert line.
    #[serde(default)]
    pub satisfaction_alerts: Vec<super::figures::SatisfactionAlert>,
    /// Open stored alerts (预警) in view, and how many of them are alarms; zero for roles
    /// that do not see alerts.
    #[serde(default)]
    pub open_alerts: u64,
    #[serde(default)]
    pub open_alarms: u64,
}

/// What a member of staff can do to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    Accept,
    RequestSupplement,
    Approve,
    Reject,
    Complete,
    Assign,
    Comment,
}

impl TaskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Accept => "accept",
            TaskAction::RequestSupplement => "request_supplement",
            TaskAction::Approve => "approve",
            TaskAction::Reject => "reject",
            TaskAction::Complete => "complete",
            TaskAction::Assign => "assign",
            TaskAction::Comment => "comment",
        }
    }
}

/// One department's task of a case, as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskForStaff {
    pub id: TaskId,
    pub department: LocalizedText,
    pub service: LocalizedText,
    pub status: ApplicationStatus,
    /// Sent back with an action: a colleague's action in between makes it a conflict.
    pub version: i32,
    pub assigned_to: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    /// Within the viewer's department (or scope).
    pub in_scope: bool,
    /// What the viewer may do now, by role and state.
    pub actions: Vec<TaskAction>,
}

/// A colleague a task can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: StaffId,
    pub name: String,
    pub role: StaffRole,
}

/// A case in the console: the application as the resident sees it (plus internal notes and
/// staff names), the resident (masked), and each department's task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationForStaff {
    pub detail: ApplicationDetail,
    pub resident_id: ResidentId,
    pub resident_name: String,
    pub resident_id_number: MaskedIdNumber,
    pub resident_mobile: Option<MaskedMobile>,
    pub tasks: Vec<TaskForStaff>,
    pub colleagues: Vec<Colleague>,
}

/// Which personal field to show in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalField {
    IdNumber,
    Mobile,
}

impl PersonalField {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonalField::IdNumber => "id_number",
            PersonalField::Mobile => "mobile",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagView {
    pub code: String,
    pub name: LocalizedText,
    pub reason: Option<String>,
    pub added_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMember {
    pub id: ResidentId,
    pub name: String,
    pub relation: Option<String>,
    pub age: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordApplication {
    pub number: ApplicationNumber,
    pub title: LocalizedText,
    pub status: ApplicationStatus,
    pub submitted_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRating {
    pub service: LocalizedText,
    pub score: i32,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordComplaint {
    pub number: String,
    pub title: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRecommendation {
    pub title: LocalizedText,
    /// Why it was recommended, as the resident was told ("因为您年满60周岁").
    pub reason: LocalizedText,
    /// pending, read, clicked, applied, dismissed
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// 客户管理: one page per resident, personal data masked unless revealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentRecord {
    pub id: ResidentId,
    pub name: String,
    pub gender: String,
    pub age: u32,
    /// Masked (first 6 and last 4); a recorded reveal shows it in full, apart.
    pub id_number: MaskedIdNumber,
    pub mobile: Option<MaskedMobile>,
    pub email: Option<String>,
    /// The street address: for supervisors and administrators only. A department works
    /// from what the resident's application to it says.
    pub address: Option<String>,
    pub region: String,
    pub registered: bool,
    pub language: String,
    pub elderly_mode: bool,
    pub notify_consent: bool,
    pub household: Vec<RecordMember>,
    pub tags: Vec<TagView>,
    /// Tags that can still be added.
    pub available_tags: Vec<Choice>,
    pub applications: Vec<RecordApplication>,
    pub ratings: Vec<RecordRating>,
    pub complaints: Vec<RecordComplaint>,
    pub recommendations: Vec<RecordRecommendation>,
    pub can_reveal: bool,
    pub can_edit_tags: bool,
}

/// A resident found by the console's search (masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentHit {
    pub id: ResidentId,
    pub name: String,
    pub id_number: MaskedIdNumber,
    pub mobile: Option<MaskedMobile>,
    pub region: String,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub actor_username: Option<String>,
    pub role: Option<String>,
    pub department: Option<LocalizedText>,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub resident_id: Option<ResidentId>,
    pub reason: Option<String>,
    pub ip: Option<String>,
}

/// The audit search form (supervisors and administrators).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// A staff username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident: Option<ResidentId>,
    /// An action, or its prefix (`resident.` finds every action on residents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// China dates, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

pub const AUDIT_PAGE_SIZE: u64 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub query: AuditQuery,
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// For the resident's own profile: which department looked at their record, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordAccess {
    pub at: DateTime<Utc>,
    /// None for supervisors and administrators (the whole government), shown as such.
    pub department: Option<LocalizedText>,
    pub role: Option<String>,
    pub action: String,
}

/// A staff member's session, for administrators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSessionView {
    /// The first 12 characters of the session id (enough to end it, nothing to reuse).
    pub id: String,
    pub staff_name: String,
    pub username: String,
    pub role: StaffRole,
    pub department: Option<LocalizedText>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A staff account as administrators list it, to disable or enable it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccountView {
    pub id: StaffId,
    pub username: String,
    pub name: String,
    pub role: StaffRole,
    pub department: Option<LocalizedText>,
    pub active: bool,
}

/// Pages for `total` items of `size` each (at least one).
pub fn page_count(total: i64, size: u64) -> u32 {
    let size = size.max(1) as i64;
    (((total.max(0) + size - 1) / size).max(1)).min(u32::MAX as i64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + hours * 3600, 0).unwrap()
    }

    #[test]
    fn overdue_and_due_soon_only_while_the_clock_runs() {
        use ApplicationStatus::*;
        assert_eq!(urgency(Some(at(-1)), Accepted, at(0)), Urgency::Overdue);
        assert_eq!(urgency(Some(at(0)), Accepted, at(0)), Urgency::Overdue);
        assert_eq!(urgency(Some(at(24)), Accepted, at(0)), Urgency::DueSoon);
        assert_eq!(urgency(Some(at(25)), Accepted, at(0)), Urgency::Normal);
        assert_eq!(
            urgency(Some(at(-5)), SupplementRequested, at(0)),
            Urgency::Normal
        );
        assert_eq!(urgency(Some(at(-5)), Completed, at(0)), Urgency::Normal);
        assert_eq!(urgency(None, Submitted, at(0)), Urgency::Normal);
    }

    #[test]
    fn page_counts_round_up_and_never_fall_to_zero() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        assert_eq!(page_count(100_000, 50), 2000);
    }
}
