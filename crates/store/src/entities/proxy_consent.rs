//! A resident's consent that a household member or community worker applies for them (代办).
use domain::ids::{ResidentId, StaffId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "proxy_consent")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: ResidentId,
    pub proxy_resident_id: Option<ResidentId>,
    pub proxy_staff_id: Option<StaffId>,
    pub granted_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::resident::Entity",
        from = "Column::ResidentId",
        to = "super::resident::Column::Id"
    )]
    Resident,
}

impl ActiveModelBehavior for ActiveModel {}
