//! Campaigns (事项找人) over JSON, under `/api/v1/staff/campaigns`: create a draft (with its
//! dry-run count), read with conversion figures, submit (due now: sent at once), approve
//! (supervisors, for campaigns above the approval threshold), cancel.

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::jobs;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use domain::campaign::{CampaignDraft, CampaignView};
use store::campaigns;

pub async fn list(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    Ok(Json(campaigns::list(&state.db, &actor, Utc::now()).await?))
}

/// 201 with the draft and its dry-run audience; 422 with every field at fault.
pub async fn create(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(draft): Json<CampaignDraft>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let view = campaigns::create(&state.db, &actor, &draft, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn one(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    Ok(Json(
        campaigns::get(&state.db, &actor, id, Utc::now()).await?,
    ))
}

/// On the schedule, or to a supervisor when it reaches more than the approval threshold. A
/// campaign due now starts going out in the background as the answer leaves.
pub async fn submit(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    let threshold = state.settings.campaign_approval_threshold;
    let now = Utc::now();
    let submitted = campaigns::submit(&state.db, &actor, id, threshold, now).await?;
    if submitted.is_due(now) {
        jobs::send_campaigns_soon(&state.db, &state.push);
    }
    Ok(Json(submitted))
}

pub async fn approve(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    let now = Utc::now();
    let approved = campaigns::approve(&state.db, &actor, id, now).await?;
    if approved.is_due(now) {
        jobs::send_campaigns_soon(&state.db, &state.push);
    }
    Ok(Json(approved))
}

pub async fn cancel(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    Ok(Json(
        campaigns::cancel(&state.db, &actor, id, Utc::now()).await?,
    ))
}
