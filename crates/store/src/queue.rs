//! Where the department work queue is read: tasks in the viewer's scope with filters (status,
//! service, due soon, overdue, assigned to me), sorted by due date, counted per status, a
//! page at a time; and the console home's counts. Filtering, sorting and counting happen in
//! SQL over the `task` indexes (department, status, due), so a page costs the same at 100 000
//! tasks as at 100.
use domain::ids::{ApplicationId, ResidentId, StaffId};

use super::StaffActor;
use super::entities::{application, department, resident, service, staff, task};
use chrono::{DateTime, Duration, Utc};
use domain::application::ApplicationStatus;
use domain::console::{
    Choice, ConsoleHome, OPEN_STATUSES, QUEUE_PAGE_SIZE, QueueFilter, QueuePage, QueueRow,
    StatusCount, TASK_STATUSES, Urgency, page_count, urgency,
};
use domain::error::AppError;
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// The tasks a scope covers.
fn in_scope(scope: Scope) -> Condition {
    match scope.department() {
        Some(id) => Condition::all().add(task::Column::DepartmentId.eq(id)),
        None => Condition::all(),
    }
}

fn statuses(list: &[ApplicationStatus]) -> Vec<&'static str> {
    list.iter().map(|s| s.as_str()).collect()
}

/// Overdue: the clock runs and the due time has passed. Due soon: within 24 hours.
pub(crate) fn due_condition(due: Urgency, now: DateTime<Utc>) -> Condition {
    let running = task::Column::Status.eq(ApplicationStatus::Accepted);
    match due {
        Urgency::Overdue => Condition::all()
            .add(running)
            .add(task::Column::DueAt.lte(now)),
        Urgency::DueSoon => Condition::all()
            .add(running)
            .add(task::Column::DueAt.gt(now))
            .add(task::Column::DueAt.lte(now + Duration::hours(24))),
        Urgency::Normal => Condition::all(),
    }
}

/// The department filter of supervisors and administrators; department staff stay in theirs.
fn scope_with(scope: Scope, department: Option<i64>) -> Scope {
    match (scope, department) {
        (Scope::All, Some(id)) => Scope::Department(id),
        (scope, _) => scope,
    }
}

