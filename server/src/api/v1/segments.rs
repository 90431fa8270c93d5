//! Segments (事项找人) over JSON, under `/api/v1/staff/segments` (`ManageSegments`: department
//! heads and supervisors): preview a rule while it is edited (count, districts, age bands,
//! masked sample), save it, list, read and change saved segments.

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use domain::rule::Rule;
use domain::segment::{Segment, SegmentDraft, SegmentPreview, SegmentSummary};
use store::segments;

/// The rule's size and make-up now; 422 for a rule the form got wrong.
pub async fn preview(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(rule): Json<Rule>,
) -> Result<Json<SegmentPreview>, ApiError> {
    Ok(Json(
        segments::preview(&state.db, &actor, &rule, Utc::now()).await?,
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<SegmentSummary>>, ApiError> {
    Ok(Json(segments::list(&state.db, &actor).await?))
}

/// 201 with the stored segment; 422 with every field at fault, nothing stored.
pub async fn create(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(draft): Json<SegmentDraft>,
) -> Result<(StatusCode, Json<Segment>), ApiError> {
    let segment = usecases::segments::create(&state, &actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(segment)))
}

pub async fn one(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<Segment>, ApiError> {
    Ok(Json(segments::get(&state.db, &actor, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(draft): Json<SegmentDraft>,
) -> Result<Json<Segment>, ApiError> {
    Ok(Json(
        usecases::segments::update(&state, &actor, id, &draft).await?,
    ))
}
