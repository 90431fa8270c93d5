//! A campaign: one service pushed to a segment's members (事项找人).
use domain::campaign::CampaignStatus;
use domain::ids::StaffId;
use domain::rule::Rule;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub service_id: Option<i64>,
    pub bundle_id: Option<i64>,
    pub segment_id: i64,
    /// With placeholders {name}, {service}, {reason}.
    pub message: String,
    /// `domain::campaign::CampaignStatus`
    pub status: CampaignStatus,
    pub scheduled_at: Option<DateTimeUtc>,
    pub frequency_cap: i32,
    pub quiet_from: Option<Time>,
    pub quiet_until: Option<Time>,
    pub audience_count: Option<i64>,
    /// The segment's rule as it was when the campaign was submitted: what it sends to.
    pub frozen_rule: Option<Rule>,
    /// The approval threshold in force when it was submitted, checked again when it starts.
    pub approval_above: Option<i64>,
    pub created_by_staff_id: StaffId,
    pub approved_by_staff_id: Option<StaffId>,
    pub sent_at: Option<DateTimeUtc>,
    /// While sending: the last resident id of the last batch sent.
    pub sent_through: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
