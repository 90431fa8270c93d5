//! Which language a request is answered in: the language cookie the portal sets, else the
//! first supported language of `Accept-Language`, else Chinese.

use super::cookies;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use i18n::Locale;

/// The cookie leptos_i18n reads and writes for the chosen language.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

pub fn parse_locale(tag: &str) -> Option<Locale> {
    let tag = tag.trim().to_ascii_lowercase();
    if tag == "en" || tag.starts_with("en-") {
        Some(Locale::en)
    } else if tag == "zh" || tag.starts_with("zh-") {
        Some(Locale::zh_CN)
    } else {
        None
    }
}

pub fn request_locale(headers: &HeaderMap) -> Locale {
    cookie_locale(headers)
        .or_else(|| accept_language_locale(headers))
        .unwrap_or(Locale::zh_CN)
}

fn cookie_locale(headers: &HeaderMap) -> Option<Locale> {
    cookies::value(headers, LOCALE_COOKIE).and_then(|value| parse_locale(&value))
}

/// The supported language with the highest quality in `Accept-Language`.
fn accept_language_locale(headers: &HeaderMap) -> Option<Locale> {
    let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Locale)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let Some(locale) = parts.next().and_then(parse_locale) else {
            continue;
        };
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn defaults_to_chinese() {
        assert_eq!(request_locale(&HeaderMap::new()), Locale::zh_CN);
        assert_eq!(
            request_locale(&headers(&[("accept-language", "fr-FR")])),
            Locale::zh_CN
        );
    }

    #[test]
    fn honours_accept_language_quality() {
        assert_eq!(
            request_locale(&headers(&[("accept-language", "en-US,en;q=0.9")])),
            Locale::en
        );
        assert_eq!(
            request_locale(&headers(&[(
                "accept-language",
                "fr;q=1, en;q=0.5, zh-CN;q=0.8"
            )])),
            Locale::zh_CN
        );
    }

    #[test]
    fn the_cookie_wins() {
        let h = headers(&[
            ("accept-language", "zh-CN"),
            ("cookie", "a=b; i18n_pref_locale=en"),
        ]);
        assert_eq!(request_locale(&h), Locale::en);
    }
}
