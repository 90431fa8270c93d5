//! Where the satisfaction figures are counted: ratings and rectifications per department and
//! per service over a period, the monthly ranking, common problems among the bad reviews,
//! the rolling 30-day alert, and the public page's figures.
//!
//! Every count is a SQL aggregate (`GROUP BY` with `SUM(CASE …)`) over the `rating` indexes
//! (department or service, created_at); excluded ratings (an upheld appeal) and their
//! rectifications never count. The one place the back ends differ, the length of a
//! rectification, is an expression chosen by `db.get_database_backend()`.
use domain::ids::ResidentId;

use super::StaffActor;
use super::entities::{department, rating, rectification, service, survey, survey_response};
use super::sql::count_where;
use chrono::{DateTime, Duration, Utc};
use domain::console::Choice;
use domain::deadline::china_date;
use domain::error::AppError;
use domain::figures::{
    ALERT_WINDOW_DAYS, BadReview, CommonProblem, DepartmentFigures, Figures, FiguresQuery,
    LowAnswer, MonthQuery, Period, ProblemReport, PublicFigures, PublicRow, PublicSatisfaction,
    RankEntry, Ranking, RatingCounts, RectificationCounts, SatisfactionAlert, ServiceFigures,
    StaffFigures, SurveyProblem, below_threshold, five_point_keys, group_bad_reviews,
    group_low_answers, low_points, picker_months, rank_departments,
};
use domain::rating::{IndicatorScores, RatingTags};
use domain::rating_policy::{MIN_PUBLIC_RATINGS, RatingPolicy};
use domain::rectification::RectificationStatus;
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use std::collections::{HashMap, HashSet};

/// What the figures are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum By {
    Department,
    Service,
}

impl By {
    fn column(self) -> rating::Column {
        match self {
            By::Department => rating::Column::DepartmentId,
            By::Service => rating::Column::ServiceId,
        }
    }
}

/// The ratings that count: not excluded, given from `from` (inclusive) to `until`
/// (exclusive), in the scope's department.
pub(crate) fn counted(scope: Scope, from: DateTime<Utc>, until: DateTime<Utc>) -> Condition {
    let condition = Condition::all()
        .add(rating::Column::Excluded.eq(false))
        .add(rating::Column::CreatedAt.gte(from))
        .add(rating::Column::CreatedAt.lt(until));
    match scope.department() {
        Some(id) => condition.add(rating::Column::DepartmentId.eq(id)),
        None => condition,
    }
}

fn in_period(scope: Scope, period: &Period) -> Condition {
    counted(scope, period.starts_at(), period.ends_before())
}

pub(crate) fn non_negative(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

#[derive(Debug, FromQueryResult)]
struct RatingRow {
    key: i64,
    ratings: i64,
    satisfied: Option<i64>,
    bad: Option<i64>,
}

/// Ratings, satisfied (4–5) and bad (1–2) per department or service.
async fn rating_counts(
    db: &impl ConnectionTrait,
    condition: Condition,
    by: By,
) -> Result<HashMap<i64, RatingCounts>, AppError> {
    let rows = with_rating_counts(rating::Entity::find().select_only())
        .column_as(by.column(), "key")
        .filter(condition)
        .group_by(by.column())
        .into_model::<RatingRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.key, rating_counts_of(r.ratings, r.satisfied, r.bad)))
        .collect())
}

/// The counts every rating aggregate selects: `ratings`, `satisfied` (4–5) and `bad` (1–2).
fn with_rating_counts(select: Select<rating::Entity>) -> Select<rating::Entity> {
    select
        .column_as(rating::Column::Id.count(), "ratings")
        .column_as(
            count_where(Condition::all().add(rating::Column::Score.gte(4))),
            "satisfied",
        )
        .column_as(
            count_where(Condition::all().add(rating::Column::Score.lte(2))),
            "bad",
        )
}

fn rating_counts_of(ratings: i64, satisfied: Option<i64>, bad: Option<i64>) -> RatingCounts {
    RatingCounts {
        ratings: non_negative(Some(ratings)),
        satisfied: non_negative(satisfied),
        bad: non_negative(bad),
    }
}

#[derive(Debug, FromQueryResult)]
struct RectificationRow {
    key: i64,
    rectifications: i64,
    closed: Option<i64>,
    closed_on_time: Option<i64>,
    open_overdue: Option<i64>,
    measured: Option<i64>,
    total_seconds: Option<f64>,
}

