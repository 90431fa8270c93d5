//! Saving a segment (人群): a named rule over residents that campaigns reach.

use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use domain::segment::{Segment, SegmentDraft};
use store::{StaffActor, segments};

pub async fn create(
    state: &AppState,
    actor: &StaffActor,
    draft: &SegmentDraft,
) -> Result<Segment, AppError> {
    segments::create(&state.db, actor, draft, Utc::now()).await
}

pub async fn update(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    draft: &SegmentDraft,
) -> Result<Segment, AppError> {
    segments::update(&state.db, actor, id, draft, Utc::now()).await
}
