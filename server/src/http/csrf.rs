//! Cross-site request forgery: a request that changes something (any method but GET, HEAD
//! and OPTIONS) is served only when the browser says it comes from one of Minsheng's own
//! pages. SameSite cookies alone do not stop a sibling subdomain or an old browser.
//!
//! The browser's word is `Sec-Fetch-Site` (every current browser sends it): `same-origin`
//! passes, `same-site` and `cross-site` are refused. A browser that does not send it still
//! sends `Origin` (or at least `Referer`) with a form post; it must name this site: the host
//! the request was sent to, or the configured public origin (`MINSHENG_PUBLIC_ORIGIN`, for a
//! proxy that rewrites `Host`). A request with none of the three headers is no browser's
//! (scripts, other departments' systems, the API's clients) and cannot carry a victim's
//! cookies by forgery, so it passes; what it may do is still decided by its credentials.
//!
//! The refusal is the error shape under `/api/`, a short page in the request's language
//! elsewhere, and changes nothing.

use super::error::ApiError;
use super::locale::request_locale;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use domain::error::{AppError, ErrorCode};
use i18n::I18nLocaleTrait;
use std::sync::Arc;

/// Which origins count as this site besides the one a request was sent to.
#[derive(Clone, Debug, Default)]
pub struct SameSite {
    /// `scheme://host[:port]`, lower case, no trailing slash.
    pub public_origin: Option<String>,
}

/// The middleware: refuses unsafe requests from other sites.
pub async fn refuse_cross_site(
    State(policy): State<Arc<SameSite>>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method()) || comes_from_this_site(request.headers(), &policy) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        site = header_text(request.headers(), "sec-fetch-site"),
        origin = header_text(request.headers(), "origin"),
        "cross-site request refused"
    );
    let error = AppError::new(ErrorCode::CrossSiteRequest);
    if request.uri().path().starts_with("/api/") {
        return ApiError(error).into_response();
    }
    let locale = request_locale(request.headers());
    let message = error.code.message(locale);
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{message}</title></head><body><main><h1>{message}</h1>\
         <p><a href=\"/\">民生 Minsheng</a></p></main></body></html>",
        lang = locale.as_str(),
    );
    (StatusCode::FORBIDDEN, Html(page)).into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the headers show the request comes from this site (or from no browser).
fn comes_from_this_site(headers: &HeaderMap, policy: &SameSite) -> bool {
    if let Some(site) = header_text(headers, "sec-fetch-site") {
        // `none`: the person started it themselves (typed, bookmarked), not another page.
        return site == "same-origin" || site == "none";
    }
    let origin = header_text(headers, header::ORIGIN.as_str());
    let claimed = origin
        .filter(|origin| *origin != "null")
        .map(str::to_owned)
        .or_else(|| header_text(headers, header::REFERER.as_str()).and_then(origin_of));
    match claimed {
        // No Origin and no Referer: no browser's request. `Origin: null` alone is refused.
        None => origin.is_none(),
        Some(origin) => {
            let origin = origin.to_ascii_lowercase();
            let sent_to =
                header_text(headers, header::HOST.as_str()).map(|host| host.to_ascii_lowercase());
            let names_host = origin
                .split_once("://")
                .is_some_and(|(_, authority)| Some(authority) == sent_to.as_deref());
            names_host || policy.public_origin.as_deref() == Some(origin.as_str())
        }
    }
}

/// `scheme://authority` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_browser_fetch_site_decides_when_it_is_sent() {
        let policy = SameSite::default();
        for (site, passes) in [
            ("same-origin", true),
            ("none", true),
            ("same-site", false),
            ("cross-site", false),
        ] {
            let h = headers(&[("sec-fetch-site", site), ("host", "minsheng.test")]);
            assert_eq!(comes_from_this_site(&h, &policy), passes, "{site}");
        }
    }

    #[test]
    fn without_it_the_origin_or_referer_must_name_this_site() {
        let policy = SameSite {
            public_origin: Some("https://minsheng.example.gov.cn".into()),
        };
        let host = ("host", "127.0.0.1:3000");
        for (pairs, passes) in [
            (vec![host, ("origin", "http://127.0.0.1:3000")], true),
            (
                vec![host, ("origin", "https://minsheng.example.gov.cn")],
                true,
            ),
            (vec![host, ("origin", "https://evil.example")], false),
            (vec![host, ("origin", "null")], false),
            (
                vec![host, ("referer", "http://127.0.0.1:3000/sign-in?next=/")],
                true,
            ),
            (
                vec![host, ("referer", "https://evil.example/127.0.0.1:3000")],
                false,
            ),
            // No browser sent this: a script or another department's system.
            (vec![host], true),
        ] {
            assert_eq!(
                comes_from_this_site(&headers(&pairs), &policy),
                passes,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn reading_methods_are_never_refused() {
        assert!(is_safe(&Method::GET) && is_safe(&Method::HEAD) && is_safe(&Method::OPTIONS));
        assert!(!is_safe(&Method::POST) && !is_safe(&Method::DELETE) && !is_safe(&Method::PUT));
    }
}
