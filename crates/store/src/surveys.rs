//! 满意度调查: building, scheduling, opening, closing and reading surveys (staff with
//! `ManageSurveys`: a department head their department's, a supervisor all), and answering
//! them (residents in the audience, once each).
//!
//! Opening is safe on several server instances at once: each due survey moves from
//! `scheduled` to `open` with a conditional UPDATE, and only the instance whose UPDATE took
//! the row writes the invitations, one per audience resident who accepts proactive messages
//! (`resident.notify_consent`), with one INSERT … SELECT in the same transaction.
//!
//! The audience is a condition on `resident`: everyone, residents with an application (its
//! task) for the service submitted within the period, or a saved segment's rule compiled by
//! [`super::rules`]. Its size is a COUNT over it. The results break the responses down by
//! the respondents' district and age band ([`domain::survey::breakdown`]).
use domain::ids::ResidentId;

use super::StaffActor;
use super::entities::{
    application, department, resident, segment, service, staff, survey, survey_response, task,
};
use super::json;
use super::rules;
use super::segments::{self, Regions};
use chrono::{DateTime, NaiveDate, Utc};
use domain::error::{AppError, ErrorCode};
use domain::rule::{age_on, china_today};
use domain::segment::AgeBand;
use domain::staff::{Permission, Scope};
use domain::survey::{
    Answers, Audience, Group, GroupFigures, Question, ResidentSurvey, ResidentSurveyItem, Schedule,
    SurveyDraft, SurveyEditor, SurveyListItem, SurveyRecord, SurveyResults, SurveyStatus,
    aggregate, breakdown, check_answers, period_bounds,
};
use domain::text::LocalizedText;
use domain::validation::{FieldError, Problem};
use i18n::{Locale, td_string};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------
// Reading

fn internal(what: &str, detail: impl std::fmt::Display) -> AppError {
    tracing::error!(what, %detail, "stored survey does not read");
    AppError::new(ErrorCode::Internal)
}

fn questions_of(model: &survey::Model) -> Result<Vec<Question>, AppError> {
    json::read(model.questions.clone(), "survey.questions")
}

/// The stored audience, with the service's code (for a service-users audience).
fn audience_of(model: &survey::Model, service_code: Option<&str>) -> Result<Audience, AppError> {
    match model.audience.as_str() {
        "everyone" => Ok(Audience::Everyone),
        "service_users" => Ok(Audience::ServiceUsers {
            service: service_code.unwrap_or_default().to_owned(),
            from: model.period_from,
            to: model.period_to,
        }),
        "segment" => Ok(Audience::Segment {
            segment: model.segment_id.unwrap_or_default(),
        }),
        other => Err(internal("audience", other)),
    }
}

/// The residents a survey reaches at `now`, as a condition on `resident`.
async fn audience_condition(
    db: &impl ConnectionTrait,
    model: &survey::Model,
    now: DateTime<Utc>,
) -> Result<Condition, AppError> {
    match model.audience.as_str() {
        "everyone" => Ok(Condition::all()),
        "segment" => {
            let Some(segment_id) = model.segment_id else {
                return Err(internal("audience", "segment without segment_id"));
            };
            let rule = segments::rule(db, segment_id).await?;
            Ok(Condition::all().add(rules::condition(&rule, now)))
        }
        "service_users" => {
            let (Some(service_id), Some(from), Some(to)) =
                (model.service_id, model.period_from, model.period_to)
            else {
                return Err(internal(
                    "audience",
                    "service_users without service or period",
                ));
            };
            let (start, end) = period_bounds(from, to);
            let users = Query::select()
                .column((application::Entity, application::Column::ResidentId))
                .from(application::Entity)
                .inner_join(
                    task::Entity,
                    Expr::col((task::Entity, task::Column::ApplicationId))
                        .equals((application::Entity, application::Column::Id)),
                )
                .and_where(Expr::col((task::Entity, task::Column::ServiceId)).eq(service_id))
                .and_where(
                    Expr::col((application::Entity, application::Column::SubmittedAt)).gte(start),
                )
                .and_where(
                    Expr::col((application::Entity, application::Column::SubmittedAt)).lt(end),
                )
                .to_owned();
            Ok(Condition::all().add(resident::Column::Id.in_subquery(users)))
        }
        other => Err(internal("audience", other)),
    }
}

/// How many residents the survey reaches now.
async fn audience_size(
    db: &impl ConnectionTrait,
    model: &survey::Model,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let count = resident::Entity::find()
        .filter(audience_condition(db, model, now).await?)
        .count(db)
        .await?;
    Ok(count as i64)
}

