//! Catalogue queries: search, one service, and the facets (departments, categories, life
//! events) with their service counts. Counting and filtering happen in SQL.

use super::entities::{
    bundle, bundle_service, department, life_event, service, service_category, service_life_event,
};
use crate::like::contains_pattern;
use domain::catalog::{
    BundleRef, CatalogFacets, Category, Department, DepartmentRef, FormField, LifeEvent,
    LifeEventRef, Material, OnlineLevel, ServiceDetail, ServicePage, ServiceQuery, ServiceSummary,
};
use domain::error::{AppError, ErrorCode};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use std::collections::HashMap;

#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    code: String,
    name: String,
    name_en: Option<String>,
    summary: String,
    summary_en: Option<String>,
    department_code: String,
    department_name: String,
    department_name_en: Option<String>,
    category_code: String,
    promised_days: i32,
    online_level: i16,
    fee_cents: i64,
}

impl From<SummaryRow> for ServiceSummary {
    fn from(row: SummaryRow) -> Self {
        ServiceSummary {
            code: row.code,
            name: LocalizedText::new(row.name, row.name_en),
            summary: LocalizedText::new(row.summary, row.summary_en),
            department: DepartmentRef {
                code: row.department_code,
                name: LocalizedText::new(row.department_name, row.department_name_en),
            },
            category_code: row.category_code,
            promised_days: row.promised_days,
            online_level: OnlineLevel::from_level(row.online_level).unwrap_or(OnlineLevel::Guide),
            fee_cents: row.fee_cents,
        }
    }
}

/// Published services joined with their department and category, as summary rows.
fn published_summaries() -> Select<service::Entity> {
    service::Entity::find()
        .select_only()
        .columns([
            service::Column::Code,
            service::Column::Name,
            service::Column::NameEn,
            service::Column::Summary,
            service::Column::SummaryEn,
            service::Column::PromisedDays,
            service::Column::OnlineLevel,
            service::Column::FeeCents,
        ])
        .column_as(department::Column::Code, "department_code")
        .column_as(department::Column::Name, "department_name")
        .column_as(department::Column::NameEn, "department_name_en")
        .column_as(service_category::Column::Code, "category_code")
        .join(JoinType::InnerJoin, service::Relation::Department.def())
        .join(JoinType::InnerJoin, service::Relation::Category.def())
        .filter(service::Column::Status.eq(service::PUBLISHED))
}

/// One page of published services matching `query`, in catalogue order.
pub async fn search_services(
    db: &impl ConnectionTrait,
    query: &ServiceQuery,
) -> Result<ServicePage, AppError> {
    let query = query.normalized();
    let mut select = published_summaries();
    if let Some(text) = &query.q {
        if text.chars().count() > ServiceQuery::MAX_QUERY_CHARS {
            return Err(AppError::with_field(ErrorCode::QueryTooLong, "q"));
        }
        let pattern = contains_pattern(text);
        let like = || LikeExpr::new(pattern.clone()).escape('\\');
        let lower_like = LikeExpr::new(pattern.to_lowercase()).escape('\\');
        select = select.filter(
            Condition::any()
                .add(service::Column::Name.like(like()))
                .add(service::Column::Summary.like(like()))
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        service::Entity,
                        service::Column::NameEn,
                    ))))
                    .like(lower_like),
                ),
        );
    }
    if let Some(code) = &query.department {
        select = select.filter(department::Column::Code.eq(code.as_str()));
    }
    if let Some(code) = &query.category {
        select = select.filter(service_category::Column::Code.eq(code.as_str()));
    }
    if let Some(code) = &query.life_event {
        select = select.filter(
            service::Column::Id.in_subquery(
                Query::select()
                    .column((
                        service_life_event::Entity,
                        service_life_event::Column::ServiceId,
                    ))
                    .from(service_life_event::Entity)
                    .inner_join(
                        life_event::Entity,
                        Expr::col((life_event::Entity, life_event::Column::Id)).equals((
                            service_life_event::Entity,
                            service_life_event::Column::LifeEventId,
                        )),
                    )
                    .and_where(
                        Expr::col((life_event::Entity, life_event::Column::Code)).eq(code.as_str()),
                    )
                    .to_owned(),
            ),
        );
    }

    let total = select.clone().count(db).await?;
    let page = query.page();
    let per_page = ServiceQuery::PER_PAGE;
    let items = select
        .order_by(service::Column::SortOrder, Order::Asc)
        .order_by(service::Column::Code, Order::Asc)
        .offset(u64::from((page - 1) * per_page))
        .limit(u64::from(per_page))
        .into_model::<SummaryRow>()
        .all(db)
        .await?
        .into_iter()
        .map(ServiceSummary::from)
        .collect();
    Ok(ServicePage {
        items,
        total,
        page,
        per_page,
    })
}

/// The published services most applied for since `since`, most first; with
/// `applicants_born_by`, counting only the applications of residents born on or before it
/// (the services older residents use most).
pub async fn popular_services(
    db: &impl ConnectionTrait,
    since: chrono::DateTime<chrono::Utc>,
    applicants_born_by: Option<chrono::NaiveDate>,
    limit: u64,
) -> Result<Vec<ServiceSummary>, AppError> {
    let mut applications = Query::select()
        .expr(Expr::col("service_id").count())
        .from("application")
        .and_where(
            Expr::col(("application", "service_id")).equals((service::Entity, service::Column::Id)),
        )
        .and_where(Expr::col(("application", "created_at")).gte(since))
        .to_owned();
    if let Some(born_by) = applicants_born_by {
        let older = Query::select()
            .column(("resident", "id"))
            .from("resident")
            .and_where(Expr::col(("resident", "birth_date")).lte(born_by))
            .to_owned();
        applications.and_where(Expr::col(("application", "resident_id")).in_subquery(older));
    }
    let rows = published_summaries()
        .order_by(
            Expr::SubQuery(None, Box::new(applications.into_sub_query_statement())),
            Order::Desc,
        )
        .order_by(service::Column::SortOrder, Order::Asc)
        .limit(limit)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(ServiceSummary::from).collect())
}

