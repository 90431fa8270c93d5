//! Where a department works its bad reviews (差评整改): the list with deadlines, one case with
//! the rating behind it, the answer (on the spot, by a deadline, explained) or the appeal, and
//! a supervisor's decision on appeals and escalations. Every step is checked against role,
//! department and the rectification's state, written with a conditional UPDATE (a colleague's
//! step in between is a conflict), audited, and told to the resident.
use domain::ids::{ApplicationId, ApplicationNumber, StaffId};

use super::StaffActor;
use super::applications::locale_of;
use super::audit::{self, Target};
use super::entities::{
    application, department, escalation, rating, rectification, resident, service, staff,
};
use super::notifications::{self, NewNotification};
use super::ratings::working_days_after;
use super::workflow::required;
use chrono::{DateTime, NaiveDate, Utc};
use domain::deadline::china_date;
use domain::error::{AppError, ErrorCode};
use domain::notification::{Push, PushEvent};
use domain::personal::mask_in_text;
use domain::rating::Score;
use domain::rating_policy::RatingPolicy;
use domain::rectification::{
    Classification, Decision, RectificationCase, RectificationList, RectificationRow,
    RectificationStatus, is_overdue,
};
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use domain::validation::{FieldError, Problem};
use domain::working_days::WorkingCalendar;
use i18n::td_string;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// The most rows the list shows at once (overdue first, then by deadline).
pub const LIST_LIMIT: u64 = 200;

fn scoped<Q: QueryFilter>(query: Q, scope: Scope) -> Q {
    match scope.department() {
        Some(id) => query.filter(rectification::Column::DepartmentId.eq(id)),
        None => query,
    }
}

/// Waiting for the department's answer past its deadline (`domain::rectification::is_overdue`
/// in SQL).
pub(crate) fn overdue(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(rectification::Column::Status.eq(RectificationStatus::Open))
        .add(rectification::Column::DueAt.lt(now))
}

