//! 事项找人: a service or bundle recommended to a resident, with the reason and what they did.
use domain::ids::ResidentId;
use domain::rule::Reason;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "recommendation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: ResidentId,
    pub service_id: Option<i64>,
    pub bundle_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub life_event_id: Option<i64>,
    /// The explained match (rendered in the resident's language when shown).
    pub reason: Reason,
    /// new, delivered, read, clicked, applied, dismissed
    pub status: String,
    pub delivered_at: Option<DateTimeUtc>,
    pub read_at: Option<DateTimeUtc>,
    pub clicked_at: Option<DateTimeUtc>,
    pub applied_at: Option<DateTimeUtc>,
    pub dismissed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