/// The total seconds from opening to closing of the closed rectifications: date arithmetic
/// is the one thing SQLite (julianday, in days) and PostgreSQL (an interval's epoch) spell
/// differently. Always a floating-point number.
fn total_seconds_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "CAST(SUM(CASE WHEN \"rectification\".\"status\" = 'closed' \
             AND \"rectification\".\"closed_at\" IS NOT NULL \
             THEN EXTRACT(EPOCH FROM (\"rectification\".\"closed_at\" - \"rectification\".\"created_at\")) \
             ELSE 0 END) AS DOUBLE PRECISION)"
        }
        _ => {
            "CAST(SUM(CASE WHEN \"rectification\".\"status\" = 'closed' \
             AND \"rectification\".\"closed_at\" IS NOT NULL \
             THEN (julianday(\"rectification\".\"closed_at\") - julianday(\"rectification\".\"created_at\")) * 86400.0 \
             ELSE 0.0 END) AS REAL)"
        }
    }
}

/// Per department or service, the rectifications of the counted bad reviews: opened,
/// closed, closed on time (the department's response by its deadline), still open past
/// the deadline at `now`, and the total time of the closed ones.
async fn rectification_counts(
    db: &impl ConnectionTrait,
    condition: Condition,
    by: By,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, RectificationCounts>, AppError> {
    let status = |s: RectificationStatus| rectification::Column::Status.eq(s);
    let closed = || Condition::all().add(status(RectificationStatus::Closed));
    let on_time = closed()
        .add(rectification::Column::AnsweredAt.is_not_null())
        .add(
            Expr::col((rectification::Entity, rectification::Column::AnsweredAt)).lte(Expr::col((
                rectification::Entity,
                rectification::Column::DueAt,
            ))),
        );
    let overdue = Condition::all()
        .add(status(RectificationStatus::Open))
        .add(rectification::Column::DueAt.lt(now));
    let measured = closed().add(rectification::Column::ClosedAt.is_not_null());
    let rows = rectification::Entity::find()
        .select_only()
        .join(JoinType::InnerJoin, rectification::Relation::Rating.def())
        .column_as(by.column(), "key")
        .column_as(rectification::Column::Id.count(), "rectifications")
        .column_as(count_where(closed()), "closed")
        .column_as(count_where(on_time), "closed_on_time")
        .column_as(count_where(overdue), "open_overdue")
        .column_as(count_where(measured), "measured")
        .column_as(
            Expr::cust(total_seconds_sql(db.get_database_backend())),
            "total_seconds",
        )
        .filter(condition)
        .group_by(by.column())
        .into_model::<RectificationRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.key,
                RectificationCounts {
                    rectifications: non_negative(Some(r.rectifications)),
                    closed: non_negative(r.closed),
                    closed_on_time: non_negative(r.closed_on_time),
                    open_overdue: non_negative(r.open_overdue),
                    measured: non_negative(r.measured),
                    total_seconds: r.total_seconds.unwrap_or(0.0).max(0.0),
                },
            )
        })
        .collect())
}

/// Ratings and rectifications of one department or service.
type Counts = (RatingCounts, RectificationCounts);

/// Ratings and rectifications per department or service over the condition.
async fn counts_by(
    db: &impl ConnectionTrait,
    condition: Condition,
    by: By,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, Counts>, AppError> {
    let ratings = rating_counts(db, condition.clone(), by).await?;
    let rectifications = rectification_counts(db, condition, by, now).await?;
    let keys: HashSet<i64> = ratings
        .keys()
        .chain(rectifications.keys())
        .copied()
        .collect();
    Ok(keys
        .into_iter()
        .map(|key| {
            (
                key,
                (
                    ratings.get(&key).copied().unwrap_or_default(),
                    rectifications.get(&key).copied().unwrap_or_default(),
                ),
            )
        })
        .collect())
}

fn figures_of(counts: &HashMap<i64, Counts>, key: i64) -> Figures {
    let (ratings, rectifications) = counts.get(&key).copied().unwrap_or_default();
    Figures::new(ratings, rectifications)
}

/// The figures of all the rows together (rates recomputed from the summed counts).
fn total_of(counts: &HashMap<i64, Counts>) -> Figures {
    let (ratings, rectifications) = counts.values().fold(
        (RatingCounts::default(), RectificationCounts::default()),
        |(r, x), (r2, x2)| (r + *r2, x + *x2),
    );
    Figures::new(ratings, rectifications)
}

pub(crate) async fn departments(
    db: &impl ConnectionTrait,
) -> Result<Vec<department::Model>, AppError> {
    Ok(department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Id)
        .all(db)
        .await?)
}

