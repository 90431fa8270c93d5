//! Submitting (idempotent), resubmitting after a supplement, withdrawing, taking back,
//! and the combined status of a bundle's tasks.
use domain::ids::{ApplicationId, ApplicationNumber, ResidentId};

use super::attachments::attachments_of;
use super::definition::{FrozenForm, definition_of};
use super::drafts::problems;
use super::events::{ActorRef, Change, record_change, record_event, updated_pushes};
use super::visible_application;
use crate::entities::{application, application_event, service, supplement, task};
use crate::json;
use chrono::{DateTime, Utc};
use domain::application::{Actor, ApplicationStatus, combined_status, correctable_until};
use domain::deadline::{china_date, due_on, end_of_china_day, paused_days};
use domain::error::{AppError, ErrorCode};
use domain::form::Answers;
use domain::notification::Push;
use domain::working_days::WorkingCalendar;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

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
    resident_id: ResidentId,
    number: &ApplicationNumber,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let txn = db.begin().await?;
    let app = visible_application(&txn, resident_id, number).await?;
    let status = app.status;
    match status {
        ApplicationStatus::Draft | ApplicationStatus::SupplementRequested => {}
        ApplicationStatus::Withdrawn => return Err(AppError::new(ErrorCode::InvalidStateChange)),
        // Already submitted (a double click or a retried request): the same application.
        _ => return Ok(Outcome::default()),
    }
    let service = definition_of(&txn, &app).await?;
    let answers: Answers = json::read(app.form_data.clone(), "application.form_data")?;
    let attachments = attachments_of(&txn, app.id, &service.materials).await?;
    let errors = problems(&service.fields, &service.materials, &answers, &attachments);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    // Only one request may move it: the version check makes a concurrent twin a no-op.
    let moved = application::Entity::update_many()
        .col_expr(
            application::Column::Status,
            Expr::value(ApplicationStatus::Submitted),
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
            Expr::value(json::write(
                &FrozenForm {
                    fields: service.fields.clone(),
                    materials: service.materials.clone(),
                },
                "application.form_definition",
            )?),
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
                status: Set(ApplicationStatus::Submitted),
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
        crate::recommendations::mark_applied(&txn, app.resident_id, services, now).await?;
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
    application_id: ApplicationId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let waiting = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(application_id))
        .filter(task::Column::Status.eq(ApplicationStatus::SupplementRequested))
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
    resident_id: ResidentId,
    number: &ApplicationNumber,
    target: ApplicationStatus,
) -> Result<Option<(application::Model, ApplicationStatus)>, AppError> {
    let app = visible_application(txn, resident_id, number).await?;
    let status = app.status;
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
    resident_id: ResidentId,
    number: &ApplicationNumber,
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
            Expr::value(ApplicationStatus::Withdrawn),
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
            Expr::value(ApplicationStatus::Withdrawn),
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
    resident_id: ResidentId,
    number: &ApplicationNumber,
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
            Expr::value(ApplicationStatus::Draft),
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
        .filter(task::Column::Status.eq(ApplicationStatus::Submitted))
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
pub(super) async fn staff_acted(
    db: &impl ConnectionTrait,
    application_id: ApplicationId,
) -> Result<bool, AppError> {
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

/// Statuses of the tasks of an application, for the combined status of a bundle.
pub(crate) async fn recompute_status(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    now: DateTime<Utc>,
) -> Result<ApplicationStatus, AppError> {
    let statuses: Vec<ApplicationStatus> = task::Entity::find()
        .select_only()
        .column(task::Column::Status)
        .filter(task::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(txn)
        .await?;
    let combined = combined_status(&statuses).unwrap_or(app.status);
    let due: Option<DateTime<Utc>> = task::Entity::find()
        .select_only()
        .column_as(task::Column::DueAt.max(), "due_at")
        .filter(task::Column::ApplicationId.eq(app.id))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(txn)
        .await?
        .flatten();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(combined))
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
