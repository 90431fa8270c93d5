//! Forms whose field names are not known in advance — numbered rows (`material_name_zh.0`,
//! `q_text.2`), a survey's questions by key, the segment builder — taken as the names and
//! values the browser sent, in order. axum-extra's `Form` (serde_html_form) decodes the body
//! into [`Fields`]; forms with fixed names deserialize into their request types instead.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value sent under `key`, or empty.
    pub fn value(&self, key: &str) -> String {
        self.values(key).next().unwrap_or_default().to_owned()
    }

    /// The value under `key` trimmed, or none when it is blank.
    pub fn optional(&self, key: &str) -> Option<String> {
        Some(self.value(key).trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// Every value sent under `key` (check boxes, multiple choices), in order.
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a check box named `key` was ticked.
    pub fn checked(&self, key: &str) -> bool {
        matches!(self.value(key).as_str(), "on" | "true" | "1")
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// What the form sent, to give back with its problems: a name sent more than once (check
    /// boxes, a numbered row's list) has its values joined by line breaks.
    pub fn kept(&self) -> BTreeMap<String, String> {
        let mut values = BTreeMap::new();
        for (key, value) in &self.0 {
            values
                .entry(key.clone())
                .and_modify(|v: &mut String| {
                    v.push('\n');
                    v.push_str(value);
                })
                .or_insert_with(|| value.clone());
        }
        values
    }
}

/// The texts of a request as a form sent them, to give back with its problems; blank ones
/// are left out.
pub fn texts<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a Option<String>)>,
) -> BTreeMap<String, String> {
    fields
        .into_iter()
        .filter_map(|(key, value)| {
            let value = value.as_deref().unwrap_or_default();
            (!value.is_empty()).then(|| (key.to_owned(), value.to_owned()))
        })
        .collect()
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Fields(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_every_value_in_order_decoded() {
        let fields: Fields =
            serde_html_form::from_str("q_text.0=%E5%A7%93%E5%90%8D&pick=a&pick=b&on=on&blank=+")
                .expect("a form body");
        assert_eq!(fields.value("q_text.0"), "姓名");
        assert_eq!(fields.values("pick").collect::<Vec<_>>(), ["a", "b"]);
        assert!(fields.checked("on"));
        assert!(!fields.checked("missing"));
        assert_eq!(fields.value("missing"), "");
        assert_eq!(fields.optional("blank"), None);
        assert_eq!(fields.kept().get("pick").map(String::as_str), Some("a\nb"));
    }
}
