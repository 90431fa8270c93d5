//! Ratings over JSON: the resident's prompts, rating and re-rating under
//! `/api/v1/me/applications/{number}`; the department's and supervisors' rectification work
//! under `/api/v1/staff/rectifications`.

use crate::auth::{Resident, Staff};
use crate::console::rectifications::Command;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use domain::error::ApiErrorBody;
use domain::rating::{RatingDraft, RatingPrompt, RatingView};
use domain::rectification::{RectificationCase, RectificationList, RectificationStatus};
use serde::Deserialize;
use store::{calendar, ratings, rectifications};

/// Each decided task of the application: invited to rate (until when), rated (with the
/// rectification a bad review opened), or lapsed.
#[utoipa::path(get, path = "/api/v1/me/applications/{number}/ratings", tag = "ratings",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<RatingPrompt>), (status = 404, body = ApiErrorBody)))]
pub async fn prompts(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<String>,
) -> Result<Json<Vec<RatingPrompt>>, ApiError> {
    let cal = calendar::load(&state.db).await?;
    Ok(Json(
        ratings::prompts(
            &state.db,
            &cal,
            &state.settings.satisfaction,
            id,
            &number,
            Utc::now(),
        )
        .await?,
    ))
}

/// Rate a decided task once (一事一评), within the window. A score of 1 or 2 opens a
/// rectification for the department.
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/ratings", tag = "ratings",
    params(("number" = String, Path)), request_body = RatingDraft,
    responses((status = 201, body = RatingView), (status = 422, body = ApiErrorBody),
        (status = 409, description = "already_rated, window_closed, or the task is not decided", body = ApiErrorBody)))]
pub async fn rate(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<String>,
    Json(draft): Json<RatingDraft>,
) -> Result<(StatusCode, Json<RatingView>), ApiError> {
    let cal = calendar::load(&state.db).await?;
    let rated = ratings::rate(
        &state.db,
        &cal,
        &state.settings.satisfaction,
        id,
        &number,
        draft,
        Utc::now(),
    )
    .await?;
    state.push.publish(rated.pushes).await;
    Ok((StatusCode::CREATED, Json(rated.rating)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FeedbackBody {
    /// satisfied, basically_satisfied or unsatisfied (escalates to a supervisor).
    pub feedback: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Re-rate the department's answer to a bad review.
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/rectification-feedback", tag = "ratings",
    params(("number" = String, Path)), request_body = FeedbackBody,
    responses((status = 204), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn feedback(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<String>,
    Json(body): Json<FeedbackBody>,
) -> Result<StatusCode, ApiError> {
    let pushes = ratings::give_feedback(
        &state.db,
        id,
        &number,
        Some(body.feedback.as_str()),
        body.comment.as_deref(),
        Utc::now(),
    )
    .await?;
    state.push.publish(pushes).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
}

/// The rectifications in the caller's scope (default: everything not closed).
pub async fn list(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Json<RectificationList>, ApiError> {
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            RectificationStatus::parse(s).ok_or_else(|| {
                domain::error::AppError::with_field(
                    domain::error::ErrorCode::InvalidParameter,
                    "status",
                )
            })
        })
        .transpose()?;
    Ok(Json(
        rectifications::list(&state.db, &actor, status, Utc::now()).await?,
    ))
}

pub async fn case(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<RectificationCase>, ApiError> {
    Ok(Json(
        rectifications::view(&state.db, &actor, id, Utc::now()).await?,
    ))
}

/// `{"intent": "answer", "classification": "on_the_spot", "answer": "…"}`, `{"intent":
/// "appeal", "reason": "…"}` or `{"intent": "uphold" | "reject" | "resolve" | "return",
/// "note": "…"}`. Returns the case as it is afterwards.
pub async fn act(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(body): Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<RectificationCase>, ApiError> {
    let pairs: Vec<(String, String)> = body
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
        .collect();
    Command::from_pairs(&pairs)?.run(&state, &actor, id).await?;
    Ok(Json(
        rectifications::view(&state.db, &actor, id, Utc::now()).await?,
    ))
}
