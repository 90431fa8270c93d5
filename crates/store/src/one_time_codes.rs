//! Where one-time codes are kept and tried. Only the newest code of a number and purpose
//! works; tries are counted by one conditional UPDATE before the code is compared, so
//! parallel guesses cannot pass the limit.
use super::entities::one_time_code::{self, Column};
use chrono::{DateTime, Duration, Utc};
use domain::error::AppError;
use domain::one_time_code::{LIFETIME_SECONDS, MAX_TRIES, Purpose};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Keeps a new code (by its hash) and retires every earlier one of the number and purpose.
pub async fn issue(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    mobile: &str,
    code_hash: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    one_time_code::Entity::delete_many()
        .filter(Column::Mobile.eq(mobile))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .exec(db)
        .await?;
    one_time_code::ActiveModel {
        purpose: Set(purpose.as_str().to_owned()),
        mobile: Set(mobile.to_owned()),
        code_hash: Set(code_hash),
        tries: Set(0),
        expires_at: Set(now + Duration::seconds(LIFETIME_SECONDS)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Uses up the number's live code if `code_hash` is its hash. Every call counts one try
/// first; a code with no tries left, expired or used works no more.
pub async fn redeem(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    mobile: &str,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let live = || {
        one_time_code::Entity::update_many()
            .filter(Column::Mobile.eq(mobile))
            .filter(Column::Purpose.eq(purpose.as_str()))
            .filter(Column::UsedAt.is_null())
            .filter(Column::ExpiresAt.gt(now))
    };
    let counted = live()
        .col_expr(Column::Tries, Expr::col(Column::Tries).add(1))
        .filter(Column::Tries.lt(MAX_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Ok(false);
    }
    let used = live()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::CodeHash.eq(code_hash))
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Deletes codes that can no longer be used (the purge job).
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    let deleted = one_time_code::Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
