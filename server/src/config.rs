//! Settings, read once at start-up from the environment. Every one has a default, so the
//! server runs with no configuration at all; the README lists them.

use crate::http::client::TrustedProxies;
use crate::http::rate_limit::RateSettings;
use crate::sms::GatewaySettings;
use domain::alert::{AlertPolicy, Lines};
use domain::rating_policy::RatingPolicy;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the embedded default keeps its database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/minsheng.db?mode=rwc";

/// Where attachments are kept by default.
pub const DEFAULT_UPLOAD_DIR: &str = "data/uploads";

#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// `MINSHENG_DB_MAX_CONNECTIONS`: pool size.
    pub db_max_connections: u32,
    /// `MINSHENG_DEMO_DATA`: load the demo data set (demo accounts with a published
    /// password) into a new database. Off unless asked for: `scripts/run.sh` and the browser
    /// tests ask; a production start never loads demo accounts.
    pub load_demo_data: bool,
    /// `MINSHENG_REQUEST_TIMEOUT_SECS`: longest a request may take.
    pub request_timeout: Duration,
    /// `MINSHENG_STATEMENT_TIMEOUT_SECS`: longest a request's SQL statement may run on
    /// PostgreSQL before the database cancels it (default 30, the request timeout's default).
    pub statement_timeout: Duration,
    /// `MINSHENG_BODY_LIMIT_BYTES`: largest request body accepted (file uploads excepted).
    pub body_limit_bytes: usize,
    /// `MINSHENG_UPLOAD_DIR`: where attachments are kept, outside the web root.
    pub upload_dir: PathBuf,
    /// `MINSHENG_UPLOAD_MAX_BYTES`: largest attachment, per file (default 10 MB).
    pub upload_max_bytes: usize,
    /// `MINSHENG_SECURE_COOKIES`: mark cookies Secure even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// Windows and thresholds of the ratings loop.
    pub satisfaction: RatingPolicy,
    /// `MINSHENG_ALERT_*`: the alert rules' warning and alarm lines.
    pub alerts: AlertPolicy,
    /// `MINSHENG_CAMPAIGN_APPROVAL_ABOVE`: campaigns reaching more residents than this wait
    /// for a supervisor's approval (default 1000).
    pub campaign_approval_threshold: i64,
    /// `MINSHENG_PUBLIC_ORIGIN`: the address residents use, e.g.
    /// `https://minsheng.example.gov.cn`, when a proxy in front rewrites `Host`; forms from
    /// it pass the cross-site check (`http::csrf`) besides those from the host asked.
    pub public_origin: Option<String>,
    /// `MINSHENG_TRUSTED_PROXIES`: the reverse proxies whose `Forwarded` / `X-Forwarded-*`
    /// headers are believed (addresses or CIDR blocks); none by default.
    pub trusted_proxies: TrustedProxies,
    /// `MINSHENG_RATE_PER_ADDRESS` and `MINSHENG_RATE_PER_ACCOUNT`: API and server-function
    /// requests a minute per client address and per signed-in account (`off`: no limit).
    pub rate_limits: RateSettings,
    /// `MINSHENG_PAGE_CACHE_SECS`: how long a catalogue page rendered for visitors who are
    /// not signed in is served again from memory (`http::page_cache`; default 10, `0`: never).
    pub page_cache_ttl: Duration,
    /// `MINSHENG_SMS_GATEWAY_URL` and `MINSHENG_SMS_GATEWAY_KEY`: the SMS platform one-time
    /// codes go through; unset, messages only reach the outbox table and the log.
    pub sms_gateway: GatewaySettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be {expected}, got {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error("the Leptos configuration could not be read: {0}")]
    Leptos(String),
}

impl Settings {
    /// Whether the site is reached over HTTPS only: the public origin says so, or cookies are
    /// always Secure.
    pub fn https_only(&self) -> bool {
        self.secure_cookies
            || self
                .public_origin
                .as_deref()
                .is_some_and(|origin| origin.starts_with("https://"))
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            db_max_connections: parse_env("MINSHENG_DB_MAX_CONNECTIONS", 10, "a whole number")?,
            load_demo_data: parse_bool_env("MINSHENG_DEMO_DATA", false)?,
            request_timeout: Duration::from_secs(parse_env(
                "MINSHENG_REQUEST_TIMEOUT_SECS",
                30,
                "a number of seconds",
            )?),
            statement_timeout: Duration::from_secs(parse_env(
                "MINSHENG_STATEMENT_TIMEOUT_SECS",
                30,
                "a number of seconds",
            )?),
            body_limit_bytes: parse_env(
                "MINSHENG_BODY_LIMIT_BYTES",
                2 * 1024 * 1024,
                "a number of bytes",
            )?,
            upload_dir: std::env::var_os("MINSHENG_UPLOAD_DIR")
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(DEFAULT_UPLOAD_DIR), PathBuf::from),
            upload_max_bytes: parse_env(
                "MINSHENG_UPLOAD_MAX_BYTES",
                10 * 1024 * 1024,
                "a number of bytes",
            )?,
            secure_cookies: parse_bool_env("MINSHENG_SECURE_COOKIES", false)?,
            satisfaction: satisfaction_from_env()?,
            alerts: alerts_from_env()?,
            campaign_approval_threshold: parse_env(
                "MINSHENG_CAMPAIGN_APPROVAL_ABOVE",
                domain::campaign::DEFAULT_APPROVAL_THRESHOLD,
                "a number of residents",
            )?,
            public_origin: public_origin_from_env()?,
            trusted_proxies: trusted_proxies_from_env()?,
            rate_limits: rate_limits_from_env()?,
            page_cache_ttl: Duration::from_secs(parse_env(
                "MINSHENG_PAGE_CACHE_SECS",
                10,
                "a number of seconds",
            )?),
            sms_gateway: sms_gateway_from_env()?,
        })
    }
}

