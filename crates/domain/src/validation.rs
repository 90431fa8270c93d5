//! What can be wrong with one field of a form, in words the reader understands.
//!
//! The same checks run in the browser (to answer at once) and on the server (to decide); both
//! report a [`FieldError`]: the field's key and a [`Problem`] with a stable code. The message
//! is looked up in the reader's language only when shown.

use i18n::{Locale, td_string};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    InvalidIdNumber,
    InvalidMobile,
    InvalidEmail,
    InvalidDate,
    DateInFuture,
    InvalidNumber,
    NotAnOption,
    PasswordTooShort {
        min: u32,
    },
    PasswordTooLong {
        max: u32,
    },
    PasswordTooCommon,
    PasswordsDiffer,
    AlreadyRegistered,
    /// The one-time code is not six digits, or not the one sent, or no longer valid.
    InvalidCode,
    /// The current password, asked again before a sensitive change, is wrong.
    WrongPassword,
    /// A material marked required has no file.
    FileRequired,
    /// The file is not a PDF, JPEG or PNG (judged by its content, not its name).
    UnsupportedFileType,
    /// A PDF that carries scripts, embedded files or actions that launch something.
    ActiveContent,
    FileTooLarge {
        max_mb: u32,
    },
    /// The application holds as many files as it may.
    TooManyFiles {
        max: u32,
    },
    /// Characters a code or key may not have (catalogue codes, question keys).
    InvalidFormat,
    /// The same value as an earlier item of the list.
    Duplicate,
    /// A number outside `min..=max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
}

impl Problem {
    /// The stable code API clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::InvalidIdNumber => "invalid_id_number",
            Problem::InvalidMobile => "invalid_mobile",
            Problem::InvalidEmail => "invalid_email",
            Problem::InvalidDate => "invalid_date",
            Problem::DateInFuture => "date_in_future",
            Problem::InvalidNumber => "invalid_number",
            Problem::NotAnOption => "not_an_option",
            Problem::PasswordTooShort { .. } => "password_too_short",
            Problem::PasswordTooLong { .. } => "password_too_long",
            Problem::PasswordTooCommon => "password_too_common",
            Problem::PasswordsDiffer => "passwords_differ",
            Problem::AlreadyRegistered => "already_registered",
            Problem::WrongPassword => "wrong_password",
            Problem::InvalidCode => "invalid_code",
            Problem::FileRequired => "file_required",
            Problem::UnsupportedFileType => "unsupported_file_type",
            Problem::ActiveContent => "active_content",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::TooManyFiles { .. } => "too_many_files",
            Problem::InvalidFormat => "invalid_format",
            Problem::Duplicate => "duplicate",
            Problem::OutOfRange { .. } => "out_of_range",
        }
    }

    pub fn message(&self, locale: Locale) -> String {
        match self {
            Problem::Required => td_string!(locale, problems.required).to_owned(),
            Problem::TooLong { max } => {
                td_string!(locale, problems.too_long).replace("$max", &max.to_string())
            }
            Problem::InvalidIdNumber => td_string!(locale, problems.invalid_id_number).to_owned(),
            Problem::InvalidMobile => td_string!(locale, problems.invalid_mobile).to_owned(),
            Problem::InvalidEmail => td_string!(locale, problems.invalid_email).to_owned(),
            Problem::InvalidDate => td_string!(locale, problems.invalid_date).to_owned(),
            Problem::DateInFuture => td_string!(locale, problems.date_in_future).to_owned(),
            Problem::InvalidNumber => td_string!(locale, problems.invalid_number).to_owned(),
            Problem::NotAnOption => td_string!(locale, problems.not_an_option).to_owned(),
            Problem::PasswordTooShort { min } => {
                td_string!(locale, problems.password_too_short).replace("$min", &min.to_string())
            }
            Problem::PasswordTooLong { max } => {
                td_string!(locale, problems.password_too_long).replace("$max", &max.to_string())
            }
            Problem::PasswordTooCommon => {
                td_string!(locale, problems.password_too_common).to_owned()
            }
            Problem::PasswordsDiffer => td_string!(locale, problems.passwords_differ).to_owned(),
            Problem::AlreadyRegistered => {
                td_string!(locale, problems.already_registered).to_owned()
            }
            Problem::WrongPassword => td_string!(locale, problems.wrong_password).to_owned(),
            Problem::InvalidCode => td_string!(locale, problems.invalid_code).to_owned(),
            Problem::FileRequired => td_string!(locale, problems.file_required).to_owned(),
            Problem::UnsupportedFileType => {
                td_string!(locale, problems.unsupported_file_type).to_owned()
            }
            Problem::ActiveContent => td_string!(locale, problems.active_content).to_owned(),
            Problem::TooManyFiles { max } => {
                td_string!(locale, problems.too_many_files).replace("$max", &max.to_string())
            }
            Problem::FileTooLarge { max_mb } => {
                td_string!(locale, problems.file_too_large).replace("$max_mb", &max_mb.to_string())
            }
            Problem::InvalidFormat => td_string!(locale, problems.invalid_format).to_owned(),
            Problem::Duplicate => td_string!(locale, problems.duplicate).to_owned(),
            Problem::OutOfRange { min, max } => td_string!(locale, problems.out_of_range)
                .replace("$min", &min.to_string())
                .replace("$max", &max.to_string()),
        }
    }
}

