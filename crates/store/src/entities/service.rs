//! 政务服务事项: an item residents can apply for.
use domain::catalog_admin::CatalogStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 事项编码, stable across edits.
    #[sea_orm(unique)]
    pub code: String,
    pub department_id: i64,
    pub category_id: i64,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    pub audience: String,
    pub audience_en: Option<String>,
    pub promised_days: i32,
    pub legal_days: i32,
    pub fee_cents: i64,
    pub fee_note: Option<String>,
    /// 1 to 4, see `domain::catalog::OnlineLevel`.
    pub online_level: i16,
    /// `Vec<domain::catalog::Material>` as JSON.
    pub materials: Json,
    /// `Vec<domain::catalog::FormField>` as JSON.
    pub form_fields: Json,
    /// Bumped on every change of the form; applications keep the version they used.
    pub form_version: i32,
    /// Eligibility rule ("you probably qualify"), in the segment rule language.
    pub eligibility: Option<Json>,
    /// 免申即享: granted from data already held, the resident only confirms.
    pub auto_grant: bool,
    /// draft, published or unpublished.
    pub status: CatalogStatus,
    pub sort_order: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::department::Entity",
        from = "Column::DepartmentId",
        to = "super::department::Column::Id"
    )]
    Department,
    #[sea_orm(
        belongs_to = "super::service_category::Entity",
        from = "Column::CategoryId",
        to = "super::service_category::Column::Id"
    )]
    Category,
}

impl Related<super::department::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Department.def()
    }
}

impl Related<super::service_category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::bundle_service::Entity> for Entity {
    fn to() -> RelationDef {
        super::bundle_service::Relation::Service.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The value of `status` for a service residents can find and apply for.
pub const PUBLISHED: &str = "published";
