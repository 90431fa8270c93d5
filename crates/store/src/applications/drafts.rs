//! The form and drafts: opening, editing, saving; application numbers.
use domain::ids::{ApplicationId, ApplicationNumber, ResidentId};

use super::applicant::{applicant_for, can_apply_for};
use super::attachments::attachments_of;
use super::definition::{Definition, Subject, definition_of, published};
use super::prefill::{clean_answers, earlier_answers, prefill};
use super::reads::open_supplement;
use super::{resident_of, visible_application};
use crate::entities::{application, resident};
use crate::json;
use chrono::{DateTime, Utc};
use domain::application::{ApplicationForm, ApplicationStatus, AttachmentView, OnBehalf};
use domain::catalog::{FormField, Material};
use domain::deadline::china_date;
use domain::error::{AppError, ErrorCode};
use domain::form::{Answers, missing_materials, validate_answers};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr, TransactionTrait,
};

/// The form for applying for a service or bundle, for the resident or (代办) a household
/// member who consented: the newest draft of it if there is one (drafts follow the resident
/// to any device), otherwise a new form, prefilled from the applicant's profile and answers.
pub async fn open_form(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    subject: Subject<'_>,
    on_behalf_of: Option<ResidentId>,
) -> Result<ApplicationForm, AppError> {
    let definition = published(db, subject).await?;
    let applicant = applicant_for(db, resident_id, on_behalf_of).await?;
    let proxy = (applicant.id != resident_id).then_some(resident_id);
    let mut draft = application::Entity::find()
        .filter(application::Column::ResidentId.eq(applicant.id))
        .filter(application::Column::Status.eq(ApplicationStatus::Draft))
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
    resident_id: ResidentId,
    number: &ApplicationNumber,
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
    let status = app.status;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let answers: Answers = json::read(app.form_data.clone(), "application.form_data")?;
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

pub(super) fn problems(
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
    resident_id: ResidentId,
    subject: Subject<'_>,
    number: Option<&ApplicationNumber>,
    sent: &Answers,
    idempotency_key: Option<&str>,
    on_behalf_of: Option<ResidentId>,
    now: DateTime<Utc>,
) -> Result<ApplicationNumber, AppError> {
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
            let status = app.status;
            if !status.is_editable() {
                return Err(AppError::new(ErrorCode::InvalidStateChange));
            }
            let service = definition_of(&txn, &app).await?;
            let applicant = resident_of(&txn, app.resident_id).await?;
            // What was sent replaces those answers; the others stay as they were.
            let mut answers: Answers = json::read(app.form_data.clone(), "application.form_data")?;
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
                    if earlier.status.is_editable() {
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
                number: Set(ApplicationNumber(format!(
                    "new-{resident_id}-{}",
                    now.timestamp_nanos_opt().unwrap_or_default()
                ))),
                resident_id: Set(applicant.id),
                submitted_by_resident_id: Set((applicant.id != resident_id).then_some(resident_id)),
                service_id: Set(service.service_id),
                bundle_id: Set(service.bundle_id),
                status: Set(ApplicationStatus::Draft),
                form_version: Set(service.form_version),
                form_data: Set(json::write(&answers, "application.form_data")?),
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
    application_id: ApplicationId,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    application::Entity::update_many()
        .col_expr(
            application::Column::FormData,
            Expr::value(json::write(answers, "application.form_data")?),
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
pub fn application_number(created: DateTime<Utc>, id: ApplicationId) -> ApplicationNumber {
    ApplicationNumber(format!(
        "MS-{}-{:06}",
        china_date(created).format("%Y%m%d"),
        id.0
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_number_carries_the_china_date_it_was_started_and_the_id() {
        // 17:30 UTC on 31 December is already 1 January in China.
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 17, 30, 0).unwrap();
        assert_eq!(
            application_number(late, ApplicationId(42)).as_str(),
            "MS-20270101-000042"
        );
        let early = Utc.with_ymd_and_hms(2026, 12, 31, 1, 0, 0).unwrap();
        assert_eq!(
            application_number(early, ApplicationId(1_234_567)).as_str(),
            "MS-20261231-1234567"
        );
    }
}
