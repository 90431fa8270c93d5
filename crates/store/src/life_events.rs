//! Where life events are detected and turned into recommendations: turning 60 / 70 / 80,
//! reaching retirement age, a newborn in the household, moving in, a disability tag. Each
//! event's services are the catalogue's `service_life_event` mapping, which administrators
//! keep with the rest of the catalogue.
//!
//! Every step is set-based and safe on several instances at once: an occurrence row is
//! unique per (resident, event, date) and inserted with ON CONFLICT DO NOTHING, stamped with
//! this run's moment; only the rows this run inserted (that stamp) produce recommendations,
//! so each event is delivered once. Events up to [`LOOKBACK_DAYS`] old are still caught
//! (a server that was down for a few days), older ones never are.

use super::entities::{
    life_event, life_event_occurrence, resident, resident_tag, service, service_life_event, tag,
};
use super::recommendations::{Batch, Cause, fan_out, may_be_offered};
use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use domain::error::{AppError, ErrorCode};
use domain::rule::{Reason, age_cutoff, china_today};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// How far back a run looks for events it has not seen.
pub const LOOKBACK_DAYS: i64 = 7;

/// The events the job detects, by the catalogue's life-event codes.
const DETECTED: [&str; 7] = [
    "turning_60",
    "turning_70",
    "turning_80",
    "retirement",
    "newborn",
    "moving_in",
    "disability",
];

/// What one run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detected {
    /// New occurrences, all events together.
    pub occurrences: u64,
    pub recommendations: u64,
}

/// The reason shown with the recommendation: "因为您年满60周岁" / "Because you turned 60".
pub fn reason_of(code: &str, name: &LocalizedText) -> Reason {
    let (zh, en) = match code {
        "turning_60" => ("年满60周岁", "you turned 60"),
        "turning_70" => ("年满70周岁", "you turned 70"),
        "turning_80" => ("年满80周岁", "you turned 80"),
        "retirement" => ("到了法定退休年龄", "you reached retirement age"),
        "newborn" => ("家里添了新生儿", "a baby joined your household"),
        "moving_in" => ("刚迁入本区", "you moved here recently"),
        "disability" => ("取得了残疾人认定", "you were certified as disabled"),
        _ => return Reason::single(name.clone()),
    };
    Reason::single(LocalizedText::new(zh, Some(en.into())))
}

fn birth() -> Expr {
    Expr::col((resident::Entity, resident::Column::BirthDate))
}

/// Turned `years` within the lookback window up to today.
fn turned(years: u16, today: NaiveDate) -> Expr {
    birth()
        .lte(age_cutoff(today, years))
        .and(birth().gt(age_cutoff(today - Duration::days(LOOKBACK_DAYS), years)))
}

const MEMBER: &str = "member";

/// Which residents had the event, and on which date (the occurrence's key). `None` for a
/// code this job does not detect.
fn selection(code: &str, now: DateTime<Utc>) -> Option<(Expr, Expr)> {
    let today = china_today(now);
    let window_start = today - Duration::days(LOOKBACK_DAYS);
    let gender = || Expr::col((resident::Entity, resident::Column::Gender));
    match code {
        "turning_60" => Some((turned(60, today), birth())),
        "turning_70" => Some((turned(70, today), birth())),
        "turning_80" => Some((turned(80, today), birth())),
        // Men at 60, women at 55 (the statutory ages before the 2025 reform's gradual rise).
        "retirement" => Some((
            (gender().eq("male").and(turned(60, today)))
                .or(gender().eq("female").and(turned(55, today))),
            birth(),
        )),
        "moving_in" => {
            let moved = || Expr::col((resident::Entity, resident::Column::MovedInOn));
            Some((moved().lte(today).and(moved().gt(window_start)), moved()))
        }
        // The adults of a household a baby was born into, on the baby's birth date.
        "newborn" => {
            let babies = |select: &mut SelectStatement| {
                select
                    .from_as(resident::Entity, Alias::new(MEMBER))
                    .and_where(
                        Expr::col((Alias::new(MEMBER), resident::Column::HouseholdId))
                            .equals((resident::Entity, resident::Column::HouseholdId)),
                    )
                    .and_where(
                        Expr::col((Alias::new(MEMBER), resident::Column::Id))
                            .ne(Expr::col((resident::Entity, resident::Column::Id))),
                    )
                    .and_where(
                        Expr::col((Alias::new(MEMBER), resident::Column::BirthDate))
                            .gt(window_start),
                    )
                    .and_where(
                        Expr::col((Alias::new(MEMBER), resident::Column::BirthDate)).lte(today),
                    )
                    .to_owned()
            };
            let any = babies(Query::select().expr(Expr::val(1)));
            let latest = babies(
                Query::select()
                    .expr(Expr::col((Alias::new(MEMBER), resident::Column::BirthDate)).max()),
            );
            Some((
                Expr::exists(any).and(birth().lte(age_cutoff(today, 18))),
                Expr::SubQuery(None, Box::new(latest.into())),
            ))
        }
        // Tagged in the window; once per resident (keyed on the birth date).
        "disability" => {
            let tagged = Query::select()
                .expr(Expr::val(1))
                .from(resident_tag::Entity)
                .inner_join(
                    tag::Entity,
                    Expr::col((tag::Entity, tag::Column::Id))
                        .equals((resident_tag::Entity, resident_tag::Column::TagId)),
                )
                .and_where(
                    Expr::col((resident_tag::Entity, resident_tag::Column::ResidentId))
                        .equals((resident::Entity, resident::Column::Id)),
                )
                .and_where(Expr::col((tag::Entity, tag::Column::Code)).eq("disability"))
                .and_where(
                    Expr::col((resident_tag::Entity, resident_tag::Column::CreatedAt))
                        .gt(now - Duration::days(LOOKBACK_DAYS)),
                )
                .to_owned();
            Some((Expr::exists(tagged), birth()))
        }
        _ => None,
    }
}

