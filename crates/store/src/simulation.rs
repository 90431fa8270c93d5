//! Where a policy is simulated (政策模拟): each draft's rule compiled by [`super::rules`] and
//! counted by district and age band in one GROUP BY, on today's date and with ages a year
//! on; those it would reach who were already granted a similar service counted through the
//! same rule engine. Nothing is stored but the audit line; nothing is sent.
use super::StaffActor;
use super::audit::{self, Target};
use super::entities::service;
use super::rules;
use super::segments::{self, Breakdown, Regions, breakdown, may_count_population, regions};
use chrono::{DateTime, Months, NaiveDate, Utc};
use domain::error::AppError;
use domain::rule::china_today;
use domain::segment::Headcount;
use domain::simulation::{
    Cost, MONTHS_AHEAD, PolicyDraft, PolicyOutcome, Projection, Simulation, SimulationRequest,
};
use domain::staff::Permission;
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Who each draft reaches now and in a year, what it costs, and whom it already serves.
/// 422 for a draft the form got wrong (fields of the second draft named `drafts.1.…`).
pub async fn simulate(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    request: &SimulationRequest,
    now: DateTime<Utc>,
) -> Result<Simulation, AppError> {
    actor.member.require(Permission::SimulatePolicies)?;
    request.validate().map_err(AppError::invalid)?;
    similar_services_exist(db, request).await?;
    may_count_population(db, actor, now).await?;

    let today = china_today(now);
    let a_year_on = today
        .checked_add_months(Months::new(MONTHS_AHEAD))
        .unwrap_or(today);
    let regions = regions(db).await?;
    let mut outcomes = Vec::with_capacity(request.drafts.len());
    for draft in &request.drafts {
        outcomes.push(outcome(db, draft, now, today, a_year_on, &regions).await?);
    }

    let reason = request
        .drafts
        .iter()
        .zip(&outcomes)
        .map(|(draft, outcome)| {
            format!(
                "{} · {}元/月 · {}",
                outcome.now.count.label(),
                draft.monthly_amount,
                serde_json::to_string(&draft.rule).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" | ");
    audit::record(
        db,
        actor,
        "policy.simulate",
        Target::PolicySimulation,
        Some(&reason),
        now,
    )
    .await?;
    Ok(Simulation { outcomes })
}

/// 422 when a draft names a similar service that does not exist.
async fn similar_services_exist(
    db: &impl ConnectionTrait,
    request: &SimulationRequest,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    for (i, draft) in request.drafts.iter().enumerate() {
        let Some(id) = draft.similar_service_id else {
            continue;
        };
        let found = service::Entity::find()
            .filter(service::Column::Id.eq(id))
            .count(db)
            .await?;
        if found == 0 {
            errors.push(FieldError::new(
                format!("drafts.{i}.similar_service_id"),
                Problem::NotAnOption,
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

async fn outcome(
    db: &impl ConnectionTrait,
    draft: &PolicyDraft,
    now: DateTime<Utc>,
    today: NaiveDate,
    a_year_on: NaiveDate,
    regions: &Regions,
) -> Result<PolicyOutcome, AppError> {
    let qualify_now = rules::condition(&draft.rule, now);
    let qualify_later = rules::condition_with_ages_on(&draft.rule, now, a_year_on);
    let already_served = match draft.already_served_rule() {
        Some(rule) => Some(Headcount::of(segments::count(db, &rule, now).await?)),
        None => None,
    };
    Ok(PolicyOutcome {
        now: projection(db, draft, qualify_now, today, regions).await?,
        in_a_year: projection(db, draft, qualify_later, a_year_on, regions).await?,
        already_served,
    })
}

async fn projection(
    db: &impl ConnectionTrait,
    draft: &PolicyDraft,
    members: Expr,
    on: NaiveDate,
    regions: &Regions,
) -> Result<Projection, AppError> {
    let Breakdown {
        count,
        by_district,
        by_age_band,
    } = breakdown(db, members, on, regions).await?;
    Ok(Projection {
        on,
        count: Headcount::of(count),
        yearly_cost: Cost::yearly(count, draft.monthly_amount),
        by_district,
        by_age_band,
    })
}
