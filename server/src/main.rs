//! `server` serves Minsheng; `server demo --residents N` regenerates the demo data set.

use anyhow::Context;
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use server::config::{self, Settings};
use server::state::AppState;
use server::{db, demo, http, telemetry};

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
    /// Replace all data with a freshly generated demo data set of the given size.
    Demo {
        /// Number of residents; the catalogue, staff and regions stay the same.
        #[arg(long, default_value_t = demo::DEFAULT_RESIDENTS)]
        residents: u32,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
        Command::Demo { residents } => {
            demo::regenerate(&db, demo::DemoSize { residents }, true).await?;
            Ok(())
        }
        Command::Serve => serve(settings, db).await,
    }
}

async fn serve(settings: Settings, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    if settings.load_demo_data {
        demo::load_if_empty(&db)
            .await
            .context("loading the demo data failed")?;
    }
    let leptos_options = config::leptos_options()?;
    let addr = leptos_options.site_addr;
    let app = http::router(AppState { db, leptos_options }, &settings);
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
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
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
