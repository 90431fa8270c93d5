//! Where campaigns are stored and sent. The audience is one SQL condition: the segment's rule
//! and the resident's consent, no opt-out of the service's category, not applied for the
//! service, never recommended it before, and under the weekly frequency cap. A conditional
//! UPDATE starts a campaign (the one instance that wins it evaluates the audience once, an
//! INSERT … SELECT into `campaign_recipient`); then a background job sends it a batch of
//! recipients at a time, each two set-based statements: INSERT … SELECT of the
//! recommendations, then of their inbox messages.
//!
//! A department head runs campaigns for the department's own services to its own segments;
//! supervisors any, and they approve the large ones. Submitting freezes the segment's rule
//! into the campaign, so that editing the segment afterwards changes nothing it sends, and
//! keeps the approval threshold of that moment. A campaign due at once starts in the submit
//! itself: writing its recipients is its count, and one past the threshold is rolled back
//! and goes before a supervisor. A campaign for later is counted at the submit (a dry run)
//! and evaluated again when its time comes: unless a supervisor approved it, one whose
//! audience grew past the threshold since goes back for approval instead of out.
use domain::ids::{ResidentId, StaffId};

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{
    campaign, campaign_recipient, notification, recommendation, resident, segment, service,
};
use super::notifications;
use super::recommendations::{self, Batch, Cause};
use super::{rules, segments};
use chrono::{DateTime, Utc};
use domain::campaign::{
    CampaignDraft, CampaignStatus, CampaignView, Conversion, after_submit, may_start,
};
use domain::error::{AppError, ErrorCode};
use domain::rule::{Reason, Rule, since};
use domain::staff::{Permission, Scope};
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

async fn service_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<service::Model, AppError> {
    service::Entity::find()
        .filter(service::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::invalid(vec![FieldError::new("service_code", Problem::NotAnOption)])
        })
}

async fn service_by_id(db: &impl ConnectionTrait, id: i64) -> Result<service::Model, AppError> {
    service::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The residents a campaign for `service` to `rule` reaches at `now`: the rule's members who
/// may be offered the service and are under the weekly frequency cap.
fn audience(rule: &Rule, service: &service::Model, cap: i32, now: DateTime<Utc>) -> Expr {
    let this_week = Query::select()
        .expr(Expr::col((recommendation::Entity, recommendation::Column::Id)).count())
        .from(recommendation::Entity)
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::ResidentId))
                .equals((resident::Entity, resident::Column::Id)),
        )
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::CampaignId)).is_not_null(),
        )
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::CreatedAt))
                .gte(since(now, 7)),
        )
        .to_owned();
    rules::condition(rule, now)
        .and(recommendations::may_be_offered(
            service.id,
            service.category_id,
            now,
        ))
        .and(Expr::SubQuery(None, Box::new(this_week.into())).lt(i64::from(cap)))
}