/// One problem with one field: `field` is the form field's key (or the material's index for a
/// file, `material_<n>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

/// A form's values and problems, kept for the page a form post redirects to (shown once).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form: register, sign_in, application, profile.
    pub form: String,
    /// What was typed (never passwords or ID numbers).
    pub values: std::collections::BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    pub error: Option<super::error::ErrorCode>,
}

impl Flash {
    /// The problem of one field, if it had one.
    pub fn problem(&self, field: &str) -> Option<Problem> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.problem.clone())
    }
}

/// Text longer than `max` characters (not bytes: one Chinese character counts once).
pub fn too_long(value: &str, max: u32) -> bool {
    value.chars().count() > max as usize
}

/// A mainland mobile number: 11 digits starting with 1 and then 3–9. Spaces, dashes and a
/// leading +86 are ignored; the digits alone are returned.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let digits: String = input
        .trim()
        .trim_start_matches("+86")
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    valid.then_some(digits)
}

/// A plausible e-mail address: something@something.something, no spaces.
pub fn is_email(input: &str) -> bool {
    let Some((local, domain)) = input.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !input.chars().any(char::is_whitespace)
        && input.len() <= 254
}

/// The mobile number as staff and notifications show it: `138****5678`.
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() == 11 && mobile.is_ascii() {
        format!("{}****{}", &mobile[..3], &mobile[7..])
    } else {
        "****".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalized_or_refused() {
        assert_eq!(
            normalize_mobile("138 0000 0001").as_deref(),
            Some("13800000001")
        );
        assert_eq!(
            normalize_mobile("+86 139-1234-5678").as_deref(),
            Some("13912345678")
        );
        assert_eq!(normalize_mobile("12800000001"), None, "second digit 2");
        assert_eq!(normalize_mobile("1380000000"), None, "ten digits");
        assert_eq!(normalize_mobile("1380000000a"), None);
        assert_eq!(normalize_mobile(""), None);
    }

    #[test]
    fn masking_keeps_three_and_four() {
        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_mobile("12"), "****");
    }

    #[test]
    fn e_mail_addresses() {
        assert!(is_email("li.wei@example.cn"));
        assert!(!is_email("li.wei@example"));
        assert!(!is_email("li wei@example.cn"));
        assert!(!is_email("@example.cn"));
    }

    #[test]
    fn length_counts_characters() {
        assert!(!too_long("张三丰", 3));
        assert!(too_long("张三丰", 2));
    }

    #[test]
    fn every_problem_reads_in_both_languages() {
        let problems = [
            Problem::Required,
            Problem::TooLong { max: 10 },
            Problem::InvalidIdNumber,
            Problem::InvalidMobile,
            Problem::InvalidEmail,
            Problem::InvalidDate,
            Problem::DateInFuture,
            Problem::InvalidNumber,
            Problem::NotAnOption,
            Problem::PasswordTooShort { min: 8 },
            Problem::PasswordTooLong { max: 64 },
            Problem::PasswordTooCommon,
            Problem::PasswordsDiffer,
            Problem::AlreadyRegistered,
            Problem::WrongPassword,
            Problem::InvalidCode,
            Problem::FileRequired,
            Problem::UnsupportedFileType,
            Problem::ActiveContent,
            Problem::FileTooLarge { max_mb: 10 },
            Problem::TooManyFiles { max: 30 },
        ];
        for problem in problems {
            let zh = problem.message(Locale::zh_CN);
            let en = problem.message(Locale::en);
            assert!(!zh.is_empty() && !en.is_empty(), "{problem:?}");
            assert_ne!(zh, en, "{problem:?} is not translated");
        }
        assert!(
            Problem::TooLong { max: 10 }
                .message(Locale::en)
                .contains("10")
        );
    }
}
