//! Test harness: the real router on a random port, over a database of its own per test, on
//! SQLite (a temporary file) or on the local PostgreSQL server (a new database, dropped
//! afterwards), each a copy of the run's demo template ([`databases`]).
//!
//! `MINSHENG_TEST_POSTGRES` names the PostgreSQL server (default
//! `postgres://postgres@127.0.0.1:5432`). If it cannot be reached the PostgreSQL tests fail:
//! they never skip. `TEST_LOG=1` shows the server's logs.
#![allow(dead_code)]

mod databases;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use server::config::Settings;
use server::state::AppState;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: DatabaseConnection,
    pub state: AppState,
    pub client: reqwest::Client,
    pub backend: Backend,
    _database: databases::TestDatabase,
}

pub fn test_settings(database_url: String) -> Settings {
    Settings {
        database_url,
        db_max_connections: 5,
        load_demo_data: false,
        request_timeout: Duration::from_secs(30),
        statement_timeout: Duration::from_secs(30),
        body_limit_bytes: 2 * 1024 * 1024,
        upload_dir: std::env::temp_dir()
            .join(format!("minsheng-test-uploads-{}", std::process::id())),
        upload_max_bytes: 1024 * 1024,
        secure_cookies: false,
        satisfaction: Default::default(),
        alerts: Default::default(),
        campaign_approval_threshold: 1000,
        public_origin: None,
        trusted_proxies: Default::default(),
        rate_limits: Default::default(),
        page_cache_ttl: Duration::from_secs(10),
        sms_gateway: Default::default(),
    }
}

impl TestApp {
    /// A migrated database with the default demo data set, and the server listening on it.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, true, |_| {}).await
    }

    /// The server over a migrated database with no data at all.
    pub async fn empty(backend: Backend) -> TestApp {
        Self::spawn_with(backend, false, |_| {}).await
    }

    /// The demo data set, served with settings of the test's own.
    pub async fn configured(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_with(backend, true, configure).await
    }

    /// The demo data set with the flood limit off, for a test that reads like a script
    /// (every service in a loop) and is not about the limit.
    pub async fn without_rate_limits(backend: Backend) -> TestApp {
        Self::configured(backend, |settings| {
            settings.rate_limits = server::http::rate_limit::RateSettings {
                per_address: None,
                per_account: None,
            };
        })
        .await
    }

    async fn spawn_with(
        backend: Backend,
        demo_data: bool,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        if std::env::var_os("TEST_LOG").is_some() {
            server::telemetry::init();
        }
        let database = databases::create(backend, demo_data).await;
        let mut settings = test_settings(database.url.clone());
        configure(&mut settings);
        let db = connect(&settings).await;
        // A copy of the template is migrated already; an empty database is migrated here.
        server::db::migrate(&db).await.expect("migrate");
        let (addr, state) = serve(db.clone(), settings).await;
        // reqwest has TLS (the SMS gateway adapter's), and rustls wants its cryptography
        // chosen once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        TestApp {
            addr,
            db,
            state,
            client,
            backend,
            _database: database,
        }
    }

    /// Another instance of the server on the same database, as a second machine behind the
    /// load balancer: its own pool, router, push hub and page cache. Its base URL and state.
    pub async fn another_instance(&self) -> (String, AppState) {
        let settings = test_settings(self._database.url.clone());
        let db = connect(&settings).await;
        let (addr, state) = serve(db, settings).await;
        (format!("http://{addr}"), state)
    }

    /// The URL of this test's own database (for running the `server` binary on it).
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.expect("a JSON body");
        (status, body)
    }

    /// A plain HTML form post from someone not signed in.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// One number from a SQL query (the first column of the first row).
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.first_row(sql)
            .await
            .try_get_by_index::<i64>(0)
            .expect("an integer")
    }

    /// The first row of a SQL query; the test fails when there is none.
    pub async fn first_row(&self, sql: &str) -> sea_orm::QueryResult {
        self.db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await
            .expect("query")
            .expect("a row")
    }
}

/// The pool requests use in production, with its statement timeout.
async fn connect(settings: &Settings) -> DatabaseConnection {
    server::db::connect_for_requests(
        &settings.database_url,
        settings.db_max_connections,
        settings.statement_timeout,
    )
    .await
    .expect("connect to the test database")
}

/// The router over `db`, listening on a port of its own.
async fn serve(db: DatabaseConnection, settings: Settings) -> (SocketAddr, AppState) {
    let leptos_options = server::config::leptos_options().expect("leptos options");
    let state = AppState::new(db, leptos_options, settings.clone());
    let router = server::routes::router(state.clone(), &settings)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    (addr, state)
}

/// Runs each test once on SQLite and once on PostgreSQL, with the same assertions.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await;
                    $body
                }
            )*
        }
    };
}