async fn is_in_audience(
    db: &impl ConnectionTrait,
    model: &survey::Model,
    resident_id: ResidentId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let count = resident::Entity::find()
        .filter(resident::Column::Id.eq(resident_id))
        .filter(audience_condition(db, model, now).await?)
        .count(db)
        .await?;
    Ok(count > 0)
}

async fn record(
    db: &impl ConnectionTrait,
    model: survey::Model,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let service = match model.service_id {
        Some(id) => service::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let department = match model.department_id {
        Some(id) => department::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let segment_name = match model.segment_id {
        Some(id) => segment::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|s| s.name),
        None => None,
    };
    let created_by = staff::Entity::find_by_id(model.created_by_staff_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let audience = audience_of(&model, service.as_ref().map(|s| s.code.as_str()))?;
    Ok(SurveyRecord {
        id: model.id,
        draft: SurveyDraft {
            title: model.title.clone(),
            description: model.description.clone(),
            questions: questions_of(&model)?,
            audience: Some(audience),
        },
        status: model.status.effective(model.closes_at, now),
        service_name: service.map(|s| LocalizedText::new(s.name, s.name_en)),
        segment_name,
        department: department.map(|d| LocalizedText::new(d.name, d.name_en)),
        created_by,
        scheduled_at: model.scheduled_at,
        closes_at: model.closes_at,
        created_at: model.created_at,
    })
}

/// The survey, if the scope covers it; another department's is "not found".
async fn scoped(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: i64,
) -> Result<survey::Model, AppError> {
    let model = survey::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    match scope.department() {
        Some(department) if model.department_id != Some(department) => Err(AppError::not_found()),
        _ => Ok(model),
    }
}

/// Every survey the member of staff may manage, newest first, with its response count.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<Vec<SurveyListItem>, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let mut select = survey::Entity::find()
        .order_by_desc(survey::Column::CreatedAt)
        .order_by_desc(survey::Column::Id);
    if let Some(department) = scope.department() {
        select = select.filter(survey::Column::DepartmentId.eq(department));
    }
    let rows = select.all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let counts: HashMap<i64, i64> = survey_response::Entity::find()
        .select_only()
        .column(survey_response::Column::SurveyId)
        .column_as(survey_response::Column::Id.count(), "responses")
        .filter(survey_response::Column::SurveyId.is_in(ids))
        .group_by(survey_response::Column::SurveyId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(rows.iter().filter_map(|s| s.service_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let segment_names: HashMap<i64, String> = segment::Entity::find()
        .select_only()
        .column(segment::Column::Id)
        .column(segment::Column::Name)
        .filter(segment::Column::Id.is_in(rows.iter().filter_map(|s| s.segment_id)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let departments: HashMap<i64, department::Model> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    rows.into_iter()
        .map(|model| {
            let service = model.service_id.and_then(|id| services.get(&id));
            Ok(SurveyListItem {
                id: model.id,
                title: model.title.clone(),
                status: model.status.effective(model.closes_at, now),
                audience: audience_of(&model, service.map(|s| s.code.as_str()))?,
                service_name: service
                    .map(|s| LocalizedText::new(s.name.clone(), s.name_en.clone())),
                segment_name: model
                    .segment_id
                    .and_then(|id| segment_names.get(&id).cloned()),
                department: model
                    .department_id
                    .and_then(|id| departments.get(&id))
                    .map(|d| LocalizedText::new(d.name.clone(), d.name_en.clone())),
                scheduled_at: model.scheduled_at,
                closes_at: model.closes_at,
                created_at: model.created_at,
                responses: counts.get(&model.id).copied().unwrap_or(0),
            })
        })
        .collect()
}

/// One survey the member of staff may manage.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let model = scoped(db, scope, id).await?;
    record(db, model, now).await
}

/// The services whose users the member of staff may survey: their department's, or all.
async fn services_in(
    db: &impl ConnectionTrait,
    scope: Scope,
) -> Result<Vec<service::Model>, AppError> {
    let mut select = service::Entity::find()
        .order_by_asc(service::Column::SortOrder)
        .order_by_asc(service::Column::Code);
    if let Some(department) = scope.department() {
        select = select.filter(service::Column::DepartmentId.eq(department));
    }
    Ok(select.all(db).await?)
}

/// The builder: the stored survey (none for a new one) and the services to choose from.
pub async fn editor(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<SurveyEditor, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let record = match id {
        Some(id) => Some(record(db, scoped(db, scope, id).await?, now).await?),
        None => None,
    };
    let services = services_in(db, scope)
        .await?
        .into_iter()
        .map(|s| domain::console::Choice {
            value: s.code,
            label: LocalizedText::new(s.name, s.name_en),
        })
        .collect();
    let segments = segments::in_scope_named(db, scope)
        .await?
        .into_iter()
        .map(|(id, name)| domain::console::Choice {
            value: id.to_string(),
            label: LocalizedText::new(name, None),
        })
        .collect();
    Ok(SurveyEditor {
        record,
        services,
        segments,
    })
}

// ---------------------------------------------------------------------------------------
// Writing (staff)

/// The stored form of a valid draft's audience: (audience, service id, from, to). A service
/// outside the member's department, or unknown, is a field error.
struct StoredAudience {
    kind: &'static str,
    service_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    segment_id: Option<i64>,
}

/// Checks a draft and what it names; every problem at once.
async fn checked_draft(
    db: &impl ConnectionTrait,
    scope: Scope,
    draft: &SurveyDraft,
) -> Result<(SurveyDraft, StoredAudience), AppError> {
    let normalized = draft.normalized();
    let mut errors = normalized.problems();
    let mut stored = StoredAudience {
        kind: "everyone",
        service_id: None,
        from: None,
        to: None,
        segment_id: None,
    };
    if let Some(Audience::Segment { segment }) = &normalized.audience
        && *segment > 0
    {
        stored.kind = "segment";
        match segments::find_in_scope(db, scope, *segment).await {
            Ok(found) => stored.segment_id = Some(found.id),
            Err(err) if err.code == ErrorCode::NotFound => {
                errors.push(FieldError::new("audience.segment", Problem::NotAnOption));
            }
            Err(err) => return Err(err),
        }
    }
    if let Some(Audience::ServiceUsers { service, from, to }) = &normalized.audience {
        stored = StoredAudience {
            kind: "service_users",
            service_id: None,
            from: *from,
            to: *to,
            segment_id: None,
        };
        if !service.is_empty() {
            let found = service::Entity::find()
                .filter(service::Column::Code.eq(service.as_str()))
                .one(db)
                .await?
                .filter(|s| scope.covers(s.department_id));
            match found {
                Some(found) => stored.service_id = Some(found.id),
                None => errors.push(FieldError::new("audience.service", Problem::NotAnOption)),
            }
        }
    }
    if errors.is_empty() {
        Ok((normalized, stored))
    } else {
        Err(AppError::invalid(errors))
    }
}

/// Creates a survey as a draft; 422 with every field at fault, nothing stored.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    draft: &SurveyDraft,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let (draft, audience) = checked_draft(db, scope, draft).await?;
    let created = survey::ActiveModel {
        title: Set(draft.title.clone()),
        description: Set(draft.description.clone()),
        questions: Set(json::write(&draft.questions, "survey.questions")?),
        segment_id: Set(audience.segment_id),
        service_id: Set(audience.service_id),
        period_from: Set(audience.from),
        period_to: Set(audience.to),
        status: Set(SurveyStatus::Draft),
        scheduled_at: Set(None),
        created_by_staff_id: Set(actor.member.id),
        created_at: Set(now),
        department_id: Set(scope.department()),
        closes_at: Set(None),
        audience: Set(audience.kind.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    record(db, created, now).await
}

/// Replaces a draft's content. Only a draft changes: once scheduled it is 409
/// `invalid_state_change`.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    draft: &SurveyDraft,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let existing = scoped(db, scope, id).await?;
    if !existing.status.can_edit() {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    let (draft, audience) = checked_draft(db, scope, draft).await?;
    // Conditional: a colleague's scheduling in between wins.
    let updated = survey::Entity::update_many()
        .col_expr(survey::Column::Title, Expr::value(draft.title.clone()))
        .col_expr(
            survey::Column::Description,
            Expr::value(draft.description.clone()),
        )
        .col_expr(
            survey::Column::Questions,
            Expr::value(json::write(&draft.questions, "survey.questions")?),
        )
        .col_expr(survey::Column::ServiceId, Expr::value(audience.service_id))
        .col_expr(survey::Column::SegmentId, Expr::value(audience.segment_id))
        .col_expr(survey::Column::PeriodFrom, Expr::value(audience.from))
        .col_expr(survey::Column::PeriodTo, Expr::value(audience.to))
        .col_expr(survey::Column::Audience, Expr::value(audience.kind))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::Status.eq(SurveyStatus::Draft))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    get(db, actor, id, now).await
}

/// Schedules a draft (or moves a scheduled survey's time): it opens at `schedule.at` (now
/// when none or past) and closes by itself at `schedule.closes_at` if given. A survey due
/// now opens at once, its invitations written.
pub async fn schedule<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &StaffActor,
    id: i64,
    schedule: &Schedule,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let existing = scoped(db, scope, id).await?;
    if !existing.status.can_schedule() {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    let (at, closes_at) = schedule.resolve(now).map_err(AppError::invalid)?;
    let updated = survey::Entity::update_many()
        .col_expr(survey::Column::Status, Expr::value(SurveyStatus::Scheduled))
        .col_expr(survey::Column::ScheduledAt, Expr::value(at))
        .col_expr(survey::Column::ClosesAt, Expr::value(closes_at))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::Status.is_in([
            SurveyStatus::Draft.as_str(),
            SurveyStatus::Scheduled.as_str(),
        ]))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    if at <= now {
        open_one(db, id, now).await?;
    }
    get(db, actor, id, now).await
}

/// Closes an open survey (or calls off a scheduled one): nobody can answer any more.
pub async fn close(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<SurveyRecord, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let existing = scoped(db, scope, id).await?;
    if !existing.status.can_close() {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    let closes_at = match existing.closes_at {
        Some(at) if at <= now => at,
        _ => now,
    };
    let updated = survey::Entity::update_many()
        .col_expr(survey::Column::Status, Expr::value(SurveyStatus::Closed))
        .col_expr(survey::Column::ClosesAt, Expr::value(closes_at))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::Status.is_in([
            SurveyStatus::Scheduled.as_str(),
            SurveyStatus::Open.as_str(),
        ]))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::with_field(
            ErrorCode::InvalidStateChange,
            "status",
        ));
    }
    get(db, actor, id, now).await
}

/// The survey with its audience size, response count and each question's figures. The
/// responses of this one survey are read and added up here (JSON extraction in SQL differs
/// between the back ends); the audience is counted in SQL.
pub async fn results(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<SurveyResults, AppError> {
    let scope = actor.member.require(Permission::ManageSurveys)?;
    let model = scoped(db, scope, id).await?;
    let audience_size = audience_size(db, &model, now).await?;
    let rows: Vec<(serde_json::Value, DateTime<Utc>, i64, NaiveDate)> =
        survey_response::Entity::find()
            .select_only()
            .column(survey_response::Column::Answers)
            .column(survey_response::Column::CreatedAt)
            .column_as(
                Expr::col((resident::Entity, resident::Column::RegionId)),
                "region_id",
            )
            .column_as(
                Expr::col((resident::Entity, resident::Column::BirthDate)),
                "birth_date",
            )
            .join(
                sea_orm::JoinType::InnerJoin,
                survey_response::Entity::belongs_to(resident::Entity)
                    .from(survey_response::Column::ResidentId)
                    .to(resident::Column::Id)
                    .into(),
            )
            .filter(survey_response::Column::SurveyId.eq(id))
            .order_by_desc(survey_response::Column::CreatedAt)
            .order_by_desc(survey_response::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
    let mut responses: Vec<(Answers, DateTime<Utc>)> = Vec::with_capacity(rows.len());
    let mut respondents: Vec<(i64, NaiveDate)> = Vec::with_capacity(rows.len());
    for (json, at, region_id, birth) in rows {
        responses.push((json::read(json, "survey_response.answers")?, at));
        respondents.push((region_id, birth));
    }
    let questions = questions_of(&model)?;
    let figures = aggregate(&questions, &responses);
    let regions = segments::regions(db).await?;
    let (by_district, by_age_band) = groups(&questions, &responses, &respondents, &regions, now);
    Ok(SurveyResults {
        survey: record(db, model, now).await?,
        audience_size,
        responses: responses.len() as i64,
        questions: figures,
        by_district,
        by_age_band,
    })
}

/// The responses by the respondents' district and by their age band today.
fn groups(
    questions: &[Question],
    responses: &[(Answers, DateTime<Utc>)],
    respondents: &[(i64, NaiveDate)],
    regions: &Regions,
    now: DateTime<Utc>,
) -> (Vec<GroupFigures>, Vec<GroupFigures>) {
    let today = china_today(now);
    let answers = responses.iter().map(|(answers, _)| answers.clone());
    let in_district: Vec<(Answers, i64)> = answers
        .clone()
        .zip(respondents)
        .map(|(answers, (region, _))| (answers, regions.district_of(*region).unwrap_or(*region)))
        .collect();
    let in_band: Vec<(Answers, AgeBand)> = answers
        .zip(respondents)
        .map(|(answers, (_, birth))| (answers, AgeBand::of_age(age_on(*birth, today))))
        .collect();
    let by_district = breakdown(questions, &in_district, |id| Group::District {
        region_id: *id,
        name: regions.name(*id),
    });
    let mut by_age_band = breakdown(questions, &in_band, |band| Group::AgeBand { band: *band });
    by_age_band.sort_by_key(|row| match row.group {
        Group::AgeBand { band } => band,
        Group::District { .. } => AgeBand::Under18,
    });
    (by_district, by_age_band)
}

// ---------------------------------------------------------------------------------------
// Opening and the invitations

/// Writes one invitation per audience resident who accepts proactive messages, in their
/// language, with one INSERT … SELECT. Returns how many were written.
async fn fan_out(
    db: &impl ConnectionTrait,
    model: &survey::Model,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let text = |locale: Locale| {
        (
            td_string!(locale, surveys.notify_title).replace("$title", &model.title),
            td_string!(locale, surveys.notify_body).to_owned(),
        )
    };
    let (title_zh, body_zh) = text(Locale::zh_CN);
    let (title_en, body_en) = text(Locale::en);
    let english = || Expr::col((resident::Entity, resident::Column::Language)).eq("en");
    let select = Query::select()
        .column((resident::Entity, resident::Column::Id))
        .expr(Expr::val("survey"))
        .expr(Expr::case(english(), title_en).finally(title_zh))
        .expr(Expr::case(english(), body_en).finally(body_zh))
        .expr(Expr::val(format!("/me/surveys/{}", model.id)))
        .expr(Expr::val(now))
        .from(resident::Entity)
        .cond_where(
            audience_condition(db, model, now)
                .await?
                .add(resident::Column::NotifyConsent.eq(true)),
        )
        .to_owned();
    super::notifications::create_many(db, select).await
}

/// Opens one scheduled survey whose time came and writes its invitations, in one
/// transaction. False when another instance (or a close) got there first.
async fn open_one<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = db.begin().await?;
    let taken = survey::Entity::update_many()
        .col_expr(survey::Column::Status, Expr::value(SurveyStatus::Open))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::Status.eq(SurveyStatus::Scheduled))
        .filter(survey::Column::ScheduledAt.lte(now))
        .filter(
            Condition::any()
                .add(survey::Column::ClosesAt.is_null())
                .add(survey::Column::ClosesAt.gt(now)),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    if taken == 0 {
        return Ok(false);
    }
    let model = survey::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(AppError::not_found)?;
    let invited = fan_out(&txn, &model, now).await?;
    txn.commit().await?;
    tracing::info!(survey = id, invited, "survey opened");
    Ok(true)
}

/// The periodic job's part: closes surveys past their closing time, then opens every
/// scheduled survey whose time came (and writes its invitations). Returns how many this
/// call opened; several instances may run it at once, each survey opens once.
pub async fn open_due<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    survey::Entity::update_many()
        .col_expr(survey::Column::Status, Expr::value(SurveyStatus::Closed))
        .filter(survey::Column::Status.is_in([
            SurveyStatus::Scheduled.as_str(),
            SurveyStatus::Open.as_str(),
        ]))
        .filter(survey::Column::ClosesAt.lte(now))
        .exec(db)
        .await?;
    let due: Vec<i64> = survey::Entity::find()
        .select_only()
        .column(survey::Column::Id)
        .filter(survey::Column::Status.eq(SurveyStatus::Scheduled))
        .filter(survey::Column::ScheduledAt.lte(now))
        .order_by_asc(survey::Column::ScheduledAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut opened = 0;
    for id in due {
        if open_one(db, id, now).await? {
            opened += 1;
        }
    }
    Ok(opened)
}

// ---------------------------------------------------------------------------------------
// Residents

/// Open now: status open and not past its closing time.
fn open_now(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(survey::Column::Status.eq(SurveyStatus::Open))
        .add(
            Condition::any()
                .add(survey::Column::ClosesAt.is_null())
                .add(survey::Column::ClosesAt.gt(now)),
        )
}

/// The open surveys the resident is in the audience of and has not answered, newest first.
/// Two queries: the candidate surveys, then when the resident used their services (the
/// periods are matched here, as [`audience_condition`] does in SQL).
pub async fn open_for_resident(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    now: DateTime<Utc>,
) -> Result<Vec<ResidentSurveyItem>, AppError> {
    let answered = Query::select()
        .column(survey_response::Column::SurveyId)
        .from(survey_response::Entity)
        .and_where(Expr::col(survey_response::Column::ResidentId).eq(resident_id))
        .to_owned();
    let candidates = survey::Entity::find()
        .filter(open_now(now))
        .filter(survey::Column::Id.not_in_subquery(answered))
        .order_by_desc(survey::Column::ScheduledAt)
        .order_by_desc(survey::Column::Id)
        .all(db)
        .await?;
    let services: Vec<i64> = candidates.iter().filter_map(|s| s.service_id).collect();
    let uses: Vec<(i64, Option<DateTime<Utc>>)> = if services.is_empty() {
        Vec::new()
    } else {
        task::Entity::find()
            .select_only()
            .column(task::Column::ServiceId)
            .column(application::Column::SubmittedAt)
            .join(
                sea_orm::JoinType::InnerJoin,
                task::Entity::belongs_to(application::Entity)
                    .from(task::Column::ApplicationId)
                    .to(application::Column::Id)
                    .into(),
            )
            .filter(application::Column::ResidentId.eq(resident_id))
            .filter(application::Column::SubmittedAt.is_not_null())
            .filter(task::Column::ServiceId.is_in(services))
            .into_tuple()
            .all(db)
            .await?
    };
    let used = |service_id: i64, from: NaiveDate, to: NaiveDate| {
        let (start, end) = period_bounds(from, to);
        uses.iter()
            .any(|(id, at)| *id == service_id && at.is_some_and(|at| start <= at && at < end))
    };
    let mut items = Vec::new();
    for model in candidates {
        let reaches = match model.audience.as_str() {
            "everyone" => true,
            "service_users" => match (model.service_id, model.period_from, model.period_to) {
                (Some(id), Some(from), Some(to)) => used(id, from, to),
                _ => false,
            },
            "segment" => is_in_audience(db, &model, resident_id, now).await?,
            _ => false,
        };
        if reaches {
            items.push(ResidentSurveyItem {
                id: model.id,
                title: model.title.clone(),
                description: model.description.clone(),
                questions: questions_of(&model)?.len(),
                closes_at: model.closes_at,
            });
        }
    }
    Ok(items)
}

/// An open survey the resident is in the audience of; "not found" otherwise.
async fn answerable(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<survey::Model, AppError> {
    let model = survey::Entity::find_by_id(id)
        .filter(open_now(now))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    if is_in_audience(db, &model, resident_id, now).await? {
        Ok(model)
    } else {
        Err(AppError::not_found())
    }
}

async fn has_answered(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
) -> Result<bool, AppError> {
    let count = survey_response::Entity::find()
        .filter(survey_response::Column::SurveyId.eq(id))
        .filter(survey_response::Column::ResidentId.eq(resident_id))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// One open survey for the resident to answer (or to see they answered it).
pub async fn for_resident(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<ResidentSurvey, AppError> {
    let model = answerable(db, resident_id, id, now).await?;
    Ok(ResidentSurvey {
        id: model.id,
        questions: questions_of(&model)?,
        answered: has_answered(db, resident_id, id).await?,
        title: model.title,
        description: model.description,
        closes_at: model.closes_at,
    })
}

/// "You have answered this survey already": 409 `conflict` on the field `survey`.
pub fn already_answered() -> AppError {
    AppError::with_field(ErrorCode::Conflict, "survey")
}

/// Whether an error is [`already_answered`].
pub fn is_already_answered(error: &AppError) -> bool {
    error.code == ErrorCode::Conflict && error.field.as_deref() == Some("survey")
}

fn duplicate_as_answered(err: DbErr) -> AppError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        already_answered()
    } else {
        err.into()
    }
}

/// Stores the resident's answers: 404 when the survey is not open to them, 422 with a
/// problem per question, [`already_answered`] for a second response (the unique index
/// decides between two at once); nothing changes on any error.
pub async fn respond(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: i64,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let model = answerable(db, resident_id, id, now).await?;
    if has_answered(db, resident_id, id).await? {
        return Err(already_answered());
    }
    let checked = check_answers(&questions_of(&model)?, answers).map_err(AppError::invalid)?;
    survey_response::ActiveModel {
        survey_id: Set(id),
        resident_id: Set(resident_id),
        answers: Set(json::write(&checked, "survey_response.answers")?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(duplicate_as_answered)?;
    Ok(())
}
