//! A supplement request (补正): staff ask for missing or better materials.
use domain::ids::{StaffId, TaskId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "supplement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: TaskId,
    pub requested_by_staff_id: StaffId,
    /// Indexes into the service's materials, as JSON.
    pub materials: Json,
    pub note: String,
    pub requested_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id"
    )]
    Task,
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
