//! What a resident does with an application (办件): start one for a service or a life-event
//! package, save its answers, submit it, take it back to correct, withdraw it, remove a file.
//! Handing in files is `attachments`.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use domain::form::Answers;
use store::applications::{self, Subject};
use store::calendar;

/// A new application's draft: its answers, the idempotency key that makes a retry return
/// the same draft, and the household member applied for (代办).
pub struct NewDraft<'a> {
    pub subject: Subject<'a>,
    pub answers: &'a Answers,
    pub key: Option<&'a str>,
    pub on_behalf_of: Option<ResidentId>,
}

/// Starts a draft; its number.
pub async fn start(
    state: &AppState,
    resident_id: ResidentId,
    draft: NewDraft<'_>,
) -> Result<ApplicationNumber, AppError> {
    applications::save_draft(
        &state.db,
        resident_id,
        draft.subject,
        None,
        draft.answers,
        draft.key,
        draft.on_behalf_of,
        Utc::now(),
    )
    .await
}

/// Saves the answers of a draft (or of a supplement being prepared). One that is no longer
/// editable is 409 `invalid_state_change`.
pub async fn save_answers(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    answers: &Answers,
) -> Result<(), AppError> {
    applications::save_draft(
        &state.db,
        resident_id,
        Subject::Service(""),
        Some(number),
        answers,
        None,
        None,
        Utc::now(),
    )
    .await
    .map(|_| ())
}

/// Submits a draft, or resubmits after a supplement request, on the working calendar.
pub async fn submit(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<(), AppError> {
    let calendar = calendar::load(&state.db).await?;
    let outcome =
        applications::submit(&state.db, &calendar, resident_id, number, Utc::now()).await?;
    state.push.publish(outcome.pushes).await;
    Ok(())
}

/// Withdraws an application before a decision.
pub async fn withdraw(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<(), AppError> {
    let outcome = applications::withdraw(&state.db, resident_id, number, Utc::now()).await?;
    state.push.publish(outcome.pushes).await;
    Ok(())
}

/// Takes a just-submitted application back as a draft to correct it.
pub async fn take_back(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<(), AppError> {
    let outcome = applications::take_back(&state.db, resident_id, number, Utc::now()).await?;
    state.push.publish(outcome.pushes).await;
    Ok(())
}

/// Removes a file from a draft or a supplement being prepared.
pub async fn remove_attachment(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    attachment: i64,
) -> Result<(), AppError> {
    applications::remove_attachment(&state.db, resident_id, number, attachment).await
}
