//! Throttling of what is worth guessing or costly to repeat — sign-ins, registrations,
//! one-time codes, segment previews — per account (or number) and per client address, shared
//! by every instance (the state is in the database). The flood limit on every API and
//! server-function request is in memory instead (`server/src/http/rate_limit.rs`).
//!
//! An attempt is counted *before* the password is checked, by one conditional UPSERT per
//! key: it adds the attempt and returns the new count only when the key is not waiting, so
//! parallel guesses cannot all pass a check made before any of them was recorded. A
//! successful sign-in forgets the account's attempts and gives the address its one back.
//!
//! - **An account** gets 5 attempts freely; from the 5th failure on, each further attempt
//!   waits longer (30 s, 1, 2, 4, 8 minutes, then 15 minutes at most). Someone guessing slows
//!   to a few tries an hour, but the owner is never locked out for good: a quarter of an hour
//!   later their right password works. The count starts again an hour after it began.
//! - **An address** gets 20 attempts a minute (a community service centre or a mobile network
//!   puts many people behind one address), then waits 5 minutes.
//!
//! Keys never hold a mobile or ID number in the clear: the account part is a hash of it.

use crate::entities::sign_in_throttle::{self, Column};
use chrono::{DateTime, Duration, Utc};
use domain::error::{AppError, ErrorCode};
use domain::ids::StaffId;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// How one kind of key is limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Attempts before any wait.
    pub free: i32,
    /// How long a count lasts from its first attempt.
    pub window: Duration,
    /// The wait after the attempt that used the free ones up, then after each one more; the
    /// last repeats.
    pub waits: &'static [Duration],
}

pub const PER_ACCOUNT: Limit = Limit {
    free: 5,
    window: Duration::hours(1),
    waits: &[
        Duration::seconds(30),
        Duration::minutes(1),
        Duration::minutes(2),
        Duration::minutes(4),
        Duration::minutes(8),
        Duration::minutes(15),
    ],
};

pub const PER_ADDRESS: Limit = Limit {
    free: 20,
    window: Duration::minutes(1),
    waits: &[Duration::minutes(5)],
};

/// Registrations from one address: 60 an hour (a service centre helps many people, and a
/// mobile network puts thousands behind one address), then an hour's wait.
pub const REGISTRATIONS_PER_ADDRESS: Limit = Limit {
    free: 60,
    window: Duration::hours(1),
    waits: &[Duration::hours(1)],
};

/// Registrations naming one ID number: 5 an hour, then an hour's wait. Whoever tries ID
/// numbers against the register is slowed whatever address they come from.
pub const REGISTRATIONS_PER_ID_NUMBER: Limit = Limit {
    free: 5,
    window: Duration::hours(1),
    waits: &[Duration::hours(1)],
};

/// One-time codes to one mobile number: the first at once, each next one a minute after the
/// last, five in an hour, then an hour's wait (text messages cost money and disturb the
/// owner of the number).
pub const CODES_PER_MOBILE: Limit = Limit {
    free: 1,
    window: Duration::hours(1),
    waits: &[
        Duration::minutes(1),
        Duration::minutes(1),
        Duration::minutes(1),
        Duration::minutes(1),
        Duration::hours(1),
    ],
};

/// One-time codes asked for from one address: 30 an hour, then an hour's wait.
pub const CODES_PER_ADDRESS: Limit = Limit {
    free: 30,
    window: Duration::hours(1),
    waits: &[Duration::hours(1)],
};

/// Segment previews by one member of staff: 60 a minute, then a minute's wait. Each preview
/// counts the whole population under a rule, and the builder asks for one per edit: a
/// person editing never reaches this; a script looping over rules does.
pub const PREVIEWS_PER_STAFF: Limit = Limit {
    free: 60,
    window: Duration::minutes(1),
    waits: &[Duration::minutes(1)],
};

/// Every limit, for the job that deletes counts that are over.
const ALL: [Limit; 7] = [
    PER_ACCOUNT,
    PER_ADDRESS,
    REGISTRATIONS_PER_ADDRESS,
    REGISTRATIONS_PER_ID_NUMBER,
    CODES_PER_MOBILE,
    CODES_PER_ADDRESS,
    PREVIEWS_PER_STAFF,
];

impl Limit {
    /// The wait after the `attempts`-th attempt of a count, if there is one.
    pub fn wait_after(&self, attempts: i32) -> Option<Duration> {
        let beyond = usize::try_from(attempts - self.free).ok()?;
        self.waits.get(beyond).or(self.waits.last()).copied()
    }
}

/// One key and its limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub limit: Limit,
}

