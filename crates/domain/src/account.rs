//! Resident accounts: what registering needs, the password rule, how a resident signs in, and
//! who is signed in as the pages see it.
use crate::ids::ResidentId;

use super::id_number::IdNumber;
use super::one_time_code;
use super::personal::MaskedMobile;
use super::validation::{FieldError, Problem, normalize_mobile, too_long};
use serde::{Deserialize, Serialize};

pub const PASSWORD_MIN_CHARS: u32 = 8;
pub const PASSWORD_MAX_CHARS: u32 = 64;
pub const NAME_MAX_CHARS: u32 = 50;

/// The most used passwords (from published breach lists, with the Chinese favourites), all
/// at least 8 characters: shorter ones fail the length rule anyway.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The password rule (NIST SP 800-63B): 8 to 64 characters, anything may be in it, but not
/// one of the most common passwords. No composition rules; pasting is welcome.
pub fn check_password(password: &str) -> Result<(), Problem> {
    let chars = password.chars().count() as u32;
    if chars < PASSWORD_MIN_CHARS {
        return Err(Problem::PasswordTooShort {
            min: PASSWORD_MIN_CHARS,
        });
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(Problem::PasswordTooLong {
            max: PASSWORD_MAX_CHARS,
        });
    }
    let lowered = password.to_lowercase();
    if COMMON_PASSWORDS.lines().any(|common| common == lowered) {
        return Err(Problem::PasswordTooCommon);
    }
    Ok(())
}

/// What the registration form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Registration {
    pub name: String,
    pub mobile: String,
    pub id_number: String,
    pub password: String,
    /// The one-time code sent to `mobile` (POST /api/v1/verification-codes).
    #[serde(default)]
    pub code: String,
}

/// A registration that passed every check: the values as they will be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRegistration {
    pub name: String,
    pub mobile: String,
    pub id_number: IdNumber,
    pub password: String,
    pub code: String,
}

