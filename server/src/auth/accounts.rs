//! Registering and signing in, shared by the page forms and the JSON API.
use domain::ids::ResidentId;

use super::{password, session, throttle};
use crate::http::request::ip_of;
use crate::state::AppState;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::Utc;
use domain::account::{AccountName, Registration, SignIn};
use domain::error::{AppError, ErrorCode};
use store::CurrentSession;
use store::accounts;

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

/// Registers and signs in. Any earlier session of the browser is ended first.
pub async fn register(
    state: &AppState,
    form: &Registration,
    parts: &Parts,
) -> Result<Started, AppError> {
    let (headers, ip, previous_session) = request_of(parts);
    let valid = form.validate().map_err(AppError::invalid)?;
    let hash = password::hash(valid.password.clone()).await?;
    let now = Utc::now();
    let resident_id = accounts::register(&state.db, &valid, hash, now).await?;
    tracing::info!(%resident_id, "resident registered");
    if let Some(previous) = previous_session {
        session::destroy(&state.db, previous).await?;
    }
    let (token, _) = session::start(&state.db, Some(resident_id), None, headers, ip, now).await?;
    Ok(Started { token, resident_id })
}

/// Checks the password (throttled per account and per IP) and starts a new session.
pub async fn sign_in(state: &AppState, form: &SignIn, parts: &Parts) -> Result<Started, AppError> {
    let (headers, ip, previous_session) = request_of(parts);
    let now = Utc::now();
    let account = AccountName::parse(&form.account);
    let account_key = match &account {
        Some(AccountName::Mobile(m)) => format!("account:{m}"),
        Some(AccountName::IdNumber(id)) => format!("account:{}", id.as_str()),
        None => format!(
            "account:{}",
            form.account.trim().chars().take(64).collect::<String>()
        ),
    };
    let mut keys = vec![account_key.clone()];
    if let Some(ip) = &ip {
        keys.push(format!("ip:{ip}"));
    }
    if let Some(wait) = throttle::check(&state.db, &keys, now).await? {
        tracing::warn!(key = %account_key, ip = ?ip, wait_s = wait.num_seconds(), "sign-in refused during cool-down");
        return Err(AppError::new(ErrorCode::TooManyAttempts));
    }
    let found = match &account {
        Some(name) => accounts::find_account(&state.db, name).await?,
        None => None,
    };
    let (resident_id, hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = password::verify(form.password.clone(), hash).await?;
    let Some(resident_id) = resident_id.filter(|_| matched) else {
        tracing::warn!(key = %account_key, ip = ?ip, "failed sign-in");
        throttle::record_failure(&state.db, &keys, now).await?;
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    throttle::clear(&state.db, &account_key).await?;
    if let Some(previous) = previous_session {
        session::destroy(&state.db, previous).await?;
    }
    let (token, _) = session::start(&state.db, Some(resident_id), None, headers, ip, now).await?;
    tracing::info!(%resident_id, "resident signed in");
    Ok(Started { token, resident_id })
}
