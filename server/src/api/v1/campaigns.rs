//! Campaigns (事项找人) over JSON, under `/api/v1/staff/campaigns`: create a draft (with its
//! dry-run count), read with conversion figures, submit (due now: sent at once), approve
//! (supervisors, for campaigns above the approval threshold), cancel.

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases;
use crate::usecases::campaigns::{self as steps, CampaignStep};
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
    let view = usecases::campaigns::create(&state, &actor, &draft).await?;
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
    Ok(Json(
        steps::take_step(&state, &actor, id, CampaignStep::Submit).await?,
    ))
}

pub async fn approve(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    Ok(Json(
        steps::take_step(&state, &actor, id, CampaignStep::Approve).await?,
    ))
}

pub async fn cancel(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    Ok(Json(
        steps::take_step(&state, &actor, id, CampaignStep::Cancel).await?,
    ))
}
