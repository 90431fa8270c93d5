//! Personal data as staff see it: masked by its type, shown in full only when a reveal was
//! recorded.
//!
//! A staff-facing type holds an ID number, a mobile number or a name in a [`Masked`], whose
//! only constructor masks: it serializes as the masked text and, read back, masks again
//! (masking is idempotent), so a full number cannot reach a staff response — or come back
//! from one — by accident. The one way to send a value in full is a [`Revealed`], built
//! where the reveal is recorded in the audit log (`store::resident_records::reveal`).
//!
//! Free text that staff read (form answers, rating comments) goes through [`mask_in_text`],
//! which masks anything in it that looks like an ID or mobile number.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// How one kind of personal data is masked. Masking a masked value changes nothing.
pub trait MaskKind {
    fn mask(full: &str) -> String;
}

/// An ID number: the first 6 and last 4 characters, the birth date hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdNumberMask {}

/// A mobile number: the first 3 and last 4 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MobileMask {}

/// A name: the family name and a mask character for each other character (张**).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameMask {}

impl MaskKind for IdNumberMask {
    fn mask(full: &str) -> String {
        crate::id_number::mask(full)
    }
}

impl MaskKind for MobileMask {
    fn mask(full: &str) -> String {
        crate::validation::mask_mobile(full)
    }
}

impl MaskKind for NameMask {
    fn mask(full: &str) -> String {
        crate::segment::mask_name(full)
    }
}

/// A value that is masked whatever it was made from.
pub struct Masked<K> {
    text: String,
    kind: PhantomData<K>,
}

pub type MaskedIdNumber = Masked<IdNumberMask>;
pub type MaskedMobile = Masked<MobileMask>;
pub type MaskedName = Masked<NameMask>;

impl<K: MaskKind> Masked<K> {
    /// Masks `full`.
    pub fn new(full: &str) -> Self {
        Self {
            text: K::mask(full),
            kind: PhantomData,
        }
    }
}

impl<K> Masked<K> {
    /// The masked text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<K> Clone for Masked<K> {
    fn clone(&self) -> Self {
        Self {
            text: self.text.clone(),
            kind: PhantomData,
        }
    }
}

impl<K> PartialEq for Masked<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K> Eq for Masked<K> {}

impl<K> fmt::Debug for Masked<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Masked({:?})", self.text)
    }
}

impl<K> fmt::Display for Masked<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<K> Serialize for Masked<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, K: MaskKind> Deserialize<'de> for Masked<K> {
    /// Masks what it reads: a masked value stays as it was, a full one is masked.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::new(&text))
    }
}

#[cfg(feature = "ssr")]
impl<K> utoipa::PartialSchema for Masked<K> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "Masked personal data, e.g. 110105********002X, 138****5678",
            ))
            .into()
    }
}

#[cfg(feature = "ssr")]
impl<K> utoipa::ToSchema for Masked<K> {}

/// A personal value in full, for the member of staff whose reveal — with its reason — was
/// recorded in the audit log. Build one only there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Revealed<T>(T);

