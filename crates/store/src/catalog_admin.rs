//! Keeping the catalogue (事项管理), for administrators: services and bundles of every status,
//! created, edited, published and unpublished. Every write runs in one transaction and adds
//! an audit line (`service.create`, `service.update`, `service.publish`,
//! `service.unpublish`, and the same for `bundle.`).
//!
//! A change of a service's form fields or materials bumps its `form_version`. Applications
//! already submitted are not touched: they keep the form they were submitted with (frozen on
//! them at submission, see `store::applications`), drafts follow the current form.
//!
//! Two rules keep the published catalogue whole: a published bundle holds only published
//! services (publishing a bundle, or saving a published one, with a service that is not is
//! refused), and a service cannot be unpublished while a published bundle holds it.

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{
    bundle, bundle_service, department, life_event, service, service_category, service_life_event,
};
use super::json;
use chrono::{DateTime, Utc};
use domain::catalog::{DepartmentRef, FormField, LifeEventRef, Material, OnlineLevel};
use domain::catalog_admin::{
    BundleDraft, BundleListItem, BundleRecord, CatalogStatus, ServiceDraft, ServiceListItem,
    ServiceRecord,
};
use domain::error::{AppError, ErrorCode};
use domain::staff::Permission;
use domain::text::LocalizedText;
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Set, SqlErr, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------
// Reading

/// A duplicate code found only by the database (two administrators at once) is a conflict.
fn conflict_on_duplicate(err: DbErr) -> AppError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        AppError::with_field(ErrorCode::Conflict, "code")
    } else {
        err.into()
    }
}

