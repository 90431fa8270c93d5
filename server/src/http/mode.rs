//! `POST /mode/{elderly|standard}` with `next=/path`: the elderly-mode switch (长辈版). Sets
//! the device's mode cookie, remembers the choice on the signed-in resident's account (and
//! that the one-time offer was answered), and sends the reader back where they were.

use super::cookies::{self, Kind};
use super::error::ApiError;
use super::language::{Next, back_with_cookie};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::mode::MODE_COOKIE;
use store::{CurrentSession, accounts};

pub async fn switch_mode(
    State(state): State<AppState>,
    parts: Parts,
    Path(mode): Path<String>,
    Form(form): Form<Next>,
) -> Result<Response, ApiError> {
    let elderly = match mode.as_str() {
        "elderly" => true,
        "standard" => false,
        _ => return Err(AppError::with_field(ErrorCode::InvalidParameter, "mode").into()),
    };
    if let Some(resident_id) = parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|session| session.resident_id)
    {
        accounts::choose_elderly_mode(&state.db, resident_id, elderly, Utc::now()).await?;
        tracing::info!(%resident_id, elderly, "elderly mode chosen");
    }
    Ok(back_with_cookie(form.next.as_deref(), mode_cookie(elderly)))
}

/// The device's mode cookie, for a year.
pub fn mode_cookie(elderly: bool) -> HeaderValue {
    let mode = if elderly { "elderly" } else { "standard" };
    cookies::set(MODE_COOKIE, mode, Some(cookies::A_YEAR), Kind::Setting)
}