/// How many residents the campaign would reach if sent now.
async fn dry_run(
    db: &impl ConnectionTrait,
    rule: &Rule,
    service: &service::Model,
    cap: i32,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let n = resident::Entity::find()
        .filter(audience(rule, service, cap, now))
        .count(db)
        .await?;
    Ok(n as i64)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<campaign::Model, AppError> {
    campaign::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The campaigns a scope runs: those for its department's services, or all.
pub(crate) fn in_scope(scope: Scope) -> Condition {
    match scope.department() {
        Some(department) => Condition::all().add(
            campaign::Column::ServiceId.in_subquery(
                Query::select()
                    .column(service::Column::Id)
                    .from(service::Entity)
                    .and_where(Expr::col(service::Column::DepartmentId).eq(department))
                    .to_owned(),
            ),
        ),
        None => Condition::all(),
    }
}

/// The campaign, if the scope runs it; "not found" otherwise.
async fn find_in_scope(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: i64,
) -> Result<campaign::Model, AppError> {
    campaign::Entity::find_by_id(id)
        .filter(in_scope(scope))
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The campaign with its dry-run count (or the number reached, once sent) and conversion.
async fn view(
    db: &impl ConnectionTrait,
    model: campaign::Model,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    let status = model.status;
    let service = service_by_id(db, offered(&model)?).await?;
    let segment = segment::Entity::find_by_id(model.segment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    // A draft counts its audience now (the dry run); once submitted, the count it was
    // submitted (and approved) with; once sent, the residents it reached.
    let audience = match (status, model.audience_count) {
        (CampaignStatus::Draft, _) | (_, None) => {
            let rule = segments::rule(db, model.segment_id).await?;
            dry_run(db, &rule, &service, model.frequency_cap, now).await?
        }
        (_, Some(counted)) => counted,
    };
    Ok(CampaignView {
        id: model.id,
        name: model.name,
        service_code: service.code,
        service_name: service.name,
        segment_id: segment.id,
        segment_name: segment.name,
        message: model.message,
        status,
        scheduled_at: model.scheduled_at,
        frequency_cap: u8::try_from(model.frequency_cap).unwrap_or(u8::MAX),
        quiet_from: model.quiet_from,
        quiet_until: model.quiet_until,
        audience,
        sent_at: model.sent_at,
        conversion: conversion(db, model.id).await?,
    })
}

/// Delivered, read, clicked, applied and dismissed recommendations of the campaign: one
/// aggregate query.
pub async fn conversion(
    db: &impl ConnectionTrait,
    campaign_id: i64,
) -> Result<Conversion, AppError> {
    let counted =
        |column: recommendation::Column| Expr::col((recommendation::Entity, column)).count();
    let row: Option<(i64, i64, i64, i64, i64)> = recommendation::Entity::find()
        .select_only()
        .column_as(counted(recommendation::Column::Id), "delivered")
        .column_as(counted(recommendation::Column::ReadAt), "read")
        .column_as(counted(recommendation::Column::ClickedAt), "clicked")
        .column_as(counted(recommendation::Column::AppliedAt), "applied")
        .column_as(counted(recommendation::Column::DismissedAt), "dismissed")
        .filter(recommendation::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .one(db)
        .await?;
    let (delivered, read, clicked, applied, dismissed) = row.unwrap_or_default();
    Ok(Conversion {
        delivered,
        read,
        clicked,
        applied,
        dismissed,
    })
}

/// A new campaign, as a draft; 422 with the fields at fault, nothing stored.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    draft: &CampaignDraft,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let mut errors = draft.validate().err().unwrap_or_default();
    // Another department's service is no option for a head.
    let service = match service_by_code(db, &draft.service_code)
        .await
        .and_then(|service| {
            if scope.covers(service.department_id) {
                Ok(service)
            } else {
                Err(AppError::invalid(vec![FieldError::new(
                    "service_code",
                    Problem::NotAnOption,
                )]))
            }
        }) {
        Ok(service) => Some(service),
        Err(err) => {
            if draft.service_code.trim().is_empty() {
                None
            } else {
                errors.extend(err.errors);
                None
            }
        }
    };
    let segment_known = match segments::find_in_scope(db, scope, draft.segment_id).await {
        Ok(_) => true,
        Err(err) if err.code == ErrorCode::NotFound => false,
        Err(err) => return Err(err),
    };
    if !segment_known {
        errors.push(FieldError::new("segment_id", Problem::NotAnOption));
    }
    let Some(service) = service.filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    let model = campaign::ActiveModel {
        name: Set(draft.name.trim().to_owned()),
        service_id: Set(Some(service.id)),
        bundle_id: Set(None),
        segment_id: Set(draft.segment_id),
        message: Set(draft.message.trim().to_owned()),
        status: Set(CampaignStatus::Draft),
        scheduled_at: Set(draft.scheduled_at),
        frequency_cap: Set(i32::from(draft.frequency_cap)),
        quiet_from: Set(draft.quiet_from),
        quiet_until: Set(draft.quiet_until),
        audience_count: Set(None),
        created_by_staff_id: Set(actor.member.id),
        approved_by_staff_id: Set(None),
        sent_at: Set(None),
        sent_through: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        actor,
        "campaign_create",
        Target::Campaign(model.id),
        None,
        now,
    )
    .await?;
    view(db, model, now).await
}

pub async fn get(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    view(db, find_in_scope(db, scope, id).await?, now).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<Vec<CampaignView>, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let models = campaign::Entity::find()
        .filter(in_scope(scope))
        .order_by_desc(campaign::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(models.len());
    for model in models {
        views.push(view(db, model, now).await?);
    }
    Ok(views)
}

/// Moves the campaign from `from` to `to` if nobody moved it first (409 otherwise).
async fn transition(
    db: &impl ConnectionTrait,
    id: i64,
    from: CampaignStatus,
    to: CampaignStatus,
    approved_by: Option<StaffId>,
) -> Result<(), AppError> {
    let mut update = campaign::Entity::update_many()
        .col_expr(campaign::Column::Status, Expr::value(to))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.eq(from));
    if let Some(staff_id) = approved_by {
        update = update.col_expr(campaign::Column::ApprovedByStaffId, Expr::value(staff_id));
    }
    if update.exec(db).await?.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Conflict))
    }
}

/// Puts a draft on the schedule, or before a supervisor when its audience is larger than
/// `approval_threshold` residents. The segment's rule and the threshold are frozen into it.
/// A campaign due now (no later time, outside its quiet hours) starts here: its audience is
/// evaluated once, as its recipients are written, and that is also the count the threshold
/// is checked against; the batches then go out in the background.
pub async fn submit<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &StaffActor,
    id: i64,
    approval_threshold: i64,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let model = find_in_scope(db, scope, id).await?;
    if model.status != CampaignStatus::Draft {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let rule = segments::rule(db, model.segment_id).await?;
    let service = service_by_id(db, offered(&model)?).await?;
    let due_now = may_start(model.scheduled_at, model.quiet_from, model.quiet_until, now);
    let (to, audience) = if due_now {
        (CampaignStatus::Scheduled, None)
    } else {
        let audience = dry_run(db, &rule, &service, model.frequency_cap, now).await?;
        (after_submit(audience, approval_threshold), Some(audience))
    };
    transition(db, id, CampaignStatus::Draft, to, None).await?;
    campaign::Entity::update_many()
        .col_expr(campaign::Column::AudienceCount, Expr::value(audience))
        .col_expr(campaign::Column::FrozenRule, Expr::value(rule.clone()))
        .col_expr(
            campaign::Column::ApprovalAbove,
            Expr::value(approval_threshold),
        )
        .filter(campaign::Column::Id.eq(id))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        "campaign_submit",
        Target::Campaign(id),
        None,
        now,
    )
    .await?;
    if due_now {
        let scheduled = campaign::Model {
            status: CampaignStatus::Scheduled,
            frozen_rule: Some(rule.clone()),
            approval_above: Some(approval_threshold),
            ..model
        };
        start(db, &scheduled, &rule, &service, now).await?;
    }
    get(db, actor, id, now).await
}

