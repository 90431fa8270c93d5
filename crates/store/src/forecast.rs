//! Where the backlog forecast is counted: one aggregate over `task`, grouped by department
//! and service, gives each queue's running tasks by deadline day and its recent acceptances
//! and decisions; the arithmetic is [`domain::forecast::outlook`].
use super::StaffActor;
use super::calendar;
use super::entities::{department, service, task};
use super::sql::count_where;
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::application::ApplicationStatus;
use domain::deadline::{china_date, end_of_china_day, start_of_china_day};
use domain::error::AppError;
use domain::forecast::{
    BacklogForecast, ForecastRow, HISTORY_WEEKS, HORIZON, QueueCounts, outlook, rank_rows,
};
use domain::staff::Permission;
use domain::text::LocalizedText;
use domain::working_days::WorkingCalendar;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

/// The first [`HORIZON`] working days from `today` (today included when offices work).
pub fn window(calendar: &WorkingCalendar, today: NaiveDate) -> Vec<NaiveDate> {
    today
        .iter_days()
        .filter(|day| calendar.is_working_day(*day))
        .take(HORIZON)
        .collect()
}

/// The history weeks: from midnight [`HISTORY_WEEKS`] weeks before `today` to midnight
/// starting `today` (China time), and the working days in them.
pub fn history(
    calendar: &WorkingCalendar,
    today: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>, u32) {
    let first = today - Days::new(u64::from(HISTORY_WEEKS) * 7);
    let working_days = first
        .iter_days()
        .take_while(|day| *day < today)
        .filter(|day| calendar.is_working_day(*day))
        .count() as u32;
    (
        start_of_china_day(first),
        start_of_china_day(today),
        working_days,
    )
}

#[derive(Debug, FromQueryResult)]
struct Row {
    department_id: i64,
    service_id: i64,
    overdue: Option<i64>,
    day1: Option<i64>,
    day2: Option<i64>,
    day3: Option<i64>,
    day4: Option<i64>,
    day5: Option<i64>,
    later: Option<i64>,
    accepted: Option<i64>,
    decided: Option<i64>,
}

fn count(n: Option<i64>) -> u32 {
    u32::try_from(n.unwrap_or(0)).unwrap_or(u32::MAX)
}

/// The forecast for the viewer's scope: a department head sees the department's services,
/// a supervisor every department's.
pub async fn backlog(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<BacklogForecast, AppError> {
    let scope = actor.member.require(Permission::ViewForecasts)?;
    let calendar = calendar::load(db).await?;
    let today = china_date(now);
    let days = window(&calendar, today);
    let (from, until, history_working_days) = history(&calendar, today);

    let running = || Condition::all().add(task::Column::Status.eq(ApplicationStatus::Accepted));
    // A day's tasks: due after the previous day's end (or now) up to the end of that day.
    let mut bounds = vec![now];
    bounds.extend(days.iter().map(|day| end_of_china_day(*day)));
    let due_between = |after: DateTime<Utc>, through: DateTime<Utc>| {
        count_where(
            running()
                .add(task::Column::DueAt.gt(after))
                .add(task::Column::DueAt.lte(through)),
        )
    };
    let mut query = task::Entity::find()
        .select_only()
        .column(task::Column::DepartmentId)
        .column(task::Column::ServiceId)
        .column_as(
            count_where(running().add(task::Column::DueAt.lte(now))),
            "overdue",
        );
    for (day, pair) in bounds.windows(2).enumerate() {
        query = query.column_as(due_between(pair[0], pair[1]), format!("day{}", day + 1));
    }
    let last = bounds.last().copied().unwrap_or(now);
    let in_history =
        |column: task::Column| Condition::all().add(column.gte(from)).add(column.lt(until));
    let mut relevant = Condition::any()
        .add(task::Column::Status.eq(ApplicationStatus::Accepted))
        .add(in_history(task::Column::AcceptedAt))
        .add(in_history(task::Column::DecidedAt));
    if let Some(id) = scope.department() {
        relevant = Condition::all()
            .add(task::Column::DepartmentId.eq(id))
            .add(relevant);
    }
    let rows = query
        .column_as(
            count_where(running().add(task::Column::DueAt.gt(last))),
            "later",
        )
        .column_as(
            count_where(in_history(task::Column::AcceptedAt)),
            "accepted",
        )
        .column_as(count_where(in_history(task::Column::DecidedAt)), "decided")
        .filter(relevant)
        .group_by(task::Column::DepartmentId)
        .group_by(task::Column::ServiceId)
        .into_model::<Row>()
        .all(db)
        .await?;

    let departments: HashMap<i64, department::Model> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(rows.iter().map(|r| r.service_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();

    let mut list: Vec<ForecastRow> = rows
        .into_iter()
        .filter_map(|row| {
            let department = departments.get(&row.department_id)?;
            let service = services.get(&row.service_id)?;
            let counts = QueueCounts {
                overdue: count(row.overdue),
                due: [row.day1, row.day2, row.day3, row.day4, row.day5].map(count),
                later: count(row.later),
                accepted: count(row.accepted),
                decided: count(row.decided),
                promised_days: u32::try_from(service.promised_days).unwrap_or(0),
            };
            (!counts.is_empty()).then(|| ForecastRow {
                department_id: department.id,
                department: LocalizedText::new(department.name.clone(), department.name_en.clone()),
                service_code: service.code.clone(),
                service: LocalizedText::new(service.name.clone(), service.name_en.clone()),
                outlook: outlook(&counts, history_working_days),
                counts,
            })
        })
        .collect();
    rank_rows(&mut list);
    Ok(BacklogForecast {
        days,
        history_working_days,
        history_weeks: HISTORY_WEEKS,
        rows: list,
    })
}
