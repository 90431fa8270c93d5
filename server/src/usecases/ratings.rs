//! The resident rates a decided task (好差评) and re-rates the department's answer to a bad
//! review.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use domain::rating::{RatingDraft, RatingView};
use serde::Deserialize;
use store::{calendar, ratings};

/// Rate a decided task of the resident's application once (一事一评), inside the window; a
/// score of 1 or 2 opens a rectification for the department.
pub async fn rate(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    draft: RatingDraft,
) -> Result<RatingView, AppError> {
    let calendar = calendar::load(&state.db).await?;
    let rated = ratings::rate(
        &state.db,
        &calendar,
        &state.settings.satisfaction,
        resident_id,
        number,
        draft,
        Utc::now(),
    )
    .await?;
    state.push.publish(rated.pushes).await;
    Ok(rated.rating)
}

/// The resident's verdict on the department's answer, as sent (form or JSON).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FeedbackDraft {
    /// satisfied, basically_satisfied or unsatisfied (escalates to a supervisor).
    #[serde(default)]
    pub feedback: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Re-rate the department's answer to a bad review.
pub async fn give_feedback(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    draft: &FeedbackDraft,
) -> Result<(), AppError> {
    let pushes = ratings::give_feedback(
        &state.db,
        resident_id,
        number,
        draft.feedback.as_deref(),
        draft.comment.as_deref(),
        Utc::now(),
    )
    .await?;
    state.push.publish(pushes).await;
    Ok(())
}
