//! Links between pages: a query-string value, the page's own address to come back to.

/// Percent-encodes one query-string value (everything but RFC 3986's unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The page's own address (path and query) from the router's parts: `search` has no '?'.
pub fn here(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn encodes_paths_and_chinese_as_one_value() {
        assert_eq!(encode_query_value("生育"), "%E7%94%9F%E8%82%B2");
        assert_eq!(
            encode_query_value("/services?q=a b&page=2"),
            "%2Fservices%3Fq%3Da%20b%26page%3D2"
        );
        assert_eq!(encode_query_value("MZ-0101_x.~"), "MZ-0101_x.~");
    }
}
