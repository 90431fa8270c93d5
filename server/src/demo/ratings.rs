//! Ratings (好差评) of the demo's decided tasks and the rectifications (差评整改) their bad
//! reviews opened, in every state of the loop, so that the figures, the public page, the
//! common-problem report and the console's alert have something to show.
//!
//! Drawn from the seeded generator, with a few things set up on purpose:
//! - Enough decided cases to rate. The case generator spreads its few finished cases over
//!   four months, too thin for monthly figures, so a small demo is topped up with finished
//!   single-service applications (built like `cases.rs` builds them) until the last 60 days
//!   hold about [`RECENT_PER_DAY`] decisions a day, weighted towards a few popular services:
//!   several departments and services pass the 10-rating publication threshold in a month,
//!   the rarely used ones stay suppressed. A large demo needs no top-up.
//! - About 60 % of the decided tasks are rated, mostly within a day of the decision; the
//!   decisions of the last few working days mostly not yet, so residents can still rate them.
//!   About 92 % of scores are 4–5 and 5–6 % are 1–2.
//! - A recurring cause: [`PROBLEM_SERVICE`] draws bad reviews tagged materials_inaccurate from
//!   several residents, which takes its department below the 90 % alert threshold; the other
//!   departments are kept at or above it.
//! - The showcase resident (1, mobile 13800000001): a completed application decided on the
//!   last working day and not rated ([`RATE_ME_SERVICE`]), and a bad review of
//!   [`ANSWERED_SERVICE`] the department answered, waiting for the resident's re-rating.
//! - Rectifications in every state: open (not yet due, and overdue), answered, appealed,
//!   escalated, closed on time, closed late, closed by an upheld appeal (rating excluded).
//!
//! Windows are the default policy's (`RatingPolicy::default()`), counted in working days
//! with the demo's calendar as the live code counts them.

use super::bulk::BulkInsert;
use super::catalog::CatalogIds;
use super::people::{ResidentInfo, StaffIds};
use super::{CAMPAIGN_STORY_RESIDENT, SHOWCASE_RESIDENT};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use domain::application::ApplicationStatus;
use domain::deadline::{china_date, start_of_china_day};
use domain::figures::ALERT_WINDOW_DAYS;
use domain::rating::{Indicator, RatingTag, rating_closes_at};
use domain::rating_policy::RatingPolicy;
use domain::rectification::{Classification, Feedback, RectificationStatus};
use domain::working_days::WorkingCalendar;
use rand::{Rng, RngExt};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};
use std::collections::{HashMap, HashSet};
use store::ratings::working_days_after;

/// Decisions a day the last [`RECENT_DAYS`] days should hold (topped up when fewer).
const RECENT_PER_DAY: u32 = 12;
const RECENT_DAYS: i64 = 60;
/// Decisions a day before that, back to [`OLDER_DAYS`].
const OLDER_PER_DAY: u32 = 3;
const OLDER_DAYS: i64 = 120;
/// The services most residents use, with their weight among the top-up cases (every other
/// service weighs 1).
const POPULAR: &[(&str, u32)] = &[
    ("YB-0202", 30),
    ("MZ-0202", 20),
    ("RS-0206", 20),
    ("GA-0301", 16),
    ("RS-0101", 14),
    ("WJ-0201", 12),
];
/// 老年人优待证办理: its materials list disagrees with what the window asks for.
const PROBLEM_SERVICE: &str = "MZ-0202";
/// Bad reviews with that cause, from different residents.
const PROBLEM_REVIEWS: usize = 5;
/// 婚姻登记记录证明: the showcase resident's completed, unrated application.
const RATE_ME_SERVICE: &str = "MZ-0103";
/// 社会保障卡申领: the showcase resident's bad review, answered, awaiting the re-rating.
const ANSWERED_SERVICE: &str = "RS-0101";
/// Share of decided tasks rated once the window is well under way, and of the last few
/// working days' decisions (most residents rate soon after; some of those are still to come).
const RATED_SHARE: f64 = 0.6;
const RECENT_RATED_SHARE: f64 = 0.3;
/// Decisions of the last this many working days count as recent.
const RECENT_WORKING_DAYS: u32 = 3;

/// What the demo set up, for the log.
pub struct RatingsSummary {
    pub topped_up: u64,
    pub ratings: u64,
    pub rectifications: u64,
}

/// A decided (completed or rejected) task of a resident with an account.
#[derive(FromQueryResult)]
struct DecidedRow {
    id: i64,
    application_id: i64,
    resident_id: i64,
    department_id: i64,
    service_id: i64,
    assigned_staff_id: Option<i64>,
    status: String,
    decided_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
}

struct Decided {
    task_id: i64,
    application_id: i64,
    resident_id: i64,
    department_id: i64,
    service_id: i64,
    staff_id: Option<i64>,
    rejected: bool,
    /// When the rating window opened: completion, or the rejection.
    at: DateTime<Utc>,
}

pub async fn insert_ratings(
    db: &impl ConnectionTrait,
    rng: &mut impl Rng,
    catalog: &CatalogIds,
    staff: &StaffIds,
    residents: &[ResidentInfo],
    now: DateTime<Utc>,
) -> Result<RatingsSummary, DbErr> {
    let calendar = &catalog.calendar;
    let service_index = |code: &str| catalog.services.iter().position(|s| s.code == code);
    let account_holders = ids(
        db,
        "SELECT id FROM resident WHERE password_hash IS NOT NULL",
    )
    .await?;
    let decided = decided_tasks(db).await?;
    let topped_up = top_up(
        db,
        rng,
        catalog,
        staff,
        residents,
        &account_holders,
        &decided,
        now,
    )
    .await?;
    let decided: Vec<Decided> = if topped_up > 0 {
        decided_tasks(db).await?
    } else {
        decided
    };
    let supervisor = ids(db, "SELECT id FROM staff WHERE username = 'supervisor'")
        .await?
        .into_iter()
        .next();
    let ctx = Ctx {
        calendar,
        policy: RatingPolicy::default(),
        now,
        supervisor,
    };
    let problem = service_index(PROBLEM_SERVICE).and_then(|i| catalog.services.get(i));
    let problem_service = problem.map(|s| s.id);
    let alert_department = problem.map(|s| s.department_id);
    let showcase = showcase_tasks(&decided, catalog, &service_index, calendar, now);

    let mut plans = plan_ratings(rng, &ctx, &decided, &showcase);
    if let Some(service) = problem_service {
        force_recurring_problem(rng, &ctx, &decided, &mut plans, service);
    }
    for plan in plans
        .iter_mut()
        .filter(|p| p.score <= 2 && p.rect.is_none())
    {
        let task = &decided[plan.task];
        plan.rect = natural_rectification(
            rng,
            &ctx,
            plan,
            handler(staff, task.department_id),
            task.rejected,
        );
    }
    cover_every_state(rng, &ctx, &decided, &mut plans, staff, alert_department);
    balance_departments(rng, &ctx, &decided, &mut plans, alert_department);
    for plan in plans
        .iter_mut()
        .filter(|p| p.score <= 2 && p.rect.is_none())
    {
        let task = &decided[plan.task];
        plan.rect = natural_rectification(
            rng,
            &ctx,
            plan,
            handler(staff, task.department_id),
            task.rejected,
        );
    }
    let (ratings, rectifications) = write(db, rng, &decided, &plans, problem_service).await?;
    Ok(RatingsSummary {
        topped_up,
        ratings,
        rectifications,
    })
}

async fn ids(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<i64>, DbErr> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    Ok(
        Id::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    )
}

async fn max_id(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    Ok(ids(
        db,
        &format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"),
    )
    .await?
    .into_iter()
    .next()
    .unwrap_or(0))
}