impl Key {
    /// An account, by what was typed to name it (never stored as typed).
    pub fn account(kind: &str, account: &str) -> Self {
        let digest = Sha256::digest(account.trim().as_bytes());
        Self {
            key: format!("{kind}:{}", &hex::encode(digest)[..32]),
            limit: PER_ACCOUNT,
        }
    }

    /// A client address.
    pub fn address(ip: &str) -> Self {
        Self {
            key: format!("ip:{ip}"),
            limit: PER_ADDRESS,
        }
    }

    /// The keys of a registration: the client address and the ID number named (hashed).
    pub fn registration(ip: Option<&str>, id_number: &str) -> Vec<Self> {
        let mut keys = vec![Self {
            limit: REGISTRATIONS_PER_ID_NUMBER,
            ..Self::account("register", id_number)
        }];
        keys.extend(ip.map(|ip| Self {
            key: format!("register-ip:{ip}"),
            limit: REGISTRATIONS_PER_ADDRESS,
        }));
        keys
    }

    /// The segment previews of one member of staff.
    pub fn segment_preview(staff: StaffId) -> Self {
        Self {
            key: format!("preview:staff:{staff}"),
            limit: PREVIEWS_PER_STAFF,
        }
    }

    /// The keys of a request for a one-time code: the number (hashed) and the address.
    pub fn code_request(ip: Option<&str>, mobile: &str) -> Vec<Self> {
        let mut keys = vec![Self {
            limit: CODES_PER_MOBILE,
            ..Self::account("code", mobile)
        }];
        keys.extend(ip.map(|ip| Self {
            key: format!("code-ip:{ip}"),
            limit: CODES_PER_ADDRESS,
        }));
        keys
    }
}

/// The keys of a sign-in: the account as typed (`kind` keeps residents and staff apart) and
/// the client address.
pub fn sign_in_keys(kind: &str, account: &str, ip: Option<&str>) -> Vec<Key> {
    let mut keys = vec![Key::account(kind, account)];
    keys.extend(ip.map(Key::address));
    keys
}

/// Counts one attempt for every key, or refuses it (`too_many_attempts` with how long to
/// wait) when any key is waiting. A refused attempt is not counted.
pub async fn attempt(
    db: &impl ConnectionTrait,
    keys: &[Key],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (index, key) in keys.iter().enumerate() {
        if !count(db, key, now).await? {
            // The keys counted before this one give their attempt back.
            for counted in &keys[..index] {
                give_back(db, counted).await?;
            }
            let wait = waiting(db, &key.key, now).await?;
            tracing::warn!(key = %key.key, wait_s = wait.num_seconds(), "attempt refused while waiting");
            let seconds = u64::try_from(wait.num_seconds()).unwrap_or(1);
            return Err(AppError::new(ErrorCode::TooManyAttempts).retry_after(seconds));
        }
    }
    Ok(())
}

/// The conditional UPSERT: adds the attempt unless the key is waiting; true when it did.
async fn count(db: &impl ConnectionTrait, key: &Key, now: DateTime<Utc>) -> Result<bool, AppError> {
    let table = sign_in_throttle::Entity;
    let old = |column: Column| Expr::col((table, column));
    let expired = old(Column::WindowStartedAt).lte(now - key.limit.window);
    let attempts = Expr::case(expired.clone(), 1).finally(old(Column::Failures).add(1));
    let started = Expr::case(expired.clone(), now).finally(old(Column::WindowStartedAt));
    // The wait this attempt starts, chosen by the count it makes: one WHEN per step.
    let mut wait_until = Expr::case(expired, wait_from(&key.limit, 1, now));
    let steps = key.limit.free + i32::try_from(key.limit.waits.len()).unwrap_or(0);
    for attempts_before in 0..steps {
        wait_until = wait_until.case(
            old(Column::Failures).eq(attempts_before),
            wait_from(&key.limit, attempts_before + 1, now),
        );
    }
    let wait_until = wait_until.finally(wait_from(&key.limit, steps, now));
    let mut upsert = Query::insert();
    upsert
        .into_table(table)
        .columns([
            Column::Key,
            Column::WindowStartedAt,
            Column::Failures,
            Column::LockedUntil,
        ])
        .values_panic([
            key.key.clone().into(),
            now.into(),
            1.into(),
            wait_from(&key.limit, 1, now),
        ])
        .on_conflict(
            OnConflict::column(Column::Key)
                .values([
                    (Column::Failures, attempts.into()),
                    (Column::WindowStartedAt, started.into()),
                    (Column::LockedUntil, wait_until.into()),
                ])
                .action_and_where(
                    old(Column::LockedUntil)
                        .is_null()
                        .or(old(Column::LockedUntil).lte(now)),
                )
                .to_owned(),
        )
        .returning_col(Column::Failures);
    Ok(db.query_one(&upsert).await?.is_some())
}

