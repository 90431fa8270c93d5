//! Connecting to the database and bringing its schema up to date.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// Opens a pool on `url`. For a SQLite file the folder is created first, and the connection
/// runs in WAL mode with foreign keys enforced and a busy timeout.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, max_connections, None).await
}

/// The pool requests use: as [`connect`], and on PostgreSQL every statement is cancelled
/// after `statement_timeout` (the server's `statement_timeout`, set on each connection), so
/// a request cut off by its timeout, or a console query over millions of rows, cannot keep
/// running in the database after nobody waits for it. The cancelled statement answers the
/// request `timeout`. SQLite has no such setting (a statement there runs in the process and
/// ends with it). Jobs use a pool without the limit.
pub async fn connect_for_requests(
    url: &str,
    max_connections: u32,
    statement_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, max_connections, Some(statement_timeout)).await
}

async fn connect_with(
    url: &str,
    max_connections: u32,
    statement_timeout: Option<Duration>,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(dir) = sqlite_file(url)
        .and_then(|path| std::path::Path::new(path).parent())
        .filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    if let Some(timeout) = statement_timeout {
        let millis = timeout.as_millis().to_string();
        options.map_sqlx_postgres_opts(move |opts| {
            opts.options([("statement_timeout", millis.as_str())])
        });
    }
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The file path of a `sqlite://path?…` URL, or `None` for other databases and in-memory ones.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_sqlite_file_path() {
        assert_eq!(
            sqlite_file("sqlite://data/minsheng.db?mode=rwc"),
            Some("data/minsheng.db")
        );
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://postgres@localhost/test"), None);
    }
}