/// The decided tasks of residents with an account (the ones who rate online), oldest first.
async fn decided_tasks(db: &impl ConnectionTrait) -> Result<Vec<Decided>, DbErr> {
    let rows = DecidedRow::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT t.id, t.application_id, a.resident_id, t.department_id, t.service_id, \
         t.assigned_staff_id, t.status, t.decided_at, t.completed_at \
         FROM task t JOIN application a ON a.id = t.application_id \
         JOIN resident r ON r.id = a.resident_id \
         WHERE t.status IN ('completed', 'rejected') AND r.password_hash IS NOT NULL \
         ORDER BY t.id",
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Decided {
                at: r.completed_at.or(r.decided_at)?,
                task_id: r.id,
                application_id: r.application_id,
                resident_id: r.resident_id,
                department_id: r.department_id,
                service_id: r.service_id,
                staff_id: r.assigned_staff_id,
                rejected: r.status == ApplicationStatus::Rejected.as_str(),
            })
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Time helpers

/// The `count`-th working day before `day`.
fn working_day_before(calendar: &WorkingCalendar, day: NaiveDate, count: u32) -> NaiveDate {
    let mut day = day;
    let mut left = count;
    while left > 0 {
        day = day.pred_opt().unwrap_or(day);
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// `day` at hh:mm China time.
fn china_time(day: NaiveDate, hour: i64, minute: i64) -> DateTime<Utc> {
    start_of_china_day(day) + Duration::minutes(hour * 60 + minute)
}

/// A moment during office hours (08:30–17:30 China time) of `day`.
fn office_time(rng: &mut impl Rng, day: NaiveDate) -> DateTime<Utc> {
    china_time(day, 8, 30) + Duration::minutes(rng.random_range(0..9 * 60))
}

/// A moment between `from` and `to` (`from` when the span is empty).
fn between(rng: &mut impl Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = (to - from).num_seconds();
    if seconds <= 0 {
        return from;
    }
    from + Duration::seconds(rng.random_range(0..seconds))
}

/// A moment during office hours of a working day between `from` and `to`; None when the span
/// holds no office hours.
fn office_between(
    rng: &mut impl Rng,
    calendar: &WorkingCalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if to <= from {
        return None;
    }
    let windows: Vec<(DateTime<Utc>, DateTime<Utc>)> = china_date(from)
        .iter_days()
        .take_while(|day| *day <= china_date(to))
        .filter(|day| calendar.is_working_day(*day))
        .map(|day| {
            (
                china_time(day, 8, 30).max(from),
                china_time(day, 17, 30).min(to),
            )
        })
        .filter(|(start, end)| end > start)
        .collect();
    if windows.is_empty() {
        return None;
    }
    let (start, end) = windows[rng.random_range(0..windows.len())];
    Some(between(rng, start, end))
}

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

// ---------------------------------------------------------------------------------------------
// Top-up: finished applications, so that recent months have figures

/// A finished single-service application as `cases.rs` writes them: submitted, accepted,
/// approved then completed, or rejected.
struct Finished<'a> {
    resident: &'a ResidentInfo,
    service: usize,
    submitted: DateTime<Utc>,
    accepted: DateTime<Utc>,
    decided: DateTime<Utc>,
    /// None for a rejection.
    completed: Option<DateTime<Utc>>,
}

struct CaseWriter {
    applications: BulkInsert,
    tasks: BulkInsert,
    events: BulkInsert,
    application_id: i64,
    task_id: i64,
    event_id: i64,
}

impl CaseWriter {
    async fn new(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(Self {
            applications: BulkInsert::new(
                "application",
                &[
                    "id",
                    "number",
                    "resident_id",
                    "service_id",
                    "status",
                    "form_version",
                    "form_data",
                    "submitted_at",
                    "accepted_at",
                    "decided_at",
                    "completed_at",
                    "due_at",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            tasks: BulkInsert::new(
                "task",
                &[
                    "id",
                    "application_id",
                    "department_id",
                    "service_id",
                    "status",
                    "assigned_staff_id",
                    "accepted_at",
                    "due_at",
                    "decided_at",
                    "completed_at",
                    "decision_reason",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            events: BulkInsert::new(
                "application_event",
                &[
                    "id",
                    "application_id",
                    "task_id",
                    "kind",
                    "from_status",
                    "to_status",
                    "actor_kind",
                    "actor_resident_id",
                    "actor_staff_id",
                    "comment",
                    "internal",
                    "created_at",
                ],
            ),
            application_id: max_id(db, "application").await?,
            task_id: max_id(db, "task").await?,
            event_id: max_id(db, "application_event").await?,
        })
    }

    async fn push(
        &mut self,
        db: &impl ConnectionTrait,
        catalog: &CatalogIds,
        staff: &StaffIds,
        case: Finished<'_>,
    ) -> Result<(), DbErr> {
        use ApplicationStatus::*;
        let service = &catalog.services[case.service];
        let (clerk, reviewer) = handler(staff, service.department_id);
        let status = if case.completed.is_some() {
            Completed
        } else {
            Rejected
        };
        let mut steps = vec![
            (Draft, Submitted, case.submitted),
            (Submitted, Accepted, case.accepted),
        ];
        match case.completed {
            Some(completed) => {
                steps.push((Accepted, Approved, case.decided));
                steps.push((Approved, Completed, completed));
            }
            None => steps.push((Accepted, Rejected, case.decided)),
        }
        let due_day = catalog.calendar.add_working_days(
            case.accepted.date_naive(),
            service.promised_days.max(0) as u32,
        );
        let due_at = due_day
            .and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default())
            .and_utc();
        let updated = case.completed.unwrap_or(case.decided);
        let version = steps.len() as i32 + 1;
        self.application_id += 1;
        self.task_id += 1;
        let (application_id, task_id) = (self.application_id, self.task_id);
        let number = format!("MS-{}-{application_id:06}", case.submitted.format("%Y%m%d"));
        let form = form_data(&service.form_keys, case.resident);
        if self.applications.is_almost_full() || self.tasks.is_almost_full() {
            self.applications.flush(db).await?;
        }
        self.applications
            .push(
                db,
                vec![
                    application_id.into(),
                    number.into(),
                    case.resident.id.into(),
                    service.id.into(),
                    status.as_str().into(),
                    1i32.into(),
                    Value::from(form),
                    case.submitted.into(),
                    case.accepted.into(),
                    case.decided.into(),
                    case.completed.into(),
                    due_at.into(),
                    version.into(),
                    case.submitted.into(),
                    updated.into(),
                ],
            )
            .await?;
        let reason = (status == Rejected).then(|| comment_for(Rejected).to_owned());
        self.tasks
            .push(
                db,
                vec![
                    task_id.into(),
                    application_id.into(),
                    service.department_id.into(),
                    service.id.into(),
                    status.as_str().into(),
                    clerk.into(),
                    case.accepted.into(),
                    due_at.into(),
                    case.decided.into(),
                    case.completed.into(),
                    reason.into(),
                    version.into(),
                    case.submitted.into(),
                    updated.into(),
                ],
            )
            .await?;
        for (from, to, when) in steps {
            self.event_id += 1;
            if self.events.is_almost_full() {
                self.applications.flush(db).await?;
                self.tasks.flush(db).await?;
            }
            let (kind, resident, staff_id) = match to {
                Submitted => ("resident", Some(case.resident.id), None),
                Approved | Rejected => ("staff", None, Some(reviewer)),
                _ => ("staff", None, Some(clerk)),
            };
            self.events
                .push(
                    db,
                    vec![
                        self.event_id.into(),
                        application_id.into(),
                        task_id.into(),
                        to.as_str().into(),
                        from.as_str().into(),
                        to.as_str().into(),
                        kind.into(),
                        resident.into(),
                        staff_id.into(),
                        Some(comment_for(to).to_owned()).into(),
                        false.into(),
                        when.into(),
                    ],
                )
                .await?;
        }
        Ok(())
    }

    async fn finish(mut self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        self.applications.flush(db).await?;
        self.tasks.flush(db).await?;
        self.events.flush(db).await?;
        Ok(self.applications.written)
    }
}

fn comment_for(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Submitted => "网上提交申请",
        ApplicationStatus::Accepted => "材料齐全，予以受理",
        ApplicationStatus::Approved => "经审核，符合条件，准予办理",
        ApplicationStatus::Rejected => "经核查，申请人不符合本事项的申请条件",
        _ => "已办结，结果已送达",
    }
}

fn form_data(keys: &[&str], resident: &ResidentInfo) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    for key in keys {
        let value = match *key {
            "applicant_name" => resident.name.clone(),
            "applicant_id_number" => resident.id_number.clone(),
            "applicant_mobile" => resident.mobile.clone().unwrap_or_default(),
            "applicant_address" => resident.address.clone(),
            _ => continue,
        };
        data.insert((*key).to_owned(), value.into());
    }
    serde_json::Value::Object(data)
}

fn handler(staff: &StaffIds, department_id: i64) -> (i64, i64) {
    staff
        .handlers
        .get(&department_id)
        .copied()
        .unwrap_or((1, 1))
}

/// A finished case whose decision falls on `day` (or the working day before), taking the
/// time a case of the service takes.
fn finished_case<'a>(
    rng: &mut impl Rng,
    catalog: &CatalogIds,
    resident: &'a ResidentInfo,
    service: usize,
    day: NaiveDate,
    rejected: bool,
    now: DateTime<Utc>,
) -> Finished<'a> {
    let calendar = &catalog.calendar;
    let day = if calendar.is_working_day(day) {
        day
    } else {
        working_day_before(calendar, day, 1)
    };
    let decided = office_time(rng, day).min(now - hours(2));
    let promised = catalog.services[service].promised_days.clamp(0, 5) as u32;
    let accepted_day = working_day_before(calendar, day, rng.random_range(0..=promised));
    let accepted = office_time(rng, accepted_day).min(decided - hours(1));
    let submitted = accepted - Duration::minutes(rng.random_range(20..26 * 60));
    let completed = (!rejected)
        .then(|| (decided + Duration::minutes(rng.random_range(30..300))).min(now - hours(1)));
    Finished {
        resident,
        service,
        submitted,
        accepted,
        decided,
        completed,
    }
}

