//! Applications as the resident makes and follows them: the prefilled form, drafts,
//! attachments, submission (idempotent), taking back to correct, withdrawal, resubmission
//! after a supplement request, "my applications" and the detail with its timeline.
//!
//! Every function takes the signed-in resident's id and only ever touches that resident's
//! applications (or those they applied for on someone's behalf): anything else is "not found".

use super::entities::{
    application, application_event, attachment, bundle, bundle_service, department, proxy_consent,
    resident, service, supplement, task,
};
use super::notifications::{self, NewNotification};
use chrono::{DateTime, Utc};
use domain::application::{
    Actor, ApplicationDetail, ApplicationForm, ApplicationStatus, ApplicationSummary,
    AttachmentView, EventActor, OnBehalf, SupplementView, TaskView, TimelineEvent, combined_status,
    correctable_until,
};
use domain::catalog::{FieldKind, FormField, Material};
use domain::deadline::{china_date, due_on, end_of_china_day, paused_days};
use domain::error::{AppError, ErrorCode};
use domain::form::{self, Answers, is_locked, missing_materials, validate_answers};
use domain::notification::{Push, PushEvent};
use domain::text::LocalizedText;
use domain::working_days::WorkingCalendar;
use i18n::{Locale, td_string};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr, TransactionTrait,
};
use std::collections::HashMap;

/// How many earlier applications "fill once" looks at for answers already given.
const HISTORY_DEPTH: u64 = 20;

/// The longest comment or note stored with an event.
pub const COMMENT_MAX_CHARS: usize = 500;

// ---------------------------------------------------------------------------------------
// Reading the pieces

fn parse_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    what: &str,
) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|err| {
        tracing::error!(what, error = %err, "stored JSON does not parse");
        AppError::new(ErrorCode::Internal)
    })
}

fn status_of(text: &str) -> Result<ApplicationStatus, AppError> {
    ApplicationStatus::parse(text).ok_or_else(|| {
        tracing::error!(status = text, "unknown status stored");
        AppError::new(ErrorCode::Internal)
    })
}

/// What an application asks and where it goes: one service's form, or a bundle's (一件事)
/// combined form, shared fields asked once, with one task per service.
struct Definition {
    /// The service's or the bundle's catalogue code.
    code: String,
    service_id: Option<i64>,
    bundle_id: Option<i64>,
    title: LocalizedText,
    /// The department; for a bundle every department, in order.
    department: LocalizedText,
    promised_days: i32,
    form_version: i32,
    /// The applicant block first.
    fields: Vec<FormField>,
    materials: Vec<Material>,
    /// (service id, department id) of each task a submission creates.
    targets: Vec<(i64, i64)>,
}

/// What a resident applies for.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    Service(&'a str),
    Bundle(&'a str),
}

fn service_definition(
    model: service::Model,
    department: department::Model,
) -> Result<Definition, AppError> {
    let mut fields = form::applicant_fields();
    merge_fields(
        &mut fields,
        parse_json(model.form_fields.clone(), "form_fields")?,
    );
    Ok(Definition {
        materials: parse_json(model.materials.clone(), "materials")?,
        code: model.code,
        service_id: Some(model.id),
        bundle_id: None,
        title: LocalizedText::new(model.name, model.name_en),
        department: LocalizedText::new(department.name, department.name_en),
        promised_days: model.promised_days,
        form_version: model.form_version,
        fields,
        targets: vec![(model.id, department.id)],
    })
}

/// Adds a service's fields to a form, each key once. A service's own wording of a field of
/// the applicant block replaces the platform's default there; a key an earlier service of a
/// bundle already asks keeps that first wording.
fn merge_fields(fields: &mut Vec<FormField>, more: Vec<FormField>) {
    for field in more {
        match fields.iter().position(|f| f.key == field.key) {
            Some(at) if form::is_applicant_default(&fields[at]) => fields[at] = field,
            Some(_) => {}
            None => fields.push(field),
        }
    }
}

async fn service_by(
    db: &impl ConnectionTrait,
    condition: sea_orm::Condition,
) -> Result<Definition, AppError> {
    let (model, department) = service::Entity::find()
        .filter(condition)
        .find_also_related(department::Entity)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    service_definition(model, department.ok_or_else(AppError::not_found)?)
}

/// A bundle's combined form: the fields of its services, each key once; their materials,
/// each once; the longest promise; a task for each service.
async fn bundle_definition(
    db: &impl ConnectionTrait,
    found: bundle::Model,
) -> Result<Definition, AppError> {
    let members = service::Entity::find()
        .inner_join(bundle_service::Entity)
        .filter(bundle_service::Column::BundleId.eq(found.id))
        .order_by_asc(bundle_service::Column::SortOrder)
        .find_also_related(department::Entity)
        .all(db)
        .await?;
    let mut fields = form::applicant_fields();
    let mut materials: Vec<Material> = Vec::new();
    let mut zh_departments: Vec<String> = Vec::new();
    let mut en_departments: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    let mut promised_days = 0;
    for (model, department) in members {
        let department = department.ok_or_else(AppError::not_found)?;
        merge_fields(
            &mut fields,
            parse_json(model.form_fields.clone(), "form_fields")?,
        );
        for material in parse_json::<Vec<Material>>(model.materials.clone(), "materials")? {
            if !materials.iter().any(|m| m.name.zh == material.name.zh) {
                materials.push(material);
            }
        }
        if !zh_departments.contains(&department.name) {
            zh_departments.push(department.name.clone());
            en_departments.push(
                department
                    .name_en
                    .clone()
                    .unwrap_or(department.name.clone()),
            );
        }
        promised_days = Ord::max(promised_days, model.promised_days);
        targets.push((model.id, department.id));
    }
    if targets.is_empty() {
        return Err(AppError::not_found());
    }
    Ok(Definition {
        code: found.code,
        service_id: None,
        bundle_id: Some(found.id),
        title: LocalizedText::new(found.name, found.name_en),
        department: LocalizedText::new(zh_departments.join("、"), Some(en_departments.join(", "))),
        promised_days,
        form_version: 1,
        fields,
        materials,
        targets,
    })
}

