//! Catalogue pages for visitors who are not signed in, rendered once and served again from
//! memory for a few seconds (`MINSHENG_PAGE_CACHE_SECS`, default 10).
//!
//! The home page, the search, a service's page and the public satisfaction page are the same
//! for every visitor without a session who asks in the same language and mode; rendering one
//! costs a handful of catalogue queries and the whole view tree, serving a copy costs a
//! lookup. What the copy may not share:
//!
//! - **Personal data**: only requests without a resident or staff session are answered from
//!   or stored in the cache, and only answers that set no cookie are stored.
//! - **The CSP nonce**: every answer carries a fresh one (`http::secure_headers`); the copy's
//!   nonce is replaced by this request's wherever the page wrote it.
//! - **Out-of-date catalogue**: a copy belongs to the catalogue version it was rendered at
//!   (`PushHub::catalogue_version`); an edit on any instance moves the version on every
//!   instance, and older copies are never served again. Figures that move with every
//!   application or rating (popular services, satisfaction) are at most the time to live
//!   old.
//!
//! Bounded: at most [`CAPACITY`] pages (a few MB); a full cache first drops what expired,
//! then stores nothing more until something does.

use crate::push::PushHub;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::nonce::Nonce;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{CurrentSession, CurrentStaff};

/// Pages kept at most (each some 20–60 KB of HTML).
pub const CAPACITY: usize = 512;
/// Addresses longer than this (a search with a very long query) are never stored.
const MAX_URI: usize = 512;
/// Pages larger than this are never stored.
const MAX_BODY: usize = 1024 * 1024;

/// What a page depends on besides the catalogue: the address with its query, and the
/// request headers the renderer reads for a visitor without a session (the language and mode
/// cookies, `Accept-Language`), taken whole so that two requests share a copy only when the
/// renderer could not tell them apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    cookie: String,
    accept_language: String,
}

struct Entry {
    body: Bytes,
    headers: HeaderMap,
    nonce: Option<Nonce>,
    stored: Instant,
    catalogue_version: u64,
}

/// The cache of one instance.
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<HashMap<Key, Entry>>>,
    ttl: Duration,
    push: PushHub,
}

impl PageCache {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration, push: PushHub) -> Self {
        Self {
            entries: Arc::default(),
            ttl,
            push,
        }
    }

    /// The copy for `key`, if one is fresh and of the current catalogue.
    fn get(&self, key: &Key) -> Option<(Bytes, HeaderMap, Option<Nonce>)> {
        let version = self.push.catalogue_version();
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.catalogue_version == version && entry.stored.elapsed() < self.ttl).then(|| {
            (
                entry.body.clone(),
                entry.headers.clone(),
                entry.nonce.clone(),
            )
        })
    }

    fn put(&self, key: Key, entry: Entry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            let version = self.push.catalogue_version();
            let ttl = self.ttl;
            entries.retain(|_, e| e.catalogue_version == version && e.stored.elapsed() < ttl);
            if entries.len() >= CAPACITY {
                return;
            }
        }
        entries.insert(key, entry);
    }
}

/// The pages that are the same for every visitor without a session.
fn is_catalogue_page(path: &str) -> bool {
    match path {
        "/" | "/services" | "/satisfaction" => true,
        _ => path
            .strip_prefix("/services/")
            .is_some_and(|code| !code.is_empty() && !code.contains('/')),
    }
}

/// The key of a request the cache may answer, or `None`.
fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET || !is_catalogue_page(request.uri().path()) {
        return None;
    }
    let extensions = request.extensions();
    if extensions.get::<CurrentSession>().is_some() || extensions.get::<CurrentStaff>().is_some() {
        return None;
    }
    let uri = request.uri().path_and_query()?.as_str();
    if uri.len() > MAX_URI {
        return None;
    }
    let joined = |name| {
        request
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("; ")
    };
    Some(Key {
        uri: uri.to_owned(),
        cookie: joined(header::COOKIE),
        accept_language: joined(header::ACCEPT_LANGUAGE),
    })
}

