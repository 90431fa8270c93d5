//! A tag on a resident, with why and by whom it was added.
use domain::ids::{ResidentId, StaffId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resident_tag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resident_id: ResidentId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: i64,
    pub reason: Option<String>,
    pub added_by_staff_id: Option<StaffId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
