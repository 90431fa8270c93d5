//! Writes the demo catalogue (from [`super::catalog_data`]) and the working-day calendar.

use super::bulk::BulkInsert;
use super::catalog_data::{FieldSeed, MaterialSeed, catalogue};
use chrono::{DateTime, Utc};
use domain::catalog::{FormField, Material};
use domain::text::LocalizedText;
use domain::working_days::{WorkingCalendar, schedule_2026};
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::HashMap;

/// What later steps need to know about the catalogue just written.
pub struct CatalogIds {
    /// (id, code) in display order.
    pub departments: Vec<(i64, &'static str)>,
    pub services: Vec<ServiceInfo>,
    pub bundles: Vec<BundleInfo>,
    pub calendar: WorkingCalendar,
}

pub struct ServiceInfo {
    pub id: i64,
    pub code: &'static str,
    pub department_id: i64,
    pub promised_days: i32,
    /// Answers a plausible applicant would give, keyed like the form.
    pub form_keys: Vec<&'static str>,
}

pub struct BundleInfo {
    pub id: i64,
    /// Indexes into `CatalogIds::services`.
    pub services: Vec<usize>,
}

pub async fn insert_calendar(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let mut rows = BulkInsert::new("calendar_day", &["day", "kind", "name"]);
    for (day, kind, name) in schedule_2026() {
        rows.push(db, vec![day.into(), kind.as_str().into(), name.into()])
            .await?;
    }
    rows.flush(db).await
}

fn material(seed: &MaterialSeed) -> Material {
    Material {
        name: LocalizedText::new(seed.name.as_str(), Some(seed.name_en.clone())),
        required: seed.required,
        form: seed.form,
        note: None,
    }
}

fn field(seed: &FieldSeed) -> FormField {
    FormField {
        key: seed.key.clone(),
        label: LocalizedText::new(seed.label.as_str(), Some(seed.label_en.clone())),
        kind: seed.kind,
        required: seed.required,
        options: seed
            .options
            .iter()
            .map(|(zh, en)| LocalizedText::new(zh.as_str(), Some(en.clone())))
            .collect(),
        prefill: seed.prefill.clone(),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<Value, DbErr> {
    serde_json::to_value(value)
        .map(Value::from)
        .map_err(|e| DbErr::Custom(format!("demo catalogue does not serialize: {e}")))
}

fn missing(kind: &str, code: &str) -> DbErr {
    DbErr::Custom(format!("demo catalogue: unknown {kind} code {code:?}"))
}

pub async fn insert_catalog(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<CatalogIds, DbErr> {
    let catalogue = catalogue()?;
    let mut departments = BulkInsert::new(
        "department",
        &[
            "id",
            "code",
            "name",
            "name_en",
            "hotline",
            "address",
            "sort_order",
            "created_at",
        ],
    );
    let mut department_ids = HashMap::new();
    for (i, d) in catalogue.departments.iter().enumerate() {
        let id = i as i64 + 1;
        department_ids.insert(d.code.as_str(), id);
        departments
            .push(
                db,
                vec![
                    id.into(),
                    d.code.as_str().into(),
                    d.name.as_str().into(),
                    d.name_en.as_str().into(),
                    d.hotline.as_str().into(),
                    d.address.as_str().into(),
                    (i as i32).into(),
                    now.into(),
                ],
            )
            .await?;
    }
    departments.flush(db).await?;

    let mut categories = BulkInsert::new(
        "service_category",
        &["id", "code", "name", "name_en", "sort_order"],
    );
    let mut category_ids = HashMap::new();
    for (i, c) in catalogue.categories.iter().enumerate() {
        let id = i as i64 + 1;
        category_ids.insert(c.code.as_str(), id);
        categories
            .push(
                db,
                vec![
                    id.into(),
                    c.code.as_str().into(),
                    c.name.as_str().into(),
                    c.name_en.as_str().into(),
                    (i as i32).into(),
                ],
            )
            .await?;
    }
    categories.flush(db).await?;

    let mut events = BulkInsert::new(
        "life_event",
        &["id", "code", "name", "name_en", "description", "sort_order"],
    );
    let mut event_ids = HashMap::new();
    for (i, e) in catalogue.life_events.iter().enumerate() {
        let id = i as i64 + 1;
        event_ids.insert(e.code.as_str(), id);
        events
            .push(
                db,
                vec![
                    id.into(),
                    e.code.as_str().into(),
                    e.name.as_str().into(),
                    e.name_en.as_str().into(),
                    e.description.as_str().into(),
                    (i as i32).into(),
                ],
            )
            .await?;
    }
    events.flush(db).await?;

    let mut services = BulkInsert::new(
        "service",
        &[
            "id",
            "code",
            "department_id",
            "category_id",
            "name",
            "name_en",
            "summary",
            "summary_en",
            "audience",
            "audience_en",
            "promised_days",
            "legal_days",
            "fee_cents",
            "fee_note",
            "online_level",
            "materials",
            "form_fields",
            "form_version",
            "auto_grant",
            "status",
            "sort_order",
            "published_at",
            "created_at",
            "updated_at",
        ],
    );
    let mut links = BulkInsert::new("service_life_event", &["service_id", "life_event_id"]);
    let mut service_infos = Vec::with_capacity(catalogue.services.len());
    let mut service_index = HashMap::new();
    for (i, s) in catalogue.services.iter().enumerate() {
        let id = i as i64 + 1;
        let department_id = *department_ids
            .get(s.department.as_str())
            .ok_or_else(|| missing("department", &s.department))?;
        let category_id = *category_ids
            .get(s.category.as_str())
            .ok_or_else(|| missing("category", &s.category))?;
        let materials: Vec<Material> = s.materials.iter().map(material).collect();
        let fields: Vec<FormField> = s.fields.iter().map(field).collect();
        services
            .push(
                db,
                vec![
                    id.into(),
                    s.code.as_str().into(),
                    department_id.into(),
                    category_id.into(),
                    s.name.as_str().into(),
                    s.name_en.as_str().into(),
                    s.summary.as_str().into(),
                    s.summary_en.as_str().into(),
                    s.audience.as_str().into(),
                    s.audience_en.as_str().into(),
                    s.promised_days.into(),
                    s.legal_days.into(),
                    s.fee_cents.into(),
                    s.fee_note.clone().into(),
                    s.online_level.level().into(),
                    json(&materials)?,
                    json(&fields)?,
                    1i32.into(),
                    s.auto_grant.into(),
                    "published".into(),
                    (i as i32).into(),
                    now.into(),
                    now.into(),
                    now.into(),
                ],
            )
            .await?;
        for code in &s.life_events {
            let event_id = *event_ids
                .get(code.as_str())
                .ok_or_else(|| missing("life event", code))?;
            links.push(db, vec![id.into(), event_id.into()]).await?;
        }
        service_index.insert(s.code.as_str(), i);
        service_infos.push(ServiceInfo {
            id,
            code: s.code.as_str(),
            department_id,
            promised_days: s.promised_days,
            form_keys: s.fields.iter().map(|f| f.key.as_str()).collect(),
        });
    }
    services.flush(db).await?;
    links.flush(db).await?;

    let mut bundles = BulkInsert::new(
        "bundle",
        &[
            "id",
            "code",
            "name",
            "name_en",
            "summary",
            "summary_en",
            "life_event_id",
            "status",
            "created_at",
        ],
    );
    let mut members = BulkInsert::new("bundle_service", &["bundle_id", "service_id", "sort_order"]);
    let mut bundle_infos = Vec::new();
    for (i, b) in catalogue.bundles.iter().enumerate() {
        let id = i as i64 + 1;
        let event_id = *event_ids
            .get(b.life_event.as_str())
            .ok_or_else(|| missing("life event", &b.life_event))?;
        bundles
            .push(
                db,
                vec![
                    id.into(),
                    b.code.as_str().into(),
                    b.name.as_str().into(),
                    b.name_en.as_str().into(),
                    b.summary.as_str().into(),
                    b.summary_en.as_str().into(),
                    event_id.into(),
                    "published".into(),
                    now.into(),
                ],
            )
            .await?;
        let mut indexes = Vec::new();
        for (order, code) in b.services.iter().enumerate() {
            let index = *service_index
                .get(code.as_str())
                .ok_or_else(|| missing("service", code))?;
            members
                .push(
                    db,
                    vec![
                        id.into(),
                        service_infos[index].id.into(),
                        (order as i32).into(),
                    ],
                )
                .await?;
            indexes.push(index);
        }
        bundle_infos.push(BundleInfo {
            id,
            services: indexes,
        });
    }
    bundles.flush(db).await?;
    members.flush(db).await?;

    let calendar = WorkingCalendar::new(
        schedule_2026()
            .into_iter()
            .map(|(day, kind, _)| (day, kind)),
    );
    Ok(CatalogIds {
        departments: catalogue
            .departments
            .iter()
            .map(|d| (department_ids[d.code.as_str()], d.code.as_str()))
            .collect(),
        services: service_infos,
        bundles: bundle_infos,
        calendar,
    })
}