/// The published definition of what a resident wants to apply for.
async fn published(
    db: &impl ConnectionTrait,
    subject: Subject<'_>,
) -> Result<Definition, AppError> {
    match subject {
        Subject::Service(code) => {
            service_by(
                db,
                sea_orm::Condition::all()
                    .add(service::Column::Code.eq(code))
                    .add(service::Column::Status.eq(service::PUBLISHED)),
            )
            .await
        }
        Subject::Bundle(code) => {
            let found = bundle::Entity::find()
                .filter(bundle::Column::Code.eq(code))
                .filter(bundle::Column::Status.eq(service::PUBLISHED))
                .one(db)
                .await?
                .ok_or_else(AppError::not_found)?;
            bundle_definition(db, found).await
        }
    }
}

/// The form an application was submitted with, kept on it: a later change of the service's
/// form leaves submitted applications as they were.
#[derive(serde::Serialize, serde::Deserialize)]
struct FrozenForm {
    fields: Vec<FormField>,
    materials: Vec<Material>,
}

/// The definition an existing application was made with: the service's or bundle's, with the
/// form it was submitted with (drafts follow the current form).
async fn definition_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<Definition, AppError> {
    let mut definition = current_definition_of(db, app).await?;
    if let Some(frozen) = app.form_definition.clone() {
        let frozen: FrozenForm = parse_json(frozen, "form_definition")?;
        definition.fields = frozen.fields;
        definition.materials = frozen.materials;
        definition.form_version = app.form_version;
    }
    Ok(definition)
}

async fn current_definition_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<Definition, AppError> {
    match (app.service_id, app.bundle_id) {
        (Some(id), _) => {
            service_by(
                db,
                sea_orm::Condition::all().add(service::Column::Id.eq(id)),
            )
            .await
        }
        (None, Some(id)) => {
            let found = bundle::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(AppError::not_found)?;
            bundle_definition(db, found).await
        }
        (None, None) => Err(AppError::not_found()),
    }
}

/// Whom a new application is for: the resident, or a household member who consented that the
/// resident applies on their behalf (代办). Anyone else is "not found".
async fn applicant_for(
    db: &impl ConnectionTrait,
    resident_id: i64,
    on_behalf_of: Option<i64>,
) -> Result<resident::Model, AppError> {
    let Some(member) = on_behalf_of.filter(|m| *m != resident_id) else {
        return resident_of(db, resident_id).await;
    };
    let consent = proxy_consent::Entity::find()
        .filter(proxy_consent::Column::ResidentId.eq(member))
        .filter(proxy_consent::Column::ProxyResidentId.eq(resident_id))
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if consent.is_none() {
        return Err(AppError::not_found());
    }
    resident::Entity::find_by_id(member)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Household members who let the resident apply for them.
async fn can_apply_for(
    db: &impl ConnectionTrait,
    resident_id: i64,
) -> Result<Vec<OnBehalf>, AppError> {
    let rows: Vec<(i64, String)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .inner_join(proxy_consent::Entity)
        .filter(proxy_consent::Column::ProxyResidentId.eq(resident_id))
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .order_by_asc(resident::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name)| OnBehalf { member_id, name })
        .collect())
}

async fn resident_of(db: &impl ConnectionTrait, id: i64) -> Result<resident::Model, AppError> {
    resident::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated))
}

/// The language a resident's messages are written in.
pub(crate) fn locale_of(resident: &resident::Model) -> Locale {
    if resident.language == "en" {
        Locale::en
    } else {
        Locale::zh_CN
    }
}

