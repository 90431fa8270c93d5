//! The resident ID number (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth date,
//! 3-digit sequence (odd for men, even for women) and a check character.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters")]
    Length,
    #[error("only digits, and X as the last character")]
    Characters,
    #[error("the birth date is not a real date")]
    BirthDate,
    #[error("the check character does not match")]
    Checksum,
}

/// A resident ID number whose format, birth date and check character are valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let normalized = input.trim().to_ascii_uppercase();
        let bytes = normalized.as_bytes();
        if bytes.len() != 18 {
            return Err(IdNumberError::Length);
        }
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        birth_date_of(&normalized).ok_or(IdNumberError::BirthDate)?;
        if check_char(&normalized[..17]) != Some(bytes[17] as char) {
            return Err(IdNumberError::Checksum);
        }
        Ok(Self(normalized))
    }

    /// Builds a valid number from its parts (demo data, tests): the check character is computed.
    pub fn compose(region_code: u32, birth_date: NaiveDate, sequence: u16) -> Self {
        let body = format!(
            "{:06}{}{:03}",
            region_code % 1_000_000,
            birth_date.format("%Y%m%d"),
            sequence % 1000
        );
        let check = check_char(&body).unwrap_or('0');
        Self(format!("{body}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).unwrap_or_default()
    }

    pub fn gender(&self) -> Gender {
        let sequence_last = self.0.as_bytes()[16] - b'0';
        if sequence_last % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Shown to staff: the first 6 and last 4 characters, the birth date hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// The first 6 and last 4 characters of an 18-character ID number, the birth date hidden;
/// anything else is hidden entirely.
pub fn mask(id_number: &str) -> String {
    if id_number.len() == 18 && id_number.is_ascii() {
        format!("{}********{}", &id_number[..6], &id_number[14..])
    } else {
        "******************".to_owned()
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(value: IdNumber) -> Self {
        value.0
    }
}

fn check_char(first17: &str) -> Option<char> {
    let sum = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).map(|d| d * w))
        .sum::<Option<u32>>()?;
    Some(CHECK_CHARS[(sum % 11) as usize])
}

fn birth_date_of(number: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(number.get(6..14)?, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_standard_example() {
        // The worked example of GB 11643-1999.
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn lower_case_x_and_spaces_are_normalized() {
        let id = IdNumber::parse(" 11010519491231002x ").expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn rejects_bad_input_with_the_reason() {
        assert_eq!(
            IdNumber::parse("1101051949123100"),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("11010519491231A02X"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse("110105194913310021"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::Checksum)
        );
    }

    #[test]
    fn composed_numbers_validate_and_carry_their_parts() {
        let born = NaiveDate::from_ymd_opt(1964, 2, 29).unwrap();
        for sequence in [1u16, 2, 317, 998] {
            let id = IdNumber::compose(330106, born, sequence);
            let parsed = IdNumber::parse(id.as_str()).expect("composed numbers are valid");
            assert_eq!(parsed.birth_date(), born);
            let expected = if sequence % 2 == 1 {
                Gender::Male
            } else {
                Gender::Female
            };
            assert_eq!(parsed.gender(), expected);
        }
    }
}
