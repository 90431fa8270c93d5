//! Where a request may go next: a local path to redirect to, decided in one place for every
//! edge (who the request comes from is `http::client`).

/// `next` when it is a path on this site, else None: never an absolute or protocol-relative
/// URL (no open redirect), no backslash (browsers read `/\` as `//`), no control character.
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|path| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(char::is_control)
    })
}

/// Where a resident's form goes back to: `next` when it is local, else their applications.
pub fn safe_next(next: Option<&str>) -> String {
    local_path(next).unwrap_or("/me/applications").to_owned()
}

/// Where the console's sign-in goes: `next` when it is a local console path, else `/admin`.
pub fn console_next(next: Option<&str>) -> String {
    local_path(next)
        .filter(|path| *path == "/admin" || path.starts_with("/admin/"))
        .unwrap_or("/admin")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/services?q=1")), Some("/services?q=1"));
        for foreign in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/a\\b",
            "/a\nb",
            "",
        ] {
            assert_eq!(local_path(Some(foreign)), None, "{foreign:?}");
        }
        assert_eq!(local_path(None), None);
        assert_eq!(safe_next(Some("//evil.example")), "/me/applications");
        assert_eq!(safe_next(Some("/me/inbox")), "/me/inbox");
        assert_eq!(console_next(Some("/admin/queue")), "/admin/queue");
        for elsewhere in ["/me/inbox", "/administrator", "//evil.example", "/admin\\x"] {
            assert_eq!(console_next(Some(elsewhere)), "/admin", "{elsewhere:?}");
        }
        assert_eq!(console_next(None), "/admin");
    }
}