pub(crate) fn name_of(d: &department::Model) -> LocalizedText {
    LocalizedText::new(d.name.clone(), d.name_en.clone())
}

/// The services with these ids, in catalogue order (department, then the service's own).
async fn services(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
    departments: &[department::Model],
) -> Result<Vec<service::Model>, AppError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut list = service::Entity::find()
        .filter(service::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let position: HashMap<i64, usize> = departments
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();
    list.sort_by_key(|s| {
        (
            position
                .get(&s.department_id)
                .copied()
                .unwrap_or(usize::MAX),
            s.sort_order,
            s.id,
        )
    });
    Ok(list)
}

/// The bad reviews (score 1–2) of the condition, grouped into common problems and
/// individual cases.
///
/// The grouping reads each review's tags and indicators out of JSON, which SQLite and
/// PostgreSQL query with different functions; so the bad reviews of the scope and period
/// (only those, a small set) are loaded and grouped in Rust instead.
async fn problems(
    db: &impl ConnectionTrait,
    condition: Condition,
    departments: &[department::Model],
) -> Result<ProblemReport, AppError> {
    let rows: Vec<(i64, i64, ResidentId, RatingTags, IndicatorScores)> = rating::Entity::find()
        .select_only()
        .columns([
            rating::Column::Id,
            rating::Column::ServiceId,
            rating::Column::ResidentId,
            rating::Column::Tags,
            rating::Column::Indicators,
        ])
        .filter(condition)
        .filter(rating::Column::Score.lte(2))
        .into_tuple()
        .all(db)
        .await?;
    let reviews: Vec<BadReview> = rows
        .into_iter()
        .map(
            |(rating_id, service_id, resident_id, tags, indicators)| BadReview {
                rating_id,
                service_id,
                resident_id,
                tags: tags.0,
                indicators,
            },
        )
        .collect();
    let groups = group_bad_reviews(&reviews);
    let services: HashMap<i64, service::Model> =
        services(db, groups.common.iter().map(|g| g.service_id), departments)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let department_names: HashMap<i64, LocalizedText> =
        departments.iter().map(|d| (d.id, name_of(d))).collect();
    let common = groups
        .common
        .iter()
        .filter_map(|g| {
            let s = services.get(&g.service_id)?;
            Some(CommonProblem {
                service_code: s.code.clone(),
                service: LocalizedText::new(s.name.clone(), s.name_en.clone()),
                department: department_names
                    .get(&s.department_id)
                    .cloned()
                    .unwrap_or_default(),
                cause: g.cause,
                ratings: g.ratings,
                residents: g.residents,
            })
        })
        .collect();
    Ok(ProblemReport {
        bad_reviews: reviews.len() as u64,
        common,
        individual: groups.individual,
        survey_common: Vec::new(),
    })
}

