//! Server-side sessions. The browser holds a random token in an HttpOnly, SameSite=Lax cookie;
//! the database holds only the token's SHA-256, with the idle (30 minutes) and absolute (12
//! hours) expiry. Signing in always makes a new session; signing out deletes it on the server.
//!
//! Over HTTPS the cookies are `__Host-ms_session` and `__Host-ms_staff`: the prefix makes the
//! browser keep them only when Secure, for the whole site and for this host alone, so that no
//! sibling subdomain can plant a session (fixation) or read one. A resident's cookie lasts
//! until the browser closes unless they chose "keep me signed in"; a staff member's always
//! does (a service window's computer is shared).
use domain::ids::{ResidentId, StaffId};

use crate::config::Settings;
use crate::http::client::came_over_https;
use crate::http::cookies::{self, Kind};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::SameSite;
use chrono::{DateTime, Duration, Utc};
use domain::error::{AppError, ErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use store::entities::session;
use store::{CurrentSession, CurrentStaff, Flash, StaffActor, json, staff_accounts};

pub const COOKIE: &str = "ms_session";
/// Staff sign in separately (a second cookie), so a clerk's console session and their own
/// resident session never mix.
pub const STAFF_COOKIE: &str = "ms_staff";
/// The names over HTTPS.
const HOST_COOKIE: &str = "__Host-ms_session";
const HOST_STAFF_COOKIE: &str = "__Host-ms_staff";
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

fn token_from(headers: &HeaderMap, cookie: &str) -> Option<String> {
    cookies::value(headers, cookie)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// How long the browser keeps a resident's session cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Until the browser closes (no `Max-Age`).
    Browser,
    /// "Keep me signed in": up to the session's absolute limit, across browser restarts.
    Kept,
}

impl Lifetime {
    pub fn chosen(keep_signed_in: bool) -> Self {
        if keep_signed_in {
            Self::Kept
        } else {
            Self::Browser
        }
    }
}

/// The session cookies of one request: their names and attributes follow the transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionCookies {
    https: bool,
}

impl SessionCookies {
    /// The cookies for a request to this deployment.
    pub fn of(headers: &HeaderMap, settings: &Settings) -> Self {
        Self {
            https: came_over_https(headers, settings.https_only()),
        }
    }

    fn resident_name(self) -> &'static str {
        if self.https { HOST_COOKIE } else { COOKIE }
    }

    fn staff_name(self) -> &'static str {
        if self.https {
            HOST_STAFF_COOKIE
        } else {
            STAFF_COOKIE
        }
    }

    /// The resident's session token the request carries.
    pub fn resident_token(self, headers: &HeaderMap) -> Option<String> {
        token_from(headers, self.resident_name())
    }

    /// The staff member's session token the request carries.
    pub fn staff_token(self, headers: &HeaderMap) -> Option<String> {
        token_from(headers, self.staff_name())
    }

    /// `Set-Cookie` for a resident's new session.
    pub fn start_resident(self, token: &str, lifetime: Lifetime) -> HeaderValue {
        let max_age = match lifetime {
            Lifetime::Browser => None,
            Lifetime::Kept => Some(ABSOLUTE.num_seconds()),
        };
        self.cookie(self.resident_name(), token, SameSite::Lax, max_age)
    }

    /// `Set-Cookie` that removes the resident's session cookie.
    pub fn end_resident(self) -> HeaderValue {
        self.cookie(self.resident_name(), "", SameSite::Lax, Some(0))
    }

    /// `Set-Cookie` for a staff session: SameSite=Strict, so no other site can make a
    /// console request with it; gone when the browser closes.
    pub fn start_staff(self, token: &str) -> HeaderValue {
        self.cookie(self.staff_name(), token, SameSite::Strict, None)
    }

    /// `Set-Cookie` that removes the staff session cookie.
    pub fn end_staff(self) -> HeaderValue {
        self.cookie(self.staff_name(), "", SameSite::Strict, Some(0))
    }

    fn cookie(
        self,
        name: &'static str,
        token: &str,
        same_site: SameSite,
        max_age: Option<i64>,
    ) -> HeaderValue {
        let kind = Kind::Session {
            same_site,
            secure: self.https,
        };
        cookies::set(name, token, max_age, kind)
    }
}

