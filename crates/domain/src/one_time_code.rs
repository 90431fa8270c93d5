//! One-time codes (短信验证码): six digits sent by text message to prove a mobile number
//! before registering, setting a new password or making it the account's new number. A code lives 5 minutes and allows 5 tries;
//! a new one can be asked for after a minute, 5 an hour per number.

use super::validation::{FieldError, Problem, normalize_mobile};
use serde::{Deserialize, Serialize};

pub const DIGITS: usize = 6;
pub const LIFETIME_SECONDS: i64 = 5 * 60;
pub const MAX_TRIES: i32 = 5;
pub const RESEND_AFTER_SECONDS: i64 = 60;

/// What a code proves the number for; a code sent for one purpose never works for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Purpose {
    Register,
    ResetPassword,
    /// A signed-in resident's new mobile number (sent to the new number).
    ChangeMobile,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::ResetPassword => "reset_password",
            Purpose::ChangeMobile => "change_mobile",
        }
    }

    /// The text message carrying `code`. Chinese only: it goes to a phone, not to a page in
    /// the reader's language, and the national SMS rules want the signature 【…】 in front.
    pub fn message(self, code: &str) -> String {
        let what = match self {
            Purpose::Register => "注册民生账户",
            Purpose::ResetPassword => "重设民生账户密码",
            Purpose::ChangeMobile => "把本号码设为民生账户的手机号码",
        };
        format!(
            "【民生】验证码 {code}，用于{what}，{} 分钟内有效。请勿告诉他人；如非本人操作，请忽略。",
            LIFETIME_SECONDS / 60
        )
    }
}

/// The message a number that already has an account gets instead of a registration code:
/// whoever asked learns nothing from the page, the owner learns someone tried.
pub const ALREADY_REGISTERED_MESSAGE: &str =
    "【民生】该手机号码已注册民生账户，请直接登录；忘记密码可在登录页重设。如非本人操作，请忽略。";

/// The flash value in which a page learns that a code went out, and to which number
/// (masked).
pub const SENT_TO: &str = "code_sent_to";

/// Asking for a code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub mobile: String,
    pub purpose: Option<Purpose>,
}

/// The answer to a request for a code: the same whether or not a message went out (which
/// would say whether the number has an account).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// The number, masked as on the page: 138****0001.
    pub sent_to: String,
    pub expires_in_seconds: i64,
    pub resend_after_seconds: i64,
}

/// The mobile number of a request, or the field's problem.
pub fn mobile_of(input: &str) -> Result<String, FieldError> {
    if input.trim().is_empty() {
        return Err(FieldError::new("mobile", Problem::Required));
    }
    normalize_mobile(input).ok_or_else(|| FieldError::new("mobile", Problem::InvalidMobile))
}

/// A code as typed: six digits, spaces ignored (a code pasted as "123 456" is still the code).
pub fn parse(input: &str) -> Result<String, Problem> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err(Problem::Required);
    }
    if digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Problem::InvalidCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_pass_and_anything_else_is_named() {
        assert_eq!(parse(" 123 456 "), Ok("123456".to_owned()));
        assert_eq!(parse(""), Err(Problem::Required));
        assert_eq!(parse("12345"), Err(Problem::InvalidCode));
        assert_eq!(parse("1234567"), Err(Problem::InvalidCode));
        assert_eq!(parse("12345a"), Err(Problem::InvalidCode));
        assert_eq!(
            parse("１２３４５６"),
            Err(Problem::InvalidCode),
            "full-width digits"
        );
    }

    #[test]
    fn the_message_carries_the_code_and_what_it_is_for() {
        let text = Purpose::ResetPassword.message("042042");
        assert!(text.starts_with("【民生】") && text.contains("042042") && text.contains("重设"));
        assert!(text.contains("5 分钟"));
        assert!(
            !ALREADY_REGISTERED_MESSAGE
                .chars()
                .any(|c| c.is_ascii_digit())
        );
    }

    #[test]
    fn mobiles_are_required_and_checked() {
        assert_eq!(mobile_of("+86 138-0000-0001"), Ok("13800000001".to_owned()));
        assert_eq!(mobile_of(" ").unwrap_err().problem, Problem::Required);
        assert_eq!(
            mobile_of("12345").unwrap_err().problem,
            Problem::InvalidMobile
        );
    }
}
