//! Reading: my applications, one application with its timeline, the open supplement.
use domain::ids::{ApplicationId, ApplicationNumber, ResidentId, StaffId, TaskId};
use domain::personal::{MaskedIdNumber, MaskedMobile, mask_in_text};

use super::attachments::attachments_of;
use super::definition::definition_of;
use super::lifecycle::staff_acted;
use super::visible_application;
use crate::entities::{
    application, application_event, bundle, department, resident, service, supplement, task,
};
use crate::json;
use chrono::{DateTime, Utc};
use domain::application::{
    Actor, ApplicationDetail, ApplicationStatus, ApplicationSummary, EventActor, SupplementView,
    TaskView, TimelineEvent, correctable_until,
};
use domain::catalog::{FieldKind, FormField};
use domain::deadline::china_date;
use domain::error::AppError;
use domain::form::Answers;
use domain::text::LocalizedText;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

pub(super) async fn open_supplement(
    db: &impl ConnectionTrait,
    application_id: ApplicationId,
) -> Result<Option<SupplementView>, AppError> {
    let found = supplement::Entity::find()
        .inner_join(task::Entity)
        .filter(task::Column::ApplicationId.eq(application_id))
        .filter(supplement::Column::RespondedAt.is_null())
        .order_by_desc(supplement::Column::Id)
        .one(db)
        .await?;
    found
        .map(|s| {
            Ok(SupplementView {
                requested_at: s.requested_at,
                materials: json::read(s.materials, "supplement.materials")?,
                note: s.note,
            })
        })
        .transpose()
}

/// Every application of the resident (and those they submitted for others), newest first.
pub async fn list_mine(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Vec<ApplicationSummary>, AppError> {
    let apps = application::Entity::find()
        .filter(super::visible_to(resident_id))
        .order_by_desc(application::Column::UpdatedAt)
        .order_by_desc(application::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
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
    let mut due: HashMap<ApplicationId, (Option<DateTime<Utc>>, i32)> = HashMap::new();
    let task_rows: Vec<(ApplicationId, Option<DateTime<Utc>>, i32)> = task::Entity::find()
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
    let other_ids: Vec<ResidentId> = apps
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
                    || (LocalizedText::new(app.number.to_string(), None), 0),
                    |s| {
                        (
                            LocalizedText::new(s.name.clone(), s.name_en.clone()),
                            s.promised_days,
                        )
                    },
                ),
                (None, Some(id)) => (
                    bundles.get(&id).map_or_else(
                        || LocalizedText::new(app.number.to_string(), None),
                        |b| LocalizedText::new(b.name.clone(), b.name_en.clone()),
                    ),
                    task_promise,
                ),
                (None, None) => (LocalizedText::new(app.number.to_string(), None), 0),
            };
            Ok(ApplicationSummary {
                title,
                is_bundle: app.bundle_id.is_some(),
                status: app.status,
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
    ids: Vec<ResidentId>,
) -> Result<HashMap<ResidentId, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(ResidentId, String)> = resident::Entity::find()
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
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<ApplicationDetail, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    detail_of(db, &app, Reader::Resident(resident_id)).await
}

/// Who reads an application: the resident (or their proxy), or staff (who also see internal
/// notes and colleagues' names, and ID numbers and phone numbers in answers masked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    Resident(ResidentId),
    Staff,
}

pub(crate) async fn detail_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
    reader: Reader,
) -> Result<ApplicationDetail, AppError> {
    let app = app.clone();
    let status = app.status;
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
                status: t.status,
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
    let resident_ids: Vec<ResidentId> = events
        .iter()
        .filter_map(|e| e.actor_resident_id)
        .chain([app.resident_id])
        .chain(app.submitted_by_resident_id)
        .collect();
    let names = names_of(db, resident_ids).await?;
    let staff_members: HashMap<StaffId, (Option<i64>, String)> = {
        let staff_ids: Vec<StaffId> = events.iter().filter_map(|e| e.actor_staff_id).collect();
        if staff_ids.is_empty() {
            HashMap::new()
        } else {
            crate::entities::staff::Entity::find()
                .filter(crate::entities::staff::Column::Id.is_in(staff_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, (s.department_id, s.name)))
                .collect()
        }
    };
    let task_departments: HashMap<TaskId, i64> =
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
    let mut answers: Answers = json::read(app.form_data.clone(), "application.form_data")?;
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

/// Staff see ID numbers and phone numbers in answers masked (6 + 4, 3 + 4), also where a
/// resident wrote one into a free-text answer.
fn mask_answers(fields: &[FormField], answers: &mut Answers) {
    for field in fields {
        if let Some(value) = answers.get_mut(&field.key) {
            match field.kind {
                FieldKind::IdNumber => *value = MaskedIdNumber::new(value).to_string(),
                FieldKind::Phone => *value = MaskedMobile::new(value).to_string(),
                FieldKind::Text | FieldKind::Address => *value = mask_in_text(value),
                FieldKind::Number | FieldKind::Date | FieldKind::Choice | FieldKind::File => {}
            }
        }
    }
}
