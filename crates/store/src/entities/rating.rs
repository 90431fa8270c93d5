//! 好差评: a resident's rating of a handled application (for a bundle, of one department's task).
use domain::ids::{ApplicationId, ResidentId, StaffId, TaskId};
use domain::rating::{IndicatorScores, RatingTags};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rating")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: ApplicationId,
    pub task_id: Option<TaskId>,
    pub resident_id: ResidentId,
    pub department_id: i64,
    pub service_id: i64,
    pub staff_id: Option<StaffId>,
    /// 5 非常满意 … 1 非常不满意.
    pub score: i16,
    pub indicators: IndicatorScores,
    pub tags: RatingTags,
    pub comment: Option<String>,
    pub excluded: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
