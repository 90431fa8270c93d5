//! The flood limit of the JSON API (`/api/`) and the server functions (`/rpc/`): how many
//! requests one client address, and one signed-in account, may make in a short time.
//!
//! Counted in memory on each instance with the generic cell rate algorithm (the `governor`
//! crate): a steady rate per minute with a burst of ten seconds' worth on top, so a page that
//! asks for several things at once never notices, and a script does. A refused request
//! answers `429 too_many_requests` with `Retry-After`, before it reaches a handler. With
//! several instances behind the proxy each counts its own share; what must hold across
//! instances (sign-in guesses, one-time codes, registrations, segment previews) is counted in
//! the database by `store::throttle` instead.
//!
//! The address is checked before the session is read (a flood costs no database query); the
//! account (resident or member of staff) after, so that many people behind one address — a
//! community service centre, a mobile network — are each limited on their own.

use super::client::Client;
use super::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::error::{AppError, ErrorCode};
use domain::ids::{ResidentId, StaffId};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Requests a minute (`MINSHENG_RATE_PER_ADDRESS`, `MINSHENG_RATE_PER_ACCOUNT`); `None`
/// (the setting `off`) does not limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateSettings {
    pub per_address: Option<NonZeroU32>,
    pub per_account: Option<NonZeroU32>,
}

impl Default for RateSettings {
    /// 1 200 a minute per address (20 a second: many people may share one), 300 a minute
    /// per account (5 a second, far above what a person clicking does).
    fn default() -> Self {
        Self {
            per_address: NonZeroU32::new(1200),
            per_account: NonZeroU32::new(300),
        }
    }
}

/// Who is counted once signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Account {
    Resident(ResidentId),
    Staff(StaffId),
}

/// One limiter per kind of key, for the whole instance.
pub struct RateLimits {
    per_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_account: Option<DefaultKeyedRateLimiter<Account>>,
    /// Requests seen, to forget idle keys now and then.
    seen: AtomicU64,
}

/// Keys idle long enough to be full again are forgotten every this many requests.
const FORGET_EVERY: u64 = 4096;

/// A minute's rate with ten seconds' worth as a burst (at least 10).
fn quota(per_minute: NonZeroU32) -> Quota {
    let burst = NonZeroU32::new((per_minute.get() / 6).max(10)).unwrap_or(per_minute);
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl RateLimits {
    pub fn new(settings: RateSettings) -> Arc<Self> {
        Arc::new(Self {
            per_address: settings
                .per_address
                .map(|rate| RateLimiter::keyed(quota(rate))),
            per_account: settings
                .per_account
                .map(|rate| RateLimiter::keyed(quota(rate))),
            seen: AtomicU64::new(0),
        })
    }

    fn forget_idle_now_and_then(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            if let Some(limiter) = &self.per_address {
                limiter.retain_recent();
            }
            if let Some(limiter) = &self.per_account {
                limiter.retain_recent();
            }
        }
    }
}

/// Whether a path is limited here: the JSON API and the server functions. Pages, form posts
/// and static files are not (a page's own data comes through the server functions).
fn limited(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/rpc/")
}

/// One request for `key`, or how many seconds to wait.
fn check<K: Clone + Hash + Eq>(
    limiter: Option<&DefaultKeyedRateLimiter<K>>,
    key: &K,
) -> Result<(), u64> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    })
}

/// `429 too_many_requests` with `Retry-After`.
fn refused(seconds: u64) -> Response {
    ApiError(AppError::new(ErrorCode::TooManyRequests).retry_after(seconds)).into_response()
}

/// The layer outside the session: one request of the client's address.
pub async fn per_address(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    if limited(request.uri().path()) {
        limits.forget_idle_now_and_then();
        if let Some(client) = request.extensions().get::<Client>() {
            let ip = client.ip.to_canonical();
            if let Err(seconds) = check(limits.per_address.as_ref(), &ip) {
                tracing::warn!(%ip, "request refused: address over its rate");
                return refused(seconds);
            }
        }
    }
    next.run(request).await
}

/// The layer inside the session: one request of the signed-in member of staff, or else of
/// the signed-in resident.
pub async fn per_account(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    if limited(request.uri().path()) {
        let extensions = request.extensions();
        let account = extensions
            .get::<store::CurrentStaff>()
            .map(|staff| Account::Staff(staff.actor.member.id))
            .or_else(|| {
                extensions
                    .get::<store::CurrentSession>()
                    .and_then(|session| session.resident_id)
                    .map(Account::Resident)
            });
        if let Some(account) = account
            && let Err(seconds) = check(limits.per_account.as_ref(), &account)
        {
            tracing::warn!(?account, "request refused: account over its rate");
            return refused(seconds);
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_ten_seconds_then_the_steady_rate() {
        let limits = RateLimits::new(RateSettings {
            per_address: NonZeroU32::new(60),
            per_account: None,
        });
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        let limiter = limits.per_address.as_ref();
        for n in 0..10 {
            assert!(check(limiter, &ip).is_ok(), "request {n} of the burst");
        }
        let wait = check(limiter, &ip).expect_err("the 11th at once is refused");
        assert!(
            (1..=6).contains(&wait),
            "a tenth of a minute's wait: {wait}"
        );
        assert_eq!(refused(wait).status(), 429);
        assert!(check(limiter, &other).is_ok(), "another address is not");
        assert!(
            check(
                limits.per_account.as_ref(),
                &Account::Resident(ResidentId(1))
            )
            .is_ok(),
            "an unset limit never refuses"
        );
    }

    #[test]
    fn only_the_api_and_server_functions_are_limited() {
        assert!(limited("/api/v1/services"));
        assert!(limited("/rpc/staff/queue"));
        assert!(!limited("/services"));
        assert!(!limited("/pkg/minsheng.wasm"));
        assert!(!limited("/apis"));
    }
}
