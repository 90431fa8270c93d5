//! Live pushes to residents' open pages. A [`Push`] published on any instance reaches every
//! instance's subscribers: on PostgreSQL through `NOTIFY minsheng_push` (each instance
//! LISTENs and fans out locally); on SQLite, a single instance, through memory alone.
//!
//! A campaign crosses as one push for everyone per batch sent; each instance then looks up,
//! for the residents of the batch with a page open on it, the messages the campaign wrote,
//! a few set-based queries, and hands each resident theirs.
//!
//! Word that the catalogue changed crosses the same way (`NOTIFY minsheng_catalogue`): each
//! instance counts the changes it heard of, and its page cache (`http::page_cache`) keeps no
//! page rendered before the last one.
use domain::ids::ResidentId;

use domain::notification::{EVERYONE, Push, PushEvent};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::campaigns;
use tokio::sync::mpsc;

const CHANNEL: &str = "minsheng_push";
/// The catalogue changed somewhere: pages rendered before are out of date.
const CATALOGUE_CHANNEL: &str = "minsheng_catalogue";
/// Events waiting for one slow stream; beyond that the stream misses them (the inbox has
/// them all).
const BUFFER: usize = 64;

/// Open streams one resident may have on one instance (tabs and devices; a page holds one).
/// Beyond it a new stream is refused: a script opening streams in a loop would otherwise
/// hold a connection and a task each.
pub const MAX_STREAMS_PER_RESIDENT: usize = 10;

/// A resident has [`MAX_STREAMS_PER_RESIDENT`] streams open here already.
#[derive(Debug, PartialEq, Eq)]
pub struct TooManyStreams;

type Streams = Arc<Mutex<HashMap<ResidentId, Vec<(u64, mpsc::Sender<PushEvent>)>>>>;

/// The open streams of this instance, by resident: a push goes to its resident's streams
/// only, so delivering to one resident costs the same with ten or ten thousand pages open.
#[derive(Clone)]
pub struct PushHub {
    streams: Streams,
    /// Set on PostgreSQL: publishing goes through the database.
    postgres: Option<DatabaseConnection>,
    db: DatabaseConnection,
    /// Catalogue changes heard of, from this instance or another (and each time the
    /// listener reconnected, when it may have missed some).
    catalogue_version: Arc<AtomicU64>,
}

/// One open stream of a resident; it leaves the hub when dropped.
pub struct Subscription {
    pub events: mpsc::Receiver<PushEvent>,
    resident_id: ResidentId,
    key: u64,
    streams: Streams,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Ok(mut streams) = self.streams.lock()
            && let Some(list) = streams.get_mut(&self.resident_id)
        {
            list.retain(|(key, _)| *key != self.key);
            if list.is_empty() {
                streams.remove(&self.resident_id);
            }
        }
    }
}

static NEXT_KEY: AtomicU64 = AtomicU64::new(0);

impl PushHub {
    /// Starts the hub; on PostgreSQL also the listener that feeds it.
    pub fn start(db: &DatabaseConnection) -> Self {
        let postgres = (db.get_database_backend() == DatabaseBackend::Postgres).then(|| db.clone());
        let hub = Self {
            streams: Arc::default(),
            postgres,
            db: db.clone(),
            catalogue_version: Arc::default(),
        };
        if let Some(db) = &hub.postgres {
            tokio::spawn(listen(db.clone(), hub.clone()));
        }
        hub
    }

