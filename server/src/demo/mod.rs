//! The demo data set: a district government with its catalogue, regions, households,
//! residents, staff and applications in every state, so that a new user sees a living system.
//!
//! Deterministic: one seeded generator drives every choice, so each load gives the same people
//! and applications. Birth dates are fixed; application dates are placed relative to the day
//! of loading so that the system always looks current. Rows go in with multi-row INSERTs in
//! one transaction, which is what lets `--residents 1000000` finish in minutes.

mod applications;
mod bulk;
mod catalog;
pub mod catalog_data;
mod names;
mod people;
mod ratings;

use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    TransactionTrait,
};

/// Residents in the default demo data set.
pub const DEFAULT_RESIDENTS: u32 = 360;
/// The password of every demo account (residents and staff). Demo data only.
pub const DEMO_PASSWORD: &str = "minsheng-demo";
const SEED: u64 = 20_261_127;
/// The showcase account (resident 1, mobile 13800000001): an application in every state, a
/// life-event package, and the ratings loop's own cases (`applications`, `ratings`).
const SHOWCASE_RESIDENT: i64 = 1;
/// 林辉 (13800000124), 60+ and living alone in 西湖区: the guided "services find people"
/// story (and its browser test) sends him a campaign for a service he has never applied for,
/// so the top-up's random cases leave him alone.
const CAMPAIGN_STORY_RESIDENT: i64 = 124;

#[derive(Clone, Copy, Debug)]
pub struct DemoSize {
    pub residents: u32,
}

/// Every table the demo writes, parents before children.
const TABLES: &[&str] = &[
    "calendar_day",
    "region",
    "department",
    "service_category",
    "life_event",
    "service",
    "service_life_event",
    "bundle",
    "bundle_service",
    "household",
    "resident",
    "tag",
    "resident_tag",
    "staff",
    "application",
    "task",
    "application_event",
];

/// What a database holds that the demo data set must never overwrite unasked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    pub residents: u64,
    pub staff: u64,
    pub applications: u64,
    pub services: u64,
}

impl Holdings {
    pub async fn of(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        use store::entities::{application, resident, service, staff};
        Ok(Self {
            residents: resident::Entity::find().count(db).await?,
            staff: staff::Entity::find().count(db).await?,
            applications: application::Entity::find().count(db).await?,
            services: service::Entity::find().count(db).await?,
        })
    }

    /// Nothing a city entered: no people, no applications, no catalogue.
    pub fn is_empty(self) -> bool {
        self == Self::default()
    }
}

impl std::fmt::Display for Holdings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} residents, {} staff accounts, {} applications, {} services",
            self.residents, self.staff, self.applications, self.services
        )
    }
}

/// Whether [`load_into_new_database`] loaded the demo data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded {
    Yes,
    /// The database already holds data; nothing was written.
    No(Holdings),
}

/// Loads the default demo data set into a database that holds no residents, staff,
/// applications or services; a database holding any of them is left exactly as it is. This
/// is what `serve` does when `MINSHENG_DEMO_DATA` asks for the demo: it never deletes.
pub async fn load_into_new_database(db: &DatabaseConnection) -> Result<Loaded, DbErr> {
    let size = DemoSize {
        residents: DEFAULT_RESIDENTS,
    };
    generate(db, size, Existing::Keep, false).await
}

/// Replaces every row of the demo's tables (and what refers to them) with a freshly
/// generated data set: the explicit `server demo --replace <database>`, the benchmarks'
/// generator and the tests' templates. Never called by `serve`.
pub async fn replace(
    db: &DatabaseConnection,
    size: DemoSize,
    show_progress: bool,
) -> Result<(), DbErr> {
    generate(db, size, Existing::Replace, show_progress)
        .await
        .map(|_| ())
}

/// What [`generate`] does with a database that holds data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Existing {
    Keep,
    Replace,
}

