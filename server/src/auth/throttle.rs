//! Sign-in throttling: at most 5 failed sign-ins a minute per account, and 20 per IP address
//! (a community service centre or a mobile network puts many people behind one address); the
//! last allowed failure starts a 5-minute cool-down. State lives in the database, so all
//! instances count together.

use chrono::{DateTime, Duration, Utc};
use domain::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use store::entities::sign_in_throttle;

pub const MAX_FAILURES: i32 = 5;
pub const MAX_FAILURES_PER_IP: i32 = 20;
pub const WINDOW: Duration = Duration::seconds(60);
pub const COOL_DOWN: Duration = Duration::minutes(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub window_started_at: DateTime<Utc>,
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// How long the key must still wait, if it is cooling down.
pub fn wait(state: Option<&State>, now: DateTime<Utc>) -> Option<Duration> {
    let until = state?.locked_until?;
    (until > now).then(|| until - now)
}

/// The state after one more failure.
pub fn after_failure(state: Option<&State>, now: DateTime<Utc>, max_failures: i32) -> State {
    let fresh = State {
        window_started_at: now,
        failures: 1,
        locked_until: None,
    };
    let Some(state) = state else { return fresh };
    if state.locked_until.is_some_and(|until| until <= now)
        || now - state.window_started_at >= WINDOW
    {
        return fresh;
    }
    let failures = state.failures + 1;
    State {
        window_started_at: state.window_started_at,
        failures,
        locked_until: (failures >= max_failures).then(|| now + COOL_DOWN),
    }
}

fn state_of(model: &sign_in_throttle::Model) -> State {
    State {
        window_started_at: model.window_started_at,
        failures: model.failures,
        locked_until: model.locked_until,
    }
}

/// The longest wait among `keys`, if any of them is cooling down.
pub async fn check(
    db: &impl ConnectionTrait,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<Option<Duration>, AppError> {
    let rows = sign_in_throttle::Entity::find()
        .filter(sign_in_throttle::Column::Key.is_in(keys.iter().cloned()))
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| wait(Some(&state_of(row)), now))
        .max())
}

pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for key in keys {
        let existing = sign_in_throttle::Entity::find_by_id(key.clone())
            .one(db)
            .await?;
        let max = if key.starts_with("ip:") {
            MAX_FAILURES_PER_IP
        } else {
            MAX_FAILURES
        };
        let next = after_failure(existing.as_ref().map(state_of).as_ref(), now, max);
        let model = sign_in_throttle::ActiveModel {
            key: Set(key.clone()),
            window_started_at: Set(next.window_started_at),
            failures: Set(next.failures),
            locked_until: Set(next.locked_until),
        };
        if existing.is_some() {
            model.update(db).await?;
        } else {
            model.insert(db).await?;
        }
        if next.locked_until.is_some() {
            tracing::warn!(key, "sign-in locked after repeated failures");
        }
    }
    Ok(())
}

/// A successful sign-in clears the account's count (not the IP's).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    sign_in_throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn the_fifth_failure_in_a_minute_starts_the_cool_down() {
        let mut state = None;
        for second in 0..4 {
            let next = after_failure(state.as_ref(), at(second * 10), MAX_FAILURES);
            assert_eq!(wait(Some(&next), at(second * 10)), None);
            state = Some(next);
        }
        let locked = after_failure(state.as_ref(), at(45), MAX_FAILURES);
        assert_eq!(locked.failures, 5);
        assert_eq!(wait(Some(&locked), at(45)), Some(COOL_DOWN));
        assert_eq!(
            wait(Some(&locked), at(45 + 299)),
            Some(Duration::seconds(1))
        );
        assert_eq!(wait(Some(&locked), at(45 + 300)), None);
    }

    #[test]
    fn failures_spread_over_minutes_do_not_lock() {
        let mut state = None;
        for minute in 0..10 {
            let next = after_failure(state.as_ref(), at(minute * 61), MAX_FAILURES);
            assert_eq!(next.failures, 1, "a new window each time");
            assert_eq!(wait(Some(&next), at(minute * 61)), None);
            state = Some(next);
        }
    }

    #[test]
    fn after_the_cool_down_counting_starts_again() {
        let locked = State {
            window_started_at: at(0),
            failures: 5,
            locked_until: Some(at(300)),
        };
        let next = after_failure(Some(&locked), at(301), MAX_FAILURES);
        assert_eq!(next.failures, 1);
        assert_eq!(next.locked_until, None);
    }
}