/// `now` plus the wait after the `attempts`-th attempt, or NULL.
fn wait_from(limit: &Limit, attempts: i32, now: DateTime<Utc>) -> Expr {
    Expr::val(limit.wait_after(attempts).map(|wait| now + wait))
}

/// How long a waiting key still waits.
async fn waiting(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Duration, AppError> {
    let until = sign_in_throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .and_then(|row| row.locked_until);
    Ok(until.map_or(Duration::seconds(1), |until| {
        (until - now).max(Duration::seconds(1))
    }))
}

/// Gives an attempt back — the address's after a successful sign-in, or a key's counted
/// before another key refused the attempt — and the wait it started, if it started one.
async fn give_back(db: &impl ConnectionTrait, key: &Key) -> Result<(), AppError> {
    let left = Expr::col(Column::Failures).sub(1);
    let undo = Query::update()
        .table(sign_in_throttle::Entity)
        .value(Column::Failures, left.clone())
        .value(
            Column::LockedUntil,
            Expr::case(left.lt(key.limit.free), Expr::val(None::<DateTime<Utc>>))
                .finally(Expr::col(Column::LockedUntil)),
        )
        .and_where(Expr::col(Column::Key).eq(key.key.clone()))
        .and_where(Expr::col(Column::Failures).gt(0))
        .to_owned();
    db.execute(&undo).await?;
    Ok(())
}

/// A successful sign-in: the account's attempts are forgotten, the address gets its one back.
pub async fn succeeded(db: &impl ConnectionTrait, keys: &[Key]) -> Result<(), AppError> {
    for key in keys {
        if key.limit == PER_ACCOUNT {
            sign_in_throttle::Entity::delete_many()
                .filter(Column::Key.eq(key.key.clone()))
                .exec(db)
                .await?;
        } else {
            give_back(db, key).await?;
        }
    }
    Ok(())
}

/// Deletes the counts that are over (a job): their window passed and they are not waiting.
pub async fn purge_ended(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    let longest = ALL
        .iter()
        .map(|limit| limit.window)
        .max()
        .unwrap_or(PER_ACCOUNT.window);
    let deleted = sign_in_throttle::Entity::delete_many()
        .filter(Column::WindowStartedAt.lt(now - longest))
        .filter(
            Column::LockedUntil
                .is_null()
                .or(Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_longer_after_each_failure_but_never_for_good() {
        let waits: Vec<_> = (1..=12).map(|n| PER_ACCOUNT.wait_after(n)).collect();
        assert_eq!(&waits[..4], &[None, None, None, None], "four free attempts");
        assert_eq!(
            waits[4],
            Some(Duration::seconds(30)),
            "the fifth starts a wait"
        );
        assert_eq!(waits[5], Some(Duration::minutes(1)));
        assert_eq!(waits[8], Some(Duration::minutes(8)));
        assert_eq!(waits[9], Some(Duration::minutes(15)));
        assert_eq!(
            waits[11],
            Some(Duration::minutes(15)),
            "at most a quarter of an hour"
        );
    }

    #[test]
    fn an_address_waits_five_minutes_after_twenty() {
        assert_eq!(PER_ADDRESS.wait_after(19), None);
        assert_eq!(PER_ADDRESS.wait_after(20), Some(Duration::minutes(5)));
        assert_eq!(PER_ADDRESS.wait_after(40), Some(Duration::minutes(5)));
    }

    #[test]
    fn a_number_gets_a_code_a_minute_five_an_hour() {
        assert_eq!(CODES_PER_MOBILE.wait_after(1), Some(Duration::minutes(1)));
        assert_eq!(CODES_PER_MOBILE.wait_after(4), Some(Duration::minutes(1)));
        assert_eq!(CODES_PER_MOBILE.wait_after(5), Some(Duration::hours(1)));
        let keys = Key::code_request(Some("10.0.0.1"), "13800000001");
        assert!(!keys[0].key.contains("13800000001"), "{}", keys[0].key);
        assert_eq!(keys[1].key, "code-ip:10.0.0.1");
    }

    #[test]
    fn keys_never_hold_the_number_typed() {
        let key = Key::account("account", "13800000001");
        assert!(!key.key.contains("13800000001"), "{}", key.key);
        assert_eq!(key, Key::account("account", " 13800000001 "));
        assert_ne!(key, Key::account("staff", "13800000001"));
    }
}