/// A supervisor approves a large campaign for its schedule.
pub async fn approve(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    actor.member.require(Permission::ApproveCampaigns)?;
    let model = find(db, id).await?;
    if model.status != CampaignStatus::PendingApproval {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    transition(
        db,
        id,
        CampaignStatus::PendingApproval,
        CampaignStatus::Scheduled,
        Some(actor.member.id),
    )
    .await?;
    audit::record(
        db,
        actor,
        "campaign_approve",
        Target::Campaign(id),
        None,
        now,
    )
    .await?;
    view(db, find(db, id).await?, now).await
}

pub async fn cancel(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<CampaignView, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let model = find_in_scope(db, scope, id).await?;
    let from = model.status;
    if !from.may_cancel() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    transition(db, id, from, CampaignStatus::Cancelled, None).await?;
    audit::record(
        db,
        actor,
        "campaign_cancel",
        Target::Campaign(id),
        None,
        now,
    )
    .await?;
    view(db, find(db, id).await?, now).await
}

/// Recipients per batch of a campaign's fan-out; each batch is one transaction.
pub const BATCH: u64 = 20_000;

/// A batch of a campaign that went out: the recipients with ids in `after < id <= through`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentBatch {
    pub campaign_id: i64,
    pub after: i64,
    pub through: i64,
    pub reached: u64,
    /// The campaign's last batch: it is sent.
    pub finished: bool,
}