fn statement_error(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "life-event statement does not build");
    AppError::new(ErrorCode::Internal)
}

/// One run: detect every event, recommend each new occurrence's services, write the inbox
/// messages. Returns what this run (not another instance) did.
pub async fn detect(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Detected, AppError> {
    // The stamp identifies this run's rows; microseconds, as both databases keep them.
    let now = now.duration_trunc(Duration::microseconds(1)).unwrap_or(now);
    let mut events = life_event::Entity::find()
        .filter(life_event::Column::Code.is_in(DETECTED))
        .all(db)
        .await?;
    // In the order of DETECTED: a service two events make relevant comes with the first.
    events.sort_by_key(|e| DETECTED.iter().position(|code| *code == e.code));
    let mut detected = Detected::default();
    for event in events {
        let Some((who, occurred_on)) = selection(&event.code, now) else {
            continue;
        };
        let found = Query::select()
            .expr(Expr::col((resident::Entity, resident::Column::Id)))
            .expr(Expr::val(event.id))
            .expr(occurred_on)
            .expr(Expr::val(now))
            .from(resident::Entity)
            .and_where(who)
            .to_owned();
        let insert = Query::insert()
            .into_table(life_event_occurrence::Entity)
            .columns([
                life_event_occurrence::Column::ResidentId,
                life_event_occurrence::Column::LifeEventId,
                life_event_occurrence::Column::OccurredOn,
                life_event_occurrence::Column::CreatedAt,
            ])
            .select_from(found)
            .map_err(statement_error)?
            .on_conflict(
                OnConflict::columns([
                    life_event_occurrence::Column::ResidentId,
                    life_event_occurrence::Column::LifeEventId,
                    life_event_occurrence::Column::OccurredOn,
                ])
                .do_nothing()
                .to_owned(),
            )
            .to_owned();
        let inserted = db.execute(&insert).await?.rows_affected();
        if inserted == 0 {
            continue;
        }
        detected.occurrences += inserted;
        let name = LocalizedText::new(event.name.clone(), event.name_en.clone());
        detected.recommendations +=
            recommend(db, &event, &reason_of(&event.code, &name), now).await?;
    }
    if detected.occurrences > 0 {
        tracing::info!(
            occurrences = detected.occurrences,
            recommendations = detected.recommendations,
            "life events detected"
        );
    }
    Ok(detected)
}

/// For each service of the event: one INSERT … SELECT of recommendations for this run's
/// occurrences, one of their inbox messages.
async fn recommend(
    db: &impl ConnectionTrait,
    event: &life_event::Model,
    reason: &Reason,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let services = service::Entity::find()
        .filter(
            service::Column::Id.in_subquery(
                Query::select()
                    .column(service_life_event::Column::ServiceId)
                    .from(service_life_event::Entity)
                    .and_where(Expr::col(service_life_event::Column::LifeEventId).eq(event.id))
                    .to_owned(),
            ),
        )
        .filter(service::Column::Status.eq(service::PUBLISHED))
        .all(db)
        .await?;
    let mut made = 0;
    for offered in services {
        let occurrences = Query::select()
            .column(life_event_occurrence::Column::ResidentId)
            .from(life_event_occurrence::Entity)
            .and_where(Expr::col(life_event_occurrence::Column::LifeEventId).eq(event.id))
            .and_where(Expr::col(life_event_occurrence::Column::CreatedAt).eq(now))
            .to_owned();
        let recipients = Expr::col((resident::Entity, resident::Column::Id))
            .in_subquery(occurrences)
            .and(may_be_offered(offered.id, offered.category_id, now));
        let name_en = offered.name_en.as_deref().unwrap_or(&offered.name);
        let body_en = format!("{}: you can apply for {name_en}.", reason.render(true));
        let body_zh = format!("{}，可以办理“{}”。", reason.render(false), offered.name);
        made += fan_out(
            db,
            recipients,
            Batch::ALL,
            &offered,
            Cause::LifeEvent(event.id),
            reason,
            (Expr::val(body_zh), Expr::val(body_en)),
            now,
        )
        .await?;
    }
    Ok(made)
}