/// Adds finished applications until the last months hold enough decisions to rate, plus the
/// showcase resident's two (the one to rate, the one whose bad review was answered).
#[allow(clippy::too_many_arguments)]
async fn top_up(
    db: &impl ConnectionTrait,
    rng: &mut impl Rng,
    catalog: &CatalogIds,
    staff: &StaffIds,
    residents: &[ResidentInfo],
    account_holders: &[i64],
    decided: &[Decided],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let holders: HashSet<i64> = account_holders.iter().copied().collect();
    let raters: Vec<&ResidentInfo> = residents
        .iter()
        // the residents of the guided stories keep their own, chosen cases
        .filter(|r| {
            r.age >= 18
                && holders.contains(&r.id)
                && ![SHOWCASE_RESIDENT, CAMPAIGN_STORY_RESIDENT].contains(&r.id)
        })
        .collect();
    if raters.is_empty() || catalog.services.is_empty() {
        return Ok(0);
    }
    let weights: Vec<u32> = catalog
        .services
        .iter()
        .map(|s| {
            POPULAR
                .iter()
                .find(|(code, _)| *code == s.code)
                .map_or(1, |(_, w)| *w)
        })
        .collect();
    let total: u32 = weights.iter().sum();
    let pick_service = |rng: &mut dyn FnMut(u32) -> u32| {
        let mut ticket = rng(total);
        weights
            .iter()
            .position(|w| {
                if ticket < *w {
                    true
                } else {
                    ticket -= w;
                    false
                }
            })
            .unwrap_or(0)
    };
    let recent_from = now - Duration::days(RECENT_DAYS);
    let older_from = now - Duration::days(OLDER_DAYS);
    let have_recent = decided.iter().filter(|d| d.at >= recent_from).count() as u32;
    let have_older = decided
        .iter()
        .filter(|d| d.at >= older_from && d.at < recent_from)
        .count() as u32;
    let want_recent = (RECENT_PER_DAY * RECENT_DAYS as u32).saturating_sub(have_recent);
    let want_older = (OLDER_PER_DAY * (OLDER_DAYS - RECENT_DAYS) as u32).saturating_sub(have_older);

    let today = china_date(now);
    let mut writer = CaseWriter::new(db).await?;
    let mut cases = Vec::new();
    for (count, first, last) in [
        (want_older, RECENT_DAYS, OLDER_DAYS),
        (want_recent, 1, RECENT_DAYS),
    ] {
        let mut days: Vec<i64> = (0..count).map(|_| rng.random_range(first..last)).collect();
        days.sort_unstable_by(|a, b| b.cmp(a));
        for days_ago in days {
            let resident = raters[rng.random_range(0..raters.len())];
            let service = pick_service(&mut |n| rng.random_range(0..n));
            let rejected = rng.random_bool(0.1);
            let day = today - Duration::days(days_ago);
            cases.push(finished_case(
                rng, catalog, resident, service, day, rejected, now,
            ));
        }
    }
    // The showcase resident: 社会保障卡 completed seven working days ago, three past its
    // promised five (its bad review is answered below), and 婚姻登记记录证明 completed on the last working day, not rated.
    let showcase = residents.iter().find(|r| r.id == SHOWCASE_RESIDENT);
    let index_of = |code: &str| catalog.services.iter().position(|s| s.code == code);
    if let Some(resident) = showcase.filter(|r| holders.contains(&r.id)) {
        let calendar = &catalog.calendar;
        let day = |n: u32| working_day_before(calendar, today, n);
        if let Some(service) = index_of(ANSWERED_SERVICE).filter(|i| *i < catalog.services.len()) {
            cases.push(Finished {
                resident,
                service,
                submitted: china_time(day(15), 8, 52),
                accepted: china_time(day(15), 10, 15),
                decided: china_time(day(7), 11, 5),
                completed: Some(china_time(day(7), 16, 20)),
            });
        }
        if let Some(service) = index_of(RATE_ME_SERVICE).filter(|i| *i < catalog.services.len()) {
            cases.push(Finished {
                resident,
                service,
                submitted: china_time(day(2), 9, 3),
                accepted: china_time(day(2), 9, 40),
                decided: china_time(day(1), 10, 12),
                completed: Some(china_time(day(1), 15, 36)),
            });
        }
    }
    for case in cases {
        writer.push(db, catalog, staff, case).await?;
    }
    writer.finish(db).await
}

// ---------------------------------------------------------------------------------------------
// Ratings

struct Ctx<'a> {
    calendar: &'a WorkingCalendar,
    policy: RatingPolicy,
    now: DateTime<Utc>,
    supervisor: Option<i64>,
}

/// One rating to write.
struct Plan {
    /// Index into the decided tasks.
    task: usize,
    created_at: DateTime<Utc>,
    score: u8,
    /// Set up on purpose: the balancing leaves it alone.
    pinned: bool,
    /// One of the recurring materials_inaccurate reviews.
    problem: bool,
    /// The showcase resident's answered bad review.
    showcase: bool,
    rect: Option<Rect>,
}

/// The showcase resident's special tasks.
struct Showcase {
    rate_me: Option<usize>,
    answered: Option<usize>,
}

fn showcase_tasks(
    decided: &[Decided],
    catalog: &CatalogIds,
    service_index: &dyn Fn(&str) -> Option<usize>,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Showcase {
    let service_id = |code: &str| {
        service_index(code)
            .and_then(|i| catalog.services.get(i))
            .map(|s| s.id)
    };
    let latest = |code: &str, max_working_days: u32| {
        let id = service_id(code)?;
        decided
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.resident_id == SHOWCASE_RESIDENT && d.service_id == id && !d.rejected
            })
            .filter(|(_, d)| {
                calendar.working_days_between(china_date(d.at), china_date(now)) <= max_working_days
            })
            .map(|(i, _)| i)
            .next_back()
    };
    Showcase {
        rate_me: latest(RATE_ME_SERVICE, 2),
        answered: latest(ANSWERED_SERVICE, 10),
    }
}