/// The nonce a page's Content-Security-Policy allows inline scripts to carry.
pub fn csp_nonce(policy: &str) -> String {
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned()
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "minsheng-demo";

/// The mobile number of demo resident `n` (registered online for n ≤ 200 adults).
pub fn demo_mobile(n: u64) -> String {
    (13_800_000_000u64 + n).to_string()
}

/// A signed-in browser or API client: sends the session cookie with every request.
pub struct Session<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

/// The `ms_session=…` pair of a response's Set-Cookie, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ms_session=") && !v.starts_with("ms_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Asks for a one-time code for `mobile` (`register` or `reset_password`) and reads it
    /// from the outbox, as the resident reads the text message.
    pub async fn code_for(&self, mobile: &str, purpose: &str) -> String {
        let response = self
            .post_json(
                "/api/v1/verification-codes",
                serde_json::json!({ "mobile": mobile, "purpose": purpose }),
            )
            .await;
        assert_eq!(response.status().as_u16(), 202, "a code for {mobile}");
        self.newest_code_to(mobile)
            .await
            .expect("a code in the outbox")
    }

    /// The six-digit code in the newest text message to `mobile`, if it holds one.
    pub async fn newest_code_to(&self, mobile: &str) -> Option<String> {
        let mobile = domain::validation::normalize_mobile(mobile).expect("a mobile number");
        let sql = format!(
            "SELECT body FROM sms_outbox WHERE mobile = '{mobile}' ORDER BY id DESC LIMIT 1"
        );
        let body = self.text(&sql).await;
        let digits: Vec<char> = body.chars().collect();
        digits
            .windows(6)
            .find(|w| w.iter().all(char::is_ascii_digit))
            .map(|w| w.iter().collect())
    }

    /// Registers through the API with a code asked for first: the registration's answer.
    pub async fn register(&self, mut registration: serde_json::Value) -> reqwest::Response {
        let mobile = registration["mobile"]
            .as_str()
            .expect("a mobile")
            .to_owned();
        registration["code"] = self.code_for(&mobile, "register").await.into();
        self.post_json("/api/v1/accounts", registration).await
    }

    /// One text from a SQL query (the first column of the first row).
    pub async fn text(&self, sql: &str) -> String {
        self.first_row(sql)
            .await
            .try_get_by_index::<String>(0)
            .expect("a text")
    }

    /// Two registered residents of one household: ((id, mobile), (id, mobile)).
    pub async fn household_pair(&self) -> ((i64, String), (i64, String)) {
        let sql = "SELECT a.id, a.mobile, b.id, b.mobile FROM resident a \
            JOIN resident b ON a.household_id = b.household_id AND a.id < b.id \
            WHERE a.password_hash IS NOT NULL AND b.password_hash IS NOT NULL \
            AND a.mobile IS NOT NULL AND b.mobile IS NOT NULL ORDER BY a.id LIMIT 1";
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await
            .expect("query")
            .expect("a household with two accounts");
        (
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
            ),
            (
                row.try_get_by_index(2).unwrap(),
                row.try_get_by_index(3).unwrap(),
            ),
        )
    }

    /// Signs in through the API and returns the session.
    pub async fn sign_in(&self, account: &str, password: &str) -> Session<'_> {
        let response = self
            .post_json(
                "/api/v1/session",
                serde_json::json!({ "account": account, "password": password }),
            )
            .await;
        assert_eq!(response.status().as_u16(), 200, "sign in as {account}");
        let cookie = session_cookie(&response).expect("a session cookie");
        Session { app: self, cookie }
    }

    /// A demo staff account (`admin`, `supervisor`, `<dept>_clerk`, `<dept>_reviewer`,
    /// `<dept>_head`), signed in to the console API; the session sends the staff cookie.
    pub async fn staff(&self, username: &str) -> Session<'_> {
        let response = self
            .post_json(
                "/api/v1/staff/session",
                serde_json::json!({ "username": username, "password": DEMO_PASSWORD }),
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "staff sign in as {username}"
        );
        let cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("ms_staff=") && !v.starts_with("ms_staff=;"))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
            .expect("a staff cookie");
        Session { app: self, cookie }
    }

    /// Demo resident `n`, signed in with the demo password.
    pub async fn resident(&self, n: u64) -> Session<'_> {
        self.sign_in(&demo_mobile(n), DEMO_PASSWORD).await
    }
}

impl Session<'_> {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .client
            .request(method, self.app.url(path))
            .header(reqwest::header::COOKIE, &self.cookie)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// A JSON request; the whole response (headers and all).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.request(method, path)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self.send(method, path, body).await;
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn request_delete(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("request")
    }

    /// A plain HTML form post (as a browser without JavaScript sends it).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .multipart(form)
            .send()
            .await
            .expect("request")
    }
}