impl<T> Revealed<T> {
    /// `value`, whose reveal has just been recorded.
    pub fn recorded(value: T) -> Self {
        Self(value)
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

/// `text` with every ID number and mobile number in it masked: an 18-character ID number
/// (the last may be X) or a 15-digit one, or an 11-digit mobile number starting with 1,
/// written as one run of digits or in groups split by single spaces or hyphens
/// (`138 1234 5678`, `110105-19491231-002X`). Other numbers (dates, amounts, landlines,
/// application numbers) stay as they are.
pub fn mask_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit() && (i == 0 || !is_number_part(chars[i - 1]));
        if starts_number {
            if let Some((end, masked)) = number_at(&chars, i) {
                out.push_str(&masked);
                i = end;
                continue;
            }
            // Not one: copy this group of digits as it is.
            while i < chars.len() && chars[i].is_ascii_digit() {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A character that continues a number (a digit, or the X that ends an ID number): a run of
/// digits glued to one is part of a longer token.
fn is_number_part(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The ID or mobile number that starts at `start`, as (where it ends, masked).
fn number_at(chars: &[char], start: usize) -> Option<(usize, String)> {
    // The groups of digits from `start`: (first, end) of each, split by one space or hyphen.
    let mut groups = Vec::new();
    let mut at = start;
    loop {
        let first = at;
        while at < chars.len() && chars[at].is_ascii_digit() {
            at += 1;
        }
        groups.push((first, at));
        let separated = at + 1 < chars.len()
            && matches!(chars[at], ' ' | '-')
            && chars[at + 1].is_ascii_digit();
        if !separated || groups.len() == 4 {
            break;
        }
        at += 1;
    }
    let mut best = None;
    let mut digits = String::new();
    for (index, &(first, end)) in groups.iter().enumerate() {
        digits.extend(&chars[first..end]);
        let mut end = end;
        let mut candidate = digits.clone();
        // The check character of an ID number.
        if candidate.len() == 17 && chars.get(end).is_some_and(|c| matches!(c, 'X' | 'x')) {
            candidate.push('X');
            end += 1;
        }
        // Glued to a letter or digit after it: part of something longer.
        if chars.get(end).copied().is_some_and(is_number_part) {
            continue;
        }
        let alone = index == 0;
        let masked = match candidate.len() {
            18 => Some(crate::id_number::mask(&candidate)),
            15 if alone => Some("*".repeat(15)),
            11 if candidate.starts_with('1') => Some(crate::validation::mask_mobile(&candidate)),
            _ => None,
        };
        if let Some(masked) = masked {
            best = Some((end, masked));
        }
        if candidate.len() >= 18 {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_value_is_masked_whatever_it_was_made_from() {
        let id = MaskedIdNumber::new("11010519491231002X");
        assert_eq!(id.as_str(), "110105********002X");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"110105********002X\""
        );
        let mobile = MaskedMobile::new("13812345678");
        assert_eq!(mobile.to_string(), "138****5678");
        assert_eq!(MaskedName::new("张三丰").as_str(), "张**");
    }

    #[test]
    fn reading_one_back_masks_again() {
        let full: MaskedIdNumber = serde_json::from_str("\"11010519491231002X\"").unwrap();
        assert_eq!(full.as_str(), "110105********002X");
        let masked: MaskedIdNumber = serde_json::from_str("\"110105********002X\"").unwrap();
        assert_eq!(masked, full, "masking a masked value changes nothing");
        let mobile: MaskedMobile = serde_json::from_str("\"138****5678\"").unwrap();
        assert_eq!(mobile.as_str(), "138****5678");
        let name: MaskedName = serde_json::from_str("\"张**\"").unwrap();
        assert_eq!(name.as_str(), "张**");
    }

    #[test]
    fn a_revealed_value_travels_in_full() {
        let revealed = Revealed::recorded("13812345678".to_owned());
        assert_eq!(serde_json::to_string(&revealed).unwrap(), "\"13812345678\"");
    }

    #[test]
    fn numbers_in_free_text_are_masked() {
        let cases = [
            (
                "我的身份证号11010519491231002X，请核对",
                "我的身份证号110105********002X，请核对",
            ),
            ("id 11010519491231002x.", "id 110105********002X."),
            ("电话：13812345678", "电话：138****5678"),
            ("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢"),
            ("138-1234-5678", "138****5678"),
            ("110105 19491231 002X", "110105********002X"),
            ("旧证 110105491231002", "旧证 ***************"),
            ("2024-01-01 13800000001", "2024-01-01 138****0001"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask_in_text(text), masked, "{text}");
        }
    }

    #[test]
    fn eleven_digits_from_1_are_taken_for_a_mobile_number() {
        // Staff lose nothing they need by it; a resident's number stays private.
        assert_eq!(mask_in_text("金额 12345678901 元"), "金额 123****8901 元");
    }

    #[test]
    fn other_numbers_stay() {
        for text in [
            "2024-01-01",
            "0571-88888888",
            "MS-20261201-000123",
            "第 123456789012 号",
            "卡号 6222021234567890123",
            "订单A13812345678",
            "",
            "没有数字",
        ] {
            assert_eq!(mask_in_text(text), text);
        }
    }
}
