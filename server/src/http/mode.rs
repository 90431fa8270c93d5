//! `GET /mode/{elderly|standard}?next=/path`: the elderly-mode switch (长辈版). Sets the
//! device's mode cookie, remembers the choice on the signed-in resident's account (and that
//! the one-time offer was answered), and sends the reader back where they were.

use super::cookies::{self, Kind};
use super::error::ApiError;
use super::language::Next;
use super::request::local_path;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::mode::MODE_COOKIE;
use store::{CurrentSession, accounts};

pub async fn switch_mode(
    State(state): State<AppState>,
    parts: Parts,
    Path(mode): Path<String>,
    Query(query): Query<Next>,
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
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    let target = local_path(query.next.as_deref()).unwrap_or("/");
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/")),
    );
    headers.insert(header::SET_COOKIE, mode_cookie(elderly));
    Ok(response)
}

/// The device's mode cookie, for a year.
pub fn mode_cookie(elderly: bool) -> HeaderValue {
    let mode = if elderly { "elderly" } else { "standard" };
    cookies::set(MODE_COOKIE, mode, cookies::A_YEAR, Kind::Setting)
}
