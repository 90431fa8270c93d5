//! Text that the catalogue holds in both of the UI's languages.

use serde::{Deserialize, Serialize};

/// A name or description stored in Chinese, with an optional English translation.
///
/// Chinese is the source of truth; where no English text was written the Chinese is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LocalizedText {
    pub zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LocalizedText {
    pub fn new(zh: impl Into<String>, en: Option<String>) -> Self {
        Self { zh: zh.into(), en }
    }

    /// The text in English when `english` is set and a translation exists, otherwise Chinese.
    pub fn pick(&self, english: bool) -> &str {
        match (&self.en, english) {
            (Some(en), true) if !en.is_empty() => en,
            _ => &self.zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_chinese() {
        let both = LocalizedText::new("民政局", Some("Civil Affairs Bureau".into()));
        assert_eq!(both.pick(true), "Civil Affairs Bureau");
        assert_eq!(both.pick(false), "民政局");
        let zh_only = LocalizedText::new("民政局", None);
        assert_eq!(zh_only.pick(true), "民政局");
        let empty_en = LocalizedText::new("民政局", Some(String::new()));
        assert_eq!(empty_en.pick(true), "民政局");
    }
}