/// Sends the next batch of every campaign that is being sent, after starting those that are
/// due (scheduled, the time come, outside their quiet hours). Call it until it returns
/// nothing. Each batch takes its turn by moving the campaign's cursor with a conditional
/// UPDATE first thing in its transaction, so several instances calling this at once never
/// send a batch twice.
pub async fn send_next<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
    batch: u64,
) -> Result<Vec<SentBatch>, AppError> {
    start_due(db, now).await?;
    let sending = campaign::Entity::find()
        .filter(campaign::Column::Status.eq(CampaignStatus::Sending))
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await?;
    let mut sent = Vec::new();
    for model in sending {
        if let Some(done) = send_batch(db, &model, batch, now).await? {
            sent.push(done);
        }
    }
    Ok(sent)
}

/// Starts the due campaigns (scheduled, the time come, outside their quiet hours).
async fn start_due<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let due = campaign::Entity::find()
        .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled))
        .filter(
            campaign::Column::ScheduledAt
                .is_null()
                .or(campaign::Column::ScheduledAt.lte(now)),
        )
        .all(db)
        .await?;
    for model in due {
        if !may_start(model.scheduled_at, model.quiet_from, model.quiet_until, now) {
            continue;
        }
        let service = service_by_id(db, offered(&model)?).await?;
        let rule = match &model.frozen_rule {
            Some(rule) => rule.clone(),
            None => segments::rule(db, model.segment_id).await?,
        };
        start(db, &model, &rule, &service, now).await?;
    }
    Ok(())
}

/// Starts one scheduled campaign: `scheduled → sending`, and its audience evaluated once, in
/// one `INSERT … SELECT` into `campaign_recipient`, in the same transaction (only the
/// instance whose UPDATE took the campaign does it). The number written is the audience the
/// campaign is shown with while it is sent; unless a supervisor approved it, a campaign
/// whose audience is past the threshold it was submitted under is rolled back and goes back
/// for approval instead.
async fn start<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    model: &campaign::Model,
    rule: &Rule,
    service: &service::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    // Every batch is stamped with this moment: the campaign's messages share it.
    let claimed = campaign::Entity::update_many()
        .col_expr(
            campaign::Column::Status,
            Expr::value(CampaignStatus::Sending),
        )
        .col_expr(campaign::Column::SentAt, Expr::value(now))
        .col_expr(campaign::Column::SentThrough, Expr::value(0i64))
        .filter(campaign::Column::Id.eq(model.id))
        .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(());
    }
    let members = Query::select()
        .expr(Expr::val(model.id))
        .column((resident::Entity, resident::Column::Id))
        .from(resident::Entity)
        .and_where(audience(rule, service, model.frequency_cap, now))
        .to_owned();
    let insert = Query::insert()
        .into_table(campaign_recipient::Entity)
        .columns([
            campaign_recipient::Column::CampaignId,
            campaign_recipient::Column::ResidentId,
        ])
        .select_from(members)
        .map_err(recommendations::statement_error)?
        .to_owned();
    // Writing the audience is counting it.
    let recipients = i64::try_from(txn.execute(&insert).await?.rows_affected()).unwrap_or(i64::MAX);
    if let Some(threshold) = grown_past(model, recipients) {
        txn.rollback().await?;
        return back_for_approval(db, model, recipients, threshold).await;
    }
    campaign::Entity::update_many()
        .col_expr(campaign::Column::AudienceCount, Expr::value(recipients))
        .filter(campaign::Column::Id.eq(model.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(campaign = model.id, recipients, "campaign sending started");
    Ok(())
}

/// The threshold a campaign was submitted under, when its audience of `recipients` is past
/// it and no supervisor approved it.
fn grown_past(model: &campaign::Model, recipients: i64) -> Option<i64> {
    model
        .approval_above
        .filter(|threshold| model.approved_by_staff_id.is_none() && recipients > *threshold)
}

/// Sends a due campaign whose audience grew past its threshold back for approval, with the
/// audience it has now.
async fn back_for_approval(
    db: &impl ConnectionTrait,
    model: &campaign::Model,
    audience: i64,
    threshold: i64,
) -> Result<(), AppError> {
    let moved = campaign::Entity::update_many()
        .col_expr(
            campaign::Column::Status,
            Expr::value(CampaignStatus::PendingApproval),
        )
        .col_expr(campaign::Column::AudienceCount, Expr::value(audience))
        .filter(campaign::Column::Id.eq(model.id))
        .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled))
        .exec(db)
        .await?;
    if moved.rows_affected == 1 {
        tracing::warn!(
            campaign = model.id,
            audience,
            threshold,
            "campaign grew past the approval threshold: back for approval"
        );
    }
    Ok(())
}

