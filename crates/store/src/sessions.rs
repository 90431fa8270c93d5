//! The flash of a session: a form's values and problems, shown once after a redirect.

use super::Flash;
use super::entities::session;
use domain::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub async fn set_flash(
    db: &impl ConnectionTrait,
    session_id: &str,
    flash: &Flash,
) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(
            session::Column::Flash,
            Expr::value(super::json::write(flash, "session.flash")?),
        )
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Clears the flash once it has been read.
pub async fn clear_flash(db: &impl ConnectionTrait, session_id: &str) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(
            session::Column::Flash,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}
