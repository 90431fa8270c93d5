//! A resident's own profile: contact details and elderly mode (the password again and a
//! one-time code for a new mobile number), and consent to a household member applying on their behalf (代办).
use domain::ids::ResidentId;

use crate::auth::{one_time_codes, password};
use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use domain::one_time_code::{self, Purpose};
use domain::profile::ProfileUpdate;
use domain::validation::{FieldError, Problem};
use store::{accounts, profile};

/// Checks and applies a profile update.
pub async fn update(
    state: &AppState,
    resident_id: ResidentId,
    form: &ProfileUpdate,
) -> Result<(), AppError> {
    let valid = form.validate().map_err(AppError::invalid)?;
    let now = Utc::now();
    let current = profile::profile(&state.db, resident_id, now).await?;
    if current.mobile.as_deref() != Some(valid.mobile.as_str()) {
        // A new number is proved like a registration's: the password of the account, then a
        // code sent to the new number (which no other account may hold).
        let hash = accounts::password_hash(&state.db, resident_id).await?;
        if !password::verify(form.current_password.clone(), hash).await? {
            return Err(AppError::invalid(vec![FieldError::new(
                "current_password",
                Problem::WrongPassword,
            )]));
        }
        let code = one_time_code::parse(&form.code)
            .map_err(|problem| AppError::invalid(vec![FieldError::new("code", problem)]))?;
        one_time_codes::redeem(state, Purpose::ChangeMobile, &valid.mobile, &code).await?;
    }
    profile::update(&state.db, resident_id, valid, now).await
}

/// Grants (or revokes) household member `member` the right to apply for the resident.
pub async fn set_proxy_consent(
    state: &AppState,
    resident_id: ResidentId,
    member: ResidentId,
    grant: bool,
) -> Result<(), AppError> {
    profile::set_proxy_consent(&state.db, resident_id, member, grant, Utc::now()).await
}
