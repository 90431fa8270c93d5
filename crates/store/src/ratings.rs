//! Where a rating is stored: the invitation when a task is decided, the resident's one rating
//! of each decided task (一事一评) inside its window, the rectification a bad review opens, and
//! the resident's re-rating of the department's answer.
use domain::ids::{ApplicationNumber, ResidentId, TaskId};

use super::applications::{locale_of, visible_application};
use super::entities::{application, department, rating, rectification, resident, service, task};
use super::notifications::{self, NewNotification};
use chrono::{DateTime, Utc};
use domain::application::ApplicationStatus;
use domain::deadline::{china_date, due_on, end_of_china_day};
use domain::error::{AppError, ErrorCode};
use domain::notification::{Push, PushEvent};
use domain::rating::{
    RatingDraft, RatingPrompt, RatingState, RatingTags, RatingView, Score, rating_closes_at,
};
use domain::rating_policy::RatingPolicy;
use domain::rectification::{
    Classification, Feedback, MAX_TEXT, RectificationForResident, RectificationStatus,
};
use domain::text::LocalizedText;
use domain::validation::{FieldError, Problem, too_long};
use domain::working_days::WorkingCalendar;
use i18n::{Locale, td_string};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr, TransactionTrait,
};
use std::collections::HashMap;

/// A task can be rated once it is decided: completed (the result handed over) or rejected.
fn is_rateable(status: ApplicationStatus) -> bool {
    matches!(
        status,
        ApplicationStatus::Completed | ApplicationStatus::Rejected
    )
}

/// When the task was decided, for its rating window.
fn decided_at(task: &task::Model) -> DateTime<Utc> {
    task.completed_at
        .or(task.decided_at)
        .unwrap_or(task.updated_at)
}

/// The end of the `days`-th working day after `at` (China time).
pub fn working_days_after(
    calendar: &WorkingCalendar,
    at: DateTime<Utc>,
    days: u32,
) -> DateTime<Utc> {
    end_of_china_day(due_on(calendar, china_date(at), days, 0))
}

/// The invitation to rate a task just decided: a message in the inbox (the application page
/// shows the prompt itself).
pub(crate) async fn invite(
    db: &impl ConnectionTrait,
    app: &application::Model,
    the_task: &task::Model,
    now: DateTime<Utc>,
) -> Result<Push, AppError> {
    let person = resident::Entity::find_by_id(app.resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let locale = locale_of(&person);
    let service_name = service::Entity::find_by_id(the_task.service_id)
        .one(db)
        .await?
        .map(|s| LocalizedText::new(s.name, s.name_en))
        .unwrap_or_default();
    notifications::create(
        db,
        NewNotification {
            resident_id: app.resident_id,
            kind: "rating_invitation",
            title: td_string!(locale, ratings.invitation_title).to_owned(),
            body: td_string!(locale, ratings.invitation_body)
                .replace("$service", service_name.pick(locale == Locale::en))
                .replace("$number", app.number.as_str()),
            link: Some(format!("/me/applications/{}#rating", app.number)),
        },
        now,
    )
    .await
}

fn view_of(
    model: &rating::Model,
    rectification: Option<&rectification::Model>,
    now: DateTime<Utc>,
) -> RatingView {
    RatingView {
        id: model.id,
        score: Score::from_stored(model.score),
        indicators: model.indicators.clone(),
        tags: model.tags.0.clone(),
        comment: model.comment.clone(),
        created_at: model.created_at,
        rectification: rectification.map(|r| for_resident(r, now)),
    }
}

fn for_resident(r: &rectification::Model, now: DateTime<Utc>) -> RectificationForResident {
    let status = r.status;
    // An appeal's reason stays among staff: the resident sees that a decision is pending.
    let answered = r.answer.is_some() && r.classification != Some(Classification::Appealed);
    RectificationForResident {
        id: r.id,
        status,
        due_at: r.due_at,
        classification: answered.then_some(r.classification).flatten(),
        answer: answered.then(|| r.answer.clone()).flatten(),
        answered_at: answered.then_some(r.answered_at).flatten(),
        fix_due_on: r.fix_due_on,
        feedback: r.resident_feedback,
        resident_comment: r.resident_comment.clone(),
        feedback_due_at: r.feedback_due_at,
        resolution: r.resolution.clone(),
        can_give_feedback: status == RectificationStatus::Answered
            && r.feedback_due_at.is_some_and(|due| now <= due),
    }
}

/// The rating prompts of an application the resident can see: one per decided task.
pub async fn prompts(
    db: &impl ConnectionTrait,
    calendar: &WorkingCalendar,
    policy: &RatingPolicy,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    now: DateTime<Utc>,
) -> Result<Vec<RatingPrompt>, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let tasks: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|t| is_rateable(t.status))
        .collect();
    if tasks.is_empty() {
        return Ok(Vec::new());
    }
    let ratings: HashMap<TaskId, rating::Model> = rating::Entity::find()
        .filter(rating::Column::ApplicationId.eq(app.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.task_id.map(|t| (t, r)))
        .collect();
    let rectifications: HashMap<i64, rectification::Model> = rectification::Entity::find()
        .filter(rectification::Column::RatingId.is_in(ratings.values().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.rating_id, r))
        .collect();
    let names = names(db, &tasks).await?;
    Ok(tasks
        .iter()
        .map(|t| {
            let state = match ratings.get(&t.id) {
                Some(r) => RatingState::Rated {
                    rating: view_of(r, rectifications.get(&r.id), now),
                },
                None => {
                    let closes_at =
                        rating_closes_at(calendar, decided_at(t), policy.rating_window_days);
                    if now <= closes_at {
                        RatingState::Invited { closes_at }
                    } else {
                        RatingState::Lapsed
                    }
                }
            };
            let (department, service) = names.get(&t.id).cloned().unwrap_or_default();
            RatingPrompt {
                task_id: t.id,
                department,
                service,
                state,
            }
        })
        .collect())
}

