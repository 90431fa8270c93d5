//! `GET /lang/{locale}?next=/path`: the language switch for pages without JavaScript. Sets
//! the language cookie and sends the reader back where they were.

use super::cookies::{self, Kind};
use super::error::ApiError;
use super::locale::{LOCALE_COOKIE, parse_locale};
use super::request::local_path;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::error::{AppError, ErrorCode};
use i18n::I18nLocaleTrait;
use serde::Deserialize;

/// `?next=`: where to go back to.
#[derive(Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

pub async fn switch_language(
    Path(tag): Path<String>,
    Query(query): Query<Next>,
) -> Result<Response, ApiError> {
    let locale = parse_locale(&tag)
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "locale"))?;
    let target = local_path(query.next.as_deref()).unwrap_or("/");
    let cookie = cookies::set(
        LOCALE_COOKIE,
        locale.as_str(),
        cookies::A_YEAR,
        Kind::Setting,
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/")),
    );
    headers.insert(header::SET_COOKIE, cookie);
    Ok(response)
}
