//! What staff do to a case: accept, request a supplement, approve, reject, complete. Each
//! action is checked against the state machine and the actor's department, moves the task
//! (and the application's combined status), starts or stops the clock, and leaves an event
//! on the resident's timeline with a message and a live push.
//!
//! The staff console (issue 4) calls these; until then tests and the `server case` command
//! do.

use super::applications::{ActorRef, Change, Outcome, recompute_status, record_change};
use super::entities::{application, service, staff, supplement, task};
use crate::domain::application::{Actor, ApplicationStatus};
use crate::domain::deadline::{china_date, due_on, end_of_china_day};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::working_days::WorkingCalendar;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffAction {
    Accept,
    /// Indexes of the missing materials and what is needed.
    RequestSupplement {
        materials: Vec<usize>,
        note: String,
    },
    Approve {
        comment: Option<String>,
    },
    Reject {
        reason: String,
    },
    Complete,
}

impl StaffAction {
    fn target(&self) -> ApplicationStatus {
        match self {
            StaffAction::Accept => ApplicationStatus::Accepted,
            StaffAction::RequestSupplement { .. } => ApplicationStatus::SupplementRequested,
            StaffAction::Approve { .. } => ApplicationStatus::Approved,
            StaffAction::Reject { .. } => ApplicationStatus::Rejected,
            StaffAction::Complete => ApplicationStatus::Completed,
        }
    }

    fn kind(&self) -> &'static str {
        self.target().as_str()
    }
}

/// Acts on the task of `number` in the staff member's department (the first one still open,
/// for a bundle). `expected_version` is the task version the actor saw; a different one means
/// a colleague acted first.
pub async fn act(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    staff_id: i64,
    number: &str,
    action: StaffAction,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let txn = db.begin().await?;
    let actor = staff::Entity::find_by_id(staff_id)
        .filter(staff::Column::Active.eq(true))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Forbidden))?;
    let app = application::Entity::find()
        .filter(application::Column::Number.eq(number))
        .one(&txn)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut tasks = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id);
    if let Some(department_id) = actor.department_id {
        tasks = tasks.filter(task::Column::DepartmentId.eq(department_id));
    }
    let tasks = tasks.all(&txn).await?;
    // Another department's case is not there at all for a department's staff.
    let Some(first) = tasks.first() else {
        return Err(AppError::not_found());
    };
    let target = action.target();
    let the_task = tasks
        .iter()
        .find(|t| {
            ApplicationStatus::parse(&t.status).is_some_and(|s| {
                s.can_become(target, Actor::Staff)
                    || (s == ApplicationStatus::Approved && target == ApplicationStatus::Completed)
            })
        })
        .unwrap_or(first)
        .clone();
    let from = ApplicationStatus::parse(&the_task.status)
        .ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    if !from.can_become(target, Actor::Staff) {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    if expected_version.is_some_and(|v| v != the_task.version) {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let mut update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(target.as_str()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .col_expr(task::Column::Version, Expr::value(the_task.version + 1))
        .filter(task::Column::Id.eq(the_task.id))
        .filter(task::Column::Version.eq(the_task.version));
    let mut comment = None;
    match &action {
        StaffAction::Accept => {
            let promised = service::Entity::find_by_id(the_task.service_id)
                .one(&txn)
                .await?
                .map_or(0, |s| s.promised_days.max(0) as u32);
            let due = end_of_china_day(due_on(
                calendar,
                china_date(now),
                promised,
                the_task.paused_working_days.max(0) as u32,
            ));
            update = update
                .col_expr(task::Column::AcceptedAt, Expr::value(now))
                .col_expr(task::Column::DueAt, Expr::value(due))
                .col_expr(task::Column::AssignedStaffId, Expr::value(staff_id));
        }
        StaffAction::RequestSupplement { materials, note } => {
            let note = note.trim();
            if note.is_empty() {
                return Err(AppError::with_field(ErrorCode::InvalidParameter, "note"));
            }
            update = update.col_expr(task::Column::PausedAt, Expr::value(now));
            supplement::ActiveModel {
                task_id: Set(the_task.id),
                requested_by_staff_id: Set(staff_id),
                materials: Set(serde_json::to_value(materials).unwrap_or_default()),
                note: Set(note.to_owned()),
                requested_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            comment = Some(note.to_owned());
        }
        StaffAction::Approve { comment: c } => {
            update = update.col_expr(task::Column::DecidedAt, Expr::value(now));
            comment = c.clone().filter(|c| !c.trim().is_empty());
        }
        StaffAction::Reject { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(AppError::with_field(ErrorCode::InvalidParameter, "reason"));
            }
            update = update
                .col_expr(task::Column::DecidedAt, Expr::value(now))
                .col_expr(task::Column::DecisionReason, Expr::value(reason));
            comment = Some(reason.to_owned());
        }
        StaffAction::Complete => {
            update = update.col_expr(task::Column::CompletedAt, Expr::value(now));
        }
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let app_status =
        ApplicationStatus::parse(&app.status).ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    let combined = recompute_status(&txn, &app, now).await?;
    let outcome = record_change(
        &txn,
        &app,
        Change {
            kind: action.kind(),
            from: app_status,
            to: if app.bundle_id.is_some() {
                target
            } else {
                combined
            },
            actor: ActorRef::Staff(staff_id),
            comment,
            task_id: Some(the_task.id),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}