/// `MINSHENG_RATE_PER_ADDRESS` and `MINSHENG_RATE_PER_ACCOUNT`: a number of requests a
/// minute, or `off`.
fn rate_limits_from_env() -> Result<RateSettings, ConfigError> {
    let default = RateSettings::default();
    let rate = |name: &'static str, default: Option<std::num::NonZeroU32>| match std::env::var(name)
    {
        Err(_) => Ok(default),
        Ok(value) if value.trim().is_empty() => Ok(default),
        Ok(value) if value.trim().eq_ignore_ascii_case("off") => Ok(None),
        Ok(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::Invalid {
                name,
                expected: "a number of requests a minute above 0, or off",
                value,
            }),
    };
    Ok(RateSettings {
        per_address: rate("MINSHENG_RATE_PER_ADDRESS", default.per_address)?,
        per_account: rate("MINSHENG_RATE_PER_ACCOUNT", default.per_account)?,
    })
}

/// `MINSHENG_RATING_WINDOW_DAYS`, `MINSHENG_RECTIFICATION_DAYS`, `MINSHENG_APPEAL_DAYS`,
/// `MINSHENG_FEEDBACK_DAYS` (working days) and `MINSHENG_SATISFACTION_ALERT` (percent).
fn satisfaction_from_env() -> Result<RatingPolicy, ConfigError> {
    let default = RatingPolicy::default();
    let days = "a whole number of working days";
    let percent: f64 = parse_env(
        "MINSHENG_SATISFACTION_ALERT",
        default.alert_threshold * 100.0,
        "a percentage",
    )?;
    Ok(RatingPolicy {
        rating_window_days: parse_env(
            "MINSHENG_RATING_WINDOW_DAYS",
            default.rating_window_days,
            days,
        )?,
        rectification_days: parse_env(
            "MINSHENG_RECTIFICATION_DAYS",
            default.rectification_days,
            days,
        )?,
        appeal_days: parse_env("MINSHENG_APPEAL_DAYS", default.appeal_days, days)?,
        feedback_days: parse_env("MINSHENG_FEEDBACK_DAYS", default.feedback_days, days)?,
        alert_threshold: (percent / 100.0).clamp(0.0, 1.0),
    })
}

/// `MINSHENG_ALERT_OVERDUE_TASKS` (`5/20`: warning and alarm lines, tasks),
/// `MINSHENG_ALERT_DUE_SOON` (`30/50`, percent of running tasks),
/// `MINSHENG_ALERT_DUE_SOON_MIN` (10 running tasks), `MINSHENG_ALERT_SATISFACTION_ALARM`
/// (80 percent), `MINSHENG_ALERT_OVERDUE_RECTIFICATIONS` (`1/5`), `MINSHENG_ALERT_SPIKE_MIN`
/// (5 bad reviews a week) and `MINSHENG_ALERT_SPIKE_SIGMAS` (3).
fn alerts_from_env() -> Result<AlertPolicy, ConfigError> {
    let default = AlertPolicy::default();
    let lines = "two numbers, the warning and the alarm line, as 5/20";
    let percent = |lines: Lines| Lines::new(lines.warning * 100.0, lines.alarm * 100.0);
    let due_soon: Lines = parse_env(
        "MINSHENG_ALERT_DUE_SOON",
        percent(default.due_soon_share),
        lines,
    )?;
    let alarm: f64 = parse_env(
        "MINSHENG_ALERT_SATISFACTION_ALARM",
        default.satisfaction_alarm * 100.0,
        "a percentage",
    )?;
    Ok(AlertPolicy {
        overdue_tasks: parse_env("MINSHENG_ALERT_OVERDUE_TASKS", default.overdue_tasks, lines)?,
        due_soon_share: Lines::new(due_soon.warning / 100.0, due_soon.alarm / 100.0),
        due_soon_min_running: parse_env(
            "MINSHENG_ALERT_DUE_SOON_MIN",
            default.due_soon_min_running,
            "a number of tasks",
        )?,
        satisfaction_alarm: (alarm / 100.0).clamp(0.0, 1.0),
        overdue_rectifications: parse_env(
            "MINSHENG_ALERT_OVERDUE_RECTIFICATIONS",
            default.overdue_rectifications,
            lines,
        )?,
        spike_min: parse_env(
            "MINSHENG_ALERT_SPIKE_MIN",
            default.spike_min,
            "a number of bad reviews",
        )?,
        spike_sigmas: parse_env(
            "MINSHENG_ALERT_SPIKE_SIGMAS",
            default.spike_sigmas,
            "a number of standard deviations",
        )?,
    })
}

