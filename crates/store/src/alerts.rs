//! Where alerts are kept (预警 · 告警): the figures the rules of `domain::alert` read, a few
//! aggregates over the whole city; each occurrence raised once (the unique `open_key`, safe
//! with several instances), brought up to date while it lasts and closed when its rule stops
//! firing; the list a head (their department) or a supervisor (all, grids included) sees;
//! and the acknowledgement with a note, audited.
use domain::ids::StaffId;

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{alert, rating, rectification, region, resident, service, staff, task};
use super::figures::{self, departments, name_of};
use super::queue::due_condition;
use super::sql::count_where;
use chrono::{DateTime, Duration, Utc};
use domain::alert::{
    Acknowledgement, Alert, AlertList, AlertPolicy, AlertState, Firing, LIST_LIMIT, Level, Rule,
    SPIKE_WEEKS, Subject, already_handled, cases_link, checked_note, open_key,
};
use domain::application::ApplicationStatus;
use domain::console::Urgency;
use domain::error::AppError;
use domain::figures::RatingCounts;
use domain::rating_policy::RatingPolicy;
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, Select, Set,
    TransactionSession, TransactionTrait, TryInsertResult,
};
use std::collections::HashMap;

/// What one look at the rules changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Alerts this instance raised.
    pub raised: Vec<i64>,
    /// Open warnings this instance turned into alarms (asking for a new acknowledgement).
    pub escalated: u64,
    /// Alerts whose rule stopped firing.
    pub closed: u64,
}

/// Looks at every rule now and keeps the records in step: a new occurrence is raised, an
/// open one gets its current level and figures, one that no longer fires is closed.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    policy: &AlertPolicy,
    ratings: &RatingPolicy,
    now: DateTime<Utc>,
) -> Result<Changes, AppError> {
    let firings = firings(db, policy, ratings, now).await?;
    keep(db, &firings, now).await
}

