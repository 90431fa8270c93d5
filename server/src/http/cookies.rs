//! The site's cookies — the resident's session (`ms_session`), the console's (`ms_staff`), the
//! language (`ms_locale`) and the mode (`ms_mode`) — read with axum-extra's `CookieJar` and
//! written with the `cookie` crate, never by hand.

use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use cookie::time::Duration;

/// A device setting (language, mode) is kept for a year.
pub const A_YEAR: i64 = 365 * 24 * 60 * 60;

/// The value of the cookie `name` the request carries.
pub fn value(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|cookie| cookie.value().to_owned())
}

/// What a cookie is for, which decides its attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A session token: HttpOnly, SameSite as given, Secure over HTTPS.
    Session { same_site: SameSite, secure: bool },
    /// A device setting the pages read: SameSite=Lax.
    Setting,
}

/// A `Set-Cookie` value for the whole site, kept `max_age` seconds (0 removes it; none: until
/// the browser closes).
pub fn set(name: &'static str, value: &str, max_age: Option<i64>, kind: Kind) -> HeaderValue {
    let mut cookie = Cookie::build((name, value.to_owned())).path("/");
    if let Some(seconds) = max_age {
        cookie = cookie.max_age(Duration::seconds(seconds));
    }
    cookie = match kind {
        Kind::Session { same_site, secure } => {
            cookie.http_only(true).same_site(same_site).secure(secure)
        }
        Kind::Setting => cookie.same_site(SameSite::Lax),
    };
    HeaderValue::from_str(&cookie.build().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x=1; ms_locale=en; ms_mode=elderly"),
        );
        assert_eq!(value(&headers, "ms_locale").as_deref(), Some("en"));
        assert_eq!(value(&headers, "ms_session"), None);
    }

    #[test]
    fn a_session_cookie_is_http_only_and_a_setting_is_not() {
        let kind = Kind::Session {
            same_site: SameSite::Strict,
            secure: true,
        };
        let session = set("ms_staff", "ab", Some(60), kind);
        let text = session.to_str().expect("ascii");
        for part in [
            "ms_staff=ab",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
        let setting = set("ms_mode", "elderly", Some(A_YEAR), Kind::Setting);
        let text = setting.to_str().expect("ascii");
        assert!(
            text.contains("SameSite=Lax") && !text.contains("HttpOnly"),
            "{text}"
        );
        assert!(text.contains("Max-Age=31536000"), "{text}");
    }
}
