//! What staff do to a case: accept, request a supplement, approve, reject, complete, assign
//! to a colleague, comment. Each action is checked against the actor's role and department
//! and the state machine, carries the task version the actor saw (a colleague's action in
//! between is a conflict, never a silent overwrite), moves the task (and the application's
//! combined status), starts or stops the clock, leaves an event on the timeline (internal
//! notes only for staff) with a message and a live push for the resident, and a line in the
//! audit log.
use domain::ids::{ApplicationNumber, StaffId, TaskId};

use super::StaffActor;
use super::applications::{
    ActorRef, Change, Outcome, recompute_status, record_change, record_note,
};
use super::audit::{self, Target};
use super::entities::{application, application_event, service, staff, supplement, task};
use super::json;
use chrono::{DateTime, Utc};
use domain::application::{Actor, ApplicationStatus};
use domain::console::TaskAction;
use domain::deadline::{china_date, due_on, end_of_china_day};
use domain::error::{AppError, ErrorCode};
use domain::staff::{Permission, StaffRole};
use domain::validation::{FieldError, Problem, too_long};
use domain::working_days::WorkingCalendar;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

/// The longest note, reason or comment.
pub const MAX_NOTE: u32 = 2000;

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
    /// Hands the task to a colleague of the same department.
    Assign {
        to: StaffId,
    },
    /// A note on the timeline; `internal` ones are never shown to the resident.
    Comment {
        text: String,
        internal: bool,
    },
}

impl StaffAction {
    pub fn case_action(&self) -> TaskAction {
        match self {
            StaffAction::Accept => TaskAction::Accept,
            StaffAction::RequestSupplement { .. } => TaskAction::RequestSupplement,
            StaffAction::Approve { .. } => TaskAction::Approve,
            StaffAction::Reject { .. } => TaskAction::Reject,
            StaffAction::Complete => TaskAction::Complete,
            StaffAction::Assign { .. } => TaskAction::Assign,
            StaffAction::Comment { .. } => TaskAction::Comment,
        }
    }

    /// The status the task moves to; None for assigning and commenting.
    fn target(&self) -> Option<ApplicationStatus> {
        target_of(self.case_action())
    }
}

fn target_of(action: TaskAction) -> Option<ApplicationStatus> {
    match action {
        TaskAction::Accept => Some(ApplicationStatus::Accepted),
        TaskAction::RequestSupplement => Some(ApplicationStatus::SupplementRequested),
        TaskAction::Approve => Some(ApplicationStatus::Approved),
        TaskAction::Reject => Some(ApplicationStatus::Rejected),
        TaskAction::Complete => Some(ApplicationStatus::Completed),
        TaskAction::Assign | TaskAction::Comment => None,
    }
}

pub fn permission_of(action: TaskAction) -> Permission {
    match action {
        TaskAction::Accept => Permission::Accept,
        TaskAction::RequestSupplement => Permission::RequestSupplement,
        TaskAction::Approve => Permission::Approve,
        TaskAction::Reject => Permission::Reject,
        TaskAction::Complete => Permission::Complete,
        TaskAction::Assign => Permission::Assign,
        TaskAction::Comment => Permission::Comment,
    }
}

/// What a role may do to a task in `status`: its permissions met with the state machine.
pub fn actions_for(role: StaffRole, status: ApplicationStatus) -> Vec<TaskAction> {
    use TaskAction::*;
    [
        Accept,
        RequestSupplement,
        Approve,
        Reject,
        Complete,
        Assign,
        Comment,
    ]
    .into_iter()
    .filter(|a| role.may(permission_of(*a)))
    .filter(|a| match target_of(*a) {
        Some(target) => status.can_become(target, Actor::Staff),
        // Assigning makes sense while someone still has to act.
        None if *a == Assign => !status.is_final(),
        None => true,
    })
    .collect()
}

/// A required text (note, reason, answer), trimmed, at most `MAX_NOTE` characters.
pub(crate) fn required(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let problem = if text.is_empty() {
        Problem::Required
    } else if too_long(text, MAX_NOTE) {
        Problem::TooLong { max: MAX_NOTE }
    } else {
        return Ok(text.to_owned());
    };
    Err(AppError::invalid(vec![FieldError {
        field: field.to_owned(),
        problem,
    }]))
}