async fn service_id(
    db: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<Option<i64>, AppError> {
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    Ok(Some(
        service::Entity::find()
            .filter(service::Column::Code.eq(code))
            .one(db)
            .await?
            // An unknown code matches nothing.
            .map_or(-1, |s| s.id),
    ))
}

async fn counts(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<Vec<StatusCount>, AppError> {
    let rows: Vec<(String, i64)> = task::Entity::find()
        .select_only()
        .column(task::Column::Status)
        .column_as(task::Column::Id.count(), "count")
        .filter(condition)
        .group_by(task::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let by_status: HashMap<String, i64> = rows.into_iter().collect();
    Ok(TASK_STATUSES
        .iter()
        .map(|s| StatusCount {
            status: *s,
            count: by_status.get(s.as_str()).copied().unwrap_or(0),
        })
        .collect())
}

/// One page of the queue.
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    filter: QueueFilter,
    now: DateTime<Utc>,
) -> Result<QueuePage, AppError> {
    let scope = scope_with(
        actor.member.require(Permission::ViewQueue)?,
        filter.department,
    );
    let mut base = in_scope(scope);
    if let Some(id) = service_id(db, filter.service.as_deref()).await? {
        base = base.add(task::Column::ServiceId.eq(id));
    }
    if filter.mine {
        base = base.add(task::Column::AssignedStaffId.eq(actor.member.id));
    }
    let counts = counts(db, base.clone()).await?;
    let mut matching = base;
    matching = match filter.status {
        Some(status) => matching.add(task::Column::Status.eq(status)),
        None => matching.add(task::Column::Status.is_in(statuses(&OPEN_STATUSES))),
    };
    if let Some(due) = filter.due {
        matching = matching.add(due_condition(due, now));
    }
    let total = task::Entity::find()
        .filter(matching.clone())
        .count(db)
        .await? as i64;
    let pages = page_count(total, QUEUE_PAGE_SIZE);
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    let tasks = task::Entity::find()
        .filter(matching)
        .order_by_with_nulls(task::Column::DueAt, Order::Asc, NullOrdering::Last)
        .order_by_asc(task::Column::Id)
        .offset(u64::from(page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
        .all(db)
        .await?;
    let rows = rows_of(db, tasks, now).await?;
    let services = service::Entity::find()
        .filter(match scope.department() {
            Some(id) => Condition::all().add(service::Column::DepartmentId.eq(id)),
            None => Condition::all(),
        })
        .order_by_asc(service::Column::SortOrder)
        .order_by_asc(service::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.code,
            label: LocalizedText::new(s.name, s.name_en),
        })
        .collect();
    let departments = if actor.member.role.is_department_scoped() {
        Vec::new()
    } else {
        department::Entity::find()
            .order_by_asc(department::Column::SortOrder)
            .all(db)
            .await?
            .into_iter()
            .map(|d| Choice {
                value: d.id.to_string(),
                label: LocalizedText::new(d.name, d.name_en),
            })
            .collect()
    };
    Ok(QueuePage {
        filter: QueueFilter {
            page: Some(page),
            ..filter
        },
        rows,
        total,
        page,
        pages,
        counts,
        services,
        departments,
    })
}

/// The page's rows with their application, service, department, resident and assignee.
async fn rows_of(
    db: &impl ConnectionTrait,
    tasks: Vec<task::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<QueueRow>, AppError> {
    let app_ids: Vec<ApplicationId> = tasks.iter().map(|t| t.application_id).collect();
    let apps: HashMap<ApplicationId, application::Model> = application::Entity::find()
        .filter(application::Column::Id.is_in(app_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let resident_ids: Vec<ResidentId> = apps.values().map(|a| a.resident_id).collect();
    let names: HashMap<ResidentId, String> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .filter(resident::Column::Id.is_in(resident_ids))
        .into_tuple::<(ResidentId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let service_ids: Vec<i64> = tasks.iter().map(|t| t.service_id).collect();
    let services: HashMap<i64, LocalizedText> = service::Entity::find()
        .filter(service::Column::Id.is_in(service_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
        .collect();
    let departments: HashMap<i64, LocalizedText> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, LocalizedText::new(d.name, d.name_en)))
        .collect();
    let staff_ids: Vec<StaffId> = tasks.iter().filter_map(|t| t.assigned_staff_id).collect();
    let staff_names: HashMap<StaffId, String> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::Name)
        .filter(staff::Column::Id.is_in(staff_ids))
        .into_tuple::<(StaffId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(tasks
        .into_iter()
        .filter_map(|t| {
            let app = apps.get(&t.application_id)?;
            let status = t.status;
            Some(QueueRow {
                number: app.number.clone(),
                task_id: t.id,
                service: services.get(&t.service_id).cloned().unwrap_or_default(),
                department: departments
                    .get(&t.department_id)
                    .cloned()
                    .unwrap_or_default(),
                resident_name: names.get(&app.resident_id).cloned().unwrap_or_default(),
                status,
                submitted_at: app.submitted_at,
                due_at: t.due_at,
                urgency: urgency(t.due_at, status, now),
                assigned_to: t
                    .assigned_staff_id
                    .and_then(|id| staff_names.get(&id).cloned()),
            })
        })
        .collect())
}

/// The console's first page: counts per status, overdue, due within 24 hours, mine.
pub async fn home(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    policy: &domain::rating_policy::RatingPolicy,
    now: DateTime<Utc>,
) -> Result<ConsoleHome, AppError> {
    let scope = actor.member.require(Permission::ViewQueue)?;
    let base = in_scope(scope);
    let counts = counts(db, base.clone()).await?;
    let count = |condition: Condition| async move {
        task::Entity::find()
            .filter(condition)
            .count(db)
            .await
            .map(|n| n as i64)
    };
    let overdue = count(base.clone().add(due_condition(Urgency::Overdue, now))).await?;
    let due_soon = count(base.clone().add(due_condition(Urgency::DueSoon, now))).await?;
    let assigned_to_me = count(
        base.add(task::Column::AssignedStaffId.eq(actor.member.id))
            .add(task::Column::Status.is_in(statuses(&OPEN_STATUSES))),
    )
    .await?;
    let (rectifications_waiting, rectifications_overdue) =
        super::rectifications::counts(db, actor, now).await?;
    let satisfaction_alerts = match actor.member.require(Permission::ViewRatings) {
        Ok(scope) => super::figures::alerts(db, scope, policy, now).await?,
        Err(_) => Vec::new(),
    };
    let (open_alerts, open_alarms) = super::alerts::open_counts(db, actor).await?;
    Ok(ConsoleHome {
        me: actor.member.clone(),
        counts,
        overdue,
        due_soon,
        assigned_to_me,
        rectifications_waiting,
        rectifications_overdue,
        satisfaction_alerts,
        open_alerts,
        open_alarms,
    })
}