impl Registration {
    pub fn validate(&self) -> Result<ValidRegistration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", Problem::Required));
        } else if too_long(name, NAME_MAX_CHARS) {
            errors.push(FieldError::new(
                "name",
                Problem::TooLong {
                    max: NAME_MAX_CHARS,
                },
            ));
        }
        let mobile = if self.mobile.trim().is_empty() {
            errors.push(FieldError::new("mobile", Problem::Required));
            None
        } else {
            let mobile = normalize_mobile(&self.mobile);
            if mobile.is_none() {
                errors.push(FieldError::new("mobile", Problem::InvalidMobile));
            }
            mobile
        };
        let id_number = if self.id_number.trim().is_empty() {
            errors.push(FieldError::new("id_number", Problem::Required));
            None
        } else {
            let parsed = IdNumber::parse(&self.id_number).ok();
            if parsed.is_none() {
                errors.push(FieldError::new("id_number", Problem::InvalidIdNumber));
            }
            parsed
        };
        if let Err(problem) = check_password(&self.password) {
            errors.push(FieldError::new("password", problem));
        }
        let code = one_time_code::parse(&self.code)
            .map_err(|problem| errors.push(FieldError::new("code", problem)))
            .ok();
        match (mobile, id_number, code) {
            (Some(mobile), Some(id_number), Some(code)) if errors.is_empty() => {
                Ok(ValidRegistration {
                    name: name.to_owned(),
                    mobile,
                    id_number,
                    password: self.password.clone(),
                    code,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The answer to a registration that claims a register record without the register's
/// mobile number: nothing to sign in to until the identity check at a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AwaitingIdentityCheck {
    pub awaiting_identity_check: bool,
}

/// A new password, proved by a one-time code sent to the account's mobile number: the
/// reset of a forgotten password and the change of a known one alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub mobile: String,
    pub code: String,
    pub password: String,
}

/// A password reset that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPasswordReset {
    pub mobile: String,
    pub code: String,
    pub password: String,
}

impl PasswordReset {
    pub fn validate(&self) -> Result<ValidPasswordReset, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mobile = one_time_code::mobile_of(&self.mobile)
            .map_err(|e| errors.push(e))
            .ok();
        let code = one_time_code::parse(&self.code)
            .map_err(|problem| errors.push(FieldError::new("code", problem)))
            .ok();
        if let Err(problem) = check_password(&self.password) {
            errors.push(FieldError::new("password", problem));
        }
        match (mobile, code) {
            (Some(mobile), Some(code)) if errors.is_empty() => Ok(ValidPasswordReset {
                mobile,
                code,
                password: self.password.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// A claim of a register record waiting for its identity check, as the window clerk sees
/// it once they have typed the ID number from the card in front of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PendingClaim {
    pub resident_id: ResidentId,
    pub name: String,
    /// The number proved online, masked: the person confirms it is theirs.
    pub claimed_mobile: MaskedMobile,
    /// The number the register holds, masked, if it holds one.
    pub register_mobile: Option<MaskedMobile>,
    pub requested_at: chrono::DateTime<chrono::Utc>,
}

/// How a resident names their account at sign-in: mobile number or ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountName {
    Mobile(String),
    IdNumber(IdNumber),
}

impl AccountName {
    pub fn parse(input: &str) -> Option<Self> {
        if let Some(mobile) = normalize_mobile(input) {
            return Some(AccountName::Mobile(mobile));
        }
        IdNumber::parse(input).ok().map(AccountName::IdNumber)
    }
}

/// What the sign-in form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignIn {
    /// Mobile number or resident ID number.
    pub account: String,
    pub password: String,
    /// "Keep me signed in" (保持登录): the cookie outlives the browser (up to the session's
    /// absolute limit). Otherwise it ends when the browser closes, which is what a shared or
    /// borrowed phone needs.
    #[serde(default)]
    pub keep_signed_in: bool,
}

/// The signed-in resident, as every page and API call sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Viewer {
    pub resident_id: ResidentId,
    pub name: String,
    pub elderly_mode: bool,
    /// Aged 60 or over, in the standard mode, and never asked: offer elderly mode (once).
    pub offer_elderly_mode: bool,
    pub unread_notifications: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> Registration {
        Registration {
            name: " 李明 ".into(),
            mobile: "138 1234 5678".into(),
            id_number: "11010519491231002X".into(),
            password: "correct horse battery".into(),
            code: " 042 042".into(),
        }
    }

    #[test]
    fn a_good_registration_is_normalized() {
        let valid = registration().validate().expect("valid");
        assert_eq!(valid.name, "李明");
        assert_eq!(valid.mobile, "13812345678");
        assert_eq!(valid.id_number.as_str(), "11010519491231002X");
        assert_eq!(valid.code, "042042");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = Registration {
            name: String::new(),
            mobile: "12345".into(),
            id_number: "110105194912310021".into(),
            password: "short".into(),
            code: "12345".into(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", &Problem::Required),
                ("mobile", &Problem::InvalidMobile),
                ("id_number", &Problem::InvalidIdNumber),
                ("password", &Problem::PasswordTooShort { min: 8 }),
                ("code", &Problem::InvalidCode),
            ]
        );
    }

    #[test]
    fn a_password_reset_needs_a_number_a_code_and_a_good_password() {
        let reset = PasswordReset {
            mobile: "+86 138 0000 0001".into(),
            code: "123456".into(),
            password: "a new sentence to remember".into(),
        };
        assert_eq!(reset.validate().expect("valid").mobile, "13800000001");
        let errors = PasswordReset {
            mobile: String::new(),
            code: String::new(),
            password: "12345678".into(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            fields,
            [
                ("mobile", &Problem::Required),
                ("code", &Problem::Required),
                ("password", &Problem::PasswordTooCommon),
            ]
        );
    }

    #[test]
    fn the_password_rule_is_length_and_commonness_only() {
        assert_eq!(
            check_password("1234567"),
            Err(Problem::PasswordTooShort { min: 8 })
        );
        assert_eq!(
            check_password(&"x".repeat(65)),
            Err(Problem::PasswordTooLong { max: 64 })
        );
        assert_eq!(check_password("12345678"), Err(Problem::PasswordTooCommon));
        assert_eq!(check_password("Password"), Err(Problem::PasswordTooCommon));
        assert_eq!(
            check_password("woaini1314"),
            Err(Problem::PasswordTooCommon)
        );
        // No composition rules: lowercase words, spaces and Chinese are all fine.
        assert_eq!(check_password("correct horse"), Ok(()));
        assert_eq!(
            check_password("我家门前有小河"),
            Err(Problem::PasswordTooShort { min: 8 })
        );
        assert_eq!(check_password("我家门前有两条小河"), Ok(()));
        assert_eq!(check_password(&"x".repeat(64)), Ok(()));
    }

    #[test]
    fn the_common_list_only_holds_passwords_the_length_rule_lets_through() {
        for common in COMMON_PASSWORDS.lines() {
            assert!(
                common.chars().count() >= PASSWORD_MIN_CHARS as usize,
                "{common}"
            );
            assert_eq!(common, common.to_lowercase());
        }
    }

    #[test]
    fn residents_sign_in_with_mobile_or_id_number() {
        assert_eq!(
            AccountName::parse("13812345678"),
            Some(AccountName::Mobile("13812345678".into()))
        );
        assert!(matches!(
            AccountName::parse("11010519491231002x"),
            Some(AccountName::IdNumber(_))
        ));
        assert_eq!(AccountName::parse("li.ming"), None);
    }
}
