//! Staff sign-in: a username and password checked like residents' (Argon2id off the async
//! runtime, a dummy hash for unknown names, the same throttling per account and per IP), a
//! new session in the separate staff cookie. There are no default accounts: demo data brings
//! its own, production starts with `server staff add`.
use domain::ids::StaffId;

use super::{password, session, throttle};
use crate::http::request::ip_of;
use crate::state::AppState;
use axum::http::request::Parts;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use serde::Deserialize;
use store::{CurrentStaff, staff_accounts};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StaffSignIn {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// A new staff session: the cookie's token and who signed in.
pub struct Started {
    pub token: String,
    pub staff_id: StaffId,
}

/// Checks the password and starts a staff session.
pub async fn sign_in(
    state: &AppState,
    form: &StaffSignIn,
    parts: &Parts,
) -> Result<Started, AppError> {
    let now = Utc::now();
    let ip = ip_of(parts);
    let username: String = form.username.trim().chars().take(64).collect();
    let account_key = format!("staff:{username}");
    let mut keys = vec![account_key.clone()];
    if let Some(ip) = &ip {
        keys.push(format!("ip:{ip}"));
    }
    if let Some(wait) = throttle::check(&state.db, &keys, now).await? {
        tracing::warn!(key = %account_key, ip = ?ip, wait_s = wait.num_seconds(), "staff sign-in refused during cool-down");
        return Err(AppError::new(ErrorCode::TooManyAttempts));
    }
    let found = if username.is_empty() {
        None
    } else {
        staff_accounts::find_for_sign_in(&state.db, &username).await?
    };
    let (staff_id, hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = password::verify(form.password.clone(), hash).await?;
    let Some(staff_id) = staff_id.filter(|_| matched) else {
        tracing::warn!(key = %account_key, ip = ?ip, "failed staff sign-in");
        throttle::record_failure(&state.db, &keys, now).await?;
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    throttle::clear(&state.db, &account_key).await?;
    if let Some(previous) = parts.extensions.get::<CurrentStaff>() {
        session::destroy(&state.db, &previous.session_id).await?;
    }
    let token = session::start_for_staff(&state.db, staff_id, &parts.headers, ip, now).await?;
    tracing::info!(%staff_id, "staff signed in");
    Ok(Started { token, staff_id })
}
