//! LIKE patterns that match what a person typed literally: `%`, `_` and `\` in it are
//! escaped, so that "50%" finds "50%" and not everything starting with "50".

/// `%text%` with the wildcards in `text` escaped (use with `LikeExpr::escape('\\')`).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("生育"), "%生育%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
