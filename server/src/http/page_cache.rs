//! Catalogue pages for visitors who are not signed in, rendered once and served again from
//! memory for a few seconds (`MINSHENG_PAGE_CACHE_SECS`, default 10).
//!
//! The home page, the search, a service's page and the public satisfaction page are the same
//! for every visitor without a session who asks in the same language and mode; rendering one
//! costs a handful of catalogue queries and the whole view tree, and compressing it costs
//! more than that. A copy is kept as it will be sent: brotli-compressed (quality 9), gzipped
//! and plain. What a copy may not share:
//!
//! - **Personal data**: only requests without a resident or staff session are answered from
//!   or stored in the cache, and only answers that set no cookie are stored.
//! - **The CSP nonce**: a page that is rendered carries a fresh nonce in its policy
//!   (`http::secure_headers`). A copy is sent instead with a policy that allows exactly its
//!   own inline scripts by their SHA-256 hashes (CSP level 2), so that nothing else inline
//!   runs and no nonce is ever sent twice.
//! - **Out-of-date catalogue**: a copy belongs to the catalogue version it was rendered at
//!   (`PushHub::catalogue_version`); an edit on any instance moves the version on every
//!   instance, and older copies are never served again. Figures that move with every
//!   application or rating (popular services, satisfaction) are at most the time to live
//!   old.
//!
//! Bounded: at most [`CAPACITY`] pages (a few MB); a full cache first drops what expired,
//! then stores nothing more until something does.

use super::secure_headers;
use crate::push::PushHub;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{CurrentSession, CurrentStaff};

/// Pages kept at most (each some 20–60 KB of HTML and its compressed copies).
pub const CAPACITY: usize = 512;
/// Addresses longer than this (a search with a very long query) are never stored.
const MAX_URI: usize = 512;
/// Pages larger than this are never stored.
const MAX_BODY: usize = 1024 * 1024;
/// Brotli quality of a copy: done once per page and time to live, so near the best.
const BROTLI_QUALITY: u32 = 9;

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

/// A page as it is sent.
#[derive(Clone)]
struct Copy {
    plain: Bytes,
    brotli: Bytes,
    gzip: Bytes,
    content_type: HeaderValue,
    policy: HeaderValue,
}

struct Entry {
    copy: Copy,
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
    fn get(&self, key: &Key) -> Option<Copy> {
        let version = self.push.catalogue_version();
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.catalogue_version == version && entry.stored.elapsed() < self.ttl)
            .then(|| entry.copy.clone())
    }

    fn put(&self, key: Key, entry: Entry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if !replaces(entries.get(&key), entry.catalogue_version, self.ttl) {
            return;
        }
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

/// Whether a new copy may take the place of what is stored under its key. The first fresh
/// copy of a catalogue version stays for its whole life: renders that raced it (each copy is
/// made off the request's way) would otherwise replace it with another nonce and other script
/// hashes, and a visitor would get a different page for the same catalogue.
fn replaces(stored: Option<&Entry>, catalogue_version: u64, ttl: Duration) -> bool {
    stored.is_none_or(|e| e.catalogue_version != catalogue_version || e.stored.elapsed() >= ttl)
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

/// The text of every inline script of a page (those without `src`), as the browser hashes
/// it: everything between the start tag and the next `</script>`. Leptos escapes `<` in the
/// data it inlines, so no script holds that end tag. Empty scripts run nothing and are left
/// out.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start + "<script".len()..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(end) = body.find("</script>") else {
            break;
        };
        if !attributes.contains("src=") && end > 0 {
            scripts.push(&body[..end]);
        }
        rest = &body[end + "</script>".len()..];
    }
    scripts
}

/// The CSP source that allows one inline script.
fn script_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The encodings a client accepts, best first: brotli, gzip, none (`q=0` refuses one).
fn preferred_encoding(headers: &HeaderMap) -> Option<&'static str> {
    let accepted: Vec<(String, bool)> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name, !refused)
        })
        .collect();
    ["br", "gzip"]
        .into_iter()
        .find(|wanted| accepted.iter().any(|(name, ok)| *ok && name == wanted))
}

fn compress(html: &[u8]) -> std::io::Result<(Bytes, Bytes)> {
    let mut brotli = Vec::with_capacity(html.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, BROTLI_QUALITY, 22);
        writer.write_all(html)?;
    }
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(html.len() / 3),
        flate2::Compression::best(),
    );
    gzip.write_all(html)?;
    Ok((Bytes::from(brotli), Bytes::from(gzip.finish()?)))
}

