//! A file handed in by a resident, stored by content hash outside the web root.
use domain::ids::{ApplicationId, ResidentId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: ResidentId,
    pub application_id: Option<ApplicationId>,
    /// `<index>:<name>` of the material it was handed in for.
    pub material_name: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
