//! 预警 · 告警: one occurrence of an alert rule firing, from raised to closed.
use domain::alert::{Evidence, Level, Rule};
use domain::ids::StaffId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rule: Rule,
    /// department, service or grid (see `domain::alert::Subject`).
    pub subject_kind: String,
    pub subject_id: i64,
    /// Whose head sees it; None: supervisors only.
    pub department_id: Option<i64>,
    pub level: Level,
    pub evidence: Evidence,
    /// `rule:kind:id` while open, NULL once closed (unique: one open alert per subject).
    pub open_key: Option<String>,
    pub raised_at: DateTimeUtc,
    pub checked_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by_staff_id: Option<StaffId>,
    pub acknowledgement_note: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