/// A published service with everything its detail page shows.
pub async fn service_detail(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<ServiceDetail, AppError> {
    let (model, department) = service::Entity::find()
        .filter(service::Column::Code.eq(code))
        .filter(service::Column::Status.eq(service::PUBLISHED))
        .find_also_related(department::Entity)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let department = department.ok_or_else(AppError::not_found)?;
    let category = service_category::Entity::find_by_id(model.category_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let category_count = service::Entity::find()
        .filter(service::Column::CategoryId.eq(category.id))
        .filter(service::Column::Status.eq(service::PUBLISHED))
        .count(db)
        .await?;
    let life_events = life_event::Entity::find()
        .join(
            JoinType::InnerJoin,
            service_life_event::Relation::LifeEvent.def().rev(),
        )
        .filter(service_life_event::Column::ServiceId.eq(model.id))
        .order_by(life_event::Column::SortOrder, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(|e| LifeEventRef {
            code: e.code,
            name: LocalizedText::new(e.name, e.name_en),
        })
        .collect();
    let bundles = bundle::Entity::find()
        .join(
            JoinType::InnerJoin,
            bundle_service::Relation::Bundle.def().rev(),
        )
        .filter(bundle_service::Column::ServiceId.eq(model.id))
        .filter(bundle::Column::Status.eq(service::PUBLISHED))
        .order_by(bundle::Column::Code, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(|b| BundleRef {
            code: b.code,
            name: LocalizedText::new(b.name, b.name_en),
        })
        .collect();
    let materials: Vec<Material> = super::json::read(model.materials, "service.materials")?;
    let form_fields: Vec<FormField> = super::json::read(model.form_fields, "service.form_fields")?;
    let summary = SummaryRow {
        code: model.code,
        name: model.name,
        name_en: model.name_en,
        summary: model.summary,
        summary_en: model.summary_en,
        department_code: department.code,
        department_name: department.name,
        department_name_en: department.name_en,
        category_code: category.code.clone(),
        promised_days: model.promised_days,
        online_level: model.online_level,
        fee_cents: model.fee_cents,
    };
    Ok(ServiceDetail {
        summary: summary.into(),
        category: Category {
            code: category.code,
            name: LocalizedText::new(category.name, category.name_en),
            service_count: category_count as i64,
        },
        audience: LocalizedText::new(model.audience, model.audience_en),
        legal_days: model.legal_days,
        fee_note: model.fee_note,
        materials,
        form_fields,
        life_events,
        bundles,
    })
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    key: i64,
    n: i64,
}

/// Published services per value of `column` (a department, category or life-event id).
async fn published_counts(
    db: &impl ConnectionTrait,
    column: impl ColumnTrait,
    join_life_events: bool,
) -> Result<HashMap<i64, i64>, AppError> {
    let mut select = service::Entity::find()
        .select_only()
        .column_as(column, "key")
        .column_as(service::Column::Id.count(), "n")
        .filter(service::Column::Status.eq(service::PUBLISHED));
    if join_life_events {
        select = select.join(
            JoinType::InnerJoin,
            service_life_event::Relation::Service.def().rev(),
        );
    }
    let rows = select
        .group_by(column)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.key, row.n)).collect())
}

/// Every department with its number of published services, in display order.
pub async fn departments(db: &impl ConnectionTrait) -> Result<Vec<Department>, AppError> {
    let counts = published_counts(db, service::Column::DepartmentId, false).await?;
    Ok(department::Entity::find()
        .order_by(department::Column::SortOrder, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(|d| Department {
            service_count: counts.get(&d.id).copied().unwrap_or(0),
            code: d.code,
            name: LocalizedText::new(d.name, d.name_en),
            hotline: d.hotline,
            address: d.address,
        })
        .collect())
}

/// Every topic with its number of published services, in display order.
pub async fn categories(db: &impl ConnectionTrait) -> Result<Vec<Category>, AppError> {
    let counts = published_counts(db, service::Column::CategoryId, false).await?;
    Ok(service_category::Entity::find()
        .order_by(service_category::Column::SortOrder, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(|c| Category {
            service_count: counts.get(&c.id).copied().unwrap_or(0),
            code: c.code,
            name: LocalizedText::new(c.name, c.name_en),
        })
        .collect())
}

/// Every life event with its number of published services, in display order.
pub async fn life_events(db: &impl ConnectionTrait) -> Result<Vec<LifeEvent>, AppError> {
    let counts = published_counts(db, service_life_event::Column::LifeEventId, true).await?;
    Ok(life_event::Entity::find()
        .order_by(life_event::Column::SortOrder, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(|e| LifeEvent {
            service_count: counts.get(&e.id).copied().unwrap_or(0),
            code: e.code,
            name: LocalizedText::new(e.name, e.name_en),
        })
        .collect())
}

/// Departments, categories and life events together, for the home page and the filters.
pub async fn facets(db: &impl ConnectionTrait) -> Result<CatalogFacets, AppError> {
    Ok(CatalogFacets {
        departments: departments(db).await?,
        categories: categories(db).await?,
        life_events: life_events(db).await?,
    })
}
