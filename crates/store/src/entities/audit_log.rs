//! One line of the append-only audit log: a staff read or write of personal data or a case.
use domain::ids::{ResidentId, StaffId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub actor_staff_id: Option<StaffId>,
    pub actor_resident_id: Option<ResidentId>,
    pub actor_role: Option<String>,
    pub actor_department_id: Option<i64>,
    /// e.g. `resident.view`, `resident.reveal_id_number`, `application.approve`.
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    /// Whose personal data was touched (for the resident's own access list).
    pub resident_id: Option<ResidentId>,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