/// Every rule's firings now.
pub async fn firings(
    db: &impl ConnectionTrait,
    policy: &AlertPolicy,
    ratings: &RatingPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<Firing>, AppError> {
    let mut firings = Vec::new();
    let mut fire = |rule, subject, department_id, found: Option<(Level, _)>| {
        if let Some((level, evidence)) = found {
            firings.push(Firing {
                rule,
                subject,
                department_id,
                level,
                evidence,
            });
        }
    };
    for row in running_tasks(db, now).await? {
        let department = Subject::Department(row.department_id);
        let id = Some(row.department_id);
        let overdue = figures::non_negative(row.overdue);
        let due_soon = figures::non_negative(row.due_soon);
        let running = figures::non_negative(Some(row.running));
        let found = domain::alert::overdue_tasks(overdue, policy);
        fire(Rule::OverdueTasks, department, id, found);
        let found = domain::alert::due_soon(due_soon, running, policy);
        fire(Rule::DueSoon, department, id, found);
    }
    for low in figures::alerts(db, Scope::All, ratings, now).await? {
        let counts = RatingCounts {
            ratings: low.ratings,
            satisfied: low.satisfied,
            bad: 0,
        };
        let found = domain::alert::satisfaction(counts, ratings.alert_threshold, policy);
        let id = low.department_id;
        fire(Rule::Satisfaction, Subject::Department(id), Some(id), found);
    }
    let late: Vec<(i64, i64)> = rectification::Entity::find()
        .select_only()
        .column(rectification::Column::DepartmentId)
        .column_as(rectification::Column::Id.count(), "n")
        .filter(super::rectifications::overdue(now))
        .group_by(rectification::Column::DepartmentId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in late {
        let found = domain::alert::overdue_rectifications(figures::non_negative(Some(n)), policy);
        fire(
            Rule::OverdueRectifications,
            Subject::Department(id),
            Some(id),
            found,
        );
    }
    for weeks in bad_review_weeks(db, SpikeBy::Service, now).await? {
        let found = domain::alert::spike(weeks.this_week(), &weeks.before(), policy);
        let subject = Subject::Service(weeks.key);
        fire(Rule::BadReviewSpike, subject, weeks.department_id, found);
    }
    for weeks in bad_review_weeks(db, SpikeBy::Grid, now).await? {
        let found = domain::alert::spike(weeks.this_week(), &weeks.before(), policy);
        fire(Rule::BadReviewSpike, Subject::Grid(weeks.key), None, found);
    }
    Ok(firings)
}

#[derive(Debug, FromQueryResult)]
struct RunningRow {
    department_id: i64,
    overdue: Option<i64>,
    due_soon: Option<i64>,
    running: i64,
}

/// Per department, the running tasks (the clock on, a deadline set), those overdue and
/// those due within 24 hours by the queue's own urgency conditions (the alert's link opens
/// the queue on the same cases): one `GROUP BY`.
async fn running_tasks(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<RunningRow>, AppError> {
    Ok(task::Entity::find()
        .select_only()
        .column(task::Column::DepartmentId)
        .column_as(count_where(due_condition(Urgency::Overdue, now)), "overdue")
        .column_as(
            count_where(due_condition(Urgency::DueSoon, now)),
            "due_soon",
        )
        .column_as(task::Column::Id.count(), "running")
        .filter(task::Column::Status.eq(ApplicationStatus::Accepted))
        .filter(task::Column::DueAt.is_not_null())
        .group_by(task::Column::DepartmentId)
        .into_model::<RunningRow>()
        .all(db)
        .await?)
}

/// What a spike is counted by.
#[derive(Clone, Copy)]
enum SpikeBy {
    Service,
    /// The grid the rating resident lives in.
    Grid,
}

/// One service's or grid's bad reviews per rolling week, `week_0` the last 7 days.
struct Weeks {
    key: i64,
    department_id: Option<i64>,
    counts: [u64; SPIKE_WEEKS + 1],
}

impl Weeks {
    fn this_week(&self) -> u64 {
        self.counts[0]
    }

    /// The weeks before this one, oldest first.
    fn before(&self) -> Vec<u64> {
        self.counts[1..].iter().rev().copied().collect()
    }
}

impl FromQueryResult for Weeks {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let mut counts = [0; SPIKE_WEEKS + 1];
        for (index, count) in counts.iter_mut().enumerate() {
            *count = figures::non_negative(row.try_get(prefix, &format!("week_{index}"))?);
        }
        Ok(Weeks {
            key: row.try_get(prefix, "key")?,
            department_id: row.try_get(prefix, "department_id")?,
            counts,
        })
    }
}

/// Bad reviews (1 or 2, not excluded) of the last nine rolling weeks, per service or grid,
/// for those with one in the last week: one scan, a `SUM(CASE …)` per week.
async fn bad_review_weeks(
    db: &impl ConnectionTrait,
    by: SpikeBy,
    now: DateTime<Utc>,
) -> Result<Vec<Weeks>, AppError> {
    let week = |index: usize| {
        let until = now - Duration::days(7 * index as i64);
        Condition::all()
            .add(rating::Column::CreatedAt.gte(until - Duration::days(7)))
            .add(rating::Column::CreatedAt.lt(until))
    };
    let mut query = rating::Entity::find().select_only();
    query = match by {
        SpikeBy::Service => query
            .column_as(rating::Column::ServiceId, "key")
            .column_as(rating::Column::DepartmentId, "department_id")
            .group_by(rating::Column::ServiceId)
            .group_by(rating::Column::DepartmentId),
        SpikeBy::Grid => query
            .column_as(
                Expr::col((resident::Entity, resident::Column::RegionId)),
                "key",
            )
            .column_as(Expr::cust("CAST(NULL AS BIGINT)"), "department_id")
            .join(
                JoinType::InnerJoin,
                rating::Entity::belongs_to(resident::Entity)
                    .from(rating::Column::ResidentId)
                    .to(resident::Column::Id)
                    .into(),
            )
            .group_by(Expr::col((resident::Entity, resident::Column::RegionId))),
    };
    for index in 0..=SPIKE_WEEKS {
        query = query.column_as(count_where(week(index)), format!("week_{index}"));
    }
    let oldest = now - Duration::days(7 * (SPIKE_WEEKS as i64 + 1));
    let rows = query
        .filter(rating::Column::Score.lte(2))
        .filter(rating::Column::Excluded.eq(false))
        .filter(rating::Column::CreatedAt.gte(oldest))
        .filter(rating::Column::CreatedAt.lt(now))
        .into_model::<Weeks>()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter(|w| w.this_week() > 0).collect())
}

/// Keeps the records in step with the firings: raise (once), update, close.
async fn keep(
    db: &impl ConnectionTrait,
    firings: &[Firing],
    now: DateTime<Utc>,
) -> Result<Changes, AppError> {
    let mut changes = Changes::default();
    let mut keys = Vec::with_capacity(firings.len());
    for firing in firings {
        let key = open_key(firing.rule, firing.subject);
        keys.push(key.clone());
        let raised = alert::Entity::insert(alert::ActiveModel {
            rule: Set(firing.rule),
            subject_kind: Set(firing.subject.kind().to_owned()),
            subject_id: Set(firing.subject.id()),
            department_id: Set(firing.department_id),
            level: Set(firing.level),
            evidence: Set(firing.evidence.clone()),
            open_key: Set(Some(key.clone())),
            raised_at: Set(now),
            checked_at: Set(now),
            ..Default::default()
        })
        .on_conflict_do_nothing_on([alert::Column::OpenKey])
        .exec(db)
        .await?;
        if let TryInsertResult::Inserted(inserted) = raised {
            changes.raised.push(inserted.last_insert_id);
            continue;
        }
        if firing.level == Level::Alarm {
            // A warning become an alarm asks for attention again.
            changes.escalated += alert::Entity::update_many()
                .col_expr(alert::Column::Level, Expr::value(Level::Alarm))
                .col_expr(
                    alert::Column::AcknowledgedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    alert::Column::AcknowledgedByStaffId,
                    Expr::value(Option::<i64>::None),
                )
                .col_expr(
                    alert::Column::AcknowledgementNote,
                    Expr::value(Option::<String>::None),
                )
                .filter(alert::Column::OpenKey.eq(&key))
                .filter(alert::Column::Level.eq(Level::Warning))
                .exec(db)
                .await?
                .rows_affected;
        }
        // The current figures; an alarm that eased stays open as a warning.
        alert::Entity::update_many()
            .col_expr(alert::Column::Level, Expr::value(firing.level))
            .col_expr(
                alert::Column::Evidence,
                Expr::value(firing.evidence.clone()),
            )
            .col_expr(alert::Column::CheckedAt, Expr::value(now))
            .filter(alert::Column::OpenKey.eq(&key))
            .exec(db)
            .await?;
    }
    changes.closed = alert::Entity::update_many()
        .col_expr(alert::Column::ClosedAt, Expr::value(now))
        .col_expr(alert::Column::OpenKey, Expr::value(Option::<String>::None))
        .filter(alert::Column::OpenKey.is_not_null())
        .filter(alert::Column::OpenKey.is_not_in(keys))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changes)
}

