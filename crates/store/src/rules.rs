//! Where a rule is evaluated against the database: [`Rule`] compiled to one SQL condition on
//! the `resident` table (set-based: counts, breakdowns and fan-out never load residents), and
//! the [`ResidentFacts`] of a few residents loaded for the in-memory evaluator that explains a
//! match. The two must agree; `server/tests/rules.rs` checks it on random rules, on SQLite and
//! PostgreSQL.
use domain::ids::{ApplicationId, ResidentId};

use super::entities::{application, rating, region, resident, resident_tag, service, tag, task};
use chrono::{DateTime, NaiveDate, Utc};
use domain::application::ApplicationStatus;
use domain::error::{AppError, ErrorCode};
use domain::id_number::Gender;
use domain::rule::{
    AppliedFact, Condition, Names, RatedFact, ResidentFacts, Rule, age_cutoff, china_today, since,
};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// The rule as a condition on `resident` rows, evaluated at `now`.
pub fn condition(rule: &Rule, now: DateTime<Utc>) -> Expr {
    let today = china_today(now);
    compile(rule, now, today)
}

/// The rule as a condition on `resident` rows with ages (and years of residence) taken on
/// `ages_on` instead of `now`'s date: how a policy simulation looks a year ahead. Periods
/// ("applied in the last 90 days") still end at `now`.
pub fn condition_with_ages_on(rule: &Rule, now: DateTime<Utc>, ages_on: NaiveDate) -> Expr {
    compile(rule, now, ages_on)
}

fn always(holds: bool) -> Expr {
    Expr::cust(if holds { "1 = 1" } else { "1 = 0" })
}

fn compile(rule: &Rule, now: DateTime<Utc>, today: NaiveDate) -> Expr {
    match rule {
        Rule::All(parts) => parts
            .iter()
            .map(|p| compile(p, now, today))
            .reduce(ExprTrait::and)
            .unwrap_or_else(|| always(true)),
        Rule::Any(parts) => parts
            .iter()
            .map(|p| compile(p, now, today))
            .reduce(ExprTrait::or)
            .unwrap_or_else(|| always(false)),
        Rule::Not(inner) => compile(inner, now, today).not(),
        Rule::Is(condition) => compile_condition(condition, now, today),
    }
}

/// `resident.<column>` of the outer query.
fn outer(column: resident::Column) -> Expr {
    Expr::col((resident::Entity, column))
}

const MEMBER: &str = "member";

fn member(column: resident::Column) -> Expr {
    Expr::col((Alias::new(MEMBER), column))
}

/// The other members of the outer resident's household (none without a household: NULL
/// never equals).
fn others_in_household() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from_as(resident::Entity, Alias::new(MEMBER))
        .and_where(
            member(resident::Column::HouseholdId)
                .equals((resident::Entity, resident::Column::HouseholdId)),
        )
        .and_where(member(resident::Column::Id).ne(outer(resident::Column::Id)))
        .to_owned()
}

fn count_of_others() -> Expr {
    let select = Query::select()
        .expr(Expr::col((Alias::new(MEMBER), resident::Column::Id)).count())
        .from_as(resident::Entity, Alias::new(MEMBER))
        .and_where(
            member(resident::Column::HouseholdId)
                .equals((resident::Entity, resident::Column::HouseholdId)),
        )
        .and_where(member(resident::Column::Id).ne(outer(resident::Column::Id)))
        .to_owned();
    Expr::SubQuery(None, Box::new(select.into()))
}

