//! Where the monthly report is put together: the month's volumes per department (one
//! aggregate over `task`), the campaigns sent in it with their conversion (one aggregate
//! over `recommendation`), the twelve months' trend (one `GROUP BY` month each for tasks
//! received, tasks decided and ratings), and the satisfaction, ranking and problems of
//! [`figures::staff_figures`] for the same month and scope.
use super::StaffActor;
use super::entities::{campaign, department, recommendation, service, task};
use super::figures;
use super::sql::count_where;
use chrono::{DateTime, Utc};
use domain::application::ApplicationStatus;
use domain::campaign::{CampaignStatus, Conversion};
use domain::deadline::china_date;
use domain::error::AppError;
use domain::figures::{FiguresQuery, Period};
use domain::rating_policy::RatingPolicy;
use domain::report::{
    CampaignOutcome, DepartmentVolume, MonthFigures, MonthlyReport, ReportQuery, Volume,
    last_complete_month, report_months, report_period, trend_months,
};
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

#[derive(Debug, FromQueryResult)]
struct VolumeRow {
    department_id: i64,
    received: Option<i64>,
    decided: Option<i64>,
    rejected: Option<i64>,
    with_deadline: Option<i64>,
    on_time: Option<i64>,
    completed: Option<i64>,
}

fn count(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// Per department, the tasks received, decided (and of those rejected, with a deadline, on
/// time) and completed in the period: one `GROUP BY` over `task`.
async fn volumes(
    db: &impl ConnectionTrait,
    scope: Scope,
    period: &Period,
) -> Result<HashMap<i64, Volume>, AppError> {
    let (from, until) = (period.starts_at(), period.ends_before());
    let within =
        |column: task::Column| Condition::all().add(column.gte(from)).add(column.lt(until));
    let decided = || within(task::Column::DecidedAt);
    let with_deadline = || decided().add(task::Column::DueAt.is_not_null());
    let on_time = with_deadline().add(
        Expr::col((task::Entity, task::Column::DecidedAt))
            .lte(Expr::col((task::Entity, task::Column::DueAt))),
    );
    let mut relevant = Condition::any()
        .add(within(task::Column::CreatedAt))
        .add(decided())
        .add(within(task::Column::CompletedAt));
    if let Some(id) = scope.department() {
        relevant = Condition::all()
            .add(task::Column::DepartmentId.eq(id))
            .add(relevant);
    }
    let rows = task::Entity::find()
        .select_only()
        .column(task::Column::DepartmentId)
        .column_as(count_where(within(task::Column::CreatedAt)), "received")
        .column_as(count_where(decided()), "decided")
        .column_as(
            count_where(decided().add(task::Column::Status.eq(ApplicationStatus::Rejected))),
            "rejected",
        )
        .column_as(count_where(with_deadline()), "with_deadline")
        .column_as(count_where(on_time), "on_time")
        .column_as(count_where(within(task::Column::CompletedAt)), "completed")
        .filter(relevant)
        .group_by(task::Column::DepartmentId)
        .into_model::<VolumeRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let decided = count(r.decided);
            let rejected = count(r.rejected);
            let volume = Volume {
                received: count(r.received),
                decided,
                approved: decided.saturating_sub(rejected),
                rejected,
                with_deadline: count(r.with_deadline),
                on_time: count(r.on_time),
                completed: count(r.completed),
            };
            (r.department_id, volume)
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct CampaignRow {
    id: i64,
    name: String,
    service_name: String,
    service_name_en: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct ConversionRow {
    campaign_id: i64,
    delivered: i64,
    read: i64,
    clicked: i64,
    applied: i64,
    dismissed: i64,
}

/// The campaigns of the scope sent in the period, in the order sent, each with what its
/// recommendations led to (one aggregate for all of them).
async fn campaigns(
    db: &impl ConnectionTrait,
    scope: Scope,
    period: &Period,
) -> Result<Vec<CampaignOutcome>, AppError> {
    let sent = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Id)
        .column(campaign::Column::Name)
        .column(campaign::Column::SentAt)
        .column_as(service::Column::Name, "service_name")
        .column_as(service::Column::NameEn, "service_name_en")
        .join(
            JoinType::InnerJoin,
            campaign::Entity::belongs_to(service::Entity)
                .from(campaign::Column::ServiceId)
                .to(service::Column::Id)
                .into(),
        )
        .filter(super::campaigns::in_scope(scope))
        .filter(campaign::Column::Status.eq(CampaignStatus::Sent))
        .filter(campaign::Column::SentAt.gte(period.starts_at()))
        .filter(campaign::Column::SentAt.lt(period.ends_before()))
        .order_by_asc(campaign::Column::SentAt)
        .order_by_asc(campaign::Column::Id)
        .into_model::<CampaignRow>()
        .all(db)
        .await?;
    if sent.is_empty() {
        return Ok(Vec::new());
    }
    let counted =
        |column: recommendation::Column| Expr::col((recommendation::Entity, column)).count();
    let conversions: HashMap<i64, Conversion> = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::CampaignId)
        .column_as(counted(recommendation::Column::Id), "delivered")
        .column_as(counted(recommendation::Column::ReadAt), "read")
        .column_as(counted(recommendation::Column::ClickedAt), "clicked")
        .column_as(counted(recommendation::Column::AppliedAt), "applied")
        .column_as(counted(recommendation::Column::DismissedAt), "dismissed")
        .filter(recommendation::Column::CampaignId.is_in(sent.iter().map(|c| c.id)))
        .group_by(recommendation::Column::CampaignId)
        .into_model::<ConversionRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let conversion = Conversion {
                delivered: r.delivered,
                read: r.read,
                clicked: r.clicked,
                applied: r.applied,
                dismissed: r.dismissed,
            };
            (r.campaign_id, conversion)
        })
        .collect();
    Ok(sent
        .into_iter()
        .filter_map(|c| {
            Some(CampaignOutcome {
                conversion: conversions.get(&c.id).copied().unwrap_or_default(),
                sent_at: c.sent_at?,
                id: c.id,
                name: c.name,
                service: LocalizedText::new(c.service_name, c.service_name_en),
            })
        })
        .collect())
}