/// The Leptos options (site root, package directory, address) from cargo-leptos' variables.
///
/// `LEPTOS_SITE_ADDR` changes the address (default 127.0.0.1:3000). A binary built without
/// cargo-leptos (tests) gets the project's output name.
pub fn leptos_options() -> Result<leptos::config::LeptosOptions, ConfigError> {
    let conf =
        leptos::config::get_configuration(None).map_err(|e| ConfigError::Leptos(e.to_string()))?;
    let mut options = conf.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "minsheng".into();
    }
    if std::env::var_os("LEPTOS_SITE_ADDR").is_none() {
        options.site_addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    }
    Ok(options)
}

/// `MINSHENG_TRUSTED_PROXIES`, e.g. `10.0.0.0/8, 192.0.2.1`.
fn sms_gateway_from_env() -> Result<GatewaySettings, ConfigError> {
    let read = |name| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(url) = read("MINSHENG_SMS_GATEWAY_URL") else {
        return Ok(GatewaySettings::Outbox);
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ConfigError::Invalid {
            name: "MINSHENG_SMS_GATEWAY_URL",
            expected: "an http:// or https:// address",
            value: url,
        });
    }
    let key = read("MINSHENG_SMS_GATEWAY_KEY").ok_or_else(|| ConfigError::Invalid {
        name: "MINSHENG_SMS_GATEWAY_KEY",
        expected: "the gateway's key whenever MINSHENG_SMS_GATEWAY_URL is set",
        value: String::new(),
    })?;
    Ok(GatewaySettings::Http { url, key })
}

fn trusted_proxies_from_env() -> Result<TrustedProxies, ConfigError> {
    let value = std::env::var("MINSHENG_TRUSTED_PROXIES").unwrap_or_default();
    TrustedProxies::parse(&value).map_err(|entry| ConfigError::Invalid {
        name: "MINSHENG_TRUSTED_PROXIES",
        expected: "addresses or CIDR blocks such as 10.0.0.0/8, separated by commas",
        value: entry,
    })
}

/// `MINSHENG_PUBLIC_ORIGIN` as `scheme://host[:port]` in lower case, if set.
fn public_origin_from_env() -> Result<Option<String>, ConfigError> {
    let Ok(value) = std::env::var("MINSHENG_PUBLIC_ORIGIN") else {
        return Ok(None);
    };
    let origin = value.trim().trim_end_matches('/').to_ascii_lowercase();
    if origin.is_empty() {
        return Ok(None);
    }
    let valid = origin.split_once("://").is_some_and(|(scheme, host)| {
        matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains('/')
    });
    if !valid {
        return Err(ConfigError::Invalid {
            name: "MINSHENG_PUBLIC_ORIGIN",
            expected: "an origin such as https://minsheng.example.gov.cn",
            value,
        });
    }
    Ok(Some(origin))
}

/// The database a URL opens, as a person names it: the file name on SQLite
/// (`sqlite://data/minsheng.db?mode=rwc` → `minsheng.db`), the database on PostgreSQL
/// (`postgres://postgres@127.0.0.1:5432/minsheng` → `minsheng`).
pub fn database_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

fn parse_env<T: std::str::FromStr>(
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map_err(|_| ConfigError::Invalid {
                name,
                expected,
                value,
            })
        }
        _ => Ok(default),
    }
}

fn parse_bool_env(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match std::env::var(name) {
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "" => Ok(default),
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(ConfigError::Invalid {
                name,
                expected: "true or false",
                value,
            }),
        },
        Err(_) => Ok(default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_named_by_its_file_or_its_name() {
        assert_eq!(database_name(DEFAULT_DATABASE_URL), "minsheng.db");
        assert_eq!(database_name("sqlite:///tmp/t/e2e.db?mode=rwc"), "e2e.db");
        assert_eq!(
            database_name("postgres://postgres@127.0.0.1:5432/minsheng_bench"),
            "minsheng_bench"
        );
        assert_eq!(
            database_name("postgres://u:p@db.example/minsheng?sslmode=require"),
            "minsheng"
        );
    }
}
