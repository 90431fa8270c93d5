//! The `server` command line: serve (the default), load the demo data set, act on a case,
//! manage staff accounts, read the SMS outbox. `main.rs` only calls [`run`]: the code lives in
//! the library, so the binary compiles in seconds after it (and the integration tests, which
//! cargo builds after the binary, start sooner).
use domain::ids::ApplicationNumber;

use crate::config::{self, Settings};
use crate::state::AppState;
use crate::{db, demo, routes, telemetry};
use anyhow::Context;
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "server", about = "Minsheng (民生): one-stop public services")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal and the API (the default).
    Serve,
    /// Load a generated demo data set (demo accounts share one published password) into a
    /// new database; a database that holds data is refused unless `--replace` names it.
    Demo {
        /// Number of residents; the catalogue, staff and regions stay the same.
        #[arg(long, default_value_t = demo::DEFAULT_RESIDENTS)]
        residents: u32,
        /// Delete everything in this database first: its name (PostgreSQL) or file name
        /// (SQLite), as in DATABASE_URL, e.g. `--replace minsheng.db`.
        #[arg(long, value_name = "DATABASE")]
        replace: Option<String>,
    },
    /// Act on an application as a member of staff (scripts, and how the browser tests move a
    /// case without the console). Pushes reach open pages on PostgreSQL.
    Case {
        /// The application number, e.g. MS-20261128-000361.
        number: String,
        /// accept, supplement, approve, reject or complete.
        action: String,
        /// Staff username (a department's staff act only on their department's cases);
        /// by default the head of the department of the case's first task.
        #[arg(long)]
        staff: Option<String>,
        /// What is needed (supplement) or why (reject); a comment otherwise.
        #[arg(long, default_value = "")]
        note: String,
        /// Material indexes asked for again (supplement), e.g. --materials 0,2.
        #[arg(long, value_delimiter = ',')]
        materials: Vec<usize>,
    },
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Print the SQL that counts a segment rule's members, with its values in place, for
    /// `EXPLAIN` and bench/segments.sh (PostgreSQL or SQLite, as DATABASE_URL says).
    SegmentSql {
        /// The rule as JSON, e.g. '{"is":{"kind":"tag","code":"disability"}}'.
        rule: String,
    },
    /// Print the newest text message the outbox holds for a mobile number (on the embedded
    /// SMS gateway, the one-time code a developer or a browser test needs).
    SmsOutbox {
        /// The mobile number, e.g. 13800000001.
        mobile: String,
    },
    /// Look at the alert rules once, as the running server does every five minutes: raise,
    /// update and close alerts, and print what changed and how long it took (bench/queue.sh).
    CheckAlerts,
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create an account; the password comes from MINSHENG_STAFF_PASSWORD or standard input.
    Add {
        username: String,
        /// The name colleagues see.
        #[arg(long)]
        name: String,
        /// clerk, reviewer, department_head, supervisor or administrator.
        #[arg(long)]
        role: String,
        /// The department's code (clerks, reviewers and heads need one).
        #[arg(long)]
        department: Option<String>,
    },
    /// Disable an account: it can no longer sign in, and its sessions end now.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
}

/// Parses the command line and does what it says.
#[tokio::main]
pub async fn run() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    let db = db::connect(&settings.database_url, settings.db_max_connections)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                redact(&settings.database_url)
            )
        })?;
    db::migrate(&db)
        .await
        .context("migrating the schema failed")?;

    match cli.command.unwrap_or(Command::Serve) {
        Command::Demo { residents, replace } => {
            let name = config::database_name(&settings.database_url);
            let holdings = demo::Holdings::of(&db).await?;
            match replace {
                Some(named) if named == name => {}
                Some(named) => anyhow::bail!(
                    "--replace names {named:?}, but DATABASE_URL opens {name:?}; nothing changed"
                ),
                None if holdings.is_empty() => {}
                None => anyhow::bail!(
                    "{name:?} holds {holdings}; nothing changed. To delete all of it and load \
                     the demo data set instead, run `server demo --replace {name}`"
                ),
            }
            demo::replace(&db, demo::DemoSize { residents }, true).await?;
            Ok(())
        }
        Command::Serve => serve(settings, db).await,
        Command::SegmentSql { rule } => {
            let rule: domain::rule::Rule =
                serde_json::from_str(&rule).context("the rule is not valid JSON for a rule")?;
            rule.validate()
                .map_err(|err| anyhow::anyhow!("the rule is not valid: {err:?}"))?;
            let backend = db.get_database_backend();
            println!(
                "{}",
                store::segments::count_sql(&rule, chrono::Utc::now(), backend)
            );
            Ok(())
        }
        Command::Case {
            number,
            action,
            staff,
            note,
            materials,
        } => case(db, &number, &action, staff, note, materials).await,
        Command::Staff {
            command:
                StaffCommand::Add {
                    username,
                    name,
                    role,
                    department,
                },
        } => add_staff(db, &username, &name, &role, department.as_deref()).await,
        Command::Staff {
            command: StaffCommand::Disable { username },
        } => set_staff_active(db, &username, false).await,
        Command::Staff {
            command: StaffCommand::Enable { username },
        } => set_staff_active(db, &username, true).await,
        Command::SmsOutbox { mobile } => {
            let mobile = domain::validation::normalize_mobile(&mobile)
                .with_context(|| format!("{mobile:?} is not a mainland mobile number"))?;
            let message = store::sms_outbox::newest_to(&db, &mobile)
                .await?
                .with_context(|| format!("no message to {mobile} in the outbox"))?;
            println!("{}", message.body);
            Ok(())
        }
        Command::CheckAlerts => {
            let started = std::time::Instant::now();
            let changes = store::alerts::evaluate(
                &db,
                &settings.alerts,
                &settings.satisfaction,
                chrono::Utc::now(),
            )
            .await?;
            println!(
                "alert rules looked at in {} ms: {} raised, {} escalated, {} closed",
                started.elapsed().as_millis(),
                changes.raised.len(),
                changes.escalated,
                changes.closed
            );
            Ok(())
        }
    }
}

