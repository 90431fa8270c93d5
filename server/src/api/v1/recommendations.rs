//! The resident's recommendations (事项找人) over JSON: the "for you" list with reasons in
//! both languages, "not interested", the click that starts an application (with its
//! prefilled form), and opting out of a category.
use domain::ids::ApplicationNumber;

use crate::auth::Resident;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases::recommendations::{self, OptOut};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use domain::recommendation::{ForYouItem, apply_link};
use serde::Serialize;

pub async fn list(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Vec<ForYouItem>>, ApiError> {
    Ok(Json(
        store::recommendations::for_you(&state.db, id, Utc::now()).await?,
    ))
}

pub async fn dismiss(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(recommendation): Path<i64>,
) -> Result<StatusCode, ApiError> {
    recommendations::dismiss(&state, id, recommendation).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub struct Apply {
    /// Where the prefilled application form is.
    pub apply: String,
}

pub async fn click(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(recommendation): Path<i64>,
) -> Result<Json<Apply>, ApiError> {
    let code = recommendations::follow(&state, id, recommendation).await?;
    Ok(Json(Apply {
        apply: apply_link(&code, recommendation),
    }))
}

#[derive(Serialize)]
pub struct Confirmed {
    /// The submitted application.
    pub number: ApplicationNumber,
}

/// 免申即享: one tap makes and submits the application from the data already held (201);
/// 422 with the problems when the record cannot complete the form (the draft is kept);
/// 409 for a service that is not auto-grant.
pub async fn confirm(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(recommendation): Path<i64>,
) -> Result<(StatusCode, Json<Confirmed>), ApiError> {
    let number = recommendations::confirm(&state, id, recommendation).await?;
    Ok((StatusCode::CREATED, Json(Confirmed { number })))
}

pub async fn opt_out(
    State(state): State<AppState>,
    Resident(id): Resident,
    Json(opt_out): Json<OptOut>,
) -> Result<StatusCode, ApiError> {
    recommendations::opt_out(&state, id, &opt_out).await?;
    Ok(StatusCode::NO_CONTENT)
}
