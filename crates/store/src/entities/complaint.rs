//! 投诉举报: a resident's complaint or report.
use domain::ids::ResidentId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub resident_id: Option<ResidentId>,
    pub department_id: Option<i64>,
    pub region_id: Option<i64>,
    pub category: String,
    pub title: String,
    pub content: String,
    /// open, accepted, answered, closed
    pub status: String,
    pub due_at: Option<DateTimeUtc>,
    pub answer: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
