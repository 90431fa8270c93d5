//! The site's own static files under `/pkg` (the WASM, its JS, the style sheet): served from
//! disk with the brotli and gzip copies `cargo leptos build -P` wrote beside each file (brotli
//! at quality 11, once, at build time, instead of a quick compression on every request), and
//! cached by browsers and proxies for a year when the name carries the content's hash
//! (`minsheng.<hash>.wasm`: a new build is a new name), revalidated otherwise.
//!
//! The router puts this service outside the session layer: a file is the same for everyone,
//! so a request for one never costs a session lookup in the database.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::path::Path;
use tower_http::services::ServeDir;

/// `Cache-Control` of a file whose name carries its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of any other static file: kept, but asked about again before each use.
pub const REVALIDATE: &str = "public, no-cache";

/// The files of `dir` (the site's `pkg` folder), with their precompressed copies.
pub fn service(dir: &Path) -> ServeDir {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

/// Whether a file name carries a content hash as cargo-leptos writes it: a 22-character
/// base64url MD5 between the name and the extension (`minsheng.Xy3…Q.wasm`).
pub fn is_hashed(file_name: &str) -> bool {
    let mut parts = file_name.rsplit('.');
    let (Some(_extension), Some(hash), Some(_name)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The layer: a year's `immutable` for hashed names, revalidation for the rest, and `Vary`
/// so that a cache keeps the brotli, gzip and plain copies apart.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(is_hashed);
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        let headers = response.headers_mut();
        let cache = if hashed { IMMUTABLE } else { REVALIDATE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use tower::ServiceExt;

    #[test]
    fn a_hashed_name_is_told_from_a_plain_one() {
        assert!(is_hashed("minsheng.Xy3kQ9aZ0bC1dE2fG3hI4j.wasm"));
        assert!(!is_hashed("minsheng.wasm"));
        assert!(!is_hashed("minsheng.css"));
        assert!(!is_hashed("favicon.ico"));
        assert!(!is_hashed("a.short.wasm"));
    }

    /// A `pkg` folder with a hashed WASM file and its brotli copy, and a plain style sheet.
    fn pkg() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("app.Xy3kQ9aZ0bC1dE2fG3hI4j.wasm"), b"plain").unwrap();
        std::fs::write(
            dir.path().join("app.Xy3kQ9aZ0bC1dE2fG3hI4j.wasm.br"),
            b"brotli",
        )
        .unwrap();
        std::fs::write(dir.path().join("app.css"), b"body{}").unwrap();
        dir
    }

    async fn get(dir: &Path, path: &str, accept: &str) -> Response {
        let app = Router::new()
            .nest_service("/pkg", service(dir))
            .layer(axum::middleware::from_fn(cache_control));
        app.oneshot(
            Request::get(path)
                .header(header::ACCEPT_ENCODING, accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_brotli_copy_is_sent_to_who_takes_it_and_kept_a_year() {
        let dir = pkg();
        let path = "/pkg/app.Xy3kQ9aZ0bC1dE2fG3hI4j.wasm";
        let brotli = get(dir.path(), path, "gzip, br").await;
        assert_eq!(brotli.status(), 200);
        assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(brotli.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(brotli.headers()[header::VARY], "accept-encoding");
        let body = axum::body::to_bytes(brotli.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(&body[..], b"brotli");

        let plain = get(dir.path(), path, "identity").await;
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let body = axum::body::to_bytes(plain.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"plain");

        let css = get(dir.path(), "/pkg/app.css", "br").await;
        assert_eq!(css.status(), 200);
        assert_eq!(css.headers()[header::CACHE_CONTROL], REVALIDATE);
        assert_eq!(get(dir.path(), "/pkg/missing.js", "br").await.status(), 404);
    }
}