/// The alerts a scope sees: a department's own (never a grid's); all for supervisors.
fn scoped(query: Select<alert::Entity>, scope: Scope) -> Select<alert::Entity> {
    match scope.department() {
        Some(id) => query.filter(alert::Column::DepartmentId.eq(id)),
        None => query,
    }
}

fn is_open() -> Condition {
    Condition::all().add(alert::Column::OpenKey.is_not_null())
}

/// The open alerts (alarms first, then the newest) or the closed ones (the newest first)
/// a head or supervisor sees, with the open and alarm counts.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    state: AlertState,
) -> Result<AlertList, AppError> {
    let scope = actor.member.require(Permission::ViewForecasts)?;
    let rows = match state {
        // "alarm" sorts before "warning".
        AlertState::Open => scoped(alert::Entity::find(), scope)
            .filter(is_open())
            .order_by_asc(alert::Column::Level)
            .order_by_desc(alert::Column::RaisedAt),
        AlertState::Closed => scoped(alert::Entity::find(), scope)
            .filter(alert::Column::OpenKey.is_null())
            .order_by_desc(alert::Column::ClosedAt),
    }
    .order_by_desc(alert::Column::Id)
    .limit(LIST_LIMIT)
    .all(db)
    .await?;
    let (open, alarms) = counts(db, scope).await?;
    Ok(AlertList {
        state,
        alerts: shown(db, rows).await?,
        open,
        alarms,
    })
}

