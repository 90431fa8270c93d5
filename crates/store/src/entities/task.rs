//! A department's part of an application (one per department for a bundle).
use domain::application::ApplicationStatus;
use domain::ids::{ApplicationId, StaffId, TaskId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: TaskId,
    pub application_id: ApplicationId,
    pub department_id: i64,
    pub service_id: i64,
    pub status: ApplicationStatus,
    pub assigned_staff_id: Option<StaffId>,
    pub accepted_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    pub paused_at: Option<DateTimeUtc>,
    pub paused_working_days: i32,
    pub decided_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::service::Entity",
        from = "Column::ServiceId",
        to = "super::service::Column::Id"
    )]
    Service,
}

impl Related<super::service::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Service.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
