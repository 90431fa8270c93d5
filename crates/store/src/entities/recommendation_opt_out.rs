//! A resident's "no recommendations of this category" (事项找人 opt-out).
use domain::ids::ResidentId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "recommendation_opt_out")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resident_id: ResidentId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
