//! The tests' databases. Migrating and loading the demo data set takes a second or more, and
//! a run has some 300 tests, so each backend's demo database is built once per test run as a
//! template and every test gets its own copy of it in milliseconds: a file copy on SQLite,
//! `CREATE DATABASE … TEMPLATE …` on PostgreSQL.
//!
//! A run is one nextest run (its test processes share `NEXTEST_RUN_ID`) or one `cargo test`
//! process. The first process of a run to need a template builds it while holding a lock (a
//! lock file for SQLite, an advisory lock on PostgreSQL); the others wait for it and then use
//! it. A template is built under a temporary name and renamed when complete, so a killed
//! build never leaves a half-loaded template behind. Templates of runs more than a day old
//! are removed when a new one is built.
//!
//! Per run, not per code version: the demo data set places its cases relative to the moment
//! it is loaded (a case due "within 24 hours"), so a template from yesterday would not be
//! the data set the tests expect.

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::OnceCell;

use super::Backend;

/// Templates older than this belong to finished runs.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// A test's own database: its URL, and what to remove when the test ends.
pub struct TestDatabase {
    pub url: String,
    place: Place,
}

enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// A new database for one test: a copy of the run's demo template, or (`demo = false`) an
/// empty one that the caller migrates.
pub async fn create(backend: Backend, demo: bool) -> TestDatabase {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let file = dir.path().join("test.db");
            if demo {
                let template = sqlite_template().await;
                std::fs::copy(template, &file).expect("copy the SQLite template");
            }
            TestDatabase {
                url: format!("sqlite://{}?mode=rwc", file.display()),
                place: Place::Sqlite(dir),
            }
        }
        Backend::Postgres => {
            let server = postgres_server();
            let name = unique_name();
            let admin = admin_connection(&server).await;
            let template = if demo {
                format!(" TEMPLATE \"{}\"", postgres_template(&server).await)
            } else {
                String::new()
            };
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{template}"))
                .await
                .unwrap_or_else(|e| panic!("create the test database {name}: {e}"));
            // A test database need not survive a crash of the server: commits skip the wait
            // for the disk (what the tests see is the same).
            admin
                .execute_unprepared(&format!(
                    "ALTER DATABASE \"{name}\" SET synchronous_commit TO off"
                ))
                .await
                .expect("set the test database's commit mode");
            admin.close().await.ok();
            TestDatabase {
                url: format!("{server}/{name}"),
                place: Place::Postgres { server, name },
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Place::Postgres { server, name } = &self.place {
            let (server, name) = (server.clone(), name.clone());
            // Drop runs inside the test's runtime: use a thread with a runtime of its own.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn postgres_server() -> String {
    std::env::var("MINSHENG_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Names this run's templates: nextest's run id, or this process when run by `cargo test`.
fn run_key() -> String {
    let run =
        std::env::var("NEXTEST_RUN_ID").unwrap_or_else(|_| format!("pid{}", std::process::id()));
    run.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `minsheng_test_<pid>_<n>_<µs>`: what CI drops before a run if a killed run left it.
fn unique_name() -> String {
    format!(
        "minsheng_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    )
}

/// Migrates `url` and loads the default demo data set, then closes the connection (a
/// PostgreSQL template must have no session when it is copied).
async fn build(url: &str) {
    let db = server::db::connect(url, 2)
        .await
        .unwrap_or_else(|e| panic!("open the template database {url}: {e}"));
    server::db::migrate(&db)
        .await
        .expect("migrate the template");
    let loaded = server::demo::load_into_new_database(&db)
        .await
        .expect("load the demo data into the template");
    assert_eq!(loaded, server::demo::Loaded::Yes, "a new template is empty");
    if db.get_database_backend() == DbBackend::Sqlite {
        // One self-contained file (no write-ahead log beside it) to copy.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint the template");
    }
    db.close().await.expect("close the template");
}

// ---- SQLite: a file, built under a lock file ----

static SQLITE_TEMPLATE: OnceCell<PathBuf> = OnceCell::const_new();

async fn sqlite_template() -> &'static Path {
    SQLITE_TEMPLATE
        .get_or_init(|| async {
            let dir = std::env::temp_dir().join("minsheng-test-templates");
            std::fs::create_dir_all(&dir).expect("the templates' folder");
            let key = run_key();
            let file = dir.join(format!("{key}.db"));
            let lock = std::fs::File::create(dir.join(format!("{key}.lock")))
                .expect("the template's lock file");
            // Blocks this test's thread while another process of the run builds the template.
            lock.lock().expect("lock the template");
            if !file.exists() {
                remove_stale_files(&dir);
                let building = dir.join(format!("{key}.building.db"));
                let _ = std::fs::remove_file(&building);
                build(&format!("sqlite://{}?mode=rwc", building.display())).await;
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
                }
                std::fs::rename(&building, &file).expect("publish the SQLite template");
            }
            lock.unlock().expect("unlock the template");
            file
        })
        .await
}

fn remove_stale_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

// ---- PostgreSQL: a database, built under an advisory lock ----

static POSTGRES_TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// One connection to the server's `postgres` database (an advisory lock belongs to a session,
/// so it must stay on one connection).
async fn admin_connection(server: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(format!("{server}/postgres"));
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {server} is required for these tests: {e}"))
}

/// The names of existing databases that start with `prefix`.
async fn databases_like(admin: &DatabaseConnection, prefix: &str) -> Vec<String> {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            [prefix.into()],
        ))
        .await
        .expect("list databases");
    rows.iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect()
}

async fn postgres_template(server: &str) -> &'static str {
    POSTGRES_TEMPLATE
        .get_or_init(|| async {
            const PREFIX: &str = "minsheng_test_tpl_";
            let key = run_key();
            let admin = admin_connection(server).await;
            admin
                .execute_unprepared("SELECT pg_advisory_lock(hashtext('minsheng test templates'))")
                .await
                .expect("lock the templates");
            let existing = databases_like(&admin, PREFIX).await;
            let name = match existing.iter().find(|n| n.ends_with(&format!("_{key}"))) {
                Some(name) => name.clone(),
                None => {
                    // Named with when it was built: templates of old runs can go.
                    let now = unix_now();
                    for old in &existing {
                        let built = old
                            .strip_prefix(PREFIX)
                            .and_then(|rest| rest.split('_').next())
                            .and_then(|secs| secs.parse::<u64>().ok());
                        if built.is_none_or(|secs| now.saturating_sub(secs) > STALE_AFTER.as_secs())
                        {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"
                                ))
                                .await;
                        }
                    }
                    let name = format!("{PREFIX}{now}_{key}");
                    let building = format!("minsheng_test_building_{key}");
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                        ))
                        .await
                        .expect("drop a half-built template");
                    admin
                        .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
                        .await
                        .expect("create the template");
                    build(&format!("{server}/{building}")).await;
                    admin
                        .execute_unprepared(&format!(
                            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                        ))
                        .await
                        .expect("publish the PostgreSQL template");
                    name
                }
            };
            admin
                .execute_unprepared(
                    "SELECT pg_advisory_unlock(hashtext('minsheng test templates'))",
                )
                .await
                .expect("unlock the templates");
            admin.close().await.ok();
            name
        })
        .await
}
