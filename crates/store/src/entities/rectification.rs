//! 差评整改: the case a bad review (1 or 2) opens for the responsible department.
use domain::ids::StaffId;
use domain::rectification::Classification;
use domain::rectification::Feedback;
use domain::rectification::RectificationStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub rating_id: i64,
    pub department_id: i64,
    /// open, answered, escalated, closed (see `domain::rectification::RectificationStatus`).
    pub status: RectificationStatus,
    /// on_the_spot, by_deadline, explained, appealed.
    pub classification: Option<Classification>,
    pub answer: Option<String>,
    pub answered_by_staff_id: Option<StaffId>,
    pub due_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
    /// For "fixed by a deadline": the ledger entry's own due date.
    pub fix_due_on: Option<Date>,
    /// pending, upheld, rejected.
    pub appeal_status: Option<String>,
    pub appeal_decided_by_staff_id: Option<StaffId>,
    /// satisfied, basically_satisfied, unsatisfied.
    pub resident_feedback: Option<Feedback>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub feedback_due_at: Option<DateTimeUtc>,
    pub resident_comment: Option<String>,
    pub appeal_due_at: Option<DateTimeUtc>,
    pub appeal_reason: Option<String>,
    pub appeal_note: Option<String>,
    pub resolution: Option<String>,
    pub resolved_by_staff_id: Option<StaffId>,
    pub escalated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::rating::Entity",
        from = "Column::RatingId",
        to = "super::rating::Column::Id"
    )]
    Rating,
}

impl Related<super::rating::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rating.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
