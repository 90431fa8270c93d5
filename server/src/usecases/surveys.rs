//! Surveys (满意度调查): staff write, schedule and close them; a resident answers once.
use domain::ids::ResidentId;

use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use domain::survey::{Answers, Schedule, SurveyDraft, SurveyRecord};
use store::{StaffActor, surveys};

pub async fn create(
    state: &AppState,
    actor: &StaffActor,
    draft: &SurveyDraft,
) -> Result<SurveyRecord, AppError> {
    surveys::create(&state.db, actor, draft, Utc::now()).await
}

/// Replaces a draft's content (409 once scheduled).
pub async fn update(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    draft: &SurveyDraft,
) -> Result<SurveyRecord, AppError> {
    surveys::update(&state.db, actor, id, draft, Utc::now()).await
}

/// Opens at `at` (now when left out or past); a survey due now opens at once and its
/// invitations go out.
pub async fn schedule(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    schedule: &Schedule,
) -> Result<SurveyRecord, AppError> {
    surveys::schedule(&state.db, actor, id, schedule, Utc::now()).await
}

pub async fn close(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
) -> Result<SurveyRecord, AppError> {
    surveys::close(&state.db, actor, id, Utc::now()).await
}

/// The resident's response, once; a second is `surveys::already_answered()`.
pub async fn respond(
    state: &AppState,
    resident_id: ResidentId,
    id: i64,
    answers: &Answers,
) -> Result<(), AppError> {
    surveys::respond(&state.db, resident_id, id, answers, Utc::now()).await
}