    /// A new stream for the resident's open page.
    pub fn subscribe(&self, resident_id: ResidentId) -> Result<Subscription, TooManyStreams> {
        let (sender, events) = mpsc::channel(BUFFER);
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut streams) = self.streams.lock() {
            let open = streams.entry(resident_id).or_default();
            // A stream whose page went without the drop reaching us yet does not count.
            open.retain(|(_, sender)| !sender.is_closed());
            if open.len() >= MAX_STREAMS_PER_RESIDENT {
                return Err(TooManyStreams);
            }
            open.push((key, sender));
        }
        Ok(Subscription {
            events,
            resident_id,
            key,
            streams: self.streams.clone(),
        })
    }

    /// Hands a push that arrived (from this instance or another) to the open streams.
    fn deliver(&self, push: Push) {
        match push {
            Push {
                resident_id: EVERYONE,
                event:
                    PushEvent::CampaignSent {
                        campaign_id,
                        after,
                        through,
                    },
            } => {
                let hub = self.clone();
                tokio::spawn(
                    async move { hub.deliver_campaign(campaign_id, after, through).await },
                );
            }
            Push { resident_id, event } => {
                let Ok(streams) = self.streams.lock() else {
                    return;
                };
                // No stream is not an error: nobody has a page open.
                for (_, sender) in streams.get(&resident_id).into_iter().flatten() {
                    if sender.try_send(event.clone()).is_err() {
                        tracing::debug!(%resident_id, "a push stream is full or closed");
                    }
                }
            }
        }
    }

    /// The batch `after < id <= through` of a campaign went out: its messages to the
    /// residents of the batch with a page open here.
    async fn deliver_campaign(&self, campaign_id: i64, after: i64, through: i64) {
        let present: Vec<ResidentId> = match self.streams.lock() {
            Ok(streams) => streams
                .keys()
                .copied()
                .filter(|id| (after + 1..=through).contains(&id.0))
                .collect(),
            Err(_) => return,
        };
        if present.is_empty() {
            return;
        }
        let started = std::time::Instant::now();
        match campaigns::messages_for(&self.db, campaign_id, &present).await {
            Ok(pushes) => {
                tracing::info!(
                    campaign_id,
                    pages = pushes.len(),
                    lookup_ms = started.elapsed().as_millis(),
                    "campaign pushed to open pages"
                );
                for push in pushes {
                    self.deliver(push);
                }
            }
            Err(err) => tracing::warn!(error = ?err, campaign_id, "campaign push lookup failed"),
        }
    }

    /// How many catalogue changes this instance has heard of: a page rendered at one
    /// version is out of date at any other.
    pub fn catalogue_version(&self) -> u64 {
        self.catalogue_version.load(Ordering::Acquire)
    }

    fn catalogue_changed(&self) {
        self.catalogue_version.fetch_add(1, Ordering::AcqRel);
    }

    /// Tells every instance that the catalogue changed, after the change committed. On
    /// PostgreSQL a failed NOTIFY is logged: other instances' pages catch up when their
    /// cached copies expire.
    pub async fn announce_catalogue_change(&self) {
        self.catalogue_changed();
        if let Some(db) = &self.postgres {
            let notify = Statement::from_string(
                DatabaseBackend::Postgres,
                format!("NOTIFY {CATALOGUE_CHANNEL}"),
            );
            if let Err(err) = db.execute_raw(notify).await {
                tracing::warn!(error = %err, "NOTIFY of a catalogue change failed");
            }
        }
    }

    /// Sends pushes after their transaction committed. A failure is logged, never returned:
    /// the inbox already holds the message, the push only makes it arrive sooner.
    pub async fn publish(&self, pushes: Vec<Push>) {
        for push in pushes {
            match &self.postgres {
                Some(db) => {
                    let payload = match serde_json::to_string(&push) {
                        Ok(payload) => payload,
                        Err(err) => {
                            tracing::error!(error = %err, "push does not serialize");
                            continue;
                        }
                    };
                    let notify = Statement::from_sql_and_values(
                        DatabaseBackend::Postgres,
                        "SELECT pg_notify($1, $2)",
                        [CHANNEL.into(), payload.into()],
                    );
                    if let Err(err) = db.execute_raw(notify).await {
                        tracing::warn!(error = %err, "NOTIFY failed; the push waits in the inbox");
                    }
                }
                None => self.deliver(push),
            }
        }
    }
}

/// LISTENs for pushes from every instance and hands them to this instance's subscribers;
/// reconnects after a lost connection.
async fn listen(db: DatabaseConnection, hub: PushHub) {
    let pool = db.get_postgres_connection_pool().clone();
    let mut backoff = Duration::from_millis(200);
    loop {
        let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "push listener cannot connect; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        if let Err(err) = listener.listen_all([CHANNEL, CATALOGUE_CHANNEL]).await {
            tracing::warn!(error = %err, "LISTEN failed; retrying");
            tokio::time::sleep(backoff).await;
            continue;
        }
        tracing::info!(channel = CHANNEL, "listening for pushes");
        backoff = Duration::from_millis(200);
        // Changes made while the listener was away were not heard of.
        hub.catalogue_changed();
        loop {
            match listener.recv().await {
                Ok(notification) if notification.channel() == CATALOGUE_CHANNEL => {
                    hub.catalogue_changed();
                }
                Ok(notification) => match serde_json::from_str::<Push>(notification.payload()) {
                    Ok(push) => hub.deliver(push),
                    Err(err) => tracing::warn!(error = %err, "unreadable push payload"),
                },
                Err(err) => {
                    tracing::warn!(error = %err, "push listener lost its connection");
                    break;
                }
            }
        }
    }
}
