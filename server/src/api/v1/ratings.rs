//! Ratings over JSON: the resident's prompts, rating and re-rating under
//! `/api/v1/me/applications/{number}`; the department's and supervisors' rectification work
//! under `/api/v1/staff/rectifications`.
use domain::ids::ApplicationNumber;

use crate::auth::{Resident, Staff};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases::ratings::FeedbackDraft;
use crate::usecases::rectifications::RectificationCommand;
use crate::usecases::{ratings as rating, rectifications as rectification};
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
    Path(number): Path<ApplicationNumber>,
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
    Path(number): Path<ApplicationNumber>,
    Json(draft): Json<RatingDraft>,
) -> Result<(StatusCode, Json<RatingView>), ApiError> {
    let rating = rating::rate(&state, id, &number, draft).await?;
    Ok((StatusCode::CREATED, Json(rating)))
}

/// Re-rate the department's answer to a bad review.
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/rectification-feedback", tag = "ratings",
    params(("number" = String, Path)), request_body = FeedbackDraft,
    responses((status = 204), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn feedback(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
    Json(draft): Json<FeedbackDraft>,
) -> Result<StatusCode, ApiError> {
    rating::give_feedback(&state, id, &number, &draft).await?;
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

/// A department's answer or appeal, or a supervisor's decision (`RectificationCommand`).
/// Returns the case as it is afterwards.
pub async fn act(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(command): Json<RectificationCommand>,
) -> Result<Json<RectificationCase>, ApiError> {
    rectification::act(&state, &actor, id, command).await?;
    Ok(Json(
        rectifications::view(&state.db, &actor, id, Utc::now()).await?,
    ))
}
