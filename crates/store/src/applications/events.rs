//! The timeline: events, the resident's messages and the live pushes a change causes.
use domain::ids::{ResidentId, StaffId, TaskId};

use super::lifecycle::Outcome;
use super::{locale_of, resident_of};
use crate::entities::{application, application_event, bundle, service};
use crate::notifications::{self, NewNotification};
use chrono::{DateTime, Utc};
use domain::application::ApplicationStatus;
use domain::error::AppError;
use domain::notification::{Push, PushEvent};
use domain::text::LocalizedText;
use i18n::{Locale, td_string};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

#[derive(Clone, Copy, Debug)]
pub(crate) enum ActorRef {
    Resident(ResidentId),
    Staff(StaffId),
}

pub(crate) struct Change<'a> {
    pub kind: &'a str,
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub actor: ActorRef,
    pub comment: Option<String>,
    pub task_id: Option<TaskId>,
}

/// Records a change on the timeline, writes the resident's message, and returns the pushes.
pub(crate) async fn record_change(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    record_event(txn, app, &change, now).await?;
    let resident = resident_of(txn, app.resident_id).await?;
    let locale = locale_of(&resident);
    let title_text = title_of(txn, app).await?;
    let title = format!(
        "{}{}",
        td_string!(locale, notify.title_prefix),
        change.to.label(locale)
    );
    let mut body = format!(
        "{}（{}）",
        title_text.pick(locale == Locale::en),
        app.number
    );
    if let Some(comment) = change.comment.as_deref().filter(|c| !c.is_empty()) {
        body.push_str(td_string!(locale, notify.comment_separator));
        body.push_str(comment);
    }
    let push = notifications::create(
        txn,
        NewNotification {
            resident_id: app.resident_id,
            kind: "application_event",
            title,
            body,
            link: Some(format!("/me/applications/{}", app.number)),
        },
        now,
    )
    .await?;
    let mut pushes = vec![push];
    pushes.extend(updated_pushes(app));
    Ok(Outcome {
        pushes,
        changed: true,
    })
}

/// The change on the timeline, without a message.
pub(super) async fn record_event(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (actor_kind, actor_resident_id, actor_staff_id) = match change.actor {
        ActorRef::Resident(id) => ("resident", Some(id), None),
        ActorRef::Staff(id) => ("staff", None, Some(id)),
    };
    application_event::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(change.task_id),
        kind: Set(change.kind.to_owned()),
        from_status: Set(Some(change.from.as_str().to_owned())),
        to_status: Set(Some(change.to.as_str().to_owned())),
        actor_kind: Set(actor_kind.to_owned()),
        actor_resident_id: Set(actor_resident_id),
        actor_staff_id: Set(actor_staff_id),
        comment: Set(change.comment.clone()),
        internal: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Tells the pages showing the application, the resident's and the proxy applicant's, that
/// it changed.
pub(super) fn updated_pushes(app: &application::Model) -> Vec<Push> {
    let updated = Push {
        resident_id: app.resident_id,
        event: PushEvent::ApplicationUpdated {
            number: app.number.clone(),
        },
    };
    let mut pushes = vec![updated.clone()];
    if let Some(proxy) = app
        .submitted_by_resident_id
        .filter(|p| *p != app.resident_id)
    {
        pushes.push(Push {
            resident_id: proxy,
            ..updated
        });
    }
    pushes
}

/// A staff note on the timeline. An internal note stays among staff; any other one reaches
/// the resident as a message and a live update.
pub(crate) async fn record_note(
    txn: &impl ConnectionTrait,
    app: &application::Model,
    staff_id: StaffId,
    task_id: TaskId,
    text: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    application_event::ActiveModel {
        application_id: Set(app.id),
        task_id: Set(Some(task_id)),
        kind: Set("comment".to_owned()),
        actor_kind: Set("staff".to_owned()),
        actor_staff_id: Set(Some(staff_id)),
        comment: Set(Some(text.to_owned())),
        internal: Set(internal),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if internal {
        return Ok(Outcome {
            pushes: Vec::new(),
            changed: true,
        });
    }
    let resident = resident_of(txn, app.resident_id).await?;
    let locale = locale_of(&resident);
    let title_text = title_of(txn, app).await?;
    let push = notifications::create(
        txn,
        NewNotification {
            resident_id: app.resident_id,
            kind: "application_event",
            title: td_string!(locale, notify.note_title).to_owned(),
            body: format!(
                "{}（{}）{}{}",
                title_text.pick(locale == Locale::en),
                app.number,
                td_string!(locale, notify.comment_separator),
                text
            ),
            link: Some(format!("/me/applications/{}", app.number)),
        },
        now,
    )
    .await?;
    Ok(Outcome {
        pushes: vec![
            push,
            Push {
                resident_id: app.resident_id,
                event: PushEvent::ApplicationUpdated {
                    number: app.number.clone(),
                },
            },
        ],
        changed: true,
    })
}

async fn title_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<LocalizedText, AppError> {
    if let Some(service_id) = app.service_id
        && let Some(s) = service::Entity::find_by_id(service_id).one(db).await?
    {
        return Ok(LocalizedText::new(s.name, s.name_en));
    }
    if let Some(bundle_id) = app.bundle_id
        && let Some(b) = bundle::Entity::find_by_id(bundle_id).one(db).await?
    {
        return Ok(LocalizedText::new(b.name, b.name_en));
    }
    Ok(LocalizedText::new(app.number.to_string(), None))
}
