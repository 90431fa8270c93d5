//! What a resident does with a recommendation (事项找人): follow it to the prefilled form,
//! confirm a benefit granted without applying (免申即享), say "not interested", or opt out of
//! a category.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use serde::Deserialize;
use store::applications::{self, Subject};
use store::{calendar, recommendations};

/// Where following a recommendation leads: the code of the service to apply for.
pub async fn follow(
    state: &AppState,
    resident_id: ResidentId,
    id: i64,
) -> Result<String, AppError> {
    recommendations::click(&state.db, resident_id, id, Utc::now()).await
}

/// 免申即享: one tap makes the whole application from the data the city already holds (the
/// prefilled form) and submits it; the number of the submitted application. A form the
/// record cannot complete is 422 with its problems, the draft kept for the resident to
/// finish; tapping twice submits once (the draft's idempotency key is the recommendation).
pub async fn confirm(
    state: &AppState,
    resident_id: ResidentId,
    id: i64,
) -> Result<ApplicationNumber, AppError> {
    let now = Utc::now();
    let code = recommendations::auto_grant_offer(&state.db, resident_id, id).await?;
    let calendar = calendar::load(&state.db).await?;
    recommendations::click(&state.db, resident_id, id, now).await?;
    let subject = Subject::Service(&code);
    let form = applications::open_form(&state.db, resident_id, subject, None).await?;
    let key = format!("recommendation-{id}");
    let number = applications::save_draft(
        &state.db,
        resident_id,
        subject,
        form.number.as_ref(),
        &form.answers,
        Some(&key),
        None,
        now,
    )
    .await?;
    let outcome = applications::submit(&state.db, &calendar, resident_id, &number, now).await?;
    state.push.publish(outcome.pushes).await;
    Ok(number)
}

pub async fn dismiss(state: &AppState, resident_id: ResidentId, id: i64) -> Result<(), AppError> {
    recommendations::dismiss(&state.db, resident_id, id, Utc::now()).await
}

/// No more recommendations of a category. JSON `{"category": "…"}`; the "for you" page's
/// form posts the same name.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OptOut {
    /// A service category's code.
    #[serde(default)]
    pub category: String,
}

pub async fn opt_out(
    state: &AppState,
    resident_id: ResidentId,
    request: &OptOut,
) -> Result<(), AppError> {
    recommendations::opt_out(&state.db, resident_id, &request.category, Utc::now()).await
}