fn compile_condition(condition: &Condition, now: DateTime<Utc>, today: NaiveDate) -> Expr {
    let born_by = |years: u16| age_cutoff(today, years);
    match condition {
        Condition::Age { min, max } => {
            let mut expr = always(true);
            if let Some(years) = min {
                expr = expr.and(outer(resident::Column::BirthDate).lte(born_by(*years)));
            }
            if let Some(years) = max {
                expr = expr
                    .and(outer(resident::Column::BirthDate).gt(born_by(years.saturating_add(1))));
            }
            expr
        }
        Condition::Gender { gender } => outer(resident::Column::Gender).eq(gender.as_str()),
        Condition::Region { region_id } => {
            let within = Query::select()
                .column(region::Column::Id)
                .from(region::Entity)
                .and_where(Expr::col(region::Column::Path).like(format!("%/{region_id}/%")))
                .to_owned();
            outer(resident::Column::RegionId).in_subquery(within)
        }
        Condition::HouseholdSize { min, max } => {
            let mut expr = always(true);
            if let Some(min) = min {
                let others = i64::from(*min) - 1;
                expr = expr.and(count_of_others().gte(others));
            }
            if let Some(max) = max {
                let others = i64::from(*max) - 1;
                expr = expr.and(count_of_others().lte(others));
            }
            expr
        }
        Condition::LivesAlone => Expr::exists(others_in_household()).not(),
        Condition::HasChildUnder { years } => Expr::exists(
            others_in_household()
                .and_where(member(resident::Column::BirthDate).gt(born_by(*years)))
                .to_owned(),
        ),
        Condition::HasMemberAged { years } => Expr::exists(
            others_in_household()
                .and_where(member(resident::Column::BirthDate).lte(born_by(*years)))
                .to_owned(),
        ),
        Condition::Tag { code } => {
            // The tag's id as a scalar subquery, not a join with `tag`: the planner then
            // estimates this tag's own share of `resident_tag` and starts from its rows
            // (measured at a million residents: 2.5 times faster than the join).
            let tag_id = Query::select()
                .column((tag::Entity, tag::Column::Id))
                .from(tag::Entity)
                .and_where(Expr::col((tag::Entity, tag::Column::Code)).eq(code.as_str()))
                .to_owned();
            let tagged = Query::select()
                .expr(Expr::val(1))
                .from(resident_tag::Entity)
                .and_where(
                    Expr::col((resident_tag::Entity, resident_tag::Column::ResidentId))
                        .equals((resident::Entity, resident::Column::Id)),
                )
                .and_where(
                    Expr::col((resident_tag::Entity, resident_tag::Column::TagId))
                        .eq(Expr::SubQuery(None, Box::new(tag_id.into()))),
                )
                .to_owned();
            Expr::exists(tagged)
        }
        Condition::YearsOfResidence { years } => Expr::from(Func::coalesce([
            outer(resident::Column::MovedInOn),
            outer(resident::Column::BirthDate),
        ]))
        .lte(born_by(*years)),
        Condition::Applied {
            service_id,
            within_days,
            outcome,
        } => {
            // Driven from the resident's applications (by resident), then their tasks (by
            // application): the planner is not tempted to scan tasks by status.
            let mut task_of = Query::select()
                .expr(Expr::val(1))
                .from(task::Entity)
                .and_where(
                    Expr::col((task::Entity, task::Column::ApplicationId))
                        .equals((application::Entity, application::Column::Id)),
                )
                .and_where(Expr::col((task::Entity, task::Column::ServiceId)).eq(*service_id))
                .and_where(
                    Expr::col((task::Entity, task::Column::Status))
                        .ne(ApplicationStatus::Draft.as_str()),
                )
                .to_owned();
            if let Some(statuses) = outcome.statuses() {
                task_of.and_where(
                    Expr::col((task::Entity, task::Column::Status))
                        .is_in(statuses.iter().map(|s| s.as_str())),
                );
            }
            let mut applied = Query::select()
                .expr(Expr::val(1))
                .from(application::Entity)
                .and_where(
                    Expr::col((application::Entity, application::Column::ResidentId))
                        .equals((resident::Entity, resident::Column::Id)),
                )
                .and_where(
                    Expr::col((application::Entity, application::Column::SubmittedAt))
                        .is_not_null(),
                )
                .and_where(Expr::exists(task_of))
                .to_owned();
            if let Some(days) = within_days {
                applied.and_where(
                    Expr::col((application::Entity, application::Column::SubmittedAt))
                        .gte(since(now, *days)),
                );
            }
            Expr::exists(applied)
        }
        Condition::Rated {
            service_id,
            max_score,
            within_days,
        } => {
            let mut rated = Query::select()
                .expr(Expr::val(1))
                .from(rating::Entity)
                .and_where(
                    Expr::col((rating::Entity, rating::Column::ResidentId))
                        .equals((resident::Entity, resident::Column::Id)),
                )
                .and_where(Expr::col((rating::Entity, rating::Column::Excluded)).eq(false))
                .and_where(
                    Expr::col((rating::Entity, rating::Column::Score)).lte(i16::from(*max_score)),
                )
                .to_owned();
            if let Some(service_id) = service_id {
                rated.and_where(
                    Expr::col((rating::Entity, rating::Column::ServiceId)).eq(*service_id),
                );
            }
            if let Some(days) = within_days {
                rated.and_where(
                    Expr::col((rating::Entity, rating::Column::CreatedAt)).gte(since(now, *days)),
                );
            }
            Expr::exists(rated)
        }
    }
}

