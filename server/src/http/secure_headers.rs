//! The security headers every answer carries, set in one layer around the whole router so
//! that no route can forget them (OWASP ASVS 5.0 V3.4):
//!
//! - `Content-Security-Policy` with a fresh nonce per request. The layer puts the nonce in
//!   the request's extensions; the page renderer hands it to Leptos, which writes it on the
//!   scripts it inlines (the hydration script, streamed chunks). Nothing else inline runs:
//!   no inline handlers, no `eval`, WebAssembly compiled only from the site's own bundle.
//!   A catalogue page served from memory (`http::page_cache`) comes with a policy that names
//!   its inline scripts by their hashes instead, which this layer keeps.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`,
//!   `X-Frame-Options: DENY` for browsers older than `frame-ancestors`, and a
//!   `Permissions-Policy` that allows nothing the product does not use.
//! - `Strict-Transport-Security` on answers to requests that came over HTTPS.
//! - `Cache-Control: no-store` on every page, API answer and file, unless the route said
//!   otherwise: pages carry a resident's name, API answers and attachments personal data,
//!   and a shared computer's cache or a proxy must keep none of it. The site's own static
//!   files (the bundle, the style sheet, the icon) are revalidated instead.

use super::client::came_over_https;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use std::sync::Arc;

/// What the layer needs to know about the deployment.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// Served over HTTPS only (the public origin is `https://…` or cookies are always
    /// Secure). Then, and on any answer to a request that came over HTTPS, browsers are told
    /// to use nothing else for a year.
    pub https_only: bool,
}

/// The features a page may use: none of the powerful ones (no camera, microphone, location,
/// payment, sensors or USB); full screen only for the site itself.
const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=(), fullscreen=(self)";

/// A year, in seconds: HSTS.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The Content-Security-Policy of an answer whose inline scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    content_security_policy_allowing(&format!("'nonce-{nonce}'"))
}

/// The Content-Security-Policy of an answer whose inline scripts `scripts` allows (a nonce,
/// or the hashes of a cached page's scripts, `http::page_cache`).
pub fn content_security_policy_allowing(scripts: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The site's own static files, which every visitor gets the same (never personal data).
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico"
}

/// The middleware: a nonce for the page, the headers on the answer.
pub async fn set_security_headers(
    State(deployment): State<Arc<Deployment>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    let static_file = is_static_file(request.uri().path());
    let https = came_over_https(request.headers(), deployment.https_only);
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A cached page comes with a policy of its own (its scripts' hashes, `http::page_cache`).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let cache = if static_file {
            "public, no-cache"
        } else {
            "no-store"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

/// The nonce the layer made for this request, for the page renderer to hand to Leptos.
pub fn nonce_of(parts: &axum::http::request::Parts) -> Option<Nonce> {
    parts.extensions.get::<Nonce>().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_the_nonce_inline() {
        let policy = content_security_policy("abc");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(directive), "{directive}");
        }
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
    }

    #[test]
    fn only_the_sites_own_files_are_static() {
        assert!(is_static_file("/pkg/minsheng.wasm"));
        assert!(is_static_file("/favicon.ico"));
        assert!(!is_static_file("/files/12"));
        assert!(!is_static_file("/api/v1/me"));
        assert!(!is_static_file("/"));
    }
}