/// `YYYY-MM` of a timestamp column in China time: the one expression the back ends spell
/// differently.
fn china_month(column: &str, backend: DbBackend) -> Expr {
    Expr::cust(match backend {
        DbBackend::Postgres => {
            format!("to_char(({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM')")
        }
        _ => format!("strftime('%Y-%m', {column}, '+8 hours')"),
    })
}

#[derive(Debug, FromQueryResult)]
struct MonthRow {
    month: Option<String>,
    n: i64,
    with_deadline: Option<i64>,
    on_time: Option<i64>,
}

fn month_in<'a>(
    trend: &'a mut [MonthFigures],
    month: Option<&str>,
) -> Option<&'a mut MonthFigures> {
    let month = month?;
    trend.iter_mut().find(|m| m.month == month)
}

/// The trend's months, oldest first: tasks received (by the month they came in), decided
/// (by the month decided) and ratings given, each one `GROUP BY` month.
async fn trend(
    db: &impl ConnectionTrait,
    scope: Scope,
    period: &Period,
) -> Result<Vec<MonthFigures>, AppError> {
    let months = trend_months(period);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let (from, until) = (first.starts_at(), last.ends_before());
    let backend = db.get_database_backend();
    let in_scope = |condition: Condition| match scope.department() {
        Some(id) => condition.add(task::Column::DepartmentId.eq(id)),
        None => condition,
    };
    let by_month = |column: task::Column, name: &str| {
        let month = china_month(&format!("\"task\".\"{name}\""), backend);
        task::Entity::find()
            .select_only()
            .column_as(month.clone(), "month")
            .column_as(task::Column::Id.count(), "n")
            .filter(in_scope(
                Condition::all().add(column.gte(from)).add(column.lt(until)),
            ))
            .group_by(month)
    };
    let received = by_month(task::Column::CreatedAt, "created_at")
        .column_as(Expr::cust("CAST(0 AS BIGINT)"), "with_deadline")
        .column_as(Expr::cust("CAST(0 AS BIGINT)"), "on_time")
        .into_model::<MonthRow>()
        .all(db)
        .await?;
    let with_deadline = || Condition::all().add(task::Column::DueAt.is_not_null());
    let decided = by_month(task::Column::DecidedAt, "decided_at")
        .column_as(count_where(with_deadline()), "with_deadline")
        .column_as(
            count_where(
                with_deadline().add(
                    Expr::col((task::Entity, task::Column::DecidedAt))
                        .lte(Expr::col((task::Entity, task::Column::DueAt))),
                ),
            ),
            "on_time",
        )
        .into_model::<MonthRow>()
        .all(db)
        .await?;
    let rating_month = china_month("\"rating\".\"created_at\"", backend);
    let ratings = figures::monthly_ratings(db, scope, from, until, rating_month).await?;

    let mut trend: Vec<MonthFigures> = months
        .iter()
        .map(|m| MonthFigures {
            month: m.month_key().unwrap_or_else(|| m.label()),
            ..MonthFigures::default()
        })
        .collect();
    for row in received {
        if let Some(m) = month_in(&mut trend, row.month.as_deref()) {
            m.received = count(Some(row.n));
        }
    }
    for row in decided {
        if let Some(m) = month_in(&mut trend, row.month.as_deref()) {
            m.decided = count(Some(row.n));
            m.with_deadline = count(row.with_deadline);
            m.on_time = count(row.on_time);
        }
    }
    for (month, counts) in ratings {
        if let Some(m) = month_in(&mut trend, month.as_deref()) {
            m.ratings = counts.ratings;
            m.satisfied = counts.satisfied;
        }
    }
    Ok(trend)
}