async fn set_staff_active(
    db: sea_orm::DatabaseConnection,
    username: &str,
    active: bool,
) -> anyhow::Result<()> {
    let id = store::staff_accounts::set_active(&db, username, active)
        .await
        .with_context(|| format!("no staff account {username:?}"))?;
    let done = if active {
        "enabled"
    } else {
        "disabled; its sessions have ended"
    };
    println!("staff account {username} (id {id}) {done}");
    Ok(())
}

/// Creates a staff account; the password is read from `MINSHENG_STAFF_PASSWORD` or the first
/// line of standard input (never from the command line, where `ps` would show it).
async fn add_staff(
    db: sea_orm::DatabaseConnection,
    username: &str,
    name: &str,
    role: &str,
    department: Option<&str>,
) -> anyhow::Result<()> {
    use domain::account::check_password;
    use domain::staff::StaffRole;
    let role = StaffRole::parse(role).with_context(|| {
        format!(
            "unknown role {role:?}: clerk, reviewer, department_head, supervisor or administrator"
        )
    })?;
    let password = match std::env::var("MINSHENG_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if let Err(problem) = check_password(&password) {
        anyhow::bail!("the password is not acceptable: {problem:?}");
    }
    let hash = crate::auth::password::hash(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = store::staff_accounts::create(
        &db,
        username,
        name,
        role,
        department,
        hash,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(%id, username, role = role.as_str(), "staff account created");
    Ok(())
}

async fn serve(settings: Settings, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    if settings.load_demo_data {
        let loaded = demo::load_into_new_database(&db)
            .await
            .context("loading the demo data failed")?;
        if let demo::Loaded::No(holdings) = loaded {
            tracing::info!(%holdings, "the database holds data: demo data not loaded");
        }
    }
    if <store::entities::staff::Entity as sea_orm::EntityTrait>::find()
        .one(&db)
        .await?
        .is_none()
    {
        tracing::warn!(
            "no staff accounts yet: create the first administrator with \
             `MINSHENG_STAFF_PASSWORD=… server staff add --username admin --name 管理员 \
             --role administrator` (or type the password on standard input)"
        );
    }
    let leptos_options = config::leptos_options()?;
    let addr = leptos_options.site_addr;
    // Requests get a pool of their own whose statements end at the statement timeout; the
    // jobs keep the first pool, without one (a campaign's send may take longer).
    let requests = db::connect_for_requests(
        &settings.database_url,
        settings.db_max_connections,
        settings.statement_timeout,
    )
    .await
    .context("cannot open the request pool")?;
    let state = AppState::new(requests, leptos_options, settings.clone());
    let alert_settings = crate::jobs::AlertSettings {
        alerts: settings.alerts,
        ratings: settings.satisfaction,
    };
    crate::jobs::spawn(db, state.push.clone(), alert_settings);
    let app = routes::router(state, &settings);
    // TCP_NODELAY on every accepted socket: without it static files stall on Nagle's
    // algorithm and delayed ACKs (measured: 1 900 vs 25 500 req/s for a file from /pkg).
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?
        .tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(error = %err, "cannot set TCP_NODELAY");
            }
        });
    tracing::info!(%addr, database = %redact(&settings.database_url), "Minsheng is listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn case(
    db: sea_orm::DatabaseConnection,
    number: &str,
    action: &str,
    staff: Option<String>,
    note: String,
    materials: Vec<usize>,
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use store::workflow::{self, StaffAction};
    let action = match action {
        "accept" => StaffAction::Accept,
        "supplement" => StaffAction::RequestSupplement { materials, note },
        "approve" => StaffAction::Approve {
            comment: Some(note).filter(|n| !n.is_empty()),
        },
        "reject" => StaffAction::Reject { reason: note },
        "complete" => StaffAction::Complete,
        other => anyhow::bail!(
            "unknown action {other:?}: accept, supplement, approve, reject or complete"
        ),
    };
    use store::entities::{application, staff as staff_table, task};
    let username = match staff {
        Some(username) => username,
        None => {
            let app = application::Entity::find()
                .filter(application::Column::Number.eq(number))
                .one(&db)
                .await?
                .with_context(|| format!("no application {number:?}"))?;
            let first = task::Entity::find()
                .filter(task::Column::ApplicationId.eq(app.id))
                .one(&db)
                .await?
                .with_context(|| format!("{number} has no task (a draft?)"))?;
            staff_table::Entity::find()
                .filter(staff_table::Column::DepartmentId.eq(first.department_id))
                .filter(staff_table::Column::Role.eq("department_head"))
                .one(&db)
                .await?
                .with_context(|| "no head of the case's department")?
                .username
        }
    };
    let member = store::entities::staff::Entity::find()
        .filter(store::entities::staff::Column::Username.eq(&username))
        .one(&db)
        .await?
        .with_context(|| format!("no staff account {username:?}"))?;
    let member = store::staff_accounts::member(&db, member.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_context(|| format!("staff account {username:?} is not active"))?;
    let actor = store::StaffActor { member, ip: None };
    let calendar = store::calendar::load(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let outcome = workflow::act(
        &db,
        &calendar,
        &actor,
        &ApplicationNumber::from(number),
        None,
        action,
        None,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    // A separate process: on PostgreSQL the push reaches every serving instance.
    crate::push::PushHub::start(&db)
        .publish(outcome.pushes)
        .await;
    tracing::info!(number, "done");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => {
                    format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