/// `body` with the nonce it was rendered with replaced by this request's.
fn with_nonce(body: &Bytes, rendered: Option<&Nonce>, now: Option<&Nonce>) -> Bytes {
    match (rendered, now) {
        (Some(old), Some(new)) if !old.is_empty() => {
            match std::str::from_utf8(body) {
                Ok(text) => Bytes::from(text.replace(&**old, new)),
                // Pages are UTF-8; a body that is not is served as it was.
                Err(_) => body.clone(),
            }
        }
        _ => body.clone(),
    }
}

fn respond(body: Bytes, headers: HeaderMap) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
}

/// The middleware, inside the session layer (it must know whether the visitor has one).
pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if cache.ttl.is_zero() {
        return next.run(request).await;
    }
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let nonce = request.extensions().get::<Nonce>().cloned();
    if let Some((body, headers, rendered)) = cache.get(&key) {
        return respond(
            with_nonce(&body, rendered.as_ref(), nonce.as_ref()),
            headers,
        );
    }
    // Read before rendering: an edit during the render leaves the copy out of date.
    let catalogue_version = cache.push.catalogue_version();
    let response = next.run(request).await;
    let storable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !storable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(err) => {
            // Too large to keep, or the render failed part-way: nothing sensible to send.
            tracing::error!(error = %err, "a catalogue page could not be read whole");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_LENGTH);
    cache.put(
        key,
        Entry {
            body: body.clone(),
            headers,
            nonce,
            stored: Instant::now(),
            catalogue_version,
        },
    );
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_catalogue_pages_are_kept() {
        for path in ["/", "/services", "/services/RS-0101", "/satisfaction"] {
            assert!(is_catalogue_page(path), "{path}");
        }
        for path in [
            "/services/",
            "/services/RS-0101/apply",
            "/me/applications",
            "/admin",
            "/apply/RS-0101",
            "/api/v1/services",
            "/sign-in",
        ] {
            assert!(!is_catalogue_page(path), "{path}");
        }
    }

    #[test]
    fn a_copy_carries_the_nonce_of_the_request_it_answers() {
        let old = Nonce::new();
        let new = Nonce::new();
        let body = Bytes::from(format!(
            r#"<script nonce="{old}">a</script><script nonce="{old}">b</script>"#
        ));
        let served = with_nonce(&body, Some(&old), Some(&new));
        let text = std::str::from_utf8(&served).unwrap();
        assert_eq!(
            text,
            format!(r#"<script nonce="{new}">a</script><script nonce="{new}">b</script>"#)
        );
        assert!(!text.contains(&*old));
    }

    fn request(uri: &str, extensions: impl FnOnce(&mut axum::http::Extensions)) -> Request {
        let mut request = Request::builder()
            .uri(uri)
            .header(header::COOKIE, "minsheng_mode=elderly")
            .body(Body::empty())
            .unwrap();
        extensions(request.extensions_mut());
        request
    }

    #[test]
    fn visitors_with_a_session_are_never_served_a_copy() {
        assert!(key_of(&request("/services?q=社保", |_| {})).is_some());
        let session = CurrentSession {
            id: "a".repeat(64),
            resident_id: None,
            flash: None,
        };
        assert!(
            key_of(&request("/", |e| {
                e.insert(session);
            }))
            .is_none()
        );
        let post = Request::builder()
            .method(Method::POST)
            .uri("/")
            .body(Body::empty())
            .unwrap();
        assert!(key_of(&post).is_none());
    }

    #[test]
    fn the_key_tells_languages_and_modes_apart() {
        let zh = key_of(&request("/", |_| {})).unwrap();
        let mut en = Request::builder()
            .uri("/")
            .header(header::COOKIE, "minsheng_mode=elderly")
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::empty())
            .unwrap();
        assert_ne!(key_of(&en).unwrap(), zh);
        en.headers_mut().remove(header::COOKIE);
        en.headers_mut().remove(header::ACCEPT_LANGUAGE);
        assert_ne!(key_of(&en).unwrap(), zh);
    }
}