/// A score drawn with the shares of a service people are mostly happy with; a refusal
/// pleases fewer.
fn draw_score(rng: &mut impl Rng, rejected: bool) -> u8 {
    let ticket = rng.random_range(0..1000);
    let bounds = if rejected {
        [50, 120, 220, 570]
    } else {
        [8, 22, 62, 362]
    };
    match bounds.iter().position(|b| ticket < *b) {
        Some(i) => i as u8 + 1,
        None => 5,
    }
}

/// When a resident rates a task decided at `at`: mostly the same day, always inside the
/// window and before now; None when there was no time yet.
fn rating_time(rng: &mut impl Rng, ctx: &Ctx, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let closes = rating_closes_at(ctx.calendar, at, ctx.policy.rating_window_days);
    let latest = closes.min(ctx.now - Duration::minutes(10));
    if latest <= at + Duration::minutes(10) {
        return None;
    }
    let delay = match rng.random_range(0..100) {
        0..=54 => Duration::minutes(rng.random_range(10..6 * 60)),
        55..=84 => Duration::minutes(rng.random_range(6 * 60..48 * 60)),
        _ => Duration::minutes(rng.random_range(48 * 60..6 * 24 * 60)),
    };
    let wanted = at + delay;
    Some(if wanted < latest {
        wanted
    } else {
        between(rng, at + Duration::minutes(10), latest)
    })
}

fn plan_ratings(
    rng: &mut impl Rng,
    ctx: &Ctx,
    decided: &[Decided],
    showcase: &Showcase,
) -> Vec<Plan> {
    let today = china_date(ctx.now);
    let mut plans = Vec::new();
    for (i, task) in decided.iter().enumerate() {
        if Some(i) == showcase.rate_me {
            continue;
        }
        if Some(i) == showcase.answered {
            // Rated 2 the evening after completion; the answer is set up below.
            let created = china_time(china_date(task.at), 20, 40).max(task.at + hours(1));
            let rect = answered_showcase(ctx, created, task);
            plans.push(Plan {
                task: i,
                created_at: created,
                score: 2,
                pinned: true,
                problem: false,
                showcase: true,
                rect,
            });
            continue;
        }
        let recent = ctx
            .calendar
            .working_days_between(china_date(task.at), today)
            < RECENT_WORKING_DAYS;
        let share = if recent {
            RECENT_RATED_SHARE
        } else {
            RATED_SHARE
        };
        // Drawn for every task, rated or not, so that one choice does not shift the next.
        let rated = rng.random_bool(share);
        let score = draw_score(rng, task.rejected);
        let Some(created_at) = rating_time(rng, ctx, task.at) else {
            continue;
        };
        if rated {
            plans.push(Plan {
                task: i,
                created_at,
                score,
                pinned: false,
                problem: false,
                showcase: false,
                rect: None,
            });
        }
    }
    plans
}

/// Makes [`PROBLEM_REVIEWS`] recent reviews of the problem service, from different
/// residents, bad reviews tagged materials_inaccurate (rating more of its tasks if needed).
fn force_recurring_problem(
    rng: &mut impl Rng,
    ctx: &Ctx,
    decided: &[Decided],
    plans: &mut Vec<Plan>,
    service_id: i64,
) {
    let since = ctx.now - Duration::days(ALERT_WINDOW_DAYS - 5);
    let mut residents: HashSet<i64> = HashSet::new();
    let mut chosen = 0;
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(plans[*i].created_at));
    for i in order {
        let task = &decided[plans[i].task];
        if chosen >= PROBLEM_REVIEWS {
            break;
        }
        if task.service_id != service_id
            || plans[i].pinned
            || plans[i].created_at < since
            || task.resident_id == SHOWCASE_RESIDENT
            || !residents.insert(task.resident_id)
        {
            continue;
        }
        let plan = &mut plans[i];
        plan.score = if rng.random_bool(0.4) { 1 } else { 2 };
        plan.pinned = true;
        plan.problem = true;
        chosen += 1;
    }
    // Not enough rated: rate more of its recent tasks.
    let rated: HashSet<usize> = plans.iter().map(|p| p.task).collect();
    for (i, task) in decided.iter().enumerate().rev() {
        if chosen >= PROBLEM_REVIEWS {
            break;
        }
        if task.service_id != service_id
            || task.at < since
            || rated.contains(&i)
            || task.resident_id == SHOWCASE_RESIDENT
            || residents.contains(&task.resident_id)
        {
            continue;
        }
        if let Some(created_at) = rating_time(rng, ctx, task.at) {
            residents.insert(task.resident_id);
            plans.push(Plan {
                task: i,
                created_at,
                score: 2,
                pinned: true,
                problem: true,
                showcase: false,
                rect: None,
            });
            chosen += 1;
        }
    }
    if chosen < PROBLEM_REVIEWS {
        tracing::warn!(chosen, "demo: fewer recurring bad reviews than planned");
    }
}

// ---------------------------------------------------------------------------------------------
// Rectifications

/// Where a bad review's rectification stands, with the path that led there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Fate {
    /// Waiting for the department, still inside its deadline.
    OpenNotDue,
    /// Waiting for the department, past its deadline.
    OpenOverdue,
    /// Answered; the resident may still re-rate it.
    Answered,
    /// Appealed; waiting for a supervisor.
    Appealed,
    /// The resident was not satisfied with the answer; waiting for a supervisor.
    Escalated,
    /// Answered in time, the resident satisfied.
    ClosedOnTime,
    /// Answered in time; the resident said nothing in the feedback window.
    ClosedSilent,
    /// Answered after the deadline, then the resident's feedback.
    ClosedLate,
    /// Escalated, then a supervisor's resolution.
    Resolved,
    /// Appealed and upheld: the rating is excluded from the figures.
    Upheld,
}

/// Each of these appears at least once.
const EVERY_STATE: [Fate; 8] = [
    Fate::OpenNotDue,
    Fate::OpenOverdue,
    Fate::Answered,
    Fate::Appealed,
    Fate::Escalated,
    Fate::ClosedOnTime,
    Fate::ClosedLate,
    Fate::Upheld,
];

#[derive(Clone, Debug, Default)]
struct Rect {
    fate: Option<Fate>,
    status: Option<RectificationStatus>,
    due_at: Option<DateTime<Utc>>,
    appeal_due_at: Option<DateTime<Utc>>,
    classification: Option<Classification>,
    answer: Option<String>,
    answered_by: Option<i64>,
    answered_at: Option<DateTime<Utc>>,
    fix_due_on: Option<NaiveDate>,
    feedback_due_at: Option<DateTime<Utc>>,
    appeal_status: Option<&'static str>,
    appeal_reason: Option<&'static str>,
    appeal_note: Option<&'static str>,
    appeal_decided_by: Option<i64>,
    feedback: Option<Feedback>,
    resident_comment: Option<&'static str>,
    escalated_at: Option<DateTime<Utc>>,
    resolution: Option<&'static str>,
    resolved_by: Option<i64>,
    closed_at: Option<DateTime<Utc>>,
}

const ANSWERS_ON_THE_SPOT: &[&str] = &[
    "已与您电话沟通并致歉，当天为您补办完成，并对窗口人员进行了提醒。",
    "已安排专人回访，问题当场解决，相关流程已优化。",
    "已核实情况并向您致歉，窗口已调整叫号安排，避免再次久等。",
];
const ANSWERS_BY_DEADLINE: &[&str] = &[
    "已列入整改台账，将在期限内完成办事指南修订并在网上公布。",
    "已提交系统优化需求，将在期限内上线材料预审功能。",
    "已安排窗口人员业务培训，将在期限内完成并回访。",
];
const ANSWERS_EXPLAINED: &[&str] = &[
    "经核实，该事项依法须本人到场核验身份，无法免于到场，已电话向您解释说明。",
    "经核查，申请不符合政策规定的条件，已向您说明政策依据及其他可申请的事项。",
];
const PROBLEM_ANSWER: &str = "经核实，办事指南材料清单未写明需提供户口簿原件，与窗口要求不一致。已向您致歉，并列入整改台账，限期修订材料清单。";
const APPEAL_REASONS: &[&str] = &[
    "该申请当日受理、次日办结，均在承诺时限内，评价内容与事实不符。",
    "评价所述问题属其他部门职责，非本部门办理环节。",
];
const APPEAL_NOTE_UPHELD: &str = "经核实，办理记录显示按时办结，评价与事实不符，申诉成立。";
const RESOLUTIONS: &[&str] = &[
    "已督促部门上门补办并致歉，群众表示认可。",
    "已约谈部门负责人，明确整改要求，并电话回访群众。",
];
const COMMENTS_SATISFIED: &[&str] = &["问题已解决，谢谢。", "回复很及时，满意。"];
const COMMENTS_BASICALLY: &[&str] = &["基本解决了，希望以后能更快。"];
const COMMENTS_UNSATISFIED: &[&str] = &[
    "还是没有解决，希望上级部门督促。",
    "回复只是解释，没有实际解决问题。",
];

fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// The department's answer (not an appeal): its classification, words and ledger date.
fn answer(rng: &mut impl Rng, rect: &mut Rect, at: DateTime<Utc>, problem: bool, rejected: bool) {
    let classification = if problem {
        Classification::ByDeadline
    } else if rejected && rng.random_bool(0.6) {
        Classification::Explained
    } else {
        match rng.random_range(0..10) {
            0..=5 => Classification::OnTheSpot,
            6..=7 => Classification::ByDeadline,
            _ => Classification::Explained,
        }
    };
    rect.classification = Some(classification);
    rect.answer = Some(
        match classification {
            _ if problem => PROBLEM_ANSWER,
            Classification::OnTheSpot => pick(rng, ANSWERS_ON_THE_SPOT),
            Classification::ByDeadline => pick(rng, ANSWERS_BY_DEADLINE),
            _ => pick(rng, ANSWERS_EXPLAINED),
        }
        .to_owned(),
    );
    rect.fix_due_on = (classification == Classification::ByDeadline)
        .then(|| china_date(at) + Duration::days(rng.random_range(10..30)));
    rect.answered_at = Some(at);
}

/// The rectification of a bad review given at `created`, ended up in `fate`; None when the
/// times do not allow it (e.g. an answer awaiting feedback for a review of last year).
fn shape(
    rng: &mut impl Rng,
    ctx: &Ctx,
    fate: Fate,
    created: DateTime<Utc>,
    handler: (i64, i64),
    problem: bool,
    rejected: bool,
) -> Option<Rect> {
    let now = ctx.now;
    let cal = ctx.calendar;
    let due = working_days_after(cal, created, ctx.policy.rectification_days);
    let appeal_due = working_days_after(cal, created, ctx.policy.appeal_days);
    let staff = if rng.random_bool(0.5) {
        handler.1
    } else {
        handler.0
    };
    let mut rect = Rect {
        fate: Some(fate),
        due_at: Some(due),
        appeal_due_at: Some(appeal_due),
        ..Rect::default()
    };
    // A recurring, real problem is answered, not appealed.
    if problem && matches!(fate, Fate::Appealed | Fate::Upheld) {
        return None;
    }
    let earliest = created + hours(1);
    match fate {
        Fate::OpenNotDue => {
            (now <= due).then_some(())?;
            rect.status = Some(RectificationStatus::Open);
        }
        Fate::OpenOverdue => {
            (now > due && now - created <= Duration::days(ALERT_WINDOW_DAYS)).then_some(())?;
            rect.status = Some(RectificationStatus::Open);
        }
        Fate::Answered => {
            // Answered lately: the feedback window is still open.
            let latest = due.min(now - hours(1));
            let at = office_between(rng, cal, earliest.max(latest - hours(48)), latest)
                .or_else(|| office_between(rng, cal, earliest, latest))?;
            let feedback_due = working_days_after(cal, at, ctx.policy.feedback_days);
            (feedback_due > now).then_some(())?;
            answer(rng, &mut rect, at, problem, rejected);
            rect.status = Some(RectificationStatus::Answered);
            rect.answered_by = Some(staff);
            rect.feedback_due_at = Some(feedback_due);
        }
        Fate::Appealed => {
            let latest = appeal_due.min(now - hours(1));
            (now - latest < Duration::days(6)).then_some(())?;
            let at = office_between(rng, cal, earliest.max(latest - hours(30)), latest)
                .or_else(|| office_between(rng, cal, earliest, latest))?;
            rect.status = Some(RectificationStatus::Appealed);
            rect.classification = Some(Classification::Appealed);
            rect.answered_at = Some(at);
            rect.answered_by = Some(handler.1);
            rect.appeal_status = Some("pending");
            rect.appeal_reason = Some(pick(rng, APPEAL_REASONS));
        }
        Fate::Upheld => {
            let at = office_between(rng, cal, earliest, appeal_due.min(now - hours(30)))?;
            let decided = office_between(rng, cal, at + hours(20), (at + hours(120)).min(now))?;
            rect.status = Some(RectificationStatus::Closed);
            rect.classification = Some(Classification::Appealed);
            rect.answered_at = Some(at);
            rect.answered_by = Some(handler.1);
            rect.appeal_status = Some("upheld");
            rect.appeal_reason = Some(pick(rng, APPEAL_REASONS));
            rect.appeal_note = Some(APPEAL_NOTE_UPHELD);
            rect.appeal_decided_by = ctx.supervisor;
            rect.closed_at = Some(decided);
        }
        Fate::Escalated | Fate::Resolved | Fate::ClosedOnTime | Fate::ClosedSilent => {
            // In time: mostly within two days.
            let latest = due.min(now - hours(1));
            let at = office_between(rng, cal, earliest, latest.min(earliest + hours(48)))
                .or_else(|| office_between(rng, cal, earliest, latest))?;
            let feedback_due = working_days_after(cal, at, ctx.policy.feedback_days);
            answer(rng, &mut rect, at, problem, rejected);
            rect.answered_by = Some(staff);
            rect.feedback_due_at = Some(feedback_due);
            if fate == Fate::ClosedSilent {
                (feedback_due < now).then_some(())?;
                rect.status = Some(RectificationStatus::Closed);
                rect.closed_at = Some(feedback_due);
                return Some(rect);
            }
            let latest = feedback_due.min(now - hours(1));
            (latest > at + hours(2)).then_some(())?;
            let said = between(rng, at + hours(2), (at + hours(60)).min(latest));
            match fate {
                Fate::ClosedOnTime => {
                    let feedback = if rng.random_bool(0.7) {
                        Feedback::Satisfied
                    } else {
                        Feedback::BasicallySatisfied
                    };
                    rect.feedback = Some(feedback);
                    rect.resident_comment = rng.random_bool(0.4).then(|| {
                        pick(
                            rng,
                            if feedback == Feedback::Satisfied {
                                COMMENTS_SATISFIED
                            } else {
                                COMMENTS_BASICALLY
                            },
                        )
                    });
                    rect.status = Some(RectificationStatus::Closed);
                    rect.closed_at = Some(said);
                }
                _ => {
                    (fate == Fate::Resolved || now - said < Duration::days(12)).then_some(())?;
                    rect.feedback = Some(Feedback::Unsatisfied);
                    rect.resident_comment = Some(pick(rng, COMMENTS_UNSATISFIED));
                    rect.escalated_at = Some(said);
                    rect.status = Some(RectificationStatus::Escalated);
                    if fate == Fate::Resolved {
                        let resolved = office_between(
                            rng,
                            cal,
                            said + hours(20),
                            (said + hours(120)).min(now),
                        )?;
                        rect.resolution = Some(pick(rng, RESOLUTIONS));
                        rect.resolved_by = ctx.supervisor;
                        rect.status = Some(RectificationStatus::Closed);
                        rect.closed_at = Some(resolved);
                    }
                }
            }
        }
        Fate::ClosedLate => {
            // Answered one to three working days after the deadline.
            let late_day = cal.add_working_days(china_date(due), rng.random_range(1..=3));
            let at = office_time(rng, late_day);
            (at < now - hours(3)).then_some(())?;
            let feedback_due = working_days_after(cal, at, ctx.policy.feedback_days);
            answer(rng, &mut rect, at, problem, rejected);
            rect.answered_by = Some(staff);
            rect.feedback_due_at = Some(feedback_due);
            let said = between(rng, at + hours(2), (at + hours(48)).min(now - hours(1)));
            rect.feedback = Some(if rng.random_bool(0.5) {
                Feedback::Satisfied
            } else {
                Feedback::BasicallySatisfied
            });
            rect.status = Some(RectificationStatus::Closed);
            rect.closed_at = Some(said);
        }
    }
    Some(rect)
}

