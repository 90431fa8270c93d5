//! `GET /lang/{locale}?next=/path`: the language switch for pages without JavaScript. Sets
//! the language cookie and sends the reader back where they were.

use super::error::ApiError;
use super::locale::{LOCALE_COOKIE, parse_locale};
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
    let target = safe_local_path(query.next.as_deref());
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.as_str()
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/")),
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Only a path on this site: never an absolute or protocol-relative URL (no open redirect).
pub fn safe_local_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_local_path(Some("/services?q=1")), "/services?q=1");
        assert_eq!(safe_local_path(Some("//evil.example")), "/");
        assert_eq!(safe_local_path(Some("https://evil.example")), "/");
        assert_eq!(safe_local_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_local_path(None), "/");
    }
}
