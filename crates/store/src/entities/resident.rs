//! 居民: a person the platform serves; with a password once they register online.
use domain::ids::ResidentId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resident")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ResidentId,
    #[sea_orm(unique)]
    pub id_number: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Date,
    pub mobile: Option<String>,
    pub password_hash: Option<String>,
    pub household_id: Option<i64>,
    pub household_relation: Option<String>,
    pub region_id: i64,
    pub address: String,
    pub moved_in_on: Option<Date>,
    pub language: String,
    pub elderly_mode: bool,
    /// When a resident aged 60+ answered the offer of elderly mode (asked once).
    pub elderly_mode_offered_at: Option<DateTimeUtc>,
    pub notify_consent: bool,
    pub email: Option<String>,
    /// A claim of this register record made online without the register's mobile number:
    /// the number proved and the password chosen, waiting for a clerk to check the person.
    pub claim_mobile: Option<String>,
    pub claim_password_hash: Option<String>,
    pub claim_requested_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

/// Consents this resident gave (as the one applied for).
impl Related<super::proxy_consent::Entity> for Entity {
    fn to() -> RelationDef {
        super::proxy_consent::Relation::Resident.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
