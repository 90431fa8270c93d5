//! Proving a mobile number (短信验证码): sending a one-time code through the SMS gateway and
//! redeeming it, for registering and for setting a new password.
//!
//! Asking for a code answers the same whatever the number: a number that has an account
//! gets, instead of a registration code, a message saying so; a password reset for a number
//! with no account, or a new number for an account that another account has, sends nothing. Neither the page nor the API tells which happened.

use crate::state::AppState;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::ids::ResidentId;
use domain::one_time_code::{
    self, ALREADY_REGISTERED_MESSAGE, CodeRequest, CodeSent, LIFETIME_SECONDS, Purpose,
    RESEND_AFTER_SECONDS,
};
use domain::validation::{FieldError, Problem, mask_mobile};
use sha2::{Digest, Sha256};
use store::accounts;
use store::throttle;

/// Sends a code (or the message that stands for one) to the number of `request`. A code for
/// a new number of an account needs the account's resident signed in (`resident`).
pub async fn send(
    state: &AppState,
    request: &CodeRequest,
    ip: Option<&str>,
    resident: Option<ResidentId>,
) -> Result<CodeSent, AppError> {
    let purpose = request.purpose.unwrap_or(Purpose::Register);
    if purpose == Purpose::ChangeMobile && resident.is_none() {
        return Err(AppError::new(ErrorCode::Unauthenticated));
    }
    let mobile = one_time_code::mobile_of(&request.mobile)
        .map_err(|problem| AppError::invalid(vec![problem]))?;
    let now = Utc::now();
    throttle::attempt(&state.db, &throttle::Key::code_request(ip, &mobile), now).await?;
    match purpose {
        Purpose::Register if accounts::mobile_is_taken(&state.db, &mobile).await? => {
            state
                .sms
                .send(&state.db, &mobile, ALREADY_REGISTERED_MESSAGE, None)
                .await?;
        }
        Purpose::ResetPassword
            if accounts::account_with_mobile(&state.db, &mobile)
                .await?
                .is_none() =>
        {
            tracing::info!(to = %mask_mobile(&mobile), "no account has this number: no reset code sent");
        }
        Purpose::ChangeMobile if accounts::mobile_is_taken(&state.db, &mobile).await? => {
            tracing::info!(to = %mask_mobile(&mobile), "another account has this number: no code sent");
        }
        _ => {
            let code = new_code()?;
            store::one_time_codes::issue(
                &state.db,
                purpose,
                &mobile,
                hash(purpose, &mobile, &code),
                now,
            )
            .await?;
            state
                .sms
                .send(&state.db, &mobile, &purpose.message(&code), Some(&code))
                .await?;
        }
    }
    Ok(CodeSent {
        sent_to: mask_mobile(&mobile),
        expires_in_seconds: LIFETIME_SECONDS,
        resend_after_seconds: RESEND_AFTER_SECONDS,
    })
}

/// Uses up the code sent to `mobile` for `purpose`; any other code (wrong, expired, used, out
/// of tries, for another purpose or number) is the code field's problem.
pub async fn redeem(
    state: &AppState,
    purpose: Purpose,
    mobile: &str,
    code: &str,
) -> Result<(), AppError> {
    let hash = hash(purpose, mobile, code);
    if store::one_time_codes::redeem(&state.db, purpose, mobile, &hash, Utc::now()).await? {
        Ok(())
    } else {
        Err(AppError::invalid(vec![FieldError::new(
            "code",
            Problem::InvalidCode,
        )]))
    }
}

/// What is stored of a code: it proves a number for a purpose, so all three are hashed.
fn hash(purpose: Purpose, mobile: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{}:{mobile}:{code}", purpose.as_str()).as_bytes());
    hex::encode(digest)
}

/// Six digits from the operating system's randomness, evenly spread.
fn new_code() -> Result<String, AppError> {
    // The largest multiple of a million below 2^32: values above it would favour low codes.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|_| AppError::new(ErrorCode::Internal))?;
        let value = u32::from_le_bytes(bytes);
        if value < LIMIT {
            return Ok(format!("{:06}", value % 1_000_000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_differ() {
        let codes: std::collections::BTreeSet<String> =
            (0..50).map(|_| new_code().expect("randomness")).collect();
        assert!(
            codes
                .iter()
                .all(|c| one_time_code::parse(c).as_deref() == Ok(c.as_str()))
        );
        assert!(
            codes.len() > 45,
            "50 draws of a million repeat rarely: {codes:?}"
        );
    }

    #[test]
    fn a_code_hash_binds_the_purpose_and_the_number() {
        let base = hash(Purpose::Register, "13800000001", "123456");
        assert_ne!(base, hash(Purpose::ResetPassword, "13800000001", "123456"));
        assert_ne!(base, hash(Purpose::Register, "13800000002", "123456"));
        assert!(!base.contains("123456"));
    }
}