/// The open alerts and alarms of what the member of staff sees; zero for roles that do not
/// see alerts (the console home's line).
pub async fn open_counts(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<(u64, u64), AppError> {
    match actor.member.require(Permission::ViewForecasts) {
        Ok(scope) => counts(db, scope).await,
        Err(_) => Ok((0, 0)),
    }
}

/// The open alerts of `scope`, and how many of them are alarms.
async fn counts(db: &impl ConnectionTrait, scope: Scope) -> Result<(u64, u64), AppError> {
    let open = scoped(alert::Entity::find(), scope).filter(is_open());
    let alarms = open.clone().filter(alert::Column::Level.eq(Level::Alarm));
    Ok((open.count(db).await?, alarms.count(db).await?))
}

/// The alerts of `scope` raised in `[from, until)`, oldest first (the monthly report).
pub async fn raised_between(
    db: &impl ConnectionTrait,
    scope: Scope,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Alert>, AppError> {
    let rows = scoped(alert::Entity::find(), scope)
        .filter(alert::Column::RaisedAt.gte(from))
        .filter(alert::Column::RaisedAt.lt(until))
        .order_by_asc(alert::Column::RaisedAt)
        .order_by_asc(alert::Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    shown(db, rows).await
}

/// The records with the names of what they are about and who acknowledged them.
async fn shown(db: &impl ConnectionTrait, rows: Vec<alert::Model>) -> Result<Vec<Alert>, AppError> {
    let ids = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.subject_kind == kind)
            .map(|r| r.subject_id)
            .collect()
    };
    let departments: HashMap<i64, LocalizedText> = departments(db)
        .await?
        .iter()
        .map(|d| (d.id, name_of(d)))
        .collect();
    let services: HashMap<i64, LocalizedText> = service::Entity::find()
        .filter(service::Column::Id.is_in(ids("service")))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
        .collect();
    let grids: HashMap<i64, LocalizedText> = region::Entity::find()
        .filter(region::Column::Id.is_in(ids("grid")))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, LocalizedText::new(r.name, r.name_en)))
        .collect();
    let staff_ids: Vec<StaffId> = rows
        .iter()
        .filter_map(|r| r.acknowledged_by_staff_id)
        .collect();
    let staff_names: HashMap<StaffId, String> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let subject = Subject::parse(&row.subject_kind, row.subject_id)?;
            let names = match subject {
                Subject::Department(_) => &departments,
                Subject::Service(_) => &services,
                Subject::Grid(_) => &grids,
            };
            let acknowledged = match (row.acknowledged_at, row.acknowledgement_note) {
                (Some(at), Some(note)) => Some(Acknowledgement {
                    by: row
                        .acknowledged_by_staff_id
                        .and_then(|id| staff_names.get(&id).cloned())
                        .unwrap_or_default(),
                    at,
                    note,
                }),
                _ => None,
            };
            Some(Alert {
                id: row.id,
                rule: row.rule,
                level: row.level,
                subject,
                subject_name: names.get(&row.subject_id).cloned().unwrap_or_default(),
                department_id: row.department_id,
                department: row
                    .department_id
                    .and_then(|id| departments.get(&id).cloned()),
                evidence: row.evidence,
                raised_at: row.raised_at,
                checked_at: row.checked_at,
                acknowledged,
                closed_at: row.closed_at,
                cases: cases_link(row.rule, row.department_id),
            })
        })
        .collect())
}

/// A head or supervisor acknowledges an open alert with a note of what will be done: once
/// per occurrence (again after it became an alarm), audited. Another department's alert, or
/// a grid's for a head, is not found.
pub async fn acknowledge(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &StaffActor,
    id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let scope = actor.member.require(Permission::ViewForecasts)?;
    let note = checked_note(note)?;
    scoped(alert::Entity::find_by_id(id), scope)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let txn = db.begin().await?;
    let acknowledged = alert::Entity::update_many()
        .col_expr(alert::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(
            alert::Column::AcknowledgedByStaffId,
            Expr::value(actor.member.id),
        )
        .col_expr(
            alert::Column::AcknowledgementNote,
            Expr::value(note.clone()),
        )
        .filter(alert::Column::Id.eq(id))
        .filter(is_open())
        .filter(alert::Column::AcknowledgedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if acknowledged == 0 {
        return Err(already_handled());
    }
    audit::record(
        &txn,
        actor,
        "alert.acknowledge",
        Target::Alert(id),
        Some(&note),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
