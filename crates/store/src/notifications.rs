//! The resident's inbox: writing a message for a state change, listing, marking read.
//!
//! Writers return the [`Push`] to send once their transaction commits; the server's push hub
//! delivers it to open pages (and across instances).
use domain::ids::ResidentId;

use super::entities::notification;
use chrono::{DateTime, Utc};
use domain::error::AppError;
use domain::notification::{Notification, NotificationPage, Push, PushEvent};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// A message about to be written.
pub struct NewNotification {
    pub resident_id: ResidentId,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// A stored message as the resident's inbox shows it.
pub(crate) fn view(model: notification::Model) -> Notification {
    Notification {
        id: model.id,
        kind: model.kind,
        title: model.title,
        body: model.body,
        link: model.link,
        created_at: model.created_at,
        read: model.read_at.is_some(),
    }
}

/// Writes the message and returns the push for the badge and the inbox.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewNotification,
    now: DateTime<Utc>,
) -> Result<Push, AppError> {
    let model = notification::ActiveModel {
        resident_id: Set(new.resident_id),
        kind: Set(new.kind.to_owned()),
        title: Set(new.title),
        body: Set(new.body),
        link: Set(new.link),
        payload: Set(None),
        read_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let unread = unread_count(db, new.resident_id).await?;
    Ok(Push {
        resident_id: new.resident_id,
        event: PushEvent::Notification {
            notification: view(model),
            unread,
        },
    })
}

/// Writes one message per row of `rows`, set-based (one `INSERT … SELECT`): the rows are
/// `(resident_id, kind, title, body, link, created_at)`. For fan-outs to many residents
/// (survey invitations, recommendations); returns how many were written.
pub(crate) async fn create_many(
    db: &impl ConnectionTrait,
    rows: SelectStatement,
) -> Result<u64, AppError> {
    let insert = Query::insert()
        .into_table(notification::Entity)
        .columns([
            notification::Column::ResidentId,
            notification::Column::Kind,
            notification::Column::Title,
            notification::Column::Body,
            notification::Column::Link,
            notification::Column::CreatedAt,
        ])
        .select_from(rows)
        .map_err(|err| {
            tracing::error!(error = %err, "messages INSERT … SELECT does not build");
            AppError::new(domain::error::ErrorCode::Internal)
        })?
        .to_owned();
    Ok(db.execute(&insert).await?.rows_affected())
}

pub async fn unread_count(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<i64, AppError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::ResidentId.eq(resident_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await? as i64)
}

/// The newest messages first.
pub async fn list(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    limit: u64,
) -> Result<NotificationPage, AppError> {
    let items = notification::Entity::find()
        .filter(notification::Column::ResidentId.eq(resident_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(NotificationPage {
        items,
        unread: unread_count(db, resident_id).await?,
    })
}

/// Marks one message (or, with `None`, all of them) read. Another resident's message is
/// "not found".
pub async fn mark_read(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::ResidentId.eq(resident_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        let exists = notification::Entity::find()
            .filter(notification::Column::ResidentId.eq(resident_id))
            .filter(notification::Column::Id.eq(id))
            .count(db)
            .await?;
        if exists == 0 {
            return Err(AppError::not_found());
        }
        update = update.filter(notification::Column::Id.eq(id));
    }
    update.exec(db).await?;
    unread_count(db, resident_id).await
}
