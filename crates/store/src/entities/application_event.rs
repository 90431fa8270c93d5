//! One entry of an application's timeline.
use domain::ids::{ApplicationId, ResidentId, StaffId, TaskId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "application_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: ApplicationId,
    pub task_id: Option<TaskId>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// resident, staff or system
    pub actor_kind: String,
    pub actor_resident_id: Option<ResidentId>,
    pub actor_staff_id: Option<StaffId>,
    pub comment: Option<String>,
    /// Internal notes are never shown to the resident.
    pub internal: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