/// Five-point survey questions about a service of the scope that at least three residents
/// answered 1 or 2 in the period.
///
/// Answers are JSON keyed by question, read differently by each back end; so the responses
/// of the period to surveys about the scope's services are loaded (one row per resident and
/// survey) and their low points picked out in Rust.
async fn survey_problems(
    db: &impl ConnectionTrait,
    scope: Scope,
    period: &Period,
    departments: &[department::Model],
) -> Result<Vec<SurveyProblem>, AppError> {
    let mut surveys = survey::Entity::find().filter(survey::Column::ServiceId.is_not_null());
    if let Some(id) = scope.department() {
        let own: Vec<i64> = service::Entity::find()
            .select_only()
            .column(service::Column::Id)
            .filter(service::Column::DepartmentId.eq(id))
            .into_tuple()
            .all(db)
            .await?;
        surveys = surveys.filter(survey::Column::ServiceId.is_in(own));
    }
    let surveys: HashMap<i64, survey::Model> = surveys
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    if surveys.is_empty() {
        return Ok(Vec::new());
    }
    let keys: HashMap<i64, Vec<(String, String)>> = surveys
        .values()
        .map(|s| (s.id, five_point_keys(&s.questions)))
        .filter(|(_, keys)| !keys.is_empty())
        .collect();
    let responses: Vec<(i64, ResidentId, serde_json::Value)> = survey_response::Entity::find()
        .select_only()
        .columns([
            survey_response::Column::SurveyId,
            survey_response::Column::ResidentId,
            survey_response::Column::Answers,
        ])
        .filter(survey_response::Column::SurveyId.is_in(keys.keys().copied()))
        .filter(survey_response::Column::CreatedAt.gte(period.starts_at()))
        .filter(survey_response::Column::CreatedAt.lt(period.ends_before()))
        .into_tuple()
        .all(db)
        .await?;
    let low: Vec<LowAnswer> = responses
        .iter()
        .flat_map(|(survey_id, resident_id, answers)| {
            let service_id = surveys
                .get(survey_id)
                .and_then(|s| s.service_id)
                .unwrap_or_default();
            let questions = keys.get(survey_id).map(Vec::as_slice).unwrap_or_default();
            low_points(questions, answers)
                .into_iter()
                .map(move |question| LowAnswer {
                    service_id,
                    survey_id: *survey_id,
                    question,
                    resident_id: *resident_id,
                })
        })
        .collect();
    let groups = group_low_answers(&low);
    let services: HashMap<i64, service::Model> =
        services(db, groups.iter().map(|g| g.service_id), departments)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let department_names: HashMap<i64, LocalizedText> =
        departments.iter().map(|d| (d.id, name_of(d))).collect();
    Ok(groups
        .into_iter()
        .filter_map(|g| {
            let s = services.get(&g.service_id)?;
            let survey = surveys.get(&g.survey_id)?;
            let question = keys
                .get(&g.survey_id)
                .and_then(|k| k.iter().find(|(key, _)| *key == g.question))
                .map(|(_, text)| text.clone())
                .unwrap_or(g.question);
            Some(SurveyProblem {
                service_code: s.code.clone(),
                service: LocalizedText::new(s.name.clone(), s.name_en.clone()),
                department: department_names
                    .get(&s.department_id)
                    .cloned()
                    .unwrap_or_default(),
                survey_id: g.survey_id,
                survey_title: survey.title.clone(),
                question,
                answers: g.answers,
                residents: g.residents,
            })
        })
        .collect())
}

/// Departments in `scope` whose satisfaction over the last `ALERT_WINDOW_DAYS` days is
/// below the policy's threshold, in display order.
pub async fn alerts(
    db: &impl ConnectionTrait,
    scope: Scope,
    policy: &RatingPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<SatisfactionAlert>, AppError> {
    let window = counted(scope, now - Duration::days(ALERT_WINDOW_DAYS), now);
    let counts = rating_counts(db, window, By::Department).await?;
    let low: Vec<i64> = counts
        .iter()
        .filter(|(_, c)| below_threshold(**c, policy.alert_threshold))
        .map(|(id, _)| *id)
        .collect();
    if low.is_empty() {
        return Ok(Vec::new());
    }
    let threshold_percent = (policy.alert_threshold * 100.0).round().clamp(0.0, 100.0) as u32;
    Ok(departments(db)
        .await?
        .into_iter()
        .filter(|d| low.contains(&d.id))
        .filter_map(|d| {
            let c = counts.get(&d.id)?;
            Some(SatisfactionAlert {
                department_id: d.id,
                department: name_of(&d),
                ratings: c.ratings,
                satisfied: c.satisfied,
                threshold_percent,
            })
        })
        .collect())
}

/// The console's figures: per department and service in the viewer's scope (department
/// staff see their own department in full, small numbers included), the month's ranking,
/// common problems and the alerts. Supervisors and administrators may narrow it to one
/// department with `query.department`.
pub async fn staff_figures(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    query: FiguresQuery,
    policy: &RatingPolicy,
    now: DateTime<Utc>,
) -> Result<StaffFigures, AppError> {
    let own_scope = actor.member.require(Permission::ViewRatings)?;
    let scope = match (own_scope, query.department) {
        (Scope::All, Some(id)) => Scope::Department(id),
        (scope, _) => scope,
    };
    let today = china_date(now);
    let period = query.period(today)?;
    let all_departments = departments(db).await?;
    let shared = satisfaction(db, own_scope, scope, &period, &all_departments, now).await?;

    let by_service = counts_by(db, in_period(scope, &period), By::Service, now).await?;
    let department_names: HashMap<i64, LocalizedText> =
        all_departments.iter().map(|d| (d.id, name_of(d))).collect();
    let service_rows = services(db, by_service.keys().copied(), &all_departments)
        .await?
        .into_iter()
        .map(|s| ServiceFigures {
            figures: figures_of(&by_service, s.id),
            department: department_names
                .get(&s.department_id)
                .cloned()
                .unwrap_or_default(),
            name: LocalizedText::new(s.name, s.name_en),
            code: s.code,
        })
        .collect();
    Ok(StaffFigures {
        query,
        period,
        total: shared.total,
        departments: shared.departments,
        services: service_rows,
        ranking: shared.ranking,
        problems: shared.problems,
        alerts: alerts(db, scope, policy, now).await?,
        department_choices: department_choices(actor, &all_departments),
        months: picker_months(today),
    })
}

/// What the figures page and the monthly report both show of a period: the figures per
/// department in `scope` and their total, the ranking of the period's month and the
/// problems among the bad reviews.
pub(crate) struct Satisfaction {
    pub total: Figures,
    pub departments: Vec<DepartmentFigures>,
    pub ranking: Ranking,
    pub problems: ProblemReport,
}

/// [`Satisfaction`] of `period` in `scope`; `own_scope` is the viewer's own, which decides
/// the unranked departments they may see in the ranking.
pub(crate) async fn satisfaction(
    db: &impl ConnectionTrait,
    own_scope: Scope,
    scope: Scope,
    period: &Period,
    all_departments: &[department::Model],
    now: DateTime<Utc>,
) -> Result<Satisfaction, AppError> {
    let condition = in_period(scope, period);
    let by_department = counts_by(db, condition.clone(), By::Department, now).await?;
    let departments: Vec<DepartmentFigures> = all_departments
        .iter()
        .filter(|d| scope.covers(d.id))
        .map(|d| DepartmentFigures {
            id: d.id,
            code: d.code.clone(),
            name: name_of(d),
            figures: figures_of(&by_department, d.id),
        })
        .collect();

    // The ranking compares every department, whatever the viewer's scope; department staff
    // see the ranked departments (public figures anyway) and their own place.
    let month = period.ranking_month(china_date(now));
    let month_counts = rating_counts(db, in_period(Scope::All, &month), By::Department).await?;
    let entries: Vec<RankEntry> = rank_departments(
        all_departments
            .iter()
            .map(|d| {
                (
                    d.id,
                    name_of(d),
                    month_counts.get(&d.id).copied().unwrap_or_default(),
                )
            })
            .collect(),
    )
    .into_iter()
    .filter(|e| e.rank.is_some() || own_scope.covers(e.department_id))
    .collect();

    let mut problems = problems(db, condition, all_departments).await?;
    problems.survey_common = survey_problems(db, scope, period, all_departments).await?;
    Ok(Satisfaction {
        total: total_of(&by_department),
        departments,
        ranking: Ranking {
            month: month.month_key().unwrap_or_else(|| month.label()),
            entries,
        },
        problems,
    })
}

/// The department filter's choices: every department for supervisors and administrators,
/// none for department staff (who always see their own).
pub(crate) fn department_choices(
    actor: &StaffActor,
    all_departments: &[department::Model],
) -> Vec<Choice> {
    if actor.member.role.is_department_scoped() {
        return Vec::new();
    }
    all_departments
        .iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: name_of(d),
        })
        .collect()
}