async fn generate(
    db: &DatabaseConnection,
    size: DemoSize,
    existing: Existing,
    show_progress: bool,
) -> Result<Loaded, DbErr> {
    if existing == Existing::Keep {
        // The usual case on a restart, answered before hashing the demo password.
        let holdings = Holdings::of(db).await?;
        if !holdings.is_empty() {
            return Ok(Loaded::No(holdings));
        }
    }
    let started = std::time::Instant::now();
    let progress = if show_progress {
        let bar = ProgressBar::new(u64::from(size.residents));
        bar.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let password_hash = {
        let password = DEMO_PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
            .await
            .map_err(|e| DbErr::Custom(format!("hashing the demo password failed: {e}")))?
    };

    let txn = db.begin().await?;
    match existing {
        // Checked inside the transaction that writes: two instances starting on one new
        // PostgreSQL database cannot both load (the second fails on the first's ids).
        Existing::Keep => {
            let holdings = Holdings::of(&txn).await?;
            if !holdings.is_empty() {
                return Ok(Loaded::No(holdings));
            }
        }
        Existing::Replace => wipe(&txn).await?,
    }
    let mut rng = SmallRng::seed_from_u64(SEED);
    let today = chrono::Utc::now();

    catalog::insert_calendar(&txn).await?;
    let catalog = catalog::insert_catalog(&txn, today).await?;
    let regions = people::insert_regions(&txn).await?;
    let staff = people::insert_staff(&txn, &catalog, &password_hash).await?;
    progress.set_message("residents");
    let residents = people::insert_residents(
        &txn,
        &mut rng,
        &regions,
        size.residents,
        &password_hash,
        &progress,
    )
    .await?;
    progress.set_message("applications");
    let applications =
        applications::insert_applications(&txn, &mut rng, &catalog, &staff, &residents, today)
            .await?;
    progress.set_message("ratings");
    let ratings =
        ratings::insert_ratings(&txn, &mut rng, &catalog, &staff, &residents, today).await?;
    reset_sequences(&txn).await?;
    txn.commit().await?;
    progress.finish_and_clear();
    tracing::info!(
        residents = residents.len(),
        applications,
        topped_up = ratings.topped_up,
        ratings = ratings.ratings,
        rectifications = ratings.rectifications,
        seconds = started.elapsed().as_secs_f64(),
        "demo data loaded"
    );
    Ok(Loaded::Yes)
}

async fn wipe(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    // Tables that reference the demo's rows and that the demo does not fill itself.
    wipe_audit_log(db).await?;
    let dependents = [
        "escalation",
        "complaint",
        "notification",
        "recommendation_opt_out",
        "life_event_occurrence",
        "recommendation",
        "campaign",
        "segment",
        "survey_response",
        "survey",
        "rectification",
        "rating",
        "attachment",
        "supplement",
        "proxy_consent",
    ];
    for table in dependents.iter().chain(TABLES.iter().rev()) {
        db.execute_unprepared(&format!("DELETE FROM {table}"))
            .await?;
    }
    Ok(())
}

/// The audit log refuses deletes (append-only); a demo reset empties it on purpose, with
/// TRUNCATE on PostgreSQL (row triggers do not fire) and by lifting SQLite's trigger for
/// the moment.
async fn wipe_audit_log(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("TRUNCATE audit_log").await?;
        return Ok(());
    }
    db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_no_delete")
        .await?;
    db.execute_unprepared("DELETE FROM audit_log").await?;
    db.execute_unprepared(migrations::APPEND_ONLY_SQLITE[1])
        .await?;
    Ok(())
}

/// Ids were given explicitly; move PostgreSQL's sequences past them.
async fn reset_sequences(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let with_id = [
        "region",
        "department",
        "service_category",
        "life_event",
        "service",
        "bundle",
        "household",
        "resident",
        "tag",
        "staff",
        "application",
        "task",
        "application_event",
        "rating",
        "rectification",
    ];
    for table in with_id {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}
