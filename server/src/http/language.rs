//! `POST /lang/{locale}` with `next=/path`: the language switch for pages without
//! JavaScript. Sets the language cookie and sends the reader back where they were. A POST, so
//! that no other site's page can switch a reader's language.

use super::cookies::{self, Kind};
use super::error::ApiError;
use super::locale::{LOCALE_COOKIE, parse_locale};
use super::request::local_path;
use axum::Form;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::error::{AppError, ErrorCode};
use i18n::I18nLocaleTrait;
use serde::Deserialize;

/// `next=`: where to go back to.
#[derive(Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

pub async fn switch_language(
    Path(tag): Path<String>,
    Form(form): Form<Next>,
) -> Result<Response, ApiError> {
    let locale = parse_locale(&tag)
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "locale"))?;
    let cookie = cookies::set(
        LOCALE_COOKIE,
        locale.as_str(),
        Some(cookies::A_YEAR),
        Kind::Setting,
    );
    Ok(back_with_cookie(form.next.as_deref(), cookie))
}

/// `303 See Other` to `next` when it is local (else the home page), setting `cookie`.
pub(super) fn back_with_cookie(next: Option<&str>, cookie: HeaderValue) -> Response {
    let target = local_path(next).unwrap_or("/");
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/")),
    );
    headers.insert(header::SET_COOKIE, cookie);
    response
}