/// Starts a session (for a resident, or an anonymous one that only carries a flash) and
/// returns the token for the cookie.
pub async fn start(
    db: &impl ConnectionTrait,
    resident_id: Option<ResidentId>,
    flash: Option<&Flash>,
    headers: &HeaderMap,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(String, String), AppError> {
    insert(db, resident_id, None, flash, headers, ip, now).await
}

/// Starts a staff session and returns the token for the staff cookie.
pub async fn start_for_staff(
    db: &impl ConnectionTrait,
    staff_id: StaffId,
    headers: &HeaderMap,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (token, _) = insert(db, None, Some(staff_id), None, headers, ip, now).await?;
    Ok(token)
}

async fn insert(
    db: &impl ConnectionTrait,
    resident_id: Option<ResidentId>,
    staff_id: Option<StaffId>,
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
        staff_id: Set(staff_id),
        flash: Set(flash.map(|f| json::write(f, "session.flash")).transpose()?),
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

/// Deletes the sessions past their expiry (a job): nothing of an ended visit stays behind.
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Ends every session of a resident (after a password change, or sign-out everywhere).
pub async fn destroy_all_of(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::ResidentId.eq(resident_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The live session row of a token (its expiry pushed on, at most once a minute).
async fn load(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, AppError> {
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
            .filter(session::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(Some(row))
}

/// A resident's (or an anonymous flash-only) session; never a staff one.
async fn resident_session(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentSession>, AppError> {
    load(db, token, now)
        .await?
        .filter(|row| row.staff_id.is_none())
        .map(|row| {
            Ok(CurrentSession {
                id: row.id,
                resident_id: row.resident_id,
                flash: json::read_optional(row.flash, "session.flash")?,
            })
        })
        .transpose()
}

/// A staff session whose member is still active.
async fn staff_session(
    db: &impl ConnectionTrait,
    token: &str,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<CurrentStaff>, AppError> {
    let Some(row) = load(db, token, now).await? else {
        return Ok(None);
    };
    let Some(staff_id) = row.staff_id else {
        return Ok(None);
    };
    let Some(member) = staff_accounts::member(db, staff_id).await? else {
        return Ok(None);
    };
    Ok(Some(CurrentStaff {
        session_id: row.id,
        actor: StaffActor { member, ip },
        flash: json::read_optional(row.flash, "session.flash")?,
    }))
}

/// Finds the request's sessions (the resident's and the staff member's cookie) and puts
/// them into the request's extensions. A cookie whose session has expired or was ended is
/// cleared. When the sessions cannot be read the request is refused (503): going on as if
/// nobody were signed in would show a signed-in person the wrong page, or lose the problems
/// a form post kept for it.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let now = Utc::now();
    let cookies = SessionCookies::of(request.headers(), &state.settings);
    let mut clear = Vec::new();
    if let Some(token) = cookies.resident_token(request.headers()) {
        match resident_session(&state.db, &token, now).await {
            Ok(Some(session)) => {
                request.extensions_mut().insert(session);
            }
            Ok(None) => clear.push(cookies.end_resident()),
            Err(err) => return unavailable(&err, "session lookup failed"),
        }
    }
    if let Some(token) = cookies.staff_token(request.headers()) {
        let ip = crate::http::client::client_ip(request.extensions());
        match staff_session(&state.db, &token, ip, now).await {
            Ok(Some(staff)) => {
                request.extensions_mut().insert(staff);
            }
            Ok(None) => clear.push(cookies.end_staff()),
            Err(err) => return unavailable(&err, "staff session lookup failed"),
        }
    }
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::SET_COOKIE) {
        for cookie in clear {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

fn unavailable(err: &AppError, what: &str) -> Response {
    tracing::error!(error = %err, "{what}");
    crate::http::error::ApiError(AppError::new(ErrorCode::Unavailable)).into_response()
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

    fn text(value: HeaderValue) -> String {
        value.to_str().expect("ascii").to_owned()
    }

    #[test]
    fn the_cookie_is_http_only_and_lax() {
        let https = SessionCookies { https: true };
        let cookie = text(https.start_resident(&"a".repeat(64), Lifetime::Kept));
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let plain = SessionCookies { https: false };
        assert!(!text(plain.start_resident("x", Lifetime::Kept)).contains("Secure"));
    }

    #[test]
    fn over_https_the_cookies_are_host_only_and_secure() {
        let https = SessionCookies { https: true };
        for cookie in [
            text(https.start_resident("a", Lifetime::Browser)),
            text(https.start_staff("a")),
            text(https.end_resident()),
        ] {
            assert!(cookie.starts_with("__Host-ms_"), "{cookie}");
            assert!(
                cookie.contains("; Secure") && cookie.contains("Path=/"),
                "{cookie}"
            );
            assert!(!cookie.contains("Domain"), "{cookie}");
        }
        let mut headers = HeaderMap::new();
        let token = "ab".repeat(32);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{COOKIE}={token}")).expect("ascii"),
        );
        assert_eq!(
            https.resident_token(&headers),
            None,
            "a plain name planted over HTTP"
        );
        assert_eq!(
            SessionCookies { https: false }.resident_token(&headers),
            Some(token)
        );
    }

    #[test]
    fn a_session_cookie_ends_with_the_browser_unless_kept() {
        let cookies = SessionCookies { https: false };
        assert!(!text(cookies.start_resident("a", Lifetime::Browser)).contains("Max-Age"));
        assert!(!text(cookies.start_staff("a")).contains("Max-Age"));
        assert!(text(cookies.start_resident("a", Lifetime::Kept)).contains("Max-Age=43200"));
        assert!(text(cookies.end_resident()).contains("Max-Age=0"));
    }

    #[test]
    fn only_well_formed_tokens_are_read() {
        let mut headers = HeaderMap::new();
        let token = "ab".repeat(32);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("x=1; {COOKIE}={token}")).unwrap(),
        );
        assert_eq!(token_from(&headers, COOKIE), Some(token));
        assert_eq!(token_from(&headers, STAFF_COOKIE), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("ms_session=../../etc"),
        );
        assert_eq!(token_from(&headers, COOKIE), None);
    }
}