/// Acts on a task of `number`: `task_id` when given, otherwise the first of the actor's
/// department's tasks the action applies to. `expected_version` is the task version the actor
/// saw; a different one means a colleague acted first.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    actor: &StaffActor,
    number: &ApplicationNumber,
    task_id: Option<TaskId>,
    action: StaffAction,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let scope = actor.member.require(permission_of(action.case_action()))?;
    let staff_id = actor.member.id;
    let txn = db.begin().await?;
    // Write first: concurrent actions on one case queue up here (a row lock on PostgreSQL,
    // the write lock on SQLite) and the later one then reads the new version.
    application::Entity::update_many()
        .col_expr(
            application::Column::Version,
            Expr::col(application::Column::Version),
        )
        .filter(application::Column::Number.eq(number.as_str()))
        .exec(&txn)
        .await?;
    let app = application::Entity::find()
        .filter(application::Column::Number.eq(number.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut tasks = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id);
    if let Some(department_id) = scope.department() {
        tasks = tasks.filter(task::Column::DepartmentId.eq(department_id));
    }
    let tasks = tasks.all(&txn).await?;
    // Another department's case is not there at all for a department's staff.
    let Some(first) = tasks.first() else {
        return Err(AppError::not_found());
    };
    let target = action.target();
    let the_task = match task_id {
        Some(id) => tasks
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(AppError::not_found)?,
        None => tasks
            .iter()
            .find(|t| match target {
                Some(target) => t.status.can_become(target, Actor::Staff),
                None => !t.status.is_final(),
            })
            .unwrap_or(first),
    }
    .clone();
    let from = the_task.status;
    if expected_version.is_some_and(|v| v != the_task.version) {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let target_application = Target::Application {
        id: app.id,
        resident_id: app.resident_id,
    };
    let audit_action = format!("application.{}", action.case_action().as_str());
    let Some(target) = target else {
        let outcome = match &action {
            StaffAction::Assign { to } => assign(&txn, &app, &the_task, *to, staff_id, now).await?,
            StaffAction::Comment { text, internal } => {
                let text = required("comment", text)?;
                record_note(&txn, &app, staff_id, the_task.id, &text, *internal, now).await?
            }
            _ => Outcome::default(),
        };
        audit::record(&txn, actor, &audit_action, target_application, None, now).await?;
        txn.commit().await?;
        return Ok(outcome);
    };
    if !from.can_become(target, Actor::Staff) {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let mut update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(target.as_str()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .col_expr(task::Column::Version, Expr::value(the_task.version + 1))
        .filter(task::Column::Id.eq(the_task.id))
        .filter(task::Column::Version.eq(the_task.version));
    let mut comment = None;
    let mut reason = None;
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
                .col_expr(task::Column::DueAt, Expr::value(due));
            if the_task.assigned_staff_id.is_none() {
                update = update.col_expr(task::Column::AssignedStaffId, Expr::value(staff_id));
            }
        }
        StaffAction::RequestSupplement { materials, note } => {
            let note = required("note", note)?;
            update = update.col_expr(task::Column::PausedAt, Expr::value(now));
            supplement::ActiveModel {
                task_id: Set(the_task.id),
                requested_by_staff_id: Set(staff_id),
                materials: Set(json::write(materials, "supplement.materials")?),
                note: Set(note.clone()),
                requested_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            comment = Some(note);
        }
        StaffAction::Approve { comment: c } => {
            update = update.col_expr(task::Column::DecidedAt, Expr::value(now));
            comment = c.clone().filter(|c| !c.trim().is_empty());
        }
        StaffAction::Reject { reason: r } => {
            let r = required("reason", r)?;
            update = update
                .col_expr(task::Column::DecidedAt, Expr::value(now))
                .col_expr(task::Column::DecisionReason, Expr::value(r.clone()));
            comment = Some(r.clone());
            reason = Some(r);
        }
        StaffAction::Complete => {
            update = update.col_expr(task::Column::CompletedAt, Expr::value(now));
        }
        StaffAction::Assign { .. } | StaffAction::Comment { .. } => {}
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let app_status = app.status;
    let combined = recompute_status(&txn, &app, now).await?;
    let mut outcome = record_change(
        &txn,
        &app,
        Change {
            kind: target.as_str(),
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
    // A decided task invites the resident to rate it (一事一评).
    if matches!(
        target,
        ApplicationStatus::Completed | ApplicationStatus::Rejected
    ) {
        let push = super::ratings::invite(&txn, &app, &the_task, now).await?;
        outcome.pushes.push(push);
    }
    audit::record(
        &txn,
        actor,
        &audit_action,
        target_application,
        reason.as_deref(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Hands a task to a colleague in the task's department who works cases there.
async fn assign(
    txn: &impl sea_orm::ConnectionTrait,
    app: &application::Model,
    the_task: &task::Model,
    to: StaffId,
    staff_id: StaffId,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let colleague = staff::Entity::find_by_id(to)
        .filter(staff::Column::Active.eq(true))
        .filter(staff::Column::DepartmentId.eq(the_task.department_id))
        .one(txn)
        .await?
        .filter(|s| s.role.is_department_scoped())
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "assignee"))?;
    let moved = task::Entity::update_many()
        .col_expr(task::Column::AssignedStaffId, Expr::value(colleague.id))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .col_expr(task::Column::Version, Expr::value(the_task.version + 1))
        .filter(task::Column::Id.eq(the_task.id))
        .filter(task::Column::Version.eq(the_task.version))
        .exec(txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    application_event::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(Some(the_task.id)),
        kind: Set("assigned".to_owned()),
        actor_kind: Set("staff".to_owned()),
        actor_staff_id: Set(Some(staff_id)),
        comment: Set(Some(colleague.name)),
        internal: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(Outcome {
        pushes: Vec::new(),
        changed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerks_accept_reviewers_decide_and_nobody_acts_on_a_closed_task() {
        use ApplicationStatus::*;
        use TaskAction::*;
        assert_eq!(
            actions_for(StaffRole::Clerk, Submitted),
            vec![Accept, RequestSupplement, Assign, Comment]
        );
        assert_eq!(
            actions_for(StaffRole::Reviewer, Accepted),
            vec![RequestSupplement, Approve, Reject, Assign, Comment]
        );
        assert_eq!(
            actions_for(StaffRole::Clerk, Approved),
            vec![Complete, Assign, Comment]
        );
        assert_eq!(
            actions_for(StaffRole::DepartmentHead, Completed),
            vec![Comment]
        );
        assert_eq!(actions_for(StaffRole::Supervisor, Accepted), vec![Comment]);
        assert!(actions_for(StaffRole::Administrator, Accepted).is_empty());
    }
}
