//! Where every text message sent is recorded: the delivery record with a real gateway, and
//! the only delivery with the embedded one (the developer, and the browser tests, read codes
//! here). Kept a week.
use super::entities::sms_outbox::{self, Column};
use chrono::{DateTime, Duration, Utc};
use domain::error::AppError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

const KEPT_DAYS: i64 = 7;

/// One message as it went out (or failed to).
pub async fn record(
    db: &impl ConnectionTrait,
    mobile: &str,
    body: &str,
    gateway: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sms_outbox::ActiveModel {
        mobile: Set(mobile.to_owned()),
        body: Set(body.to_owned()),
        gateway: Set(gateway.to_owned()),
        error: Set(error.map(|e| e.chars().take(255).collect())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest message to a number.
pub async fn newest_to(
    db: &impl ConnectionTrait,
    mobile: &str,
) -> Result<Option<sms_outbox::Model>, AppError> {
    Ok(sms_outbox::Entity::find()
        .filter(Column::Mobile.eq(mobile))
        .order_by_desc(Column::Id)
        .one(db)
        .await?)
}

/// Deletes messages older than a week (the purge job).
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    let deleted = sms_outbox::Entity::delete_many()
        .filter(Column::CreatedAt.lt(now - Duration::days(KEPT_DAYS)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