async fn service_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<service::Model, AppError> {
    service::Entity::find()
        .filter(service::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn bundle_by_code(db: &impl ConnectionTrait, code: &str) -> Result<bundle::Model, AppError> {
    bundle::Entity::find()
        .filter(bundle::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn service_record(
    db: &impl ConnectionTrait,
    model: service::Model,
) -> Result<ServiceRecord, AppError> {
    let department = department::Entity::find_by_id(model.department_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let category = service_category::Entity::find_by_id(model.category_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let life_events: Vec<String> = life_event::Entity::find()
        .select_only()
        .column(life_event::Column::Code)
        .join(
            JoinType::InnerJoin,
            service_life_event::Relation::LifeEvent.def().rev(),
        )
        .filter(service_life_event::Column::ServiceId.eq(model.id))
        .order_by_asc(life_event::Column::SortOrder)
        .order_by_asc(life_event::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let materials: Vec<Material> = json::read(model.materials, "service.materials")?;
    let form_fields: Vec<FormField> = json::read(model.form_fields, "service.form_fields")?;
    Ok(ServiceRecord {
        draft: ServiceDraft {
            code: model.code,
            name: model.name,
            name_en: model.name_en,
            summary: model.summary,
            summary_en: model.summary_en,
            audience: model.audience,
            audience_en: model.audience_en,
            department: department.code,
            category: category.code,
            promised_days: model.promised_days,
            legal_days: model.legal_days,
            fee_cents: model.fee_cents,
            fee_note: model.fee_note,
            online_level: OnlineLevel::from_level(model.online_level),
            materials,
            form_fields,
            life_events,
            auto_grant: model.auto_grant,
        },
        status: model.status,
        form_version: model.form_version,
        published_at: model.published_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

/// (bundle id, service code) of every member of the bundles, in each bundle's order.
async fn members_of(
    db: &impl ConnectionTrait,
    bundle_ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<String>>, AppError> {
    let rows: Vec<(i64, String)> = bundle_service::Entity::find()
        .select_only()
        .column(bundle_service::Column::BundleId)
        .column(service::Column::Code)
        .join(JoinType::InnerJoin, bundle_service::Relation::Service.def())
        .filter(bundle_service::Column::BundleId.is_in(bundle_ids))
        .order_by_asc(bundle_service::Column::BundleId)
        .order_by_asc(bundle_service::Column::SortOrder)
        .into_tuple()
        .all(db)
        .await?;
    let mut members: HashMap<i64, Vec<String>> = HashMap::new();
    for (bundle_id, code) in rows {
        members.entry(bundle_id).or_default().push(code);
    }
    Ok(members)
}

async fn bundle_record(
    db: &impl ConnectionTrait,
    model: bundle::Model,
) -> Result<BundleRecord, AppError> {
    let life_event = match model.life_event_id {
        Some(id) => life_event::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|e| e.code),
        None => None,
    };
    let services = members_of(db, vec![model.id])
        .await?
        .remove(&model.id)
        .unwrap_or_default();
    Ok(BundleRecord {
        draft: BundleDraft {
            code: model.code,
            name: model.name,
            name_en: model.name_en,
            summary: model.summary,
            summary_en: model.summary_en,
            life_event,
            services,
        },
        status: model.status,
        created_at: model.created_at,
    })
}

/// Every service of every status, in catalogue order.
pub async fn list_services(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<Vec<ServiceListItem>, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let categories: HashMap<i64, String> = service_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let rows = service::Entity::find()
        .find_also_related(department::Entity)
        .order_by_asc(service::Column::SortOrder)
        .order_by_asc(service::Column::Code)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(model, department)| {
            let department = department.ok_or_else(AppError::not_found)?;
            Ok(ServiceListItem {
                name: LocalizedText::new(model.name, model.name_en),
                department: DepartmentRef {
                    code: department.code,
                    name: LocalizedText::new(department.name, department.name_en),
                },
                category_code: categories
                    .get(&model.category_id)
                    .cloned()
                    .unwrap_or_default(),
                status: model.status,
                form_version: model.form_version,
                published_at: model.published_at,
                updated_at: model.updated_at,
                code: model.code,
            })
        })
        .collect()
}

/// Every bundle of every status, oldest first.
pub async fn list_bundles(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<Vec<BundleListItem>, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let events: HashMap<i64, life_event::Model> = life_event::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let rows = bundle::Entity::find()
        .order_by_asc(bundle::Column::Id)
        .all(db)
        .await?;
    let mut members = members_of(db, rows.iter().map(|b| b.id).collect()).await?;
    rows.into_iter()
        .map(|model| {
            Ok(BundleListItem {
                name: LocalizedText::new(model.name, model.name_en),
                life_event: model.life_event_id.and_then(|id| events.get(&id)).map(|e| {
                    LifeEventRef {
                        code: e.code.clone(),
                        name: LocalizedText::new(e.name.clone(), e.name_en.clone()),
                    }
                }),
                status: model.status,
                services: members.remove(&model.id).unwrap_or_default(),
                created_at: model.created_at,
                code: model.code,
            })
        })
        .collect()
}

/// One service of any status, as the edit form shows it.
pub async fn get_service(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    code: &str,
) -> Result<ServiceRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let model = service_by_code(db, code).await?;
    service_record(db, model).await
}

/// One bundle of any status, as the edit form shows it.
pub async fn get_bundle(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    code: &str,
) -> Result<BundleRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let model = bundle_by_code(db, code).await?;
    bundle_record(db, model).await
}

// ---------------------------------------------------------------------------------------
// Checking what a draft names

/// The ids a service draft names; a code that names nothing is a field error.
struct ServiceRefs {
    department_id: i64,
    category_id: i64,
    life_event_ids: Vec<i64>,
}

async fn service_refs(
    db: &impl ConnectionTrait,
    draft: &ServiceDraft,
    errors: &mut Vec<FieldError>,
) -> Result<ServiceRefs, AppError> {
    let mut department_id = 0;
    if !draft.department.is_empty() {
        match department::Entity::find()
            .filter(department::Column::Code.eq(draft.department.as_str()))
            .one(db)
            .await?
        {
            Some(found) => department_id = found.id,
            None => errors.push(FieldError::new("department", Problem::NotAnOption)),
        }
    }
    let mut category_id = 0;
    if !draft.category.is_empty() {
        match service_category::Entity::find()
            .filter(service_category::Column::Code.eq(draft.category.as_str()))
            .one(db)
            .await?
        {
            Some(found) => category_id = found.id,
            None => errors.push(FieldError::new("category", Problem::NotAnOption)),
        }
    }
    let known: HashMap<String, i64> = life_event::Entity::find()
        .filter(life_event::Column::Code.is_in(draft.life_events.iter().map(String::as_str)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.code, e.id))
        .collect();
    let mut life_event_ids = Vec::new();
    for (i, code) in draft.life_events.iter().enumerate() {
        match known.get(code) {
            Some(id) => life_event_ids.push(*id),
            None if code.is_empty() => {}
            None => errors.push(FieldError::new(
                format!("life_events.{i}"),
                Problem::NotAnOption,
            )),
        }
    }
    Ok(ServiceRefs {
        department_id,
        category_id,
        life_event_ids,
    })
}

/// The ids a bundle draft names: its life event and its services (with their status).
struct BundleRefs {
    life_event_id: Option<i64>,
    services: Vec<(i64, CatalogStatus)>,
}

async fn bundle_refs(
    db: &impl ConnectionTrait,
    draft: &BundleDraft,
    errors: &mut Vec<FieldError>,
) -> Result<BundleRefs, AppError> {
    let mut life_event_id = None;
    if let Some(code) = &draft.life_event {
        match life_event::Entity::find()
            .filter(life_event::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
        {
            Some(found) => life_event_id = Some(found.id),
            None => errors.push(FieldError::new("life_event", Problem::NotAnOption)),
        }
    }
    let known: HashMap<String, (i64, CatalogStatus)> = service::Entity::find()
        .filter(service::Column::Code.is_in(draft.services.iter().map(String::as_str)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| Ok((s.code, (s.id, s.status))))
        .collect::<Result<_, AppError>>()?;
    let mut services = Vec::new();
    for (i, code) in draft.services.iter().enumerate() {
        match known.get(code) {
            Some(found) => services.push(*found),
            None if code.is_empty() => {}
            None => errors.push(FieldError::new(
                format!("services.{i}"),
                Problem::NotAnOption,
            )),
        }
    }
    Ok(BundleRefs {
        life_event_id,
        services,
    })
}

/// A published bundle holds published services only: each other one is a field error.
/// `refs` must name every service of the draft (no unknown code), in the draft's order.
fn unpublished_members(refs: &BundleRefs) -> Vec<FieldError> {
    refs.services
        .iter()
        .enumerate()
        .filter(|(_, (_, status))| *status != CatalogStatus::Published)
        .map(|(i, _)| FieldError::new(format!("services.{i}"), Problem::NotAnOption))
        .collect()
}

async fn replace_life_events(
    db: &impl ConnectionTrait,
    service_id: i64,
    life_event_ids: &[i64],
) -> Result<(), AppError> {
    service_life_event::Entity::delete_many()
        .filter(service_life_event::Column::ServiceId.eq(service_id))
        .exec(db)
        .await?;
    for &life_event_id in life_event_ids {
        service_life_event::ActiveModel {
            service_id: Set(service_id),
            life_event_id: Set(life_event_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn replace_members(
    db: &impl ConnectionTrait,
    bundle_id: i64,
    services: &[(i64, CatalogStatus)],
) -> Result<(), AppError> {
    bundle_service::Entity::delete_many()
        .filter(bundle_service::Column::BundleId.eq(bundle_id))
        .exec(db)
        .await?;
    for (order, (service_id, _)) in services.iter().enumerate() {
        bundle_service::ActiveModel {
            bundle_id: Set(bundle_id),
            service_id: Set(*service_id),
            sort_order: Set(order as i32),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Services

/// Creates a service as a draft (not yet in the public catalogue), at the end of the
/// catalogue's order, form version 1. A code already taken is 409 `conflict`; any other
/// problem is 422 with every field at fault.
pub async fn create_service(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    draft: &ServiceDraft,
    now: DateTime<Utc>,
) -> Result<ServiceRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let draft = draft.normalized();
    let txn = db.begin().await?;
    let mut errors = draft.problems();
    let refs = service_refs(&txn, &draft, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let taken = service::Entity::find()
        .filter(service::Column::Code.eq(draft.code.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::with_field(ErrorCode::Conflict, "code"));
    }
    let last: Option<Option<i32>> = service::Entity::find()
        .select_only()
        .column_as(service::Column::SortOrder.max(), "last")
        .into_tuple()
        .one(&txn)
        .await?;
    let created = service::ActiveModel {
        code: Set(draft.code.clone()),
        department_id: Set(refs.department_id),
        category_id: Set(refs.category_id),
        name: Set(draft.name.clone()),
        name_en: Set(draft.name_en.clone()),
        summary: Set(draft.summary.clone()),
        summary_en: Set(draft.summary_en.clone()),
        audience: Set(draft.audience.clone()),
        audience_en: Set(draft.audience_en.clone()),
        promised_days: Set(draft.promised_days),
        legal_days: Set(draft.legal_days),
        fee_cents: Set(draft.fee_cents),
        fee_note: Set(draft.fee_note.clone()),
        online_level: Set(draft.online_level.map_or(1, OnlineLevel::level)),
        materials: Set(json::write(&draft.materials, "service.materials")?),
        form_fields: Set(json::write(&draft.form_fields, "service.form_fields")?),
        form_version: Set(1),
        eligibility: Set(None),
        auto_grant: Set(draft.auto_grant),
        status: Set(CatalogStatus::Draft),
        sort_order: Set(last.flatten().map_or(0, |n| n + 1)),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_duplicate)?;
    replace_life_events(&txn, created.id, &refs.life_event_ids).await?;
    audit::record(
        &txn,
        actor,
        "service.create",
        Target::Service(created.id),
        None,
        now,
    )
    .await?;
    let record = service_record(&txn, created).await?;
    txn.commit().await?;
    Ok(record)
}

/// Replaces a service's content (of any status) with the draft and its life events with
/// the draft's. The code cannot change: a draft may leave it blank, a different one is a
/// field error. A change of the form fields or materials bumps the form version; submitted
/// applications keep the form they were submitted with.
pub async fn update_service(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    code: &str,
    draft: &ServiceDraft,
    now: DateTime<Utc>,
) -> Result<ServiceRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let txn = db.begin().await?;
    let existing = service_by_code(&txn, code).await?;
    let mut draft = draft.normalized();
    if draft.code.is_empty() {
        draft.code = existing.code.clone();
    }
    let mut errors = draft.problems();
    if draft.code != existing.code && !errors.iter().any(|e| e.field == "code") {
        errors.insert(0, FieldError::new("code", Problem::NotAnOption));
    }
    let refs = service_refs(&txn, &draft, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    // This edit writes the whole form anew, so a stored form that does not read (logged by
    // `json::read`) is repaired by it and counts as a change: the version goes up.
    let old_materials: Result<Vec<Material>, _> =
        json::read(existing.materials.clone(), "service.materials");
    let old_fields: Result<Vec<FormField>, _> =
        json::read(existing.form_fields.clone(), "service.form_fields");
    let form_changed = old_materials.as_ref() != Ok(&draft.materials)
        || old_fields.as_ref() != Ok(&draft.form_fields);
    let id = existing.id;
    let mut model: service::ActiveModel = existing.into();
    model.department_id = Set(refs.department_id);
    model.category_id = Set(refs.category_id);
    model.name = Set(draft.name.clone());
    model.name_en = Set(draft.name_en.clone());
    model.summary = Set(draft.summary.clone());
    model.summary_en = Set(draft.summary_en.clone());
    model.audience = Set(draft.audience.clone());
    model.audience_en = Set(draft.audience_en.clone());
    model.promised_days = Set(draft.promised_days);
    model.legal_days = Set(draft.legal_days);
    model.fee_cents = Set(draft.fee_cents);
    model.fee_note = Set(draft.fee_note.clone());
    model.online_level = Set(draft.online_level.map_or(1, OnlineLevel::level));
    model.materials = Set(json::write(&draft.materials, "service.materials")?);
    model.form_fields = Set(json::write(&draft.form_fields, "service.form_fields")?);
    model.auto_grant = Set(draft.auto_grant);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    if form_changed {
        // In the database, so that two edits at once bump it twice.
        service::Entity::update_many()
            .col_expr(
                service::Column::FormVersion,
                Expr::col(service::Column::FormVersion).add(1),
            )
            .filter(service::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    replace_life_events(&txn, id, &refs.life_event_ids).await?;
    audit::record(
        &txn,
        actor,
        "service.update",
        Target::Service(id),
        None,
        now,
    )
    .await?;
    let record = service_record(&txn, service_by_code(&txn, code).await?).await?;
    txn.commit().await?;
    Ok(record)
}

/// Publishes (`Published`) or unpublishes (`Unpublished`) a service. Publishing a published
/// service, or unpublishing one that is not published, changes nothing and records nothing.
/// A service a published bundle holds cannot be unpublished (409 `invalid_state_change`,
/// field `bundles`): unpublish the bundle, or take the service out of it, first.
pub async fn set_service_status(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    code: &str,
    status: CatalogStatus,
    now: DateTime<Utc>,
) -> Result<ServiceRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let txn = db.begin().await?;
    let existing = service_by_code(&txn, code).await?;
    let current = existing.status;
    let action = match (status, current) {
        (CatalogStatus::Draft, _) => {
            return Err(AppError::with_field(
                ErrorCode::InvalidStateChange,
                "status",
            ));
        }
        (CatalogStatus::Published, CatalogStatus::Published) => None,
        (CatalogStatus::Published, _) => Some("service.publish"),
        (CatalogStatus::Unpublished, CatalogStatus::Published) => Some("service.unpublish"),
        (CatalogStatus::Unpublished, _) => None,
    };
    let Some(action) = action else {
        return service_record(&txn, existing).await;
    };
    if status == CatalogStatus::Unpublished {
        let holding = bundle::Entity::find()
            .join(
                JoinType::InnerJoin,
                bundle_service::Relation::Bundle.def().rev(),
            )
            .filter(bundle_service::Column::ServiceId.eq(existing.id))
            .filter(bundle::Column::Status.eq(CatalogStatus::Published))
            .one(&txn)
            .await?;
        if holding.is_some() {
            return Err(AppError::with_field(
                ErrorCode::InvalidStateChange,
                "bundles",
            ));
        }
    }
    let id = existing.id;
    let mut model: service::ActiveModel = existing.into();
    model.status = Set(status);
    if status == CatalogStatus::Published {
        model.published_at = Set(Some(now));
    }
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    audit::record(&txn, actor, action, Target::Service(id), None, now).await?;
    let record = service_record(&txn, updated).await?;
    txn.commit().await?;
    Ok(record)
}

// ---------------------------------------------------------------------------------------
// Bundles

/// Creates a bundle as a draft. A code already taken is 409 `conflict`; an unknown life
/// event or service code, like any other problem, is 422 with every field at fault.
pub async fn create_bundle(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    draft: &BundleDraft,
    now: DateTime<Utc>,
) -> Result<BundleRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let draft = draft.normalized();
    let txn = db.begin().await?;
    let mut errors = draft.problems();
    let refs = bundle_refs(&txn, &draft, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let taken = bundle::Entity::find()
        .filter(bundle::Column::Code.eq(draft.code.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::with_field(ErrorCode::Conflict, "code"));
    }
    let created = bundle::ActiveModel {
        code: Set(draft.code.clone()),
        name: Set(draft.name.clone()),
        name_en: Set(draft.name_en.clone()),
        summary: Set(draft.summary.clone()),
        summary_en: Set(draft.summary_en.clone()),
        life_event_id: Set(refs.life_event_id),
        status: Set(CatalogStatus::Draft),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_duplicate)?;
    replace_members(&txn, created.id, &refs.services).await?;
    audit::record(
        &txn,
        actor,
        "bundle.create",
        Target::Bundle(created.id),
        None,
        now,
    )
    .await?;
    let record = bundle_record(&txn, created).await?;
    txn.commit().await?;
    Ok(record)
}

/// Replaces a bundle's content and its services (in the draft's order). The code cannot
/// change (blank keeps it). A published bundle must keep to published services. Submitted
/// applications keep the combined form they were submitted with.
pub async fn update_bundle(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    code: &str,
    draft: &BundleDraft,
    now: DateTime<Utc>,
) -> Result<BundleRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let txn = db.begin().await?;
    let existing = bundle_by_code(&txn, code).await?;
    let mut draft = draft.normalized();
    if draft.code.is_empty() {
        draft.code = existing.code.clone();
    }
    let mut errors = draft.problems();
    if draft.code != existing.code && !errors.iter().any(|e| e.field == "code") {
        errors.insert(0, FieldError::new("code", Problem::NotAnOption));
    }
    let refs = bundle_refs(&txn, &draft, &mut errors).await?;
    if errors.is_empty() && existing.status == CatalogStatus::Published {
        errors = unpublished_members(&refs);
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let id = existing.id;
    let mut model: bundle::ActiveModel = existing.into();
    model.name = Set(draft.name.clone());
    model.name_en = Set(draft.name_en.clone());
    model.summary = Set(draft.summary.clone());
    model.summary_en = Set(draft.summary_en.clone());
    model.life_event_id = Set(refs.life_event_id);
    let updated = model.update(&txn).await?;
    replace_members(&txn, id, &refs.services).await?;
    audit::record(&txn, actor, "bundle.update", Target::Bundle(id), None, now).await?;
    let record = bundle_record(&txn, updated).await?;
    txn.commit().await?;
    Ok(record)
}

/// Publishes or unpublishes a bundle, as [`set_service_status`] does a service. A bundle is
/// published only when all its services are (422, `services.<n>` for each that is not).
pub async fn set_bundle_status(
    db: &impl TransactionTrait,
    actor: &StaffActor,
    code: &str,
    status: CatalogStatus,
    now: DateTime<Utc>,
) -> Result<BundleRecord, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let txn = db.begin().await?;
    let existing = bundle_by_code(&txn, code).await?;
    let current = existing.status;
    let action = match (status, current) {
        (CatalogStatus::Draft, _) => {
            return Err(AppError::with_field(
                ErrorCode::InvalidStateChange,
                "status",
            ));
        }
        (CatalogStatus::Published, CatalogStatus::Published) => None,
        (CatalogStatus::Published, _) => Some("bundle.publish"),
        (CatalogStatus::Unpublished, CatalogStatus::Published) => Some("bundle.unpublish"),
        (CatalogStatus::Unpublished, _) => None,
    };
    let Some(action) = action else {
        return bundle_record(&txn, existing).await;
    };
    if status == CatalogStatus::Published {
        let record = bundle_record(&txn, existing.clone()).await?;
        let mut errors = Vec::new();
        let refs = bundle_refs(&txn, &record.draft, &mut errors).await?;
        errors.extend(unpublished_members(&refs));
        if record.draft.services.is_empty() {
            errors.push(FieldError::new("services", Problem::Required));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
    }
    let id = existing.id;
    let mut model: bundle::ActiveModel = existing.into();
    model.status = Set(status);
    let updated = model.update(&txn).await?;
    audit::record(&txn, actor, action, Target::Bundle(id), None, now).await?;
    let record = bundle_record(&txn, updated).await?;
    txn.commit().await?;
    Ok(record)
}

/// Every service and bundle, for the console's list.
pub async fn overview(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<domain::catalog_admin::CatalogOverview, AppError> {
    Ok(domain::catalog_admin::CatalogOverview {
        services: list_services(db, actor).await?,
        bundles: list_bundles(db, actor).await?,
    })
}

fn choices<T>(
    items: Vec<T>,
    of: impl Fn(T) -> (String, LocalizedText),
) -> Vec<domain::console::Choice> {
    items
        .into_iter()
        .map(|item| {
            let (value, label) = of(item);
            domain::console::Choice { value, label }
        })
        .collect()
}

/// The service form: the stored service (`None` for a new one) and the choices.
pub async fn service_editor(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    code: Option<&str>,
) -> Result<domain::catalog_admin::ServiceEditor, AppError> {
    actor.member.require(Permission::ManageCatalog)?;
    let record = match code {
        Some(code) => Some(get_service(db, actor, code).await?),
        None => None,
    };
    Ok(domain::catalog_admin::ServiceEditor {
        record,
        departments: choices(super::catalog::departments(db).await?, |d| (d.code, d.name)),
        categories: choices(super::catalog::categories(db).await?, |c| (c.code, c.name)),
        life_events: choices(super::catalog::life_events(db).await?, |l| (l.code, l.name)),
    })
}

/// The bundle form: the stored bundle (`None` for a new one) and the choices.
pub async fn bundle_editor(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    code: Option<&str>,
) -> Result<domain::catalog_admin::BundleEditor, AppError> {
    let record = match code {
        Some(code) => Some(get_bundle(db, actor, code).await?),
        None => None,
    };
    Ok(domain::catalog_admin::BundleEditor {
        record,
        life_events: choices(super::catalog::life_events(db).await?, |l| (l.code, l.name)),
        services: choices(list_services(db, actor).await?, |s| (s.code, s.name)),
    })
}