/// The showcase resident's bad review: answered two working days ago (by a deadline), the
/// feedback window still open.
fn answered_showcase(ctx: &Ctx, created: DateTime<Utc>, task: &Decided) -> Option<Rect> {
    let due = working_days_after(ctx.calendar, created, ctx.policy.rectification_days);
    let day = working_day_before(ctx.calendar, china_date(ctx.now), 2);
    let at = china_time(day, 10, 18).max(created + hours(1)).min(due);
    let feedback_due = working_days_after(ctx.calendar, at, ctx.policy.feedback_days);
    (at < ctx.now && feedback_due > ctx.now).then(|| Rect {
        fate: Some(Fate::Answered),
        status: Some(RectificationStatus::Answered),
        due_at: Some(due),
        appeal_due_at: Some(working_days_after(
            ctx.calendar,
            created,
            ctx.policy.appeal_days,
        )),
        classification: Some(Classification::ByDeadline),
        answer: Some(
            "已核实：制卡数据因系统升级延迟两天推送，已向您致歉。已要求合作银行优化制卡流程，限期整改；您的社保卡已可在街道便民服务中心领取。"
                .to_owned(),
        ),
        answered_by: task.staff_id,
        answered_at: Some(at),
        fix_due_on: Some(china_date(at) + Duration::days(20)),
        feedback_due_at: Some(feedback_due),
        ..Rect::default()
    })
}

/// A fate drawn by the review's age (recent ones still open or answered, old ones closed),
/// the first that fits its times.
fn natural_rectification(
    rng: &mut impl Rng,
    ctx: &Ctx,
    plan: &Plan,
    handler: (i64, i64),
    rejected: bool,
) -> Option<Rect> {
    use Fate::*;
    let due = working_days_after(ctx.calendar, plan.created_at, ctx.policy.rectification_days);
    let age = ctx.now - plan.created_at;
    let weighted: &[(Fate, u32)] = if ctx.now <= due {
        &[(OpenNotDue, 35), (Answered, 45), (Appealed, 20)]
    } else if age <= Duration::days(ALERT_WINDOW_DAYS) {
        &[
            (ClosedOnTime, 40),
            (ClosedSilent, 8),
            (ClosedLate, 12),
            (OpenOverdue, 10),
            (Escalated, 12),
            (Resolved, 10),
            (Upheld, 8),
        ]
    } else {
        &[
            (ClosedOnTime, 60),
            (ClosedSilent, 12),
            (ClosedLate, 12),
            (Resolved, 10),
            (Upheld, 6),
        ]
    };
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    let drawn = weighted
        .iter()
        .find(|(_, w)| {
            if ticket < *w {
                true
            } else {
                ticket -= w;
                false
            }
        })
        .map_or(ClosedOnTime, |(f, _)| *f);
    let problem = plan.problem;
    std::iter::once(drawn)
        .chain(weighted.iter().map(|(f, _)| *f))
        .chain([ClosedOnTime, ClosedSilent, OpenOverdue, OpenNotDue])
        .find_map(|fate| shape(rng, ctx, fate, plan.created_at, handler, problem, rejected))
        .or_else(|| {
            // Nothing fits (e.g. rated minutes ago): open.
            Some(Rect {
                fate: Some(OpenNotDue),
                status: Some(RectificationStatus::Open),
                due_at: Some(due),
                appeal_due_at: Some(working_days_after(
                    ctx.calendar,
                    plan.created_at,
                    ctx.policy.appeal_days,
                )),
                ..Rect::default()
            })
        })
}

/// Makes sure each state of [`EVERY_STATE`] appears, in the alert department where it can
/// (the struggling one; the others stay balanceable): it keeps one such review out of the
/// balancing, or re-shapes a bad review whose state appears more than once, or turns a good
/// review bad.
fn cover_every_state(
    rng: &mut impl Rng,
    ctx: &Ctx,
    decided: &[Decided],
    plans: &mut [Plan],
    staff: &StaffIds,
    alert_department: Option<i64>,
) {
    let fate_of = |p: &Plan| p.rect.as_ref().and_then(|r| r.fate);
    for wanted in EVERY_STATE {
        let mut counts: HashMap<Fate, usize> = HashMap::new();
        for fate in plans.iter().filter_map(fate_of) {
            *counts.entry(fate).or_default() += 1;
        }
        let mut covered = false;
        for in_alert_department in [true, false] {
            let here = |p: &Plan| {
                (Some(decided[p.task].department_id) == alert_department) == in_alert_department
            };
            // One already there.
            if let Some(p) = plans
                .iter_mut()
                .find(|p| fate_of(p) == Some(wanted) && here(p))
            {
                if let Some(rect) = p.rect.as_mut() {
                    satisfied_if_closed_on_time(rng, rect);
                }
                p.pinned = true;
                covered = true;
                break;
            }
            // A bad review whose own state appears elsewhere too, then a good review, latest
            // first.
            let mut order: Vec<usize> = (0..plans.len())
                .filter(|i| !plans[*i].pinned && here(&plans[*i]))
                .filter(|i| match fate_of(&plans[*i]) {
                    Some(fate) => counts.get(&fate).is_some_and(|n| *n > 1),
                    None => plans[*i].score >= 3,
                })
                .collect();
            order.sort_by_key(|i| {
                (
                    plans[*i].score >= 3,
                    std::cmp::Reverse(plans[*i].created_at),
                )
            });
            for i in order {
                let task = &decided[plans[i].task];
                if let Some(mut rect) = shape(
                    rng,
                    ctx,
                    wanted,
                    plans[i].created_at,
                    handler(staff, task.department_id),
                    plans[i].problem,
                    task.rejected,
                ) {
                    if plans[i].score >= 3 {
                        plans[i].score = 2;
                    }
                    satisfied_if_closed_on_time(rng, &mut rect);
                    plans[i].rect = Some(rect);
                    plans[i].pinned = true;
                    covered = true;
                    break;
                }
            }
            if covered {
                break;
            }
        }
        if !covered {
            tracing::warn!(?wanted, "demo: no rating fits this rectification state");
        }
    }
}

/// The one rectification that stands for its state shows the state's usual end: a closure
/// on time is one the resident was satisfied with (a random draw may have given every such
/// closure a "basically satisfied").
fn satisfied_if_closed_on_time(rng: &mut impl Rng, rect: &mut Rect) {
    if rect.fate == Some(Fate::ClosedOnTime) && rect.feedback != Some(Feedback::Satisfied) {
        rect.feedback = Some(Feedback::Satisfied);
        rect.resident_comment = rng.random_bool(0.4).then(|| pick(rng, COMMENTS_SATISFIED));
    }
}

