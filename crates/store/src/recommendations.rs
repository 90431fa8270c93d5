//! Where a resident's recommendations are read and answered: the "for you" list (with each
//! reason explained for this resident), "not interested", per-category opt-out, the click
//! that starts an application, and the application that converts it.
use domain::ids::ResidentId;

use super::entities::{
    application, recommendation, recommendation_opt_out, resident, service, service_category, task,
};
use super::{rules, segments};
use chrono::{DateTime, Utc};
use domain::error::{AppError, ErrorCode};
use domain::recommendation::ForYouItem;
use domain::rule::{Condition, Outcome, Reason, Rule};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// The residents (rows of the outer `resident`) who may be offered a service: they accept
/// proactive messages, did not opt out of its category, have not applied for it and were
/// never offered it before (so "not interested" is for good). Campaigns and life events
/// both select through it.
pub(crate) fn may_be_offered(service_id: i64, category_id: i64, now: DateTime<Utc>) -> Expr {
    let opted_out = Query::select()
        .expr(Expr::val(1))
        .from(recommendation_opt_out::Entity)
        .and_where(
            Expr::col((
                recommendation_opt_out::Entity,
                recommendation_opt_out::Column::ResidentId,
            ))
            .equals((resident::Entity, resident::Column::Id)),
        )
        .and_where(
            Expr::col((
                recommendation_opt_out::Entity,
                recommendation_opt_out::Column::CategoryId,
            ))
            .eq(category_id),
        )
        .to_owned();
    let applied = rules::condition(
        &Rule::Is(Condition::Applied {
            service_id,
            within_days: None,
            outcome: Outcome::Any,
        }),
        now,
    );
    let offered = Query::select()
        .expr(Expr::val(1))
        .from(recommendation::Entity)
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::ResidentId))
                .equals((resident::Entity, resident::Column::Id)),
        )
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::ServiceId)).eq(service_id),
        )
        .to_owned();
    Expr::col((resident::Entity, resident::Column::NotifyConsent))
        .eq(true)
        .and(Expr::exists(opted_out).not())
        .and(applied.not())
        .and(Expr::exists(offered).not())
}

