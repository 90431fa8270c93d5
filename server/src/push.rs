//! Live pushes to residents' open pages. A [`Push`] published on any instance reaches every
//! instance's subscribers: on PostgreSQL through `NOTIFY minsheng_push` (each instance
//! LISTENs and fans out locally); on SQLite, a single instance, through memory alone.

use app::domain::notification::Push;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::time::Duration;
use tokio::sync::broadcast;

const CHANNEL: &str = "minsheng_push";
/// Pushes waiting for slow subscribers; a subscriber further behind skips to the newest.
const BUFFER: usize = 1024;

#[derive(Clone)]
pub struct PushHub {
    sender: broadcast::Sender<Push>,
    /// Set on PostgreSQL: publishing goes through the database.
    postgres: Option<DatabaseConnection>,
}

impl PushHub {
    /// Starts the hub; on PostgreSQL also the listener that feeds it.
    pub fn start(db: &DatabaseConnection) -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        let postgres = (db.get_database_backend() == DatabaseBackend::Postgres).then(|| db.clone());
        if let Some(db) = &postgres {
            tokio::spawn(listen(db.clone(), sender.clone()));
        }
        Self { sender, postgres }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Push> {
        self.sender.subscribe()
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
                None => {
                    // No subscriber is not an error: nobody has a page open.
                    let _ = self.sender.send(push);
                }
            }
        }
    }
}

/// LISTENs for pushes from every instance and hands them to this instance's subscribers;
/// reconnects after a lost connection.
async fn listen(db: DatabaseConnection, sender: broadcast::Sender<Push>) {
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
        if let Err(err) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %err, "LISTEN failed; retrying");
            tokio::time::sleep(backoff).await;
            continue;
        }
        tracing::info!(channel = CHANNEL, "listening for pushes");
        backoff = Duration::from_millis(200);
        loop {
            match listener.recv().await {
                Ok(notification) => match serde_json::from_str::<Push>(notification.payload()) {
                    Ok(push) => {
                        let _ = sender.send(push);
                    }
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