/// Department and service names of tasks, by task id.
async fn names(
    db: &impl ConnectionTrait,
    tasks: &[task::Model],
) -> Result<HashMap<TaskId, (LocalizedText, LocalizedText)>, AppError> {
    let departments: HashMap<i64, LocalizedText> = department::Entity::find()
        .filter(department::Column::Id.is_in(tasks.iter().map(|t| t.department_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, LocalizedText::new(d.name, d.name_en)))
        .collect();
    let services: HashMap<i64, LocalizedText> = service::Entity::find()
        .filter(service::Column::Id.is_in(tasks.iter().map(|t| t.service_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
        .collect();
    Ok(tasks
        .iter()
        .map(|t| {
            (
                t.id,
                (
                    departments
                        .get(&t.department_id)
                        .cloned()
                        .unwrap_or_default(),
                    services.get(&t.service_id).cloned().unwrap_or_default(),
                ),
            )
        })
        .collect())
}

/// What rating changed, for the caller to push after the commit.
#[derive(Debug)]
pub struct Rated {
    pub rating: RatingView,
    pub pushes: Vec<Push>,
}

/// The resident rates one decided task of an application, once, inside the window. A bad
/// review (1 or 2) opens a rectification for the task's department in the same transaction.
pub async fn rate(
    db: &sea_orm::DatabaseConnection,
    calendar: &WorkingCalendar,
    policy: &RatingPolicy,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    draft: RatingDraft,
    now: DateTime<Utc>,
) -> Result<Rated, AppError> {
    let valid = draft.validate()?;
    let txn = db.begin().await?;
    let app = visible_application(&txn, resident_id, number).await?;
    let tasks = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id)
        .all(&txn)
        .await?;
    let rateable: Vec<&task::Model> = tasks.iter().filter(|t| is_rateable(t.status)).collect();
    let the_task = match draft.task_id {
        Some(id) => tasks
            .iter()
            .find(|t| t.id == id && is_rateable(t.status))
            .ok_or_else(|| AppError::new(ErrorCode::InvalidStateChange))?,
        None => match rateable.as_slice() {
            [only] => *only,
            [] => return Err(AppError::new(ErrorCode::InvalidStateChange)),
            _ => return Err(AppError::with_field(ErrorCode::InvalidParameter, "task_id")),
        },
    };
    if now > rating_closes_at(calendar, decided_at(the_task), policy.rating_window_days) {
        return Err(AppError::new(ErrorCode::WindowClosed));
    }
    let already = rating::Entity::find()
        .filter(rating::Column::ApplicationId.eq(app.id))
        .filter(rating::Column::TaskId.eq(the_task.id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(AppError::new(ErrorCode::AlreadyRated));
    }
    let inserted = rating::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(Some(the_task.id)),
        resident_id: Set(resident_id),
        department_id: Set(the_task.department_id),
        service_id: Set(the_task.service_id),
        staff_id: Set(the_task.assigned_staff_id),
        score: Set(i16::from(valid.score.value())),
        indicators: Set(valid.indicators.clone()),
        tags: Set(RatingTags(valid.tags.clone())),
        comment: Set(valid.comment.clone()),
        excluded: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Ok(model) => model,
        // Two submissions at once: the unique index lets one through.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::new(ErrorCode::AlreadyRated));
        }
        Err(e) => return Err(e.into()),
    };
    let rectification = if valid.score.is_bad() {
        Some(
            rectification::ActiveModel {
                rating_id: Set(model.id),
                department_id: Set(the_task.department_id),
                status: Set(RectificationStatus::Open),
                due_at: Set(working_days_after(calendar, now, policy.rectification_days)),
                appeal_due_at: Set(Some(working_days_after(calendar, now, policy.appeal_days))),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        )
    } else {
        None
    };
    txn.commit().await?;
    tracing::info!(
        application = %app.number,
        task = %the_task.id,
        score = valid.score.value(),
        bad = valid.score.is_bad(),
        "rated"
    );
    Ok(Rated {
        rating: view_of(&model, rectification.as_ref(), now),
        pushes: updated(&app),
    })
}

fn updated(app: &application::Model) -> Vec<Push> {
    let mut residents = vec![app.resident_id];
    residents.extend(
        app.submitted_by_resident_id
            .filter(|p| *p != app.resident_id),
    );
    residents
        .into_iter()
        .map(|resident_id| Push {
            resident_id,
            event: PushEvent::ApplicationUpdated {
                number: app.number.clone(),
            },
        })
        .collect()
}

/// The resident's re-rating of the department's answer (满意 / 基本满意 / 不满意), within the
/// feedback window. 不满意 escalates the rectification to a supervisor; the others close it.
pub async fn give_feedback(
    db: &sea_orm::DatabaseConnection,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    feedback: Option<&str>,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Push>, AppError> {
    let Some(feedback) = feedback.and_then(Feedback::parse) else {
        let problem = if feedback.is_some_and(|f| !f.is_empty()) {
            Problem::NotAnOption
        } else {
            Problem::Required
        };
        return Err(AppError::invalid(vec![FieldError::new(
            "feedback", problem,
        )]));
    };
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| too_long(c, MAX_TEXT)) {
        return Err(AppError::invalid(vec![FieldError::new(
            "comment",
            Problem::TooLong { max: MAX_TEXT },
        )]));
    }
    let txn = db.begin().await?;
    let app = visible_application(&txn, resident_id, number).await?;
    let case = rectification::Entity::find()
        .inner_join(rating::Entity)
        .filter(rating::Column::ApplicationId.eq(app.id))
        .filter(rectification::Column::Status.eq(RectificationStatus::Answered))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::InvalidStateChange))?;
    if case.feedback_due_at.is_some_and(|due| now > due) {
        return Err(AppError::new(ErrorCode::WindowClosed));
    }
    let next = feedback.next_status();
    let mut update = rectification::Entity::update_many()
        .col_expr(rectification::Column::Status, Expr::value(next))
        .col_expr(
            rectification::Column::ResidentFeedback,
            Expr::value(feedback.as_str()),
        )
        .col_expr(
            rectification::Column::ResidentComment,
            Expr::value(comment.map(str::to_owned)),
        )
        .filter(rectification::Column::Id.eq(case.id))
        .filter(rectification::Column::Status.eq(RectificationStatus::Answered));
    update = match next {
        RectificationStatus::Closed => {
            update.col_expr(rectification::Column::ClosedAt, Expr::value(now))
        }
        _ => update.col_expr(rectification::Column::EscalatedAt, Expr::value(now)),
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    txn.commit().await?;
    tracing::info!(application = %app.number, rectification = case.id, feedback = feedback.as_str(), "rectification re-rated");
    Ok(updated(&app))
}

/// Closes answered rectifications whose feedback window passed in silence. Safe on several
/// instances at once: one conditional UPDATE.
pub async fn close_lapsed(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    let result = rectification::Entity::update_many()
        .col_expr(
            rectification::Column::Status,
            Expr::value(RectificationStatus::Closed),
        )
        .col_expr(rectification::Column::ClosedAt, Expr::value(now))
        .filter(rectification::Column::Status.eq(RectificationStatus::Answered))
        .filter(rectification::Column::FeedbackDueAt.lt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
