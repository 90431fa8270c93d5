//! 人生事件: a life event (birth, turning 60, retirement, moving in …) that makes services relevant.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "life_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl Related<super::service::Entity> for Entity {
    fn to() -> RelationDef {
        super::service_life_event::Relation::Service.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::service_life_event::Relation::LifeEvent.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
