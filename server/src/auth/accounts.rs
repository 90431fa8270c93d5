//! Registering and signing in, shared by the page forms and the JSON API.
use domain::ids::ResidentId;

use super::{password, session, throttle};
use crate::http::client::ip_of;
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
    let now = Utc::now();
    // Counted before the expensive hash, per address and per ID number named.
    let keys = throttle::Key::registration(ip.as_deref(), valid.id_number.as_str());
    throttle::attempt(&state.db, &keys, now).await?;
    let hash = password::hash(valid.password.clone()).await?;
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
    let found = match &account {
        Some(name) => accounts::find_account(&state.db, name).await?,
        None => None,
    };
    // One count per account, whether it is named by its mobile or its ID number.
    let counted_as = found.as_ref().map_or_else(
        || form.account.trim().chars().take(64).collect::<String>(),
        |(id, _)| format!("resident {id}"),
    );
    let keys = throttle::sign_in_keys("account", &counted_as, ip.as_deref());
    throttle::attempt(&state.db, &keys, now).await?;
    let (resident_id, hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = password::verify(form.password.clone(), hash).await?;
    let Some(resident_id) = resident_id.filter(|_| matched) else {
        tracing::warn!(key = %keys[0].key, ip = ?ip, "failed sign-in");
        return Err(AppError::new(ErrorCode::InvalidCredentials));
    };
    throttle::succeeded(&state.db, &keys).await?;
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