/// The resident's current recommendations, newest first: not dismissed, not applied for,
/// not in a category they opted out of; none at all without consent to proactive messages.
/// Listing them marks them read.
pub async fn for_you(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    now: DateTime<Utc>,
) -> Result<Vec<ForYouItem>, AppError> {
    let consent = resident::Entity::find_by_id(resident_id)
        .select_only()
        .column(resident::Column::NotifyConsent)
        .into_tuple::<bool>()
        .one(db)
        .await?
        .unwrap_or(false);
    if !consent {
        return Ok(Vec::new());
    }
    let recs = recommendation::Entity::find()
        .filter(recommendation::Column::ResidentId.eq(resident_id))
        .filter(recommendation::Column::DismissedAt.is_null())
        .filter(recommendation::Column::AppliedAt.is_null())
        .filter(recommendation::Column::ServiceId.is_not_null())
        .order_by_desc(recommendation::Column::CreatedAt)
        .order_by_desc(recommendation::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let service_ids: Vec<i64> = recs.iter().filter_map(|r| r.service_id).collect();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(service_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let categories: HashMap<i64, service_category::Model> = service_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let opted_out: HashSet<i64> = recommendation_opt_out::Entity::find()
        .select_only()
        .column(recommendation_opt_out::Column::CategoryId)
        .filter(recommendation_opt_out::Column::ResidentId.eq(resident_id))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let applied: HashSet<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::ServiceId)
        .filter(
            task::Column::ApplicationId.in_subquery(
                Query::select()
                    .column(application::Column::Id)
                    .from(application::Entity)
                    .and_where(Expr::col(application::Column::ResidentId).eq(resident_id))
                    .and_where(Expr::col(application::Column::SubmittedAt).is_not_null())
                    .to_owned(),
            ),
        )
        .filter(task::Column::ServiceId.is_in(service_ids))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let facts = rules::facts(db, &[resident_id]).await?.pop();

    let mut items = Vec::new();
    let mut unread = Vec::new();
    for rec in recs {
        let Some(service) = rec.service_id.and_then(|id| services.get(&id)) else {
            continue;
        };
        let Some(category) = categories.get(&service.category_id) else {
            continue;
        };
        if opted_out.contains(&category.id) || applied.contains(&service.id) {
            continue;
        }
        let reason = explained(db, &rec, facts.as_ref(), now).await?;
        if rec.read_at.is_none() {
            unread.push(rec.id);
        }
        items.push(ForYouItem {
            id: rec.id,
            service_code: service.code.clone(),
            service_name: LocalizedText::new(service.name.clone(), service.name_en.clone()),
            category_code: category.code.clone(),
            category_name: LocalizedText::new(category.name.clone(), category.name_en.clone()),
            reason: LocalizedText::new(reason.render(false), Some(reason.render(true))),
            created_at: rec.created_at,
            new: rec.read_at.is_none(),
            auto_grant: service.auto_grant,
        });
    }
    if !unread.is_empty() {
        recommendation::Entity::update_many()
            .col_expr(recommendation::Column::ReadAt, Expr::value(now))
            .filter(recommendation::Column::Id.is_in(unread))
            .filter(recommendation::Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(items)
}

/// Why this resident got the recommendation: a campaign's rule explained for them now, or
/// the reason stored when it was made (a life event, or a campaign whose rule no longer
/// matches them).
async fn explained(
    db: &impl ConnectionTrait,
    rec: &recommendation::Model,
    facts: Option<&domain::rule::ResidentFacts>,
    now: DateTime<Utc>,
) -> Result<Reason, AppError> {
    let stored = rec.reason.clone();
    let (Some(campaign_id), Some(facts)) = (rec.campaign_id, facts) else {
        return Ok(stored);
    };
    let segment_id = super::entities::campaign::Entity::find_by_id(campaign_id)
        .select_only()
        .column(super::entities::campaign::Column::SegmentId)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    let Some(segment_id) = segment_id else {
        return Ok(stored);
    };
    let rule = segments::rule(db, segment_id).await?;
    match rule.explain(facts, now) {
        Some(clauses) => Ok(Reason::from_clauses(
            &clauses,
            &rules::names(db, &rule).await?,
        )),
        None => Ok(stored),
    }
}

/// The resident's own recommendation; 404 for anyone else's.
async fn own(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
) -> Result<recommendation::Model, AppError> {
    recommendation::Entity::find_by_id(id)
        .filter(recommendation::Column::ResidentId.eq(resident_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// "Not interested": never shown again.
pub async fn dismiss(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    own(db, resident_id, id).await?;
    recommendation::Entity::update_many()
        .col_expr(recommendation::Column::Status, Expr::value("dismissed"))
        .col_expr(recommendation::Column::DismissedAt, Expr::value(now))
        .filter(recommendation::Column::Id.eq(id))
        .filter(recommendation::Column::DismissedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The resident opens the recommendation to apply: recorded once; returns the service code.
pub async fn click(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let rec = own(db, resident_id, id).await?;
    recommendation::Entity::update_many()
        .col_expr(recommendation::Column::Status, Expr::value("clicked"))
        .col_expr(recommendation::Column::ClickedAt, Expr::value(now))
        .filter(recommendation::Column::Id.eq(id))
        .filter(recommendation::Column::ClickedAt.is_null())
        .filter(recommendation::Column::AppliedAt.is_null())
        .exec(db)
        .await?;
    let service_id = rec
        .service_id
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    service::Entity::find_by_id(service_id)
        .select_only()
        .column(service::Column::Code)
        .into_tuple::<String>()
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// No more recommendations of the category (by its code); idempotent.
pub async fn opt_out(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    category_code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let category = service_category::Entity::find()
        .filter(service_category::Column::Code.eq(category_code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    recommendation_opt_out::Entity::insert(recommendation_opt_out::ActiveModel {
        resident_id: Set(resident_id),
        category_id: Set(category.id),
        created_at: Set(now),
    })
    .on_conflict_do_nothing_on([
        recommendation_opt_out::Column::ResidentId,
        recommendation_opt_out::Column::CategoryId,
    ])
    .exec(db)
    .await?;
    Ok(())
}

/// A submitted application converts the resident's open recommendations of its services.
pub async fn mark_applied(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    service_ids: Vec<i64>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let converted = recommendation::Entity::update_many()
        .col_expr(recommendation::Column::Status, Expr::value("applied"))
        .col_expr(recommendation::Column::AppliedAt, Expr::value(now))
        .filter(recommendation::Column::ResidentId.eq(resident_id))
        .filter(recommendation::Column::ServiceId.is_in(service_ids))
        .filter(recommendation::Column::AppliedAt.is_null())
        .filter(recommendation::Column::DismissedAt.is_null())
        .exec(db)
        .await?;
    Ok(converted.rows_affected)
}

/// The code of the service a recommendation offers for one-tap confirmation (免申即享): the
/// resident's own recommendation of a service marked auto-grant. Another resident's is not
/// found; a service that is not auto-grant is 409 `invalid_state_change`.
pub async fn auto_grant_offer(
    db: &sea_orm::DatabaseConnection,
    resident_id: ResidentId,
    id: i64,
) -> Result<String, AppError> {
    let rec = own(db, resident_id, id).await?;
    let service_id = rec
        .service_id
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let offered = service::Entity::find_by_id(service_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !offered.auto_grant {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    Ok(offered.code)
}

/// What made a batch of recommendations.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cause {
    Campaign(i64),
    LifeEvent(i64),
}

impl Cause {
    fn column(self) -> (recommendation::Column, i64) {
        match self {
            Cause::Campaign(id) => (recommendation::Column::CampaignId, id),
            Cause::LifeEvent(id) => (recommendation::Column::LifeEventId, id),
        }
    }
}

pub(crate) fn statement_error(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "an INSERT … SELECT does not build");
    AppError::new(ErrorCode::Internal)
}

/// A slice of the residents by id, `after < id <= through`: a large fan-out goes a batch at
/// a time, each committed on its own, so no statement holds a lock for long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Batch {
    pub after: i64,
    pub through: i64,
}

impl Batch {
    /// Every resident.
    pub const ALL: Batch = Batch {
        after: i64::MIN,
        through: i64::MAX,
    };

    fn holds(self, id: Expr) -> Expr {
        id.clone().gt(self.after).and(id.lte(self.through))
    }
}

/// The set-based fan-out both campaigns and life events use: one INSERT … SELECT of a
/// recommendation of the service for every resident of `batch` that `recipients` selects (a
/// condition on `resident`), then one of their inbox messages, titled in each resident's
/// language, with `body_zh` / `body_en` (expressions over `resident`, e.g. the name filled
/// in). Returns how many residents it reached.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn fan_out(
    db: &impl ConnectionTrait,
    recipients: Expr,
    batch: Batch,
    offered: &service::Model,
    cause: Cause,
    reason: &Reason,
    (body_zh, body_en): (Expr, Expr),
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let (cause_column, cause_id) = cause.column();
    let reason = serde_json::to_value(reason).map_err(statement_error)?;
    let rows = Query::select()
        .expr(Expr::col((resident::Entity, resident::Column::Id)))
        .expr(Expr::val(offered.id))
        .expr(Expr::val(cause_id))
        .expr(Expr::val(reason))
        .expr(Expr::val("delivered"))
        .expr(Expr::val(now))
        .expr(Expr::val(now))
        .from(resident::Entity)
        .and_where(batch.holds(Expr::col((resident::Entity, resident::Column::Id))))
        .and_where(recipients)
        .to_owned();
    let insert = Query::insert()
        .into_table(recommendation::Entity)
        .columns([
            recommendation::Column::ResidentId,
            recommendation::Column::ServiceId,
            cause_column,
            recommendation::Column::Reason,
            recommendation::Column::Status,
            recommendation::Column::DeliveredAt,
            recommendation::Column::CreatedAt,
        ])
        .select_from(rows)
        .map_err(statement_error)?
        .to_owned();
    let reached = db.execute(&insert).await?.rows_affected();
    if reached == 0 {
        return Ok(0);
    }

    let english = || Expr::col((resident::Entity, resident::Column::Language)).eq("en");
    let name_en = offered.name_en.as_deref().unwrap_or(&offered.name);
    let title = Expr::case(
        english(),
        Expr::val(format!("Recommended for you: {name_en}")),
    )
    .finally(Expr::val(format!("为您推荐：{}", offered.name)));
    let body = Expr::case(english(), body_en).finally(body_zh);
    let messages = Query::select()
        .expr(Expr::col((
            recommendation::Entity,
            recommendation::Column::ResidentId,
        )))
        .expr(Expr::val("recommendation"))
        .expr(title)
        .expr(body)
        .expr(Expr::val(format!("/for-you#service-{}", offered.code)))
        .expr(Expr::val(now))
        .from(recommendation::Entity)
        .inner_join(
            resident::Entity,
            Expr::col((resident::Entity, resident::Column::Id))
                .equals((recommendation::Entity, recommendation::Column::ResidentId)),
        )
        .and_where(Expr::col((recommendation::Entity, cause_column)).eq(cause_id))
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::ServiceId)).eq(offered.id),
        )
        .and_where(Expr::col((recommendation::Entity, recommendation::Column::CreatedAt)).eq(now))
        .and_where(batch.holds(Expr::col((
            recommendation::Entity,
            recommendation::Column::ResidentId,
        ))))
        .to_owned();
    super::notifications::create_many(db, messages).await?;
    Ok(reached)
}
