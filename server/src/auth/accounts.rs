//! Registering, signing in and setting a new password, shared by the page forms and the
//! JSON API.
use domain::ids::ResidentId;

use super::{one_time_codes, password, session};
use crate::http::client::ip_of;
use crate::state::AppState;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::Utc;
use domain::account::{AccountName, PasswordReset, Registration, SignIn};
use domain::error::{AppError, ErrorCode};
use domain::one_time_code::Purpose;
use domain::validation::{FieldError, Problem};
use store::CurrentSession;
use store::accounts;
use store::throttle;

/// A new session for a resident: the cookie's token and the resident.
pub struct Started {
    pub token: String,
    pub resident_id: ResidentId,
}

/// The request's headers, peer address and current session, as starting a session needs.
fn request_of(parts: &Parts) -> (&HeaderMap, Option<String>, Option<&str>) {
    (
        &parts.headers,
        ip_of(parts),
        parts
            .extensions
            .get::<CurrentSession>()
            .map(|s| s.id.as_str()),
    )
}

/// How a registration ended.
pub enum Registered {
    /// An account, and this browser signed in to it.
    SignedIn(Started),
    /// A claim of a register record, waiting for an identity check at a window: nothing to
    /// sign in to yet.
    AwaitingCheck,
}

/// Registers (with the one-time code sent to the mobile number) and signs in. The cheap
/// checks come first, then the throttle, the code, and only then the password's hash. Any
/// earlier session of the browser is ended.
pub async fn register(
    state: &AppState,
    form: &Registration,
    parts: &Parts,
) -> Result<Registered, AppError> {
    let (headers, ip, previous_session) = request_of(parts);
    let valid = form.validate().map_err(AppError::invalid)?;
    let now = Utc::now();
    let keys = throttle::Key::registration(ip.as_deref(), valid.id_number.as_str());
    throttle::attempt(&state.db, &keys, now).await?;
    one_time_codes::redeem(state, Purpose::Register, &valid.mobile, &valid.code).await?;
    let hash = password::hash(valid.password.clone()).await?;
    let resident_id = match accounts::register(&state.db, &valid, hash, now).await? {
        accounts::Registered::Account(resident_id) => resident_id,
        accounts::Registered::AwaitingCheck(resident_id) => {
            tracing::info!(%resident_id, "register record claimed: waiting for an identity check");
            return Ok(Registered::AwaitingCheck);
        }
    };
    tracing::info!(%resident_id, "resident registered");
    if let Some(previous) = previous_session {
        session::destroy(&state.db, previous).await?;
    }
    let (token, _) = session::start(&state.db, Some(resident_id), None, headers, ip, now).await?;
    Ok(Registered::SignedIn(Started { token, resident_id }))
}

/// Sets a new password with the one-time code sent to the account's number (a forgotten
/// password reset, or a known one changed), then ends every session of the account and
/// forgets its failed sign-ins: whoever had the old password is out.
pub async fn reset_password(
    state: &AppState,
    form: &PasswordReset,
    parts: &Parts,
) -> Result<(), AppError> {
    let ip = ip_of(parts);
    let valid = form.validate().map_err(AppError::invalid)?;
    let now = Utc::now();
    let keys = throttle::sign_in_keys("reset", &valid.mobile, ip.as_deref());
    throttle::attempt(&state.db, &keys, now).await?;
    one_time_codes::redeem(state, Purpose::ResetPassword, &valid.mobile, &valid.code).await?;
    // A code for a reset is only sent to an account's number; it may have changed since.
    let resident_id = accounts::account_with_mobile(&state.db, &valid.mobile)
        .await?
        .ok_or_else(|| AppError::invalid(vec![FieldError::new("code", Problem::InvalidCode)]))?;
    let hash = password::hash(valid.password.clone()).await?;
    accounts::set_password(&state.db, resident_id, hash, now).await?;
    session::destroy_all_of(&state.db, resident_id).await?;
    let account = throttle::Key::account("account", &format!("resident {resident_id}"));
    throttle::succeeded(&state.db, &[account]).await?;
    throttle::succeeded(&state.db, &keys).await?;
    tracing::info!(%resident_id, "password reset with a one-time code");
    Ok(())
}

/// Checks the password (throttled per account and per IP) and starts a new session.
pub async fn sign_in(state: &AppState, form: &SignIn, parts: &Parts) -> Result<Started, AppError> {
    let (headers, ip, previous_session) = request_of(parts);
    let now = Utc::now();
    let account = AccountName::parse(&form.account);
    let found = match &account {
        Some(name) => accounts::find_account(&state.db, name).await?,
        None => None,
    };
    // One count per account, whether it is named by its mobile or its ID number.
    let counted_as = found.as_ref().map_or_else(
        || form.account.trim().chars().take(64).collect::<String>(),
        |account| format!("resident {}", account.resident_id),
    );
    let keys = throttle::sign_in_keys("account", &counted_as, ip.as_deref());
    throttle::attempt(&state.db, &keys, now).await?;
    let hash = found.as_ref().map(|account| account.password_hash.clone());
    let matched = password::verify(form.password.clone(), hash).await?;
    let Some(account) = found.filter(|_| matched) else {
        tracing::warn!(key = %keys[0].key, ip = ?ip, "failed sign-in");
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    throttle::succeeded(&state.db, &keys).await?;
    // The right password of a claim still waiting: say what to do, open nothing.
    if account.awaiting_check {
        return Err(AppError::new(ErrorCode::IdentityCheckPending));
    }
    let resident_id = account.resident_id;
    if let Some(previous) = previous_session {
        session::destroy(&state.db, previous).await?;
    }
    let (token, _) = session::start(&state.db, Some(resident_id), None, headers, ip, now).await?;
    tracing::info!(%resident_id, "resident signed in");
    Ok(Started { token, resident_id })
}

/// "Sign out everywhere" (在所有设备上退出): ends every session of the resident, on every
/// device, this one included — for a lost phone or a borrowed one.
pub async fn sign_out_everywhere(
    state: &AppState,
    resident_id: ResidentId,
) -> Result<(), AppError> {
    session::destroy_all_of(&state.db, resident_id).await?;
    tracing::info!(%resident_id, "resident signed out everywhere");
    Ok(())
}