/// The public figures of one month: every department, and every service rated in the
/// month; a figure built from fewer than `MIN_PUBLIC_RATINGS` ratings is left out, the
/// number of ratings included.
pub async fn public_satisfaction(
    db: &impl ConnectionTrait,
    query: MonthQuery,
    now: DateTime<Utc>,
) -> Result<PublicSatisfaction, AppError> {
    let today = china_date(now);
    let period = query.period(today)?;
    let all_departments = departments(db).await?;
    let condition = in_period(Scope::All, &period);
    let by_department = counts_by(db, condition.clone(), By::Department, now).await?;
    let by_service = counts_by(db, condition, By::Service, now).await?;
    let department_names: HashMap<i64, LocalizedText> =
        all_departments.iter().map(|d| (d.id, name_of(d))).collect();
    let departments = all_departments
        .iter()
        .map(|d| PublicRow {
            code: d.code.clone(),
            name: name_of(d),
            department: None,
            figures: PublicFigures::of(&figures_of(&by_department, d.id)),
        })
        .collect();
    let rated = by_service
        .iter()
        .filter(|(_, (r, _))| r.ratings > 0)
        .map(|(id, _)| *id);
    let services = services(db, rated, &all_departments)
        .await?
        .into_iter()
        .map(|s| PublicRow {
            figures: PublicFigures::of(&figures_of(&by_service, s.id)),
            department: department_names.get(&s.department_id).cloned(),
            name: LocalizedText::new(s.name, s.name_en),
            code: s.code,
        })
        .collect();
    Ok(PublicSatisfaction {
        month: period.month_key().unwrap_or_else(|| period.label()),
        period,
        min_ratings: MIN_PUBLIC_RATINGS,
        departments,
        services,
        months: picker_months(today),
    })
}
