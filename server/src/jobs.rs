//! Periodic work inside the server, one tick a minute: closing rectifications whose feedback
//! window passed in silence, opening surveys whose time came, sending campaigns that are due
//! (and out of their quiet hours), deleting expired sessions and sign-in counts that are
//! over; every five minutes, looking at the alert rules (raising, updating and closing
//! alerts); and hourly, detecting life events (turning 60, a newborn, …) and recommending
//! what they make relevant. Every step is a conditional
//! UPDATE (and what follows it only for the instance whose UPDATE took the row), so several
//! instances behind a load balancer can all run it.

use crate::push::PushHub;
use chrono::Utc;
use domain::alert::AlertPolicy;
use domain::notification::{EVERYONE, Push, PushEvent};
use domain::rating_policy::RatingPolicy;
use sea_orm::DatabaseConnection;
use std::time::Duration;
use store::{alerts, campaigns, life_events, ratings, surveys};

/// How often the jobs run.
pub const TICK: Duration = Duration::from_secs(60);
/// Life events are detected every this many ticks (hourly): each run scans the residents
/// (seconds at a million, holding SQLite's write lock), and events are days apart.
pub const LIFE_EVENT_TICKS: u64 = 60;
/// The alert rules are looked at every this many ticks (and at start): a few aggregates over
/// the tasks and the last nine weeks' ratings.
pub const ALERT_TICKS: u64 = 5;

/// The thresholds the alert rules compare against.
#[derive(Clone, Copy, Debug)]
pub struct AlertSettings {
    pub alerts: AlertPolicy,
    pub ratings: RatingPolicy,
}

/// Starts the ticking in the background; it stops with the runtime.
pub fn spawn(db: DatabaseConnection, push: PushHub, settings: AlertSettings) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for round in 0u64.. {
            interval.tick().await;
            tick(&db, &push).await;
            if round % ALERT_TICKS == 0 {
                look_at_alerts(&db, &settings).await;
            }
            if round % LIFE_EVENT_TICKS == 0 {
                detect_life_events(&db).await;
            }
        }
    });
}

/// One round of every job; a failing job is logged and tried again next tick.
pub async fn tick(db: &DatabaseConnection, push: &PushHub) {
    let now = Utc::now();
    match ratings::close_lapsed(db, now).await {
        Ok(0) => {}
        Ok(closed) => tracing::info!(closed, "closed rectifications whose feedback window passed"),
        Err(err) => tracing::warn!(error = %err, "closing lapsed rectifications failed"),
    }
    match surveys::open_due(db, now).await {
        Ok(0) => {}
        Ok(opened) => tracing::info!(opened, "opened scheduled surveys"),
        Err(err) => tracing::warn!(error = %err, "opening scheduled surveys failed"),
    }
    send_campaigns(db, push).await;
    purge(db, now).await;
}

/// Deletes what has run out: expired sessions, throttle counts that are over, expired
/// one-time codes, text messages older than a week.
async fn purge(db: &DatabaseConnection, now: chrono::DateTime<Utc>) {
    match crate::auth::session::purge_expired(db, now).await {
        Ok(0) => {}
        Ok(deleted) => tracing::info!(deleted, "deleted expired sessions"),
        Err(err) => tracing::warn!(error = %err, "deleting expired sessions failed"),
    }
    match store::throttle::purge_ended(db, now).await {
        Ok(0) => {}
        Ok(deleted) => tracing::info!(deleted, "deleted sign-in counts that are over"),
        Err(err) => tracing::warn!(error = %err, "deleting sign-in counts failed"),
    }
    match store::one_time_codes::purge(db, now).await {
        Ok(0) => {}
        Ok(deleted) => tracing::info!(deleted, "deleted expired one-time codes"),
        Err(err) => tracing::warn!(error = %err, "deleting one-time codes failed"),
    }
    match store::sms_outbox::purge(db, now).await {
        Ok(0) => {}
        Ok(deleted) => tracing::info!(deleted, "deleted text messages older than a week"),
        Err(err) => tracing::warn!(error = %err, "deleting old text messages failed"),
    }
}

/// Raises the alerts whose rules fire, brings the open ones up to date and closes those
/// that cleared.
pub async fn look_at_alerts(db: &DatabaseConnection, settings: &AlertSettings) {
    match alerts::evaluate(db, &settings.alerts, &settings.ratings, Utc::now()).await {
        Ok(changes) if changes == alerts::Changes::default() => {}
        Ok(changes) => tracing::info!(
            raised = changes.raised.len(),
            escalated = changes.escalated,
            closed = changes.closed,
            "alerts changed"
        ),
        Err(err) => tracing::warn!(error = %err, "looking at the alert rules failed"),
    }
}

/// Life events since the last run (the first run after a start catches up a week).
pub async fn detect_life_events(db: &DatabaseConnection) {
    if let Err(err) = life_events::detect(db, Utc::now()).await {
        tracing::warn!(error = %err, "detecting life events failed");
    }
}

/// Sends the campaigns that are due, a batch at a time until none is left; after each batch
/// tells every instance, which hands the new messages to the residents of the batch with a
/// page open on it. Runs on every tick, and in the background right after a campaign is
/// submitted or approved ([`send_campaigns_soon`]).
pub async fn send_campaigns(db: &DatabaseConnection, push: &PushHub) {
    loop {
        let started = std::time::Instant::now();
        match campaigns::send_next(db, Utc::now(), campaigns::BATCH).await {
            Ok(batches) if batches.is_empty() => break,
            Ok(batches) => {
                let finished = batches.iter().any(|batch| batch.finished);
                let pushes = batches
                    .into_iter()
                    .filter(|batch| batch.reached > 0)
                    .map(|batch| Push {
                        resident_id: EVERYONE,
                        event: PushEvent::CampaignSent {
                            campaign_id: batch.campaign_id,
                            after: batch.after,
                            through: batch.through,
                        },
                    })
                    .collect::<Vec<_>>();
                let written_ms = started.elapsed().as_millis();
                push.publish(pushes).await;
                tracing::info!(
                    written_ms,
                    published_ms = started.elapsed().as_millis(),
                    "campaign batches written and announced"
                );
                if finished && let Err(err) = campaigns::refresh_statistics(db).await {
                    tracing::warn!(error = ?err, "ANALYZE after a campaign failed");
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "sending due campaigns failed");
                break;
            }
        }
    }
}

/// Starts sending due campaigns in the background, so the request that made one due answers
/// at once however large its audience.
pub fn send_campaigns_soon(db: &DatabaseConnection, push: &PushHub) {
    let (db, push) = (db.clone(), push.clone());
    tokio::spawn(async move { send_campaigns(&db, &push).await });
}
