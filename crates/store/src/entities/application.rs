//! 办件: a resident's application for a service or a bundle.
use domain::application::ApplicationStatus;
use domain::ids::{ApplicationId, ApplicationNumber, ResidentId, StaffId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ApplicationId,
    #[sea_orm(unique)]
    pub number: ApplicationNumber,
    pub resident_id: ResidentId,
    pub submitted_by_resident_id: Option<ResidentId>,
    pub submitted_by_staff_id: Option<StaffId>,
    pub service_id: Option<i64>,
    pub bundle_id: Option<i64>,
    /// `domain::application::ApplicationStatus` as text.
    pub status: ApplicationStatus,
    pub form_version: i32,
    /// `domain::form::Answers` as JSON.
    pub form_data: Json,
    pub idempotency_key: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `{fields, materials}` as submitted; None for drafts (they follow the current form).
    pub form_definition: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
