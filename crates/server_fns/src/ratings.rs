//! Server functions of rating: the resident's prompts on the application page, and the
//! console's rectification pages.
use domain::ids::ApplicationNumber;

use domain::error::AppError;
use domain::rating::RatingPrompt;
use domain::rectification::{RectificationCase, RectificationList};
use domain::validation::Flash;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "me/ratings", input = GetUrl)]
pub async fn get_rating_prompts(number: ApplicationNumber) -> Result<Vec<RatingPrompt>, AppError> {
    let db = super::db()?;
    let calendar = store::calendar::load(&db).await?;
    store::ratings::prompts(
        &db,
        &calendar,
        &super::policy(),
        super::resident_id()?,
        &number,
        chrono::Utc::now(),
    )
    .await
}

/// The rating form's or re-rating form's problems after a failed no-JS post, once.
#[server(prefix = "/rpc", endpoint = "me/rating-flash", input = GetUrl)]
pub async fn take_rating_flash() -> Result<Option<Flash>, AppError> {
    let Some(session) = super::session() else {
        return Ok(None);
    };
    match session.flash {
        Some(flash) if flash.form == "rating" || flash.form == "rectification_feedback" => {
            store::sessions::clear_flash(&super::db()?, &session.id).await?;
            Ok(Some(flash))
        }
        _ => Ok(None),
    }
}

/// `status` empty or None: everything not closed.
#[server(prefix = "/rpc", endpoint = "staff/rectifications", input = GetUrl)]
pub async fn get_rectifications(status: Option<String>) -> Result<RectificationList, AppError> {
    use domain::error::ErrorCode;
    use domain::rectification::RectificationStatus;
    let status = match status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            RectificationStatus::parse(s)
                .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "status"))?,
        ),
        None => None,
    };
    store::rectifications::list(&super::db()?, &super::staff()?, status, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "staff/rectification", input = GetUrl)]
pub async fn get_rectification(id: i64) -> Result<RectificationCase, AppError> {
    store::rectifications::view(&super::db()?, &super::staff()?, id, chrono::Utc::now()).await
}