/// The residents among `ids` that the rule matches, by SQL (ascending ids).
pub async fn matching_among(
    db: &impl ConnectionTrait,
    rule: &Rule,
    ids: &[ResidentId],
    now: DateTime<Utc>,
) -> Result<Vec<ResidentId>, AppError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let mut part: Vec<ResidentId> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Id)
            .filter(resident::Column::Id.is_in(chunk.to_vec()))
            .filter(condition(rule, now))
            .into_tuple()
            .all(db)
            .await?;
        found.append(&mut part);
    }
    found.sort_unstable();
    Ok(found)
}

fn unreadable(what: &str, detail: impl std::fmt::Display) -> AppError {
    tracing::error!(what, %detail, "stored resident data does not read");
    AppError::new(ErrorCode::Internal)
}

/// What the rules can ask about each of `ids`, in the order of `ids` (unknown ids left out).
/// Five queries per 500 residents, whatever the rule.
pub async fn facts(
    db: &impl ConnectionTrait,
    ids: &[ResidentId],
) -> Result<Vec<ResidentFacts>, AppError> {
    let mut all = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        all.extend(facts_of_chunk(db, chunk).await?);
    }
    Ok(all)
}

async fn facts_of_chunk(
    db: &impl ConnectionTrait,
    ids: &[ResidentId],
) -> Result<Vec<ResidentFacts>, AppError> {
    type Row = (
        ResidentId,
        NaiveDate,
        String,
        i64,
        Option<NaiveDate>,
        Option<i64>,
    );
    let rows: Vec<Row> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::BirthDate)
        .column(resident::Column::Gender)
        .column(resident::Column::RegionId)
        .column(resident::Column::MovedInOn)
        .column(resident::Column::HouseholdId)
        .filter(resident::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;

    let region_ids: Vec<i64> = rows.iter().map(|r| r.3).collect();
    let paths: HashMap<i64, String> = region::Entity::find()
        .select_only()
        .column(region::Column::Id)
        .column(region::Column::Path)
        .filter(region::Column::Id.is_in(region_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let households: Vec<i64> = rows.iter().filter_map(|r| r.5).collect();
    let members: Vec<(ResidentId, i64, NaiveDate)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::HouseholdId)
        .column(resident::Column::BirthDate)
        .filter(resident::Column::HouseholdId.is_in(households))
        .into_tuple::<(ResidentId, Option<i64>, NaiveDate)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, household, birth)| household.map(|h| (id, h, birth)))
        .collect();

    let tag_rows: Vec<(ResidentId, i64)> = resident_tag::Entity::find()
        .select_only()
        .column(resident_tag::Column::ResidentId)
        .column(resident_tag::Column::TagId)
        .filter(resident_tag::Column::ResidentId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let tag_codes: HashMap<i64, String> = tag::Entity::find()
        .select_only()
        .column(tag::Column::Id)
        .column(tag::Column::Code)
        .filter(tag::Column::Id.is_in(tag_rows.iter().map(|(_, t)| *t).collect::<Vec<_>>()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let submitted: HashMap<ApplicationId, (ResidentId, DateTime<Utc>)> =
        application::Entity::find()
            .select_only()
            .column(application::Column::Id)
            .column(application::Column::ResidentId)
            .column(application::Column::SubmittedAt)
            .filter(application::Column::ResidentId.is_in(ids.to_vec()))
            .filter(application::Column::SubmittedAt.is_not_null())
            .into_tuple::<(ApplicationId, ResidentId, Option<DateTime<Utc>>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, resident_id, at)| at.map(|at| (id, (resident_id, at))))
            .collect();
    let tasks: Vec<(ApplicationId, i64, ApplicationStatus)> = task::Entity::find()
        .select_only()
        .column(task::Column::ApplicationId)
        .column(task::Column::ServiceId)
        .column(task::Column::Status)
        .filter(task::Column::ApplicationId.is_in(submitted.keys().copied().collect::<Vec<_>>()))
        .into_tuple()
        .all(db)
        .await?;

    let rated: Vec<(ResidentId, i64, i16, DateTime<Utc>)> = rating::Entity::find()
        .select_only()
        .column(rating::Column::ResidentId)
        .column(rating::Column::ServiceId)
        .column(rating::Column::Score)
        .column(rating::Column::CreatedAt)
        .filter(rating::Column::ResidentId.is_in(ids.to_vec()))
        .filter(rating::Column::Excluded.eq(false))
        .into_tuple()
        .all(db)
        .await?;

    let mut by_id: HashMap<ResidentId, ResidentFacts> = HashMap::with_capacity(rows.len());
    for (id, birth_date, gender, region_id, moved_in_on, household) in rows {
        let gender = Gender::parse(&gender).ok_or_else(|| unreadable("gender", &gender))?;
        let region_path = paths.get(&region_id).cloned().unwrap_or_default();
        let household_others = household
            .map(|h| {
                members
                    .iter()
                    .filter(|(other, hh, _)| *hh == h && *other != id)
                    .map(|(_, _, birth)| *birth)
                    .collect()
            })
            .unwrap_or_default();
        by_id.insert(
            id,
            ResidentFacts {
                resident_id: id,
                birth_date,
                gender,
                region_path,
                moved_in_on,
                household_others,
                tags: Vec::new(),
                applications: Vec::new(),
                ratings: Vec::new(),
            },
        );
    }
    for (id, tag_id) in tag_rows {
        if let (Some(facts), Some(code)) = (by_id.get_mut(&id), tag_codes.get(&tag_id)) {
            facts.tags.push(code.clone());
        }
    }
    for (application_id, service_id, status) in tasks {
        let Some(&(id, submitted_at)) = submitted.get(&application_id) else {
            continue;
        };
        if let Some(facts) = by_id.get_mut(&id) {
            facts.applications.push(AppliedFact {
                service_id,
                submitted_at,
                status,
            });
        }
    }
    for (id, service_id, score, rated_at) in rated {
        if let Some(facts) = by_id.get_mut(&id) {
            facts.ratings.push(RatedFact {
                service_id,
                score: u8::try_from(score).map_err(|_| unreadable("score", score))?,
                rated_at,
            });
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The names an explanation of `rule` mentions.
pub async fn names(db: &impl ConnectionTrait, rule: &Rule) -> Result<Names, AppError> {
    let mut region_ids = Vec::new();
    let mut tag_codes = Vec::new();
    let mut service_ids = Vec::new();
    for condition in rule.conditions() {
        match condition {
            Condition::Region { region_id } => region_ids.push(*region_id),
            Condition::Tag { code } => tag_codes.push(code.clone()),
            Condition::Applied { service_id, .. } => service_ids.push(*service_id),
            Condition::Rated {
                service_id: Some(id),
                ..
            } => service_ids.push(*id),
            _ => {}
        }
    }
    let regions = region::Entity::find()
        .filter(region::Column::Id.is_in(region_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, LocalizedText::new(r.name, r.name_en)))
        .collect();
    let tags = tag::Entity::find()
        .filter(tag::Column::Code.is_in(tag_codes))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.code, LocalizedText::new(t.name, t.name_en)))
        .collect();
    let services = service::Entity::find()
        .select_only()
        .column(service::Column::Id)
        .column(service::Column::Name)
        .column(service::Column::NameEn)
        .filter(service::Column::Id.is_in(service_ids))
        .into_tuple::<(i64, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, name_en)| (id, LocalizedText::new(name, name_en)))
        .collect();
    Ok(Names {
        regions,
        tags,
        services,
    })
}