/// Open and overdue counts of the rectifications a member of staff sees (console home).
pub async fn counts(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<(u64, u64), AppError> {
    let Ok(scope) = actor.member.require(Permission::ViewRatings) else {
        return Ok((0, 0));
    };
    let waiting = [
        RectificationStatus::Open.as_str(),
        RectificationStatus::Appealed.as_str(),
        RectificationStatus::Escalated.as_str(),
    ];
    let open = scoped(rectification::Entity::find(), scope)
        .filter(rectification::Column::Status.is_in(waiting))
        .count(db)
        .await?;
    let overdue = scoped(rectification::Entity::find(), scope)
        .filter(overdue(now))
        .count(db)
        .await?;
    Ok((open, overdue))
}

/// The rectifications in scope, optionally of one status; overdue first, then by deadline.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    status: Option<RectificationStatus>,
    now: DateTime<Utc>,
) -> Result<RectificationList, AppError> {
    let scope = actor.member.require(Permission::ViewRatings)?;
    let mut counts = Vec::new();
    let grouped: Vec<(String, i64)> = scoped(rectification::Entity::find(), scope)
        .select_only()
        .column(rectification::Column::Status)
        .column_as(rectification::Column::Id.count(), "n")
        .group_by(rectification::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    for s in RectificationStatus::ALL {
        let n = grouped
            .iter()
            .find(|(g, _)| g == s.as_str())
            .map_or(0, |(_, n)| *n as u64);
        counts.push((s, n));
    }
    let overdue = scoped(rectification::Entity::find(), scope)
        .filter(overdue(now))
        .count(db)
        .await?;
    let mut query = scoped(rectification::Entity::find(), scope);
    query = match status {
        Some(s) => query.filter(rectification::Column::Status.eq(s)),
        // By default: everything still waiting for someone.
        None => query.filter(rectification::Column::Status.ne(RectificationStatus::Closed)),
    };
    let cases = query
        .order_by_asc(rectification::Column::DueAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    let ratings: HashMap<i64, rating::Model> = rating::Entity::find()
        .filter(rating::Column::Id.is_in(cases.iter().map(|c| c.rating_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    // Which application was rated tells who rated: supervisors only.
    let numbers: HashMap<ApplicationId, ApplicationNumber> =
        if actor.member.may(Permission::OverseeRatings) {
            application::Entity::find()
                .filter(application::Column::Id.is_in(ratings.values().map(|r| r.application_id)))
                .all(db)
                .await?
                .into_iter()
                .map(|a| (a.id, a.number))
                .collect()
        } else {
            HashMap::new()
        };
    let names = Names::load(
        db,
        cases.iter().map(|c| c.department_id),
        ratings.values().map(|r| r.service_id),
    )
    .await?;
    let mut rows: Vec<RectificationRow> = cases
        .iter()
        .filter_map(|c| {
            let r = ratings.get(&c.rating_id)?;
            let status = c.status;
            Some(RectificationRow {
                id: c.id,
                status,
                application_number: numbers.get(&r.application_id).cloned(),
                department: names.department(c.department_id),
                service: names.service(r.service_id),
                score: Score::from_stored(r.score),
                tags: r.tags.0.clone(),
                due_at: c.due_at,
                overdue: is_overdue(status, c.due_at, now),
                created_at: c.created_at,
            })
        })
        .collect();
    // Overdue ones first; the order by deadline stays within each group.
    rows.sort_by_key(|r| !r.overdue);
    Ok(RectificationList {
        rows,
        counts,
        overdue,
        status,
    })
}

struct Names {
    departments: HashMap<i64, LocalizedText>,
    services: HashMap<i64, LocalizedText>,
}

impl Names {
    async fn load(
        db: &impl ConnectionTrait,
        departments: impl IntoIterator<Item = i64>,
        services: impl IntoIterator<Item = i64>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            departments: department::Entity::find()
                .filter(department::Column::Id.is_in(departments))
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, LocalizedText::new(d.name, d.name_en)))
                .collect(),
            services: service::Entity::find()
                .filter(service::Column::Id.is_in(services))
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
                .collect(),
        })
    }

    fn department(&self, id: i64) -> LocalizedText {
        self.departments.get(&id).cloned().unwrap_or_default()
    }

    fn service(&self, id: i64) -> LocalizedText {
        self.services.get(&id).cloned().unwrap_or_default()
    }
}

/// The rectification `id` with its rating, if the actor's scope covers its department.
async fn find_in_scope(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: i64,
) -> Result<(rectification::Model, rating::Model, application::Model), AppError> {
    let case = rectification::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| scope.covers(c.department_id))
        .ok_or_else(AppError::not_found)?;
    let r = rating::Entity::find_by_id(case.rating_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let app = application::Entity::find_by_id(r.application_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((case, r, app))
}

/// One rectification as staff work it. The rater's name is shown to supervisors only; every
/// read is audited.
pub async fn view(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<RectificationCase, AppError> {
    let scope = actor.member.require(Permission::ViewRatings)?;
    let (case, r, app) = find_in_scope(db, scope, id).await?;
    let oversees = actor.member.may(Permission::OverseeRatings);
    let rater = if oversees {
        resident::Entity::find_by_id(r.resident_id)
            .one(db)
            .await?
            .map(|p| p.name)
    } else {
        None
    };
    let staff_names: HashMap<StaffId, String> = staff::Entity::find()
        .filter(
            staff::Column::Id.is_in(
                [r.staff_id, case.answered_by_staff_id]
                    .into_iter()
                    .flatten(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let names = Names::load(db, [case.department_id], [r.service_id]).await?;
    let status = case.status;
    let instruction = escalation::Entity::find()
        .filter(escalation::Column::RectificationId.eq(case.id))
        .order_by_desc(escalation::Column::Id)
        .one(db)
        .await?
        .map(|e| e.instruction);
    let answers = actor.member.may(Permission::AnswerRectification);
    audit::record(
        db,
        actor,
        "rectification.view",
        Target::Application {
            id: app.id,
            resident_id: app.resident_id,
        },
        None,
        now,
    )
    .await?;
    Ok(RectificationCase {
        id: case.id,
        status,
        application_number: oversees.then_some(app.number),
        department: names.department(case.department_id),
        service: names.service(r.service_id),
        handled_by: r.staff_id.and_then(|s| staff_names.get(&s).cloned()),
        score: Score::from_stored(r.score),
        indicators: r.indicators.clone(),
        tags: r.tags.0.clone(),
        // What a resident wrote may name them: their numbers stay masked for staff.
        comment: r.comment.as_deref().map(mask_in_text),
        rated_at: r.created_at,
        rater,
        due_at: case.due_at,
        overdue: is_overdue(status, case.due_at, now),
        classification: case.classification,
        answer: case.answer.clone(),
        answered_by: case
            .answered_by_staff_id
            .and_then(|s| staff_names.get(&s).cloned()),
        answered_at: case.answered_at,
        fix_due_on: case.fix_due_on,
        appeal_due_at: case.appeal_due_at,
        appeal_reason: case.appeal_reason.clone(),
        appeal_status: case.appeal_status.clone(),
        appeal_note: case.appeal_note.clone(),
        feedback: case.resident_feedback,
        resident_comment: case.resident_comment.as_deref().map(mask_in_text),
        feedback_due_at: case.feedback_due_at,
        resolution: case.resolution.clone(),
        instruction,
        excluded: r.excluded,
        closed_at: case.closed_at,
        can_answer: answers && status == RectificationStatus::Open,
        can_appeal: answers
            && status == RectificationStatus::Open
            && case.appeal_status.is_none()
            && case.appeal_due_at.is_some_and(|due| now <= due),
        can_decide: oversees
            && matches!(
                status,
                RectificationStatus::Appealed | RectificationStatus::Escalated
            ),
    })
}

/// What the department does with a bad review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Answer {
        classification: Classification,
        text: String,
        /// For `ByDeadline`: the date the fix is promised for.
        fix_due_on: Option<NaiveDate>,
    },
    Appeal {
        reason: String,
    },
}

/// The department answers (the resident is told and may re-rate) or appeals (a supervisor
/// decides; only within the appeal window and once).
pub async fn respond(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    policy: &RatingPolicy,
    actor: &StaffActor,
    id: i64,
    response: Response,
    now: DateTime<Utc>,
) -> Result<Vec<Push>, AppError> {
    let scope = actor.member.require(Permission::AnswerRectification)?;
    let txn = db.begin().await?;
    let (case, _, app) = find_in_scope(&txn, scope, id).await?;
    if case.status != RectificationStatus::Open {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let base = rectification::Entity::update_many()
        .col_expr(rectification::Column::AnsweredAt, Expr::value(now))
        .col_expr(
            rectification::Column::AnsweredByStaffId,
            Expr::value(actor.member.id),
        )
        .filter(rectification::Column::Id.eq(case.id))
        .filter(rectification::Column::Status.eq(RectificationStatus::Open));
    let (update, action, reason, notify) = match response {
        Response::Answer {
            classification,
            text,
            fix_due_on,
        } => {
            let mut errors = Vec::new();
            if classification == Classification::Appealed {
                errors.push(FieldError::new("classification", Problem::NotAnOption));
            }
            let text = match required("answer", &text) {
                Ok(text) => Some(text),
                Err(e) => {
                    errors.extend(e.errors);
                    None
                }
            };
            let fix_due_on = match (classification, fix_due_on) {
                (Classification::ByDeadline, None) => {
                    errors.push(FieldError::new("fix_due_on", Problem::Required));
                    None
                }
                (Classification::ByDeadline, Some(day)) if day < china_date(now) => {
                    errors.push(FieldError::new("fix_due_on", Problem::InvalidDate));
                    None
                }
                (Classification::ByDeadline, day) => day,
                _ => None,
            };
            let Some(text) = text.filter(|_| errors.is_empty()) else {
                return Err(AppError::invalid(errors));
            };
            let update = base
                .col_expr(
                    rectification::Column::Status,
                    Expr::value(RectificationStatus::Answered),
                )
                .col_expr(
                    rectification::Column::Classification,
                    Expr::value(classification.as_str()),
                )
                .col_expr(rectification::Column::Answer, Expr::value(text.clone()))
                .col_expr(rectification::Column::FixDueOn, Expr::value(fix_due_on))
                .col_expr(
                    rectification::Column::FeedbackDueAt,
                    Expr::value(working_days_after(calendar, now, policy.feedback_days)),
                );
            (update, "rectification.answer", text, true)
        }
        Response::Appeal { reason } => {
            let reason = required("reason", &reason)?;
            if case.appeal_status.is_some() {
                return Err(AppError::new(ErrorCode::InvalidStateChange));
            }
            if case.appeal_due_at.is_none_or(|due| now > due) {
                return Err(AppError::new(ErrorCode::WindowClosed));
            }
            let update = base
                .col_expr(
                    rectification::Column::Status,
                    Expr::value(RectificationStatus::Appealed),
                )
                .col_expr(
                    rectification::Column::Classification,
                    Expr::value(Classification::Appealed.as_str()),
                )
                .col_expr(rectification::Column::AppealStatus, Expr::value("pending"))
                .col_expr(
                    rectification::Column::AppealReason,
                    Expr::value(reason.clone()),
                );
            (update, "rectification.appeal", reason, false)
        }
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    // A supervisor's instruction on this case is met by the department's response.
    escalation::Entity::update_many()
        .col_expr(escalation::Column::Status, Expr::value("resolved"))
        .col_expr(escalation::Column::ResolvedAt, Expr::value(now))
        .filter(escalation::Column::RectificationId.eq(case.id))
        .filter(escalation::Column::Status.eq("open"))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        action,
        Target::Application {
            id: app.id,
            resident_id: app.resident_id,
        },
        Some(&reason),
        now,
    )
    .await?;
    let pushes = if notify {
        tell_resident(&txn, &app, Told::Answered, now).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    Ok(pushes)
}

enum Told {
    Answered,
    Resolved,
    Excluded,
}

/// A message to the resident about their bad review, and a live reload of the page.
async fn tell_resident(
    db: &impl ConnectionTrait,
    app: &application::Model,
    told: Told,
    now: DateTime<Utc>,
) -> Result<Vec<Push>, AppError> {
    let person = resident::Entity::find_by_id(app.resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let locale = locale_of(&person);
    let (title, body) = match told {
        Told::Answered => (
            td_string!(locale, ratings.answered_title),
            td_string!(locale, ratings.answered_body),
        ),
        Told::Resolved => (
            td_string!(locale, ratings.resolved_title),
            td_string!(locale, ratings.resolved_body),
        ),
        Told::Excluded => (
            td_string!(locale, ratings.excluded_title),
            td_string!(locale, ratings.excluded_body),
        ),
    };
    let push = notifications::create(
        db,
        NewNotification {
            resident_id: app.resident_id,
            kind: "rectification",
            title: title.to_owned(),
            body: body.replace("$number", app.number.as_str()),
            link: Some(format!("/me/applications/{}#rating", app.number)),
        },
        now,
    )
    .await?;
    Ok(vec![
        push,
        Push {
            resident_id: app.resident_id,
            event: PushEvent::ApplicationUpdated {
                number: app.number.clone(),
            },
        },
    ])
}

/// A supervisor decides an appeal (uphold: the rating leaves the figures and the case closes;
/// reject: the department must answer) or an escalation (resolve and close; or return to the
/// department with an instruction and a new deadline). The note is required.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    policy: &RatingPolicy,
    actor: &StaffActor,
    id: i64,
    decision: Decision,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Push>, AppError> {
    let scope = actor.member.require(Permission::OverseeRatings)?;
    let note = required("note", note)?;
    let txn = db.begin().await?;
    let (case, r, app) = find_in_scope(&txn, scope, id).await?;
    let (from, to) = decision.transition();
    if case.status != from {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let mut update = rectification::Entity::update_many()
        .col_expr(rectification::Column::Status, Expr::value(to))
        .filter(rectification::Column::Id.eq(case.id))
        .filter(rectification::Column::Status.eq(from));
    if to == RectificationStatus::Closed {
        update = update.col_expr(rectification::Column::ClosedAt, Expr::value(now));
    }
    let told = match decision {
        Decision::Uphold | Decision::Reject => {
            let upheld = decision == Decision::Uphold;
            update = update
                .col_expr(
                    rectification::Column::AppealStatus,
                    Expr::value(if upheld { "upheld" } else { "rejected" }),
                )
                .col_expr(
                    rectification::Column::AppealDecidedByStaffId,
                    Expr::value(actor.member.id),
                )
                .col_expr(rectification::Column::AppealNote, Expr::value(note.clone()));
            if !upheld {
                // The department still owes an answer, by the original deadline.
                update = update
                    .col_expr(
                        rectification::Column::Classification,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(
                        rectification::Column::AnsweredAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    );
            }
            upheld.then_some(Told::Excluded)
        }
        Decision::Resolve => {
            update = update
                .col_expr(rectification::Column::Resolution, Expr::value(note.clone()))
                .col_expr(
                    rectification::Column::ResolvedByStaffId,
                    Expr::value(actor.member.id),
                );
            Some(Told::Resolved)
        }
        Decision::Return => {
            // 督办: the instruction goes to the department with a new deadline.
            let due = working_days_after(calendar, now, policy.rectification_days);
            update = update
                .col_expr(rectification::Column::DueAt, Expr::value(due))
                .col_expr(
                    rectification::Column::AnsweredAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                );
            escalation::ActiveModel {
                application_id: Set(Some(app.id)),
                rectification_id: Set(Some(case.id)),
                department_id: Set(case.department_id),
                supervisor_staff_id: Set(actor.member.id),
                instruction: Set(note.clone()),
                due_at: Set(due),
                status: Set("open".to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            None
        }
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    if decision == Decision::Uphold {
        rating::Entity::update_many()
            .col_expr(rating::Column::Excluded, Expr::value(true))
            .filter(rating::Column::Id.eq(r.id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        &format!("rectification.{}", decision.as_str()),
        Target::Application {
            id: app.id,
            resident_id: app.resident_id,
        },
        Some(&note),
        now,
    )
    .await?;
    let pushes = match told {
        Some(told) => tell_resident(&txn, &app, told, now).await?,
        None => Vec::new(),
    };
    txn.commit().await?;
    Ok(pushes)
}
