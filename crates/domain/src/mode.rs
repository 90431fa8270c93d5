//! Elderly mode (长辈版, also known as 关怀版 / 亲情版 / 关爱版): what selects it and what finds
//! it. The pages and the switch are the app's (`app/src/ui/mode.rs`); these rules are plain
//! functions, the same on the server and in the browser.

/// The cookie holding this device's mode: `elderly` or `standard`.
pub const MODE_COOKIE: &str = "ms_mode";
/// The class on `<html>` that switches the style sheet's tokens to elderly mode.
pub const ELDERLY_CLASS: &str = "elderly";

/// Whether this page is in elderly mode; provided once for the whole page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elderly(pub bool);

/// What residents call elderly mode when they search for it.
const NAMES: [&str; 8] = [
    "长辈版",
    "关怀版",
    "亲情版",
    "关爱版",
    "大字版",
    "老年版",
    "elderly",
    "large text",
];

/// Whether a search is for elderly mode itself.
pub fn names_elderly_mode(query: &str) -> bool {
    let query = query.trim().to_lowercase();
    let part_of_a_name =
        query.chars().count() >= 2 && !query.is_ascii() && NAMES.iter().any(|n| n.contains(&query));
    part_of_a_name || NAMES.iter().any(|name| query.contains(name))
}

/// Whether a `Cookie` header selects elderly mode.
pub fn elderly_in_cookies(header: &str) -> bool {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == MODE_COOKIE && value == "elderly")
}

/// Where the switch to a mode posts (with the page to come back to as `next`).
pub fn switch_action(to_elderly: bool) -> String {
    let mode = if to_elderly { "elderly" } else { "standard" };
    format!("/mode/{mode}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_selects_the_mode() {
        assert!(elderly_in_cookies("ms_lang=zh-CN; ms_mode=elderly"));
        assert!(elderly_in_cookies("ms_mode=elderly"));
        assert!(!elderly_in_cookies("ms_mode=standard"));
        assert!(!elderly_in_cookies("xms_mode=elderly; other=1"));
        assert!(!elderly_in_cookies(""));
    }

    #[test]
    fn searching_its_names_finds_the_mode() {
        for query in [
            "关怀版",
            "亲情版",
            " 关爱版 ",
            "长辈",
            "Elderly mode",
            "大字版",
        ] {
            assert!(names_elderly_mode(query), "{query}");
        }
        for query in ["", "社保", "版", "elder care allowance"] {
            assert!(!names_elderly_mode(query), "{query}");
        }
    }

    #[test]
    fn the_switch_posts_to_the_mode() {
        assert_eq!(switch_action(true), "/mode/elderly");
        assert_eq!(switch_action(false), "/mode/standard");
    }
}
