//! Server-side sessions. The browser holds a random token in an HttpOnly, SameSite=Lax cookie
//! (Secure behind HTTPS); the database holds only the token's SHA-256, with the idle (30
//! minutes) and absolute (12 hours) expiry. Signing in always makes a new session; signing
//! out deletes it on the server.

use crate::state::AppState;
use app::domain::error::{AppError, ErrorCode};
use app::store::entities::session;
use app::store::{CurrentSession, Flash};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

pub const COOKIE: &str = "ms_session";
pub const IDLE: Duration = Duration::minutes(30);
pub const ABSOLUTE: Duration = Duration::hours(12);
/// A session's last-seen time is written at most this often (not on every request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| {
        tracing::error!(error = %err, "no randomness for a session token");
        AppError::new(ErrorCode::Internal)
    })?;
    Ok(hex::encode(bytes))
}

/// The expiry: idle limit from now, but never past the absolute limit.
pub fn expiry(created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (now + IDLE).min(created_at + ABSOLUTE)
}

fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request came over HTTPS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap, always_secure: bool) -> bool {
    always_secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let value = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        ABSOLUTE.num_seconds(),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    let value = format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Starts a session (for a resident, or an anonymous one that only carries a flash) and
/// returns the token for the cookie.
pub async fn start(
    db: &impl ConnectionTrait,
    resident_id: Option<i64>,
    flash: Option<&Flash>,
    headers: &HeaderMap,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(String, String), AppError> {
    let token = new_token()?;
    let id = session_id(&token);
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(255).collect::<String>());
    session::ActiveModel {
        id: Set(id.clone()),
        resident_id: Set(resident_id),
        staff_id: Set(None),
        flash: Set(flash.and_then(|f| serde_json::to_value(f).ok())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expiry(now, now)),
        ip: Set(ip),
        user_agent: Set(user_agent),
    }
    .insert(db)
    .await?;
    Ok((token, id))
}

pub async fn destroy(db: &impl ConnectionTrait, id: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a resident (after a password change, or sign-out everywhere).
pub async fn destroy_all_of(db: &impl ConnectionTrait, resident_id: i64) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::ResidentId.eq(resident_id))
        .exec(db)
        .await?;
    Ok(())
}

async fn load(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentSession>, AppError> {
    let id = session_id(token);
    let Some(row) = session::Entity::find_by_id(id.clone())
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if now - row.last_seen_at >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(
                session::Column::ExpiresAt,
                Expr::value(expiry(row.created_at, now)),
            )
            .filter(session::Column::Id.eq(id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(CurrentSession {
        id,
        resident_id: row.resident_id,
        flash: row.flash.and_then(|f| serde_json::from_value(f).ok()),
    }))
}

/// Finds the request's session and puts it into the request's extensions. A cookie whose
/// session has expired or was ended is cleared.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(token) = token_from(request.headers()) else {
        return next.run(request).await;
    };
    let found = match load(&state.db, &token, Utc::now()).await {
        Ok(found) => found,
        Err(err) => {
            tracing::warn!(error = %err, "session lookup failed");
            None
        }
    };
    let secure = is_https(request.headers(), state.settings.secure_cookies);
    match found {
        Some(session) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        None => {
            let mut response = next.run(request).await;
            if !response.headers().contains_key(header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_cookie(secure));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_limit_never_passes_the_absolute_one() {
        let created = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(expiry(created, created), created + IDLE);
        let late = created + Duration::hours(11) + Duration::minutes(50);
        assert_eq!(expiry(created, late), created + ABSOLUTE);
    }

    #[test]
    fn the_cookie_is_http_only_and_lax() {
        let cookie = set_cookie(&"a".repeat(64), true);
        let text = cookie.to_str().unwrap();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.ends_with("Secure")
        );
        assert!(!set_cookie("x", false).to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn only_well_formed_tokens_are_read() {
        let mut headers = HeaderMap::new();
        let token = "ab".repeat(32);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("x=1; {COOKIE}={token}")).unwrap(),
        );
        assert_eq!(token_from(&headers), Some(token));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("ms_session=../../etc"),
        );
        assert_eq!(token_from(&headers), None);
    }
}
