//! Staff sign-in: a username and password checked like residents' (Argon2id off the async
//! runtime, a dummy hash for unknown names, the same throttling per account and per IP), a
//! new session in the separate staff cookie. There are no default accounts: demo data brings
//! its own, production starts with `server staff add`.
use domain::ids::StaffId;

use super::{password, session};
use crate::http::client::ip_of;
use crate::state::AppState;
use axum::http::request::Parts;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use serde::Deserialize;
use store::throttle;
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
    let keys = throttle::sign_in_keys("staff", &username, ip.as_deref());
    throttle::attempt(&state.db, &keys, now).await?;
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
        tracing::warn!(key = %keys[0].key, ip = ?ip, "failed staff sign-in");
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    throttle::succeeded(&state.db, &keys).await?;
    if let Some(previous) = parts.extensions.get::<CurrentStaff>() {
        session::destroy(&state.db, &previous.session_id).await?;
    }
    let token = session::start_for_staff(&state.db, staff_id, &parts.headers, ip, now).await?;
    tracing::info!(%staff_id, "staff signed in");
    Ok(Started { token, staff_id })
}