/// The report of `month` (default the last complete month) in the viewer's scope: a
/// department head's department, or every department side by side for a supervisor (who may
/// narrow it to one with `query.department`). Heads and supervisors only.
pub async fn monthly(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    month: Option<&str>,
    query: ReportQuery,
    policy: &RatingPolicy,
    now: DateTime<Utc>,
) -> Result<MonthlyReport, AppError> {
    let own_scope = actor.member.require(Permission::ViewForecasts)?;
    let scope = match (own_scope, query.department) {
        (Scope::All, Some(id)) => Scope::Department(id),
        (scope, _) => scope,
    };
    let today = china_date(now);
    let month = month.map_or_else(|| last_complete_month(today), str::to_owned);
    let period = report_period(&month, today)?;

    let satisfaction = figures::staff_figures(
        db,
        actor,
        FiguresQuery {
            month: Some(month.clone()),
            department: query.department,
            ..FiguresQuery::default()
        },
        policy,
        now,
    )
    .await?;
    let departments: Vec<department::Model> = figures::departments(db)
        .await?
        .into_iter()
        .filter(|d| scope.covers(d.id))
        .collect();
    let by_department = volumes(db, scope, &period).await?;
    let volumes: Vec<DepartmentVolume> = departments
        .iter()
        .map(|d| DepartmentVolume {
            department_id: d.id,
            code: d.code.clone(),
            name: figures::name_of(d),
            volume: by_department.get(&d.id).copied().unwrap_or_default(),
        })
        .collect();
    let volume_total = volumes
        .iter()
        .fold(Volume::default(), |sum, d| sum + d.volume);
    // The alerts as they stood when the month ended (or stand now, in a running month).
    let month_end = std::cmp::min(period.ends_before(), now);
    let alerts = figures::alerts(db, scope, policy, month_end).await?;
    let department = scope
        .department()
        .and_then(|id| departments.iter().find(|d| d.id == id))
        .map(figures::name_of);
    Ok(MonthlyReport {
        partial: period.ends_before() > now,
        month,
        period,
        department_id: scope.department(),
        department,
        generated_at: now,
        volumes,
        volume_total,
        satisfaction: satisfaction.departments,
        satisfaction_total: satisfaction.total,
        ranking: satisfaction.ranking,
        problems: satisfaction.problems,
        alerts,
        campaigns: campaigns(db, scope, &period).await?,
        trend: trend(db, scope, &period).await?,
        department_choices: satisfaction.department_choices,
        months: report_months(today),
    })
}
