//! 督办: a supervisor's instruction to a department, with a deadline (here: an escalated
//! rectification returned to the department).
use domain::ids::{ApplicationId, StaffId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "escalation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: Option<ApplicationId>,
    pub rectification_id: Option<i64>,
    pub complaint_id: Option<i64>,
    pub department_id: i64,
    pub supervisor_staff_id: StaffId,
    pub instruction: String,
    pub due_at: DateTimeUtc,
    /// open, resolved.
    pub status: String,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
