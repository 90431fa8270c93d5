//! 满意度调查: a survey staff build and send to an audience.
use domain::ids::StaffId;
use domain::survey::SurveyStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "survey")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    /// The questions (`domain::survey::Question`s).
    pub questions: Json,
    pub segment_id: Option<i64>,
    pub service_id: Option<i64>,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// draft, scheduled, open, closed.
    pub status: SurveyStatus,
    pub scheduled_at: Option<DateTimeUtc>,
    pub created_by_staff_id: StaffId,
    pub created_at: DateTimeUtc,
    pub department_id: Option<i64>,
    pub closes_at: Option<DateTimeUtc>,
    /// everyone, service_users, segment.
    pub audience: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