/// An application the resident may see: their own, or one they submitted for someone else.
pub(crate) async fn visible_application(
    db: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
) -> Result<application::Model, AppError> {
    application::Entity::find()
        .filter(application::Column::Number.eq(number))
        .filter(
            application::Column::ResidentId
                .eq(resident_id)
                .or(application::Column::SubmittedByResidentId.eq(resident_id)),
        )
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

/// The profile facts fields can be prefilled from.
fn profile_fact(resident: &resident::Model, fact: &str) -> Option<String> {
    match fact {
        "name" => Some(resident.name.clone()),
        "id_number" => Some(resident.id_number.clone()),
        "mobile" => resident.mobile.clone(),
        "address" => Some(resident.address.clone()).filter(|a| !a.is_empty()),
        "birth_date" => Some(resident.birth_date.format("%Y-%m-%d").to_string()),
        "gender" => Some(
            if resident.gender == "female" {
                "女"
            } else {
                "男"
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// Answers the resident gave in earlier applications, the newest winning ("fill once").
async fn earlier_answers(db: &impl ConnectionTrait, resident_id: i64) -> Result<Answers, AppError> {
    let rows: Vec<serde_json::Value> = application::Entity::find()
        .select_only()
        .column(application::Column::FormData)
        .filter(application::Column::ResidentId.eq(resident_id))
        .order_by_desc(application::Column::Id)
        .limit(HISTORY_DEPTH)
        .into_tuple()
        .all(db)
        .await?;
    let mut answers = Answers::new();
    // Oldest first, so that newer answers overwrite older ones.
    for row in rows.into_iter().rev() {
        if let Ok(old) = serde_json::from_value::<Answers>(row) {
            answers.extend(old.into_iter().filter(|(_, v)| !v.trim().is_empty()));
        }
    }
    Ok(answers)
}

/// The answers a new form starts with: the profile first, then what was given before.
fn prefill(fields: &[FormField], resident: &resident::Model, earlier: &Answers) -> Answers {
    fields
        .iter()
        .filter_map(|field| {
            let from_profile = field
                .prefill
                .as_deref()
                .and_then(|f| profile_fact(resident, f));
            let value = from_profile.or_else(|| earlier.get(&field.key).cloned())?;
            Some((field.key.clone(), value))
        })
        .collect()
}

/// Keeps only the form's own keys, trims them, and puts the account's identity in the locked
/// fields whatever was sent.
fn clean_answers(fields: &[FormField], sent: &Answers, resident: &resident::Model) -> Answers {
    fields
        .iter()
        .filter_map(|field| {
            let value = if is_locked(field) {
                field
                    .prefill
                    .as_deref()
                    .and_then(|f| profile_fact(resident, f))
            } else {
                sent.get(&field.key).map(|v| v.trim().to_owned())
            }?;
            Some((field.key.clone(), value))
        })
        .collect()
}

fn material_index(materials: &[Material], stored: Option<&str>) -> Option<usize> {
    let stored = stored?;
    materials.iter().position(|m| m.name.zh == stored)
}

async fn attachments_of(
    db: &impl ConnectionTrait,
    application_id: i64,
    materials: &[Material],
) -> Result<Vec<AttachmentView>, AppError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(application_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id,
            material: material_index(materials, a.material_name.as_deref()),
            material_name: a.material_name,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            uploaded_at: a.created_at,
        })
        .collect())
}

async fn open_supplement(
    db: &impl ConnectionTrait,
    application_id: i64,
) -> Result<Option<SupplementView>, AppError> {
    let found = supplement::Entity::find()
        .inner_join(task::Entity)
        .filter(task::Column::ApplicationId.eq(application_id))
        .filter(supplement::Column::RespondedAt.is_null())
        .order_by_desc(supplement::Column::Id)
        .one(db)
        .await?;
    Ok(found.map(|s| SupplementView {
        requested_at: s.requested_at,
        materials: serde_json::from_value(s.materials).unwrap_or_default(),
        note: s.note,
    }))
}

// ---------------------------------------------------------------------------------------
// The form and drafts

/// The form for applying for a service or bundle, for the resident or (代办) a household
/// member who consented: the newest draft of it if there is one (drafts follow the resident
/// to any device), otherwise a new form, prefilled from the applicant's profile and answers.
pub async fn open_form(
    db: &impl ConnectionTrait,
    resident_id: i64,
    subject: Subject<'_>,
    on_behalf_of: Option<i64>,
) -> Result<ApplicationForm, AppError> {
    let definition = published(db, subject).await?;
    let applicant = applicant_for(db, resident_id, on_behalf_of).await?;
    let proxy = (applicant.id != resident_id).then_some(resident_id);
    let mut draft = application::Entity::find()
        .filter(application::Column::ResidentId.eq(applicant.id))
        .filter(application::Column::Status.eq(ApplicationStatus::Draft.as_str()))
        .order_by_desc(application::Column::Id);
    draft = match proxy {
        Some(proxy) => draft.filter(application::Column::SubmittedByResidentId.eq(proxy)),
        None => draft.filter(application::Column::SubmittedByResidentId.is_null()),
    };
    draft = match (definition.service_id, definition.bundle_id) {
        (Some(id), _) => draft.filter(application::Column::ServiceId.eq(id)),
        (None, Some(id)) => draft.filter(application::Column::BundleId.eq(id)),
        (None, None) => return Err(AppError::not_found()),
    };
    let can_apply_for = can_apply_for(db, resident_id).await?;
    let mut form = match draft.one(db).await? {
        Some(draft) => form_of(db, draft, definition, false).await?,
        None => {
            let earlier = earlier_answers(db, applicant.id).await?;
            let answers = prefill(&definition.fields, &applicant, &earlier);
            ApplicationForm {
                number: None,
                service_code: definition.code,
                is_bundle: definition.bundle_id.is_some(),
                title: definition.title,
                department: definition.department,
                promised_days: definition.promised_days,
                status: ApplicationStatus::Draft,
                fields: definition.fields,
                answers,
                materials: definition.materials,
                attachments: Vec::new(),
                errors: Vec::new(),
                supplement: None,
                idempotency_key: Some(format!(
                    "form-{resident_id}-{}",
                    chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
                )),
                on_behalf_of: None,
                can_apply_for: Vec::new(),
            }
        }
    };
    form.on_behalf_of = proxy.map(|_| OnBehalf {
        member_id: applicant.id,
        name: applicant.name.clone(),
    });
    form.can_apply_for = can_apply_for;
    Ok(form)
}

/// The form of an existing draft or of an application waiting for a supplement, with the
/// problems its answers have (`check`: after a failed submission).
pub async fn edit_form(
    db: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
    check: bool,
) -> Result<ApplicationForm, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let definition = definition_of(db, &app).await?;
    let for_name = (app.resident_id != resident_id).then_some(app.resident_id);
    let mut form = form_of(db, app, definition, check).await?;
    if let Some(member) = for_name {
        form.on_behalf_of = Some(OnBehalf {
            member_id: member,
            name: resident_of(db, member).await?.name,
        });
    }
    Ok(form)
}

async fn form_of(
    db: &impl ConnectionTrait,
    app: application::Model,
    service: Definition,
    check: bool,
) -> Result<ApplicationForm, AppError> {
    let status = status_of(&app.status)?;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let answers: Answers = parse_json(app.form_data.clone(), "form_data")?;
    let attachments = attachments_of(db, app.id, &service.materials).await?;
    let errors = if check {
        problems(&service.fields, &service.materials, &answers, &attachments)
    } else {
        Vec::new()
    };
    Ok(ApplicationForm {
        number: Some(app.number),
        service_code: service.code,
        is_bundle: service.bundle_id.is_some(),
        title: service.title,
        department: service.department,
        promised_days: service.promised_days,
        status,
        fields: service.fields,
        answers,
        materials: service.materials,
        attachments,
        errors,
        supplement: open_supplement(db, app.id).await?,
        idempotency_key: None,
        on_behalf_of: None,
        can_apply_for: Vec::new(),
    })
}

fn problems(
    fields: &[FormField],
    materials: &[Material],
    answers: &Answers,
    attachments: &[AttachmentView],
) -> Vec<domain::validation::FieldError> {
    let mut per_material = vec![0usize; materials.len()];
    for index in attachments.iter().filter_map(|a| a.material) {
        per_material[index] += 1;
    }
    let mut errors = validate_answers(fields, answers);
    errors.extend(missing_materials(materials, &per_material));
    errors
}

/// Saves the answers as a draft: a new one (`number` None) or an existing draft. Returns the
/// draft's number. A draft never counts as submitted. With an `idempotency_key`, a repeated
/// call returns the draft the first one made.
#[allow(clippy::too_many_arguments)]
pub async fn save_draft(
    db: &sea_orm::DatabaseConnection,
    resident_id: i64,
    subject: Subject<'_>,
    number: Option<&str>,
    sent: &Answers,
    idempotency_key: Option<&str>,
    on_behalf_of: Option<i64>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let txn = db.begin().await?;
    // Write first: one resident's saves queue up here (a row lock on PostgreSQL, the write
    // lock on SQLite), so a twin request sees the draft its twin made instead of racing it.
    resident::Entity::update_many()
        .col_expr(
            resident::Column::UpdatedAt,
            Expr::col(resident::Column::UpdatedAt),
        )
        .filter(resident::Column::Id.eq(resident_id))
        .exec(&txn)
        .await?;
    let number = match number {
        Some(number) => {
            let app = visible_application(&txn, resident_id, number).await?;
            let status = status_of(&app.status)?;
            if !status.is_editable() {
                return Err(AppError::new(ErrorCode::InvalidStateChange));
            }
            let service = definition_of(&txn, &app).await?;
            let applicant = resident_of(&txn, app.resident_id).await?;
            // What was sent replaces those answers; the others stay as they were.
            let mut answers: Answers = parse_json(app.form_data.clone(), "form_data")?;
            answers.extend(clean_answers(&service.fields, sent, &applicant));
            update_answers(&txn, app.id, &answers, now).await?;
            app.number
        }
        None => {
            let service = published(&txn, subject).await?;
            let applicant = applicant_for(&txn, resident_id, on_behalf_of).await?;
            if let Some(key) = idempotency_key {
                let earlier = application::Entity::find()
                    .filter(application::Column::ResidentId.eq(applicant.id))
                    .filter(application::Column::IdempotencyKey.eq(key))
                    .one(&txn)
                    .await?;
                // The same form posted again (a double click, a background save before the
                // submit): the same draft, with the latest answers while it is one.
                if let Some(earlier) = earlier {
                    if status_of(&earlier.status)?.is_editable() {
                        let answers = clean_answers(&service.fields, sent, &applicant);
                        update_answers(&txn, earlier.id, &answers, now).await?;
                        txn.commit().await?;
                    }
                    return Ok(earlier.number);
                }
            }
            // Prefilled first, then whatever was sent ("fill once").
            let earlier = earlier_answers(&txn, applicant.id).await?;
            let mut answers = prefill(&service.fields, &applicant, &earlier);
            answers.extend(clean_answers(&service.fields, sent, &applicant));
            let created = application::ActiveModel {
                // A placeholder, unique, replaced by the real number below.
                number: Set(format!(
                    "new-{resident_id}-{}",
                    now.timestamp_nanos_opt().unwrap_or_default()
                )),
                resident_id: Set(applicant.id),
                submitted_by_resident_id: Set((applicant.id != resident_id).then_some(resident_id)),
                service_id: Set(service.service_id),
                bundle_id: Set(service.bundle_id),
                status: Set(ApplicationStatus::Draft.as_str().to_owned()),
                form_version: Set(service.form_version),
                form_data: Set(serde_json::to_value(&answers).unwrap_or_default()),
                idempotency_key: Set(idempotency_key.map(str::to_owned)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            let created = match created {
                Ok(created) => created,
                // A twin request with the same key made the draft first: that draft it is.
                Err(err)
                    if idempotency_key.is_some()
                        && matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
                {
                    drop(txn);
                    let twin = application::Entity::find()
                        .filter(application::Column::ResidentId.eq(applicant.id))
                        .filter(application::Column::IdempotencyKey.eq(idempotency_key))
                        .one(db)
                        .await?
                        .ok_or(AppError::new(ErrorCode::Conflict))?;
                    return Ok(twin.number);
                }
                Err(err) => return Err(err.into()),
            };
            let number = application_number(now, created.id);
            application::Entity::update_many()
                .col_expr(application::Column::Number, Expr::value(number.clone()))
                .filter(application::Column::Id.eq(created.id))
                .exec(&txn)
                .await?;
            number
        }
    };
    txn.commit().await?;
    Ok(number)
}

async fn update_answers(
    txn: &impl ConnectionTrait,
    application_id: i64,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    application::Entity::update_many()
        .col_expr(
            application::Column::FormData,
            Expr::value(serde_json::to_value(answers).unwrap_or_default()),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            application::Column::Version,
            Expr::col(application::Column::Version).add(1),
        )
        .filter(application::Column::Id.eq(application_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// `MS-YYYYMMDD-NNNNNN`: the day it was started (China date) and its id.
pub fn application_number(created: DateTime<Utc>, id: i64) -> String {
    format!("MS-{}-{id:06}", china_date(created).format("%Y%m%d"))
}

// ---------------------------------------------------------------------------------------
// Attachments

/// A file the resident hands in for one material of a draft (or of a supplement).
pub struct NewAttachment<'a> {
    pub material: usize,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
}

pub async fn add_attachment(
    db: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
    file: NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<AttachmentView, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let status = status_of(&app.status)?;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let service = definition_of(db, &app).await?;
    let material = service
        .materials
        .get(file.material)
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "material"))?;
    let file_name: String = file
        .file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let model = attachment::ActiveModel {
        resident_id: Set(app.resident_id),
        application_id: Set(Some(app.id)),
        material_name: Set(Some(material.name.zh.clone())),
        file_name: Set(if file_name.is_empty() {
            "file".to_owned()
        } else {
            file_name
        }),
        content_type: Set(file.content_type.to_owned()),
        size_bytes: Set(file.size_bytes),
        sha256: Set(file.sha256.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(AttachmentView {
        id: model.id,
        material: Some(file.material),
        material_name: model.material_name,
        file_name: model.file_name,
        content_type: model.content_type,
        size_bytes: model.size_bytes,
        uploaded_at: model.created_at,
    })
}

/// Removes a file from a draft (or from a supplement being prepared).
pub async fn remove_attachment(
    db: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
    attachment_id: i64,
) -> Result<(), AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let status = status_of(&app.status)?;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let deleted = attachment::Entity::delete_many()
        .filter(attachment::Column::Id.eq(attachment_id))
        .filter(attachment::Column::ApplicationId.eq(app.id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::not_found());
    }
    Ok(())
}

/// An attachment the resident may download: on one of their applications.
pub async fn downloadable_attachment(
    db: &impl ConnectionTrait,
    resident_id: i64,
    attachment_id: i64,
) -> Result<attachment::Model, AppError> {
    let found = attachment::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let application_id = found.application_id.ok_or_else(AppError::not_found)?;
    let visible = application::Entity::find_by_id(application_id)
        .filter(
            application::Column::ResidentId
                .eq(resident_id)
                .or(application::Column::SubmittedByResidentId.eq(resident_id)),
        )
        .one(db)
        .await?;
    match visible {
        Some(_) => Ok(found),
        None => Err(AppError::not_found()),
    }
}

// ---------------------------------------------------------------------------------------
// Submitting, withdrawing, resubmitting

/// What a state change left to do once its transaction has committed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pushes: Vec<Push>,
    /// False when nothing changed (a repeated submission).
    pub changed: bool,
}

/// Submits a draft (creating the department tasks), or resubmits after a supplement request
/// (restarting the clock, the pause added to the due date). Submitting twice is harmless:
/// the second call finds the application already submitted and changes nothing.
pub async fn submit(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    resident_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let txn = db.begin().await?;
    let app = visible_application(&txn, resident_id, number).await?;
    let status = status_of(&app.status)?;
    match status {
        ApplicationStatus::Draft | ApplicationStatus::SupplementRequested => {}
        ApplicationStatus::Withdrawn => return Err(AppError::new(ErrorCode::InvalidStateChange)),
        // Already submitted (a double click or a retried request): the same application.
        _ => return Ok(Outcome::default()),
    }
    let service = definition_of(&txn, &app).await?;
    let answers: Answers = parse_json(app.form_data.clone(), "form_data")?;
    let attachments = attachments_of(&txn, app.id, &service.materials).await?;
    let errors = problems(&service.fields, &service.materials, &answers, &attachments);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    // Only one request may move it: the version check makes a concurrent twin a no-op.
    let moved = application::Entity::update_many()
        .col_expr(
            application::Column::Status,
            Expr::value(ApplicationStatus::Submitted.as_str()),
        )
        .col_expr(
            application::Column::SubmittedAt,
            Expr::value(app.submitted_at.unwrap_or(now)),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .col_expr(application::Column::Version, Expr::value(app.version + 1))
        .col_expr(
            application::Column::FormVersion,
            Expr::value(service.form_version),
        )
        .col_expr(
            application::Column::FormDefinition,
            Expr::value(
                serde_json::to_value(FrozenForm {
                    fields: service.fields.clone(),
                    materials: service.materials.clone(),
                })
                .ok(),
            ),
        )
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Version.eq(app.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Ok(Outcome::default());
    }
    let kind = if status == ApplicationStatus::Draft {
        // One task for each department's service (one for a single service).
        for (service_id, department_id) in &service.targets {
            task::ActiveModel {
                application_id: Set(app.id),
                department_id: Set(*department_id),
                service_id: Set(*service_id),
                status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
                paused_working_days: Set(0),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        // 事项找人: a recommendation of these services has converted.
        let services = service.targets.iter().map(|(id, _)| *id).collect();
        super::recommendations::mark_applied(&txn, app.resident_id, services, now).await?;
        "submitted"
    } else {
        resume_clock(&txn, calendar, app.id, now).await?;
        "resubmitted"
    };
    // After a supplement the case goes back to where it was (accepted: the clock runs again).
    let to = if kind == "resubmitted" {
        let moved = application::Model {
            version: app.version + 1,
            ..app.clone()
        };
        recompute_status(&txn, &moved, now).await?
    } else {
        ApplicationStatus::Submitted
    };
    let mut outcome = record_change(
        &txn,
        &app,
        Change {
            kind,
            from: status,
            to,
            actor: ActorRef::Resident(resident_id),
            comment: None,
            task_id: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    outcome.changed = true;
    Ok(outcome)
}

/// After a supplement: close the request, add the paused working days, restart the clock.
async fn resume_clock(
    txn: &impl ConnectionTrait,
    calendar: &WorkingCalendar,
    application_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let waiting = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(application_id))
        .filter(task::Column::Status.eq(ApplicationStatus::SupplementRequested.as_str()))
        .all(txn)
        .await?;
    for t in waiting {
        let paused = t
            .paused_at
            .map(|at| paused_days(calendar, china_date(at), china_date(now)))
            .unwrap_or(0);
        let total_paused = t.paused_working_days + paused as i32;
        let promised = service::Entity::find_by_id(t.service_id)
            .one(txn)
            .await?
            .map_or(0, |s| Ord::max(s.promised_days, 0) as u32);
        // A task sent back before acceptance has no clock yet; it starts at acceptance.
        let due = t.accepted_at.map(|accepted| {
            end_of_china_day(due_on(
                calendar,
                china_date(accepted),
                promised,
                total_paused as u32,
            ))
        });
        let back_to = if t.accepted_at.is_some() {
            ApplicationStatus::Accepted
        } else {
            ApplicationStatus::Submitted
        };
        task::Entity::update_many()
            .col_expr(task::Column::Status, Expr::value(back_to.as_str()))
            .col_expr(
                task::Column::PausedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(task::Column::PausedWorkingDays, Expr::value(total_paused))
            .col_expr(task::Column::DueAt, Expr::value(due))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                task::Column::Version,
                Expr::col(task::Column::Version).add(1),
            )
            .filter(task::Column::Id.eq(t.id))
            .exec(txn)
            .await?;
        supplement::Entity::update_many()
            .col_expr(supplement::Column::RespondedAt, Expr::value(now))
            .filter(supplement::Column::TaskId.eq(t.id))
            .filter(supplement::Column::RespondedAt.is_null())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The resident's application and its status, for the resident to move it to `target`:
/// None when it is there already (a repeated request changes nothing), an error when the
/// state machine does not allow the move.
async fn resident_move(
    txn: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
    target: ApplicationStatus,
) -> Result<Option<(application::Model, ApplicationStatus)>, AppError> {
    let app = visible_application(txn, resident_id, number).await?;
    let status = status_of(&app.status)?;
    if status == target {
        return Ok(None);
    }
    if !status.can_become(target, Actor::Resident) {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    Ok(Some((app, status)))
}

/// Withdraws an application before a decision. Withdrawing twice is harmless.
pub async fn withdraw(
    db: &sea_orm::DatabaseConnection,
    resident_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let txn = db.begin().await?;
    let Some((app, status)) =
        resident_move(&txn, resident_id, number, ApplicationStatus::Withdrawn).await?
    else {
        return Ok(Outcome::default());
    };
    let moved = application::Entity::update_many()
        .col_expr(
            application::Column::Status,
            Expr::value(ApplicationStatus::Withdrawn.as_str()),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .col_expr(application::Column::Version, Expr::value(app.version + 1))
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Version.eq(app.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    task::Entity::update_many()
        .col_expr(
            task::Column::Status,
            Expr::value(ApplicationStatus::Withdrawn.as_str()),
        )
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .filter(task::Column::ApplicationId.eq(app.id))
        .exec(&txn)
        .await?;
    let outcome = if status == ApplicationStatus::Draft {
        // A draft was never sent anywhere: no timeline, no message.
        Outcome::default()
    } else {
        record_change(
            &txn,
            &app,
            Change {
                kind: "withdrawn",
                from: status,
                to: ApplicationStatus::Withdrawn,
                actor: ActorRef::Resident(resident_id),
                comment: None,
                task_id: None,
            },
            now,
        )
        .await?
    };
    txn.commit().await?;
    Ok(Outcome {
        changed: true,
        ..outcome
    })
}

/// Takes a submitted application back as a draft to correct it: within ten minutes of
/// submitting and before any department has acted on it (see [`correctable_until`]). Its
/// department tasks go (a draft has none; submitting again makes them anew), the timeline
/// keeps the submission and the taking back. Taking back a draft again is harmless.
pub async fn take_back(
    db: &sea_orm::DatabaseConnection,
    resident_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let txn = db.begin().await?;
    let Some((app, status)) =
        resident_move(&txn, resident_id, number, ApplicationStatus::Draft).await?
    else {
        return Ok(Outcome::default());
    };
    let staff_acted = staff_acted(&txn, app.id).await?;
    match correctable_until(status, app.submitted_at, staff_acted) {
        None => return Err(AppError::new(ErrorCode::InvalidStateChange)),
        Some(until) if now >= until => return Err(AppError::new(ErrorCode::WindowClosed)),
        Some(_) => {}
    }
    // A department acting at the same moment moves the version: then this is a conflict.
    let moved = application::Entity::update_many()
        .col_expr(
            application::Column::Status,
            Expr::value(ApplicationStatus::Draft.as_str()),
        )
        .col_expr(
            application::Column::SubmittedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            application::Column::FormDefinition,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .col_expr(application::Column::Version, Expr::value(app.version + 1))
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Version.eq(app.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    task::Entity::delete_many()
        .filter(task::Column::ApplicationId.eq(app.id))
        .filter(task::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .exec(&txn)
        .await?;
    let change = Change {
        kind: "taken_back",
        from: status,
        to: ApplicationStatus::Draft,
        actor: ActorRef::Resident(resident_id),
        comment: None,
        task_id: None,
    };
    // The resident did it themself: the timeline and the open pages, no message.
    record_event(&txn, &app, &change, now).await?;
    txn.commit().await?;
    Ok(Outcome {
        pushes: updated_pushes(&app),
        changed: true,
    })
}

/// Whether staff have done anything on the application yet (any event by staff, internal
/// notes included).
async fn staff_acted(db: &impl ConnectionTrait, application_id: i64) -> Result<bool, AppError> {
    let found = application_event::Entity::find()
        .select_only()
        .column(application_event::Column::Id)
        .filter(application_event::Column::ApplicationId.eq(application_id))
        .filter(application_event::Column::ActorKind.eq("staff"))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}

// ---------------------------------------------------------------------------------------
// Events, messages and pushes

#[derive(Clone, Copy, Debug)]
pub(crate) enum ActorRef {
    Resident(i64),
    Staff(i64),
}

pub(crate) struct Change<'a> {
    pub kind: &'a str,
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub actor: ActorRef,
    pub comment: Option<String>,
    pub task_id: Option<i64>,
}

/// Records a change on the timeline, writes the resident's message, and returns the pushes.
pub(crate) async fn record_change(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    record_event(txn, app, &change, now).await?;
    let resident = resident_of(txn, app.resident_id).await?;
    let locale = locale_of(&resident);
    let title_text = title_of(txn, app).await?;
    let title = format!(
        "{}{}",
        td_string!(locale, notify.title_prefix),
        change.to.label(locale)
    );
    let mut body = format!(
        "{}（{}）",
        title_text.pick(locale == Locale::en),
        app.number
    );
    if let Some(comment) = change.comment.as_deref().filter(|c| !c.is_empty()) {
        body.push_str(td_string!(locale, notify.comment_separator));
        body.push_str(comment);
    }
    let push = notifications::create(
        txn,
        NewNotification {
            resident_id: app.resident_id,
            kind: "application_event",
            title,
            body,
            link: Some(format!("/me/applications/{}", app.number)),
        },
        now,
    )
    .await?;
    let mut pushes = vec![push];
    pushes.extend(updated_pushes(app));
    Ok(Outcome {
        pushes,
        changed: true,
    })
}

/// The change on the timeline, without a message.
async fn record_event(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (actor_kind, actor_resident_id, actor_staff_id) = match change.actor {
        ActorRef::Resident(id) => ("resident", Some(id), None),
        ActorRef::Staff(id) => ("staff", None, Some(id)),
    };
    application_event::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(change.task_id),
        kind: Set(change.kind.to_owned()),
        from_status: Set(Some(change.from.as_str().to_owned())),
        to_status: Set(Some(change.to.as_str().to_owned())),
        actor_kind: Set(actor_kind.to_owned()),
        actor_resident_id: Set(actor_resident_id),
        actor_staff_id: Set(actor_staff_id),
        comment: Set(change.comment.clone()),
        internal: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Tells the pages showing the application, the resident's and the proxy applicant's, that
/// it changed.
fn updated_pushes(app: &application::Model) -> Vec<Push> {
    let updated = Push {
        resident_id: app.resident_id,
        event: PushEvent::ApplicationUpdated {
            number: app.number.clone(),
        },
    };
    let mut pushes = vec![updated.clone()];
    if let Some(proxy) = app
        .submitted_by_resident_id
        .filter(|p| *p != app.resident_id)
    {
        pushes.push(Push {
            resident_id: proxy,
            ..updated
        });
    }
    pushes
}

/// A staff note on the timeline. An internal note stays among staff; any other one reaches
/// the resident as a message and a live update.
pub(crate) async fn record_note(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    staff_id: i64,
    task_id: i64,
    text: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    application_event::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(Some(task_id)),
        kind: Set("comment".to_owned()),
        actor_kind: Set("staff".to_owned()),
        actor_staff_id: Set(Some(staff_id)),
        comment: Set(Some(text.to_owned())),
        internal: Set(internal),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if internal {
        return Ok(Outcome {
            pushes: Vec::new(),
            changed: true,
        });
    }
    let resident = resident_of(txn, app.resident_id).await?;
    let locale = locale_of(&resident);
    let title_text = title_of(txn, app).await?;
    let push = notifications::create(
        txn,
        NewNotification {
            resident_id: app.resident_id,
            kind: "application_event",
            title: td_string!(locale, notify.note_title).to_owned(),
            body: format!(
                "{}（{}）{}{}",
                title_text.pick(locale == Locale::en),
                app.number,
                td_string!(locale, notify.comment_separator),
                text
            ),
            link: Some(format!("/me/applications/{}", app.number)),
        },
        now,
    )
    .await?;
    Ok(Outcome {
        pushes: vec![
            push,
            Push {
                resident_id: app.resident_id,
                event: PushEvent::ApplicationUpdated {
                    number: app.number.clone(),
                },
            },
        ],
        changed: true,
    })
}

async fn title_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<LocalizedText, AppError> {
    if let Some(service_id) = app.service_id
        && let Some(s) = service::Entity::find_by_id(service_id).one(db).await?
    {
        return Ok(LocalizedText::new(s.name, s.name_en));
    }
    if let Some(bundle_id) = app.bundle_id
        && let Some(b) = bundle::Entity::find_by_id(bundle_id).one(db).await?
    {
        return Ok(LocalizedText::new(b.name, b.name_en));
    }
    Ok(LocalizedText::new(app.number.clone(), None))
}

// ---------------------------------------------------------------------------------------
// Reading: my applications, one application

/// Every application of the resident (and those they submitted for others), newest first.
pub async fn list_mine(
    db: &impl ConnectionTrait,
    resident_id: i64,
) -> Result<Vec<ApplicationSummary>, AppError> {
    let apps = application::Entity::find()
        .filter(
            application::Column::ResidentId
                .eq(resident_id)
                .or(application::Column::SubmittedByResidentId.eq(resident_id)),
        )
        .order_by_desc(application::Column::UpdatedAt)
        .order_by_desc(application::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
    let service_ids: Vec<i64> = apps.iter().filter_map(|a| a.service_id).collect();
    let bundle_ids: Vec<i64> = apps.iter().filter_map(|a| a.bundle_id).collect();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(service_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let bundles: HashMap<i64, bundle::Model> = bundle::Entity::find()
        .filter(bundle::Column::Id.is_in(bundle_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    // The latest due date and the longest promise of each application's tasks.
    let mut due: HashMap<i64, (Option<DateTime<Utc>>, i32)> = HashMap::new();
    let task_rows: Vec<(i64, Option<DateTime<Utc>>, i32)> = task::Entity::find()
        .select_only()
        .column(task::Column::ApplicationId)
        .column(task::Column::DueAt)
        .column_as(service::Column::PromisedDays, "promised_days")
        .inner_join(service::Entity)
        .filter(task::Column::ApplicationId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    for (application_id, due_at, promised) in task_rows {
        let entry = due.entry(application_id).or_insert((None, 0));
        entry.0 = Ord::max(entry.0, due_at);
        entry.1 = Ord::max(entry.1, promised);
    }
    let other_ids: Vec<i64> = apps
        .iter()
        .filter(|a| a.resident_id != resident_id)
        .map(|a| a.resident_id)
        .collect();
    let names = names_of(db, other_ids).await?;
    apps.into_iter()
        .map(|app| {
            let (due_at, task_promise) = due.get(&app.id).copied().unwrap_or((None, 0));
            let (title, promised) = match (app.service_id, app.bundle_id) {
                (Some(id), _) => services.get(&id).map_or_else(
                    || (LocalizedText::new(app.number.clone(), None), 0),
                    |s| {
                        (
                            LocalizedText::new(s.name.clone(), s.name_en.clone()),
                            s.promised_days,
                        )
                    },
                ),
                (None, Some(id)) => (
                    bundles.get(&id).map_or_else(
                        || LocalizedText::new(app.number.clone(), None),
                        |b| LocalizedText::new(b.name.clone(), b.name_en.clone()),
                    ),
                    task_promise,
                ),
                (None, None) => (LocalizedText::new(app.number.clone(), None), 0),
            };
            Ok(ApplicationSummary {
                title,
                is_bundle: app.bundle_id.is_some(),
                status: status_of(&app.status)?,
                submitted_at: app.submitted_at,
                due_on: due_at.map(china_date),
                promised_days: promised,
                updated_at: app.updated_at,
                for_name: (app.resident_id != resident_id)
                    .then(|| names.get(&app.resident_id).cloned())
                    .flatten(),
                number: app.number,
            })
        })
        .collect()
}

async fn names_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .filter(resident::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// One application with its form, files, department tasks and timeline.
pub async fn detail(
    db: &impl ConnectionTrait,
    resident_id: i64,
    number: &str,
) -> Result<ApplicationDetail, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    detail_of(db, &app, Reader::Resident(resident_id)).await
}

/// Who reads an application: the resident (or their proxy), or staff (who also see internal
/// notes and colleagues' names, and ID numbers and phone numbers in answers masked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    Resident(i64),
    Staff,
}

pub(crate) async fn detail_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
    reader: Reader,
) -> Result<ApplicationDetail, AppError> {
    let app = app.clone();
    let status = status_of(&app.status)?;
    let tasks = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?;
    let service_ids: Vec<i64> = tasks
        .iter()
        .map(|t| t.service_id)
        .chain(app.service_id)
        .collect();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(service_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let departments: HashMap<i64, department::Model> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let definition = definition_of(db, &app).await?;
    let service_code = definition.service_id.map(|_| definition.code.clone());
    let fields = definition.fields;
    let materials = definition.materials;
    let title = definition.title;
    let promised_days = definition.promised_days;
    let task_views = tasks
        .iter()
        .map(|t| {
            let department = departments.get(&t.department_id);
            let service = services.get(&t.service_id);
            Ok(TaskView {
                department: department.map_or_else(LocalizedText::default, |d| {
                    LocalizedText::new(d.name.clone(), d.name_en.clone())
                }),
                service: service.map_or_else(LocalizedText::default, |s| {
                    LocalizedText::new(s.name.clone(), s.name_en.clone())
                }),
                status: status_of(&t.status)?,
                accepted_on: t.accepted_at.map(china_date),
                due_on: t.due_at.map(china_date),
                paused: t.paused_at.is_some(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let mut events = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id));
    if reader != Reader::Staff {
        events = events.filter(application_event::Column::Internal.eq(false));
    }
    let events = events
        .order_by_asc(application_event::Column::CreatedAt)
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    let resident_ids: Vec<i64> = events
        .iter()
        .filter_map(|e| e.actor_resident_id)
        .chain([app.resident_id])
        .chain(app.submitted_by_resident_id)
        .collect();
    let names = names_of(db, resident_ids).await?;
    let staff_members: HashMap<i64, (Option<i64>, String)> = {
        let staff_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_staff_id).collect();
        if staff_ids.is_empty() {
            HashMap::new()
        } else {
            super::entities::staff::Entity::find()
                .filter(super::entities::staff::Column::Id.is_in(staff_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, (s.department_id, s.name)))
                .collect()
        }
    };
    let task_departments: HashMap<i64, i64> =
        tasks.iter().map(|t| (t.id, t.department_id)).collect();
    let timeline = events
        .into_iter()
        .map(|e| {
            let actor = match e.actor_kind.as_str() {
                "resident" => EventActor::Resident {
                    name: e
                        .actor_resident_id
                        .and_then(|id| names.get(&id).cloned())
                        .unwrap_or_default(),
                },
                "staff" => {
                    let member = e.actor_staff_id.and_then(|id| staff_members.get(&id));
                    let department_id = member
                        .and_then(|(department, _)| *department)
                        .or_else(|| e.task_id.and_then(|t| task_departments.get(&t).copied()));
                    EventActor::Staff {
                        department: department_id
                            .and_then(|id| departments.get(&id))
                            .map(|d| LocalizedText::new(d.name.clone(), d.name_en.clone())),
                        name: member
                            .filter(|_| reader == Reader::Staff)
                            .map(|(_, name)| name.clone()),
                    }
                }
                _ => EventActor::System,
            };
            TimelineEvent {
                at: e.created_at,
                kind: e.kind,
                to_status: e.to_status.as_deref().and_then(ApplicationStatus::parse),
                actor,
                comment: e.comment,
                internal: e.internal,
            }
        })
        .collect();
    let mut answers: Answers = parse_json(app.form_data.clone(), "form_data")?;
    if reader == Reader::Staff {
        mask_answers(&fields, &mut answers);
    }
    let due_at = tasks.iter().filter_map(|t| t.due_at).max();
    Ok(ApplicationDetail {
        summary: ApplicationSummary {
            number: app.number.clone(),
            title,
            is_bundle: app.bundle_id.is_some(),
            status,
            submitted_at: app.submitted_at,
            due_on: due_at.map(china_date),
            promised_days,
            updated_at: app.updated_at,
            for_name: match reader {
                Reader::Resident(reader) if reader != app.resident_id => {
                    names.get(&app.resident_id).cloned()
                }
                _ => None,
            },
        },
        service_code,
        fields,
        answers,
        attachments: attachments_of(db, app.id, &materials).await?,
        materials,
        tasks: task_views,
        timeline,
        supplement: if status == ApplicationStatus::SupplementRequested {
            open_supplement(db, app.id).await?
        } else {
            None
        },
        submitted_by: app
            .submitted_by_resident_id
            .filter(|id| *id != app.resident_id)
            .and_then(|id| names.get(&id).cloned()),
        can_withdraw: matches!(reader, Reader::Resident(_))
            && status.can_become(ApplicationStatus::Withdrawn, Actor::Resident),
        correctable_until: match reader {
            Reader::Resident(_) if status == ApplicationStatus::Submitted => {
                correctable_until(status, app.submitted_at, staff_acted(db, app.id).await?)
                    .filter(|until| *until > Utc::now())
            }
            _ => None,
        },
        version: app.version,
    })
}

/// Staff see ID numbers and phone numbers in answers masked (6 + 4, 3 + 4).
fn mask_answers(fields: &[FormField], answers: &mut Answers) {
    for field in fields {
        if let Some(value) = answers.get_mut(&field.key) {
            match field.kind {
                FieldKind::IdNumber => *value = domain::id_number::mask(value),
                FieldKind::Phone => *value = domain::validation::mask_mobile(value),
                _ => {}
            }
        }
    }
}

/// Statuses of the tasks of an application, for the combined status of a bundle.
pub(crate) async fn recompute_status(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let statuses: Vec<String> = task::Entity::find()
        .select_only()
        .column(task::Column::Status)
        .filter(task::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(txn)
        .await?;
    let statuses: Vec<ApplicationStatus> = statuses
        .iter()
        .map(|s| status_of(s))
        .collect::<Result<_, _>>()?;
    let combined = combined_status(&statuses).unwrap_or(status_of(&app.status)?);
    let due: Option<DateTime<Utc>> = task::Entity::find()
        .select_only()
        .column_as(task::Column::DueAt.max(), "due_at")
        .filter(task::Column::ApplicationId.eq(app.id))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(txn)
        .await?
        .flatten();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(combined.as_str()))
        .col_expr(application::Column::DueAt, Expr::value(due))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            application::Column::Version,
            Expr::col(application::Column::Version).add(1),
        )
        .filter(application::Column::Id.eq(app.id));
    if combined == ApplicationStatus::Accepted && app.accepted_at.is_none() {
        update = update.col_expr(application::Column::AcceptedAt, Expr::value(now));
    }
    if matches!(
        combined,
        ApplicationStatus::Approved | ApplicationStatus::Rejected
    ) {
        update = update.col_expr(application::Column::DecidedAt, Expr::value(now));
    }
    if combined == ApplicationStatus::Completed {
        update = update.col_expr(application::Column::CompletedAt, Expr::value(now));
    }
    update.exec(txn).await?;
    Ok(combined)
}