/// A copy of a rendered page, ready to send: its policy, its compressed forms.
fn copy_of(plain: Bytes, content_type: HeaderValue) -> Option<Copy> {
    let html = std::str::from_utf8(&plain).ok()?;
    let hashes: Vec<String> = inline_scripts(html).into_iter().map(script_hash).collect();
    let policy = HeaderValue::from_str(&secure_headers::content_security_policy_allowing(
        &hashes.join(" "),
    ))
    .ok()?;
    let (brotli, gzip) = compress(&plain)
        .inspect_err(|err| tracing::warn!(error = %err, "a page copy could not be compressed"))
        .ok()?;
    Some(Copy {
        plain,
        brotli,
        gzip,
        content_type,
        policy,
    })
}

fn respond(copy: Copy, encoding: Option<&'static str>) -> Response {
    let body = match encoding {
        Some("br") => copy.brotli,
        Some(_) => copy.gzip,
        None => copy.plain,
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, copy.content_type);
    headers.insert(header::CONTENT_SECURITY_POLICY, copy.policy);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
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
    let encoding = preferred_encoding(request.headers());
    if let Some(copy) = cache.get(&key) {
        return respond(copy, encoding);
    }
    // Read before rendering: an edit during the render leaves the copy out of date.
    let catalogue_version = cache.push.catalogue_version();
    let response = next.run(request).await;
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let storable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && content_type
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    let (Some(content_type), true) = (content_type, storable) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(err) => {
            // Too large to keep, or the render failed part-way: nothing sensible to send.
            tracing::error!(error = %err, "a catalogue page could not be read whole");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // This answer goes as rendered (with its nonce); the copy is made off the request's way.
    let plain = body.clone();
    tokio::task::spawn_blocking(move || {
        if let Some(copy) = copy_of(plain, content_type) {
            cache.put(
                key,
                Entry {
                    copy,
                    stored: Instant::now(),
                    catalogue_version,
                },
            );
        }
    });
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(stored: Instant, catalogue_version: u64) -> Entry {
        let empty = HeaderValue::from_static("");
        Entry {
            copy: Copy {
                plain: Bytes::new(),
                brotli: Bytes::new(),
                gzip: Bytes::new(),
                content_type: empty.clone(),
                policy: empty,
            },
            stored,
            catalogue_version,
        }
    }

    #[test]
    fn the_first_fresh_copy_of_a_catalogue_stays() {
        let ttl = Duration::from_secs(10);
        let now = Instant::now();
        assert!(replaces(None, 1, ttl), "nothing stored yet");
        assert!(
            !replaces(Some(&entry(now, 1)), 1, ttl),
            "a raced render is not kept"
        );
        assert!(
            replaces(Some(&entry(now, 1)), 2, ttl),
            "an edit's copy replaces it"
        );
        if let Some(long_ago) = now.checked_sub(ttl) {
            assert!(
                replaces(Some(&entry(long_ago, 1)), 1, ttl),
                "an expired copy goes"
            );
        }
    }

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
    fn every_inline_script_is_found_whole_and_external_ones_are_not() {
        let html = r#"<head><script nonce="x">a()</script><script type="module" src="/pkg/m.js"></script>
            <script></script></head><body><script nonce="x">b = "\u003c/script>";</script></body>"#;
        assert_eq!(inline_scripts(html), ["a()", r#"b = "\u003c/script>";"#]);
    }

    #[test]
    fn a_script_hash_is_the_base64_sha256_the_browser_computes() {
        // echo -n "alert('Hello, world.');" | openssl sha256 -binary | base64 (the CSP spec's
        // example)
        assert_eq!(
            script_hash("alert('Hello, world.');"),
            "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
        );
    }

    #[test]
    fn brotli_is_preferred_and_a_refused_encoding_is_never_sent() {
        let accept = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            preferred_encoding(&headers)
        };
        assert_eq!(accept("gzip, deflate, br"), Some("br"));
        assert_eq!(accept("gzip;q=0.5, br;q=0"), Some("gzip"));
        assert_eq!(accept("identity"), None);
        assert_eq!(preferred_encoding(&HeaderMap::new()), None);
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
