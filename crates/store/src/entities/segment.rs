//! A saved segment: a named rule over residents (事项找人).
use domain::ids::StaffId;
use domain::rule::Rule;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "segment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    /// `domain::rule::Rule` as JSON.
    pub rule: Rule,
    /// The department it belongs to (its head made it); none: a supervisor's, city-wide.
    pub department_id: Option<i64>,
    pub created_by_staff_id: StaffId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