/// The service a campaign offers (campaigns for bundles are not made yet).
fn offered(model: &campaign::Model) -> Result<i64, AppError> {
    model
        .service_id
        .ok_or_else(|| AppError::new(ErrorCode::Internal))
}

/// The next `size` recipients after the campaign's cursor, in one transaction; the campaign
/// is sent (and its recipients list dropped) with the last of them. `None` when another
/// caller took the batch first.
async fn send_batch<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    model: &campaign::Model,
    size: u64,
    now: DateTime<Utc>,
) -> Result<Option<SentBatch>, AppError> {
    let after = model.sent_through.unwrap_or(0);
    let recipients_after = |after: i64| {
        campaign_recipient::Entity::find()
            .select_only()
            .column(campaign_recipient::Column::ResidentId)
            .filter(campaign_recipient::Column::CampaignId.eq(model.id))
            .filter(campaign_recipient::Column::ResidentId.gt(after))
            .order_by_asc(campaign_recipient::Column::ResidentId)
    };
    let last_of_batch: Option<i64> = recipients_after(after)
        .offset(Ord::max(size, 1) - 1)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let through = last_of_batch.unwrap_or(i64::MAX);
    let finished = match last_of_batch {
        None => true,
        Some(last) => recipients_after(last)
            .limit(1)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .is_none(),
    };

    let txn = db.begin().await?;
    let mut claim = campaign::Entity::update_many()
        .col_expr(campaign::Column::SentThrough, Expr::value(through))
        .filter(campaign::Column::Id.eq(model.id))
        .filter(campaign::Column::Status.eq(CampaignStatus::Sending))
        .filter(campaign::Column::SentThrough.eq(after));
    if finished {
        claim = claim.col_expr(campaign::Column::Status, Expr::value(CampaignStatus::Sent));
    }
    if claim.exec(&txn).await?.rows_affected != 1 {
        return Ok(None);
    }
    let sent_at = model.sent_at.unwrap_or(now);
    let service = service_by_id(&txn, offered(model)?).await?;
    let rule = segments::rule(&txn, model.segment_id).await?;
    let names = rules::names(&txn, &rule).await?;
    let reason = Reason::of_rule(&rule, &names);

    // Every recipient of the batch, with the message in their language and their name filled
    // in by SQL. Offered again checked: a life event may have recommended the service since.
    let message_in = |english: bool| {
        let name = Expr::col((resident::Entity, resident::Column::Name));
        let text = domain::campaign::render_message(
            &model.message,
            "{name}",
            if english {
                service.name_en.as_deref().unwrap_or(&service.name)
            } else {
                &service.name
            },
            &reason.render(english),
        );
        Expr::from(
            Func::cust("REPLACE")
                .arg(Expr::val(text))
                .arg(Expr::val("{name}"))
                .arg(name),
        )
    };
    let batch = Batch { after, through };
    let staged = Query::select()
        .column((
            campaign_recipient::Entity,
            campaign_recipient::Column::ResidentId,
        ))
        .from(campaign_recipient::Entity)
        .and_where(Expr::col(campaign_recipient::Column::CampaignId).eq(model.id))
        .and_where(Expr::col(campaign_recipient::Column::ResidentId).gt(after))
        .and_where(Expr::col(campaign_recipient::Column::ResidentId).lte(through))
        .to_owned();
    let reached = recommendations::fan_out(
        &txn,
        Expr::col((resident::Entity, resident::Column::Id))
            .in_subquery(staged)
            .and(recommendations::may_be_offered(
                service.id,
                service.category_id,
                now,
            )),
        batch,
        &service,
        Cause::Campaign(model.id),
        &reason,
        (message_in(false), message_in(true)),
        sent_at,
    )
    .await?;
    if finished {
        // Sent: the audience on record is now the residents it reached (a recipient may have
        // applied for the service, or been recommended it, since the start).
        let reached_in_all = recommendation::Entity::find()
            .filter(recommendation::Column::CampaignId.eq(model.id))
            .count(&txn)
            .await?;
        campaign::Entity::update_many()
            .col_expr(
                campaign::Column::AudienceCount,
                Expr::value(i64::try_from(reached_in_all).unwrap_or(i64::MAX)),
            )
            .filter(campaign::Column::Id.eq(model.id))
            .exec(&txn)
            .await?;
        campaign_recipient::Entity::delete_many()
            .filter(campaign_recipient::Column::CampaignId.eq(model.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    tracing::info!(
        campaign = model.id,
        after,
        through,
        reached,
        finished,
        "campaign batch sent"
    );
    Ok(Some(SentBatch {
        campaign_id: model.id,
        after,
        through,
        reached,
        finished,
    }))
}

/// Fresh planner statistics after a campaign was sent, on PostgreSQL. A send can add a third
/// to `recommendation` and `notification` at once: with stale statistics the next audience
/// count plans the frequency cap as if campaigns had sent nothing, and took over 30 s at a
/// million residents (autovacuum may be off, or a minute away). Called after the batch's
/// pushes went out, so it never delays them.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), AppError> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("ANALYZE recommendation, notification")
            .await?;
    }
    Ok(())
}

/// The live events after campaign `campaign_id` was sent, for those of `resident_ids` (the
/// residents with a page open on this instance) it reached: each one's new message with
/// their unread count. Two queries per five thousand residents, however many were reached.
pub async fn messages_for(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    resident_ids: &[ResidentId],
) -> Result<Vec<domain::notification::Push>, AppError> {
    use domain::notification::{Push, PushEvent};

    /// A message of the campaign with its resident's unread count.
    #[derive(FromQueryResult)]
    struct Delivered {
        #[sea_orm(nested)]
        message: notification::Model,
        unread: i64,
    }

    let Some(sent_at) = find(db, campaign_id).await?.sent_at else {
        return Ok(Vec::new());
    };
    let other = Alias::new("unread_message");
    let unread = Query::select()
        .expr(Expr::col((other.clone(), notification::Column::Id)).count())
        .from_as(notification::Entity, other.clone())
        .and_where(
            Expr::col((other.clone(), notification::Column::ResidentId))
                .equals((notification::Entity, notification::Column::ResidentId)),
        )
        .and_where(Expr::col((other, notification::Column::ReadAt)).is_null())
        .to_owned();
    let mut pushes = Vec::with_capacity(resident_ids.len());
    for chunk in resident_ids.chunks(5000) {
        // Those the campaign reached, then their message. Two statements, each driven by its
        // list of ids, and no join for the planner to choose: statistics are stale right
        // after a batch is written (ANALYZE comes after the pushes), and a semi-join planned
        // on them took 3–10 s for 10 000 pages at a million residents.
        let reached: Vec<ResidentId> = recommendation::Entity::find()
            .select_only()
            .column(recommendation::Column::ResidentId)
            .filter(recommendation::Column::CampaignId.eq(campaign_id))
            .filter(recommendation::Column::ResidentId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        if reached.is_empty() {
            continue;
        }
        let delivered = notification::Entity::find()
            .column_as(
                Expr::SubQuery(None, Box::new(unread.clone().into())),
                "unread",
            )
            .filter(notification::Column::Kind.eq("recommendation"))
            .filter(notification::Column::CreatedAt.eq(sent_at))
            .filter(notification::Column::ResidentId.is_in(reached))
            .into_model::<Delivered>()
            .all(db)
            .await?;
        pushes.extend(
            delivered
                .into_iter()
                .map(|Delivered { message, unread }| Push {
                    resident_id: message.resident_id,
                    event: PushEvent::Notification {
                        notification: notifications::view(message),
                        unread,
                    },
                }),
        );
    }
    Ok(pushes)
}