/// Keeps every department but the alert one at or above the alert threshold over the alert
/// window, and the alert one below it, by moving unpinned scores.
fn balance_departments(
    rng: &mut impl Rng,
    ctx: &Ctx,
    decided: &[Decided],
    plans: &mut [Plan],
    alert_department: Option<i64>,
) {
    let since = ctx.now - Duration::days(ALERT_WINDOW_DAYS);
    let counted = |p: &Plan| {
        p.created_at >= since && p.rect.as_ref().and_then(|r| r.fate) != Some(Fate::Upheld)
    };
    let mut departments: Vec<i64> = plans
        .iter()
        .filter(|p| counted(p))
        .map(|p| decided[p.task].department_id)
        .collect();
    departments.sort_unstable();
    departments.dedup();
    for department in departments {
        let members: Vec<usize> = (0..plans.len())
            .filter(|i| counted(&plans[*i]) && decided[plans[*i].task].department_id == department)
            .collect();
        let total = members.len().max(1) as f64;
        let mut satisfied = members.iter().filter(|i| plans[**i].score >= 4).count();
        if Some(department) == alert_department {
            // Below the threshold, with a margin.
            for i in members.iter().rev() {
                if (satisfied as f64) < (ctx.policy.alert_threshold - 0.03) * total {
                    break;
                }
                if !plans[*i].pinned && plans[*i].score >= 4 {
                    plans[*i].score = 3;
                    satisfied -= 1;
                }
            }
            continue;
        }
        // Neutral ones first, then unpinned bad reviews (which then open nothing).
        for wanted in [3u8, 2, 1] {
            for i in &members {
                if satisfied as f64 >= ctx.policy.alert_threshold * total {
                    break;
                }
                if !plans[*i].pinned && plans[*i].score == wanted {
                    plans[*i].score = if rng.random_bool(0.5) { 4 } else { 5 };
                    plans[*i].rect = None;
                    satisfied += 1;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Words and writing

const COMMENTS_GOOD: &[&str] = &[
    "网上提交后很快就办好了，一次都没跑。",
    "工作人员很耐心，讲解得很清楚。",
    "比以前方便多了，手机上就能办。",
    "办事指南写得很清楚，材料一次就备齐了。",
    "进度随时能查，很放心。",
    "窗口服务热情，效率很高。",
];
const COMMENTS_NEUTRAL: &[&str] = &[
    "还可以，就是等的时间有点长。",
    "流程还能再简化一些。",
    "结果是办下来了，但中间没有主动告知进度。",
];
const COMMENTS_MATERIALS: &[&str] = &[
    "办事指南上没写要户口簿原件，到了窗口才说要，白跑了一趟。",
    "网上的材料清单和窗口要求的不一致，来回跑了两次。",
    "材料清单写的是复印件，窗口却要原件，希望把指南改准确。",
    "按指南准备的材料被告知不全，指南内容该更新了。",
    "清单里没有写需要居住证明，又多跑了一趟社区开证明。",
];
const COMMENTS_BAD: &[(RatingTag, &str)] = &[
    (
        RatingTag::Slow,
        "超过承诺时限好几天才办好，也没有人告知原因。",
    ),
    (RatingTag::RepeatVisits, "前后跑了三次才办成。"),
    (
        RatingTag::UnhelpfulStaff,
        "咨询时工作人员态度冷淡，问什么都说不清楚。",
    ),
    (
        RatingTag::HardToUse,
        "网上系统上传材料总是失败，最后只能去窗口。",
    ),
    (
        RatingTag::UnclearResult,
        "结果只写了不符合条件，没说清楚具体原因。",
    ),
    (
        RatingTag::MaterialsInaccurate,
        "材料要求前后说法不一，多准备了好几份材料。",
    ),
];
const POSITIVE: [RatingTag; 4] = [
    RatingTag::Fast,
    RatingTag::HelpfulStaff,
    RatingTag::ClearGuide,
    RatingTag::EasyOnline,
];

/// Tags that agree with the score: positive ones for 4–5, causes for 1–2, none for 3.
fn tags_for(
    rng: &mut impl Rng,
    plan: &Plan,
    rejected: bool,
    problem_service: bool,
) -> Vec<RatingTag> {
    let mut tags = Vec::new();
    if plan.showcase {
        return vec![RatingTag::Slow];
    }
    match plan.score {
        4 | 5 => {
            if rng.random_bool(0.65) {
                tags.push(pick(rng, &POSITIVE));
                if rng.random_bool(0.35) {
                    let second = pick(rng, &POSITIVE);
                    if !tags.contains(&second) {
                        tags.push(second);
                    }
                }
            }
        }
        3 => {}
        _ if plan.problem => {
            tags.push(RatingTag::MaterialsInaccurate);
            if rng.random_bool(0.5) {
                tags.push(RatingTag::RepeatVisits);
            }
        }
        _ => {
            let causes: Vec<RatingTag> = COMMENTS_BAD
                .iter()
                .map(|(t, _)| *t)
                // the recurring cause stays with the reviews set up for it
                .filter(|t| !(problem_service && *t == RatingTag::MaterialsInaccurate))
                .filter(|t| rejected || *t != RatingTag::UnclearResult)
                .collect();
            let first = if rejected && rng.random_bool(0.6) {
                RatingTag::UnclearResult
            } else {
                pick(rng, &causes)
            };
            tags.push(first);
            if rng.random_bool(0.3) {
                let second = pick(rng, &causes);
                if second != first {
                    tags.push(second);
                }
            }
        }
    }
    tags
}

/// The national indicators, close to the overall score; the cause named drags its own down.
fn indicators_for(rng: &mut impl Rng, score: u8, tags: &[RatingTag]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if !rng.random_bool(0.85) {
        return serde_json::Value::Object(map);
    }
    for indicator in Indicator::ALL {
        if !rng.random_bool(0.92) {
            continue;
        }
        let drift: i16 = match rng.random_range(0..100) {
            0..=14 => -1,
            15..=84 => 0,
            _ => 1,
        };
        let mut value = (i16::from(score) + drift).clamp(1, 5);
        let dragged = match indicator {
            Indicator::Efficiency => tags
                .iter()
                .any(|t| matches!(t, RatingTag::Slow | RatingTag::RepeatVisits)),
            Indicator::GuideAccuracy => tags.contains(&RatingTag::MaterialsInaccurate),
            Indicator::Convenience => tags.contains(&RatingTag::RepeatVisits),
            Indicator::EaseOfUse => tags.contains(&RatingTag::HardToUse),
        };
        if dragged {
            value = value.min(if score <= 2 { 1 } else { 2 });
        }
        map.insert(indicator.as_str().to_owned(), value.into());
    }
    serde_json::Value::Object(map)
}

fn comment_for_rating(rng: &mut impl Rng, plan: &Plan, tags: &[RatingTag]) -> Option<String> {
    let text = match plan.score {
        _ if plan.showcase => "说好5个工作日办结，等了一周多才拿到卡，中间打电话问了两次。",
        4 | 5 => rng.random_bool(0.35).then(|| pick(rng, COMMENTS_GOOD))?,
        3 => rng.random_bool(0.5).then(|| pick(rng, COMMENTS_NEUTRAL))?,
        _ if plan.problem => pick(rng, COMMENTS_MATERIALS),
        _ => {
            let first = tags.first().copied().unwrap_or(RatingTag::Slow);
            COMMENTS_BAD
                .iter()
                .find(|(t, _)| *t == first)
                .map_or(COMMENTS_BAD[0].1, |(_, c)| *c)
        }
    };
    Some(text.to_owned())
}

/// Writes the ratings and rectifications in batches; returns how many of each.
async fn write(
    db: &impl ConnectionTrait,
    rng: &mut impl Rng,
    decided: &[Decided],
    plans: &[Plan],
    problem_service: Option<i64>,
) -> Result<(u64, u64), DbErr> {
    let mut order: Vec<&Plan> = plans.iter().collect();
    order.sort_by_key(|p| (p.created_at, p.task));
    let mut ratings = BulkInsert::new(
        "rating",
        &[
            "id",
            "application_id",
            "task_id",
            "resident_id",
            "department_id",
            "service_id",
            "staff_id",
            "score",
            "indicators",
            "tags",
            "comment",
            "excluded",
            "created_at",
        ],
    );
    let mut rectifications: Vec<Vec<Value>> = Vec::new();
    let mut rating_id = max_id(db, "rating").await?;
    let mut rectification_id = max_id(db, "rectification").await?;
    for plan in order {
        let task = &decided[plan.task];
        rating_id += 1;
        let on_problem_service = problem_service == Some(task.service_id);
        let tags = tags_for(rng, plan, task.rejected, on_problem_service);
        let indicators = indicators_for(rng, plan.score, &tags);
        let comment = comment_for_rating(rng, plan, &tags);
        let rect = plan.rect.as_ref().filter(|_| plan.score <= 2);
        let excluded = rect.is_some_and(|r| r.fate == Some(Fate::Upheld));
        ratings
            .push(
                db,
                vec![
                    rating_id.into(),
                    task.application_id.into(),
                    task.task_id.into(),
                    task.resident_id.into(),
                    task.department_id.into(),
                    task.service_id.into(),
                    task.staff_id.into(),
                    i16::from(plan.score).into(),
                    Value::from(indicators),
                    Value::from(serde_json::Value::from(
                        tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                    )),
                    comment.into(),
                    excluded.into(),
                    plan.created_at.into(),
                ],
            )
            .await?;
        if let Some(r) = rect {
            rectification_id += 1;
            rectifications.push(vec![
                rectification_id.into(),
                rating_id.into(),
                task.department_id.into(),
                r.status
                    .unwrap_or(RectificationStatus::Open)
                    .as_str()
                    .into(),
                r.classification.map(|c| c.as_str().to_owned()).into(),
                r.answer.clone().into(),
                r.answered_by.into(),
                r.due_at.unwrap_or(plan.created_at).into(),
                r.answered_at.into(),
                r.fix_due_on.into(),
                r.appeal_status.map(str::to_owned).into(),
                r.appeal_decided_by.into(),
                r.feedback.map(|f| f.as_str().to_owned()).into(),
                r.closed_at.into(),
                plan.created_at.into(),
                r.feedback_due_at.into(),
                r.resident_comment.map(str::to_owned).into(),
                r.appeal_due_at.into(),
                r.appeal_reason.map(str::to_owned).into(),
                r.appeal_note.map(str::to_owned).into(),
                r.resolution.map(str::to_owned).into(),
                r.resolved_by.into(),
                r.escalated_at.into(),
            ]);
        }
    }
    ratings.flush(db).await?;
    let mut rows = BulkInsert::new(
        "rectification",
        &[
            "id",
            "rating_id",
            "department_id",
            "status",
            "classification",
            "answer",
            "answered_by_staff_id",
            "due_at",
            "answered_at",
            "fix_due_on",
            "appeal_status",
            "appeal_decided_by_staff_id",
            "resident_feedback",
            "closed_at",
            "created_at",
            "feedback_due_at",
            "resident_comment",
            "appeal_due_at",
            "appeal_reason",
            "appeal_note",
            "resolution",
            "resolved_by_staff_id",
            "escalated_at",
        ],
    );
    for row in rectifications {
        rows.push(db, row).await?;
    }
    rows.flush(db).await?;
    Ok((ratings.written, rows.written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};
    use domain::working_days::schedule_2026;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::new(schedule_2026().into_iter().map(|(d, k, _)| (d, k)))
    }

    fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
            .single()
            .expect("a valid time")
    }

    fn in_office_hours(calendar: &WorkingCalendar, t: DateTime<Utc>) -> bool {
        let china = t + hours(8);
        let minutes = china.hour() * 60 + china.minute();
        calendar.is_working_day(china_date(t)) && (8 * 60 + 30..=17 * 60 + 30).contains(&minutes)
    }

    #[test]
    fn office_hours_fall_on_working_days_inside_the_span() {
        let calendar = calendar();
        let mut rng = SmallRng::seed_from_u64(1);
        // Saturday 28 November to Sunday 29 November (China time): no office hours.
        assert_eq!(
            office_between(&mut rng, &calendar, at(11, 27, 16), at(11, 29, 15)),
            None
        );
        // National Day week: the first office hours after it are on 8 October.
        for _ in 0..50 {
            let t = office_between(&mut rng, &calendar, at(9, 30, 12), at(10, 8, 4))
                .expect("office hours");
            assert!(in_office_hours(&calendar, t), "{t}");
            assert!(t >= at(9, 30, 12) && t <= at(10, 8, 4), "{t}");
        }
        assert_eq!(
            working_day_before(
                &calendar,
                NaiveDate::from_ymd_opt(2026, 10, 8).expect("day"),
                1
            ),
            NaiveDate::from_ymd_opt(2026, 9, 30).expect("day")
        );
    }

    #[test]
    fn every_state_is_shaped_consistently() {
        let calendar = calendar();
        let ctx = Ctx {
            calendar: &calendar,
            policy: RatingPolicy::default(),
            now: at(11, 28, 19),
            supervisor: Some(2),
        };
        let mut rng = SmallRng::seed_from_u64(7);
        let fates = [
            Fate::OpenNotDue,
            Fate::OpenOverdue,
            Fate::Answered,
            Fate::Appealed,
            Fate::Escalated,
            Fate::ClosedOnTime,
            Fate::ClosedSilent,
            Fate::ClosedLate,
            Fate::Resolved,
            Fate::Upheld,
        ];
        let mut seen = HashSet::new();
        for days_ago in 0..90 {
            for fate in fates {
                let created = ctx.now - Duration::days(days_ago) - hours(3);
                let Some(r) = shape(&mut rng, &ctx, fate, created, (10, 11), false, false) else {
                    continue;
                };
                seen.insert(fate);
                let due = r.due_at.expect("due");
                assert_eq!(due, working_days_after(&calendar, created, 5));
                if let Some(answered) = r.answered_at {
                    assert!(answered > created && answered < ctx.now, "{fate:?}");
                    assert!(in_office_hours(&calendar, answered), "{fate:?} {answered}");
                    assert_eq!(answered <= due, fate != Fate::ClosedLate, "{fate:?}");
                }
                if let Some(closed) = r.closed_at {
                    assert!(closed > created && closed < ctx.now, "{fate:?}");
                }
                let status = r.status.expect("status");
                match fate {
                    Fate::OpenNotDue => assert!(due > ctx.now),
                    Fate::OpenOverdue => assert!(due < ctx.now),
                    Fate::Answered => {
                        assert!(r.feedback_due_at.is_some_and(|d| d > ctx.now));
                        assert!(r.answer.is_some());
                    }
                    Fate::Appealed => {
                        assert_eq!(r.appeal_status, Some("pending"));
                        assert!(r.answered_at <= r.appeal_due_at);
                    }
                    Fate::Escalated => {
                        assert_eq!(r.feedback, Some(Feedback::Unsatisfied));
                        assert!(r.escalated_at.is_some());
                    }
                    Fate::Upheld => {
                        assert_eq!(r.appeal_status, Some("upheld"));
                        assert_eq!(r.appeal_decided_by, Some(2));
                    }
                    _ => {}
                }
                let open = matches!(fate, Fate::OpenNotDue | Fate::OpenOverdue);
                assert_eq!(status == RectificationStatus::Open, open, "{fate:?}");
                let waiting = matches!(fate, Fate::Answered | Fate::Appealed | Fate::Escalated);
                assert_eq!(
                    status == RectificationStatus::Closed,
                    !open && !waiting,
                    "{fate:?}"
                );
                assert_eq!(r.closed_at.is_some(), status == RectificationStatus::Closed);
            }
        }
        assert_eq!(seen.len(), fates.len(), "{seen:?}");
        // A recurring problem is answered, never appealed.
        let created = ctx.now - Duration::days(1);
        assert!(
            shape(
                &mut rng,
                &ctx,
                Fate::Appealed,
                created,
                (10, 11),
                true,
                false
            )
            .is_none()
        );
    }

    #[test]
    fn most_residents_are_satisfied() {
        let mut rng = SmallRng::seed_from_u64(3);
        let scores: Vec<u8> = (0..10_000).map(|_| draw_score(&mut rng, false)).collect();
        let share = |f: &dyn Fn(u8) -> bool| {
            scores.iter().filter(|s| f(**s)).count() as f64 / scores.len() as f64
        };
        assert!((0.92..0.96).contains(&share(&|s| s >= 4)));
        assert!((0.01..0.04).contains(&share(&|s| s <= 2)));
    }
}
