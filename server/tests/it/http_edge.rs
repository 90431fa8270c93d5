//! What every client meets at the HTTP edge: health, the error shape, limits, compression,
//! the security headers, the OpenAPI document and the language switch.

use crate::helpers::{Backend, TestApp};
use domain::error::{AppError, ErrorCode};
use sea_orm::ConnectionTrait;
use server::http::client::TrustedProxies;
use server::http::rate_limit::RateSettings;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

/// The resident sign-in form as a proxy that terminated TLS forwards it for `client`.
async fn sign_in(
    app: &TestApp,
    client: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(app.url("/forms/sign-in?next=/me/applications"))
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-for", client)
        .form(&[
            ("account", crate::helpers::demo_mobile(1).as_str()),
            ("password", password),
        ])
        .send()
        .await
}

/// The address the newest session was started from.
async fn last_session_ip(app: &TestApp) -> String {
    app.text("SELECT ip FROM session ORDER BY created_at DESC LIMIT 1")
        .await
}

on_both_backends! {
    async fn health_reports_the_database(app) {
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!(status, 200);
        assert_eq!(body["status"], "ok");
        let expected = match app.backend {
            crate::helpers::Backend::Sqlite => "sqlite",
            crate::helpers::Backend::Postgres => "postgres",
        };
        assert_eq!(body["database"], expected);
    }

    async fn health_is_503_when_the_database_is_gone(app) {
        app.db.clone().close().await.expect("close the pool");
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!(status, 503);
        assert_eq!(body["code"], "unavailable");
    }

    async fn a_signed_in_request_is_refused_when_its_session_cannot_be_read(app) {
        let session = app.resident(1).await;
        let response = session.get("/me/applications").await;
        assert_eq!(response.status(), 200, "signed in");
        app.db.clone().close().await.expect("close the pool");
        // Not the signed-out answer (a redirect to sign in, or a page without the problems a
        // form post kept for it): the server cannot tell who this is, so it says so.
        let response = session.get("/me/applications").await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.expect("the error shape");
        assert_eq!(body["code"], "unavailable");
    }

    async fn unknown_api_paths_get_the_error_shape(app) {
        let (status, body) = app.get_json("/api/v1/no-such-thing").await;
        assert_eq!(status, 404);
        assert_eq!(body["code"], "not_found");
        assert!(body["message"].is_string());
    }

    async fn wrong_methods_are_refused_with_the_error_shape(app) {
        let response = app.client.delete(app.url("/api/v1/services")).send().await.expect("request");
        assert_eq!(response.status(), 405);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "method_not_allowed");
    }

    async fn oversized_bodies_are_refused(app) {
        // A raw request that announces 3 MB and sends none of it: the server must refuse from
        // the header alone. (Sending the 3 MB raced the early 413: the client could hit a
        // closed socket while still writing.)
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        let request = format!(
            "POST /api/v1/services HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            3 * 1024 * 1024
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = Vec::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut response)).await;
        let response = String::from_utf8_lossy(&response);
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(response.contains("\"code\":\"payload_too_large\""), "{response}");
    }

    async fn responses_are_compressed(app) {
        for (encoding, expected) in [("br", "br"), ("gzip", "gzip")] {
            let response = app
                .client
                .get(app.url("/api/v1/services"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-encoding"], expected);
        }
    }

    async fn the_openapi_document_describes_the_catalogue(app) {
        let (status, doc) = app.get_json("/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        for path in ["/api/v1/services", "/api/v1/services/{code}", "/api/v1/departments", "/api/v1/categories", "/api/v1/life-events", "/healthz"] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
        }
        let params = doc["paths"]["/api/v1/services"]["get"]["parameters"].as_array().expect("parameters");
        let names: Vec<_> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        for name in ["q", "department", "category", "life_event", "page"] {
            assert!(names.contains(&name), "parameter {name} is documented");
        }
        assert!(doc["components"]["schemas"]["ApiErrorBody"].is_object());
        assert!(doc["components"]["schemas"]["ServiceDetail"].is_object());
    }

    // Every answer carries the security headers, whatever answered it: a page, a signed-in
    // page, the API, an error, a refusal. A page's inline scripts carry the nonce its
    // Content-Security-Policy names, and that nonce is new on every request.
    async fn every_answer_carries_the_security_headers(app) {
        let resident = app.resident(1).await;
        let answers = [
            ("/", app.get("/").await),
            ("/me/applications", resident.get("/me/applications").await),
            ("/api/v1/services", app.get("/api/v1/services").await),
            ("/api/v1/me", app.get("/api/v1/me").await),
            ("/no-such-page", app.get("/no-such-page").await),
            ("POST /lang/en cross-site", app
                .client
                .post(app.url("/lang/en"))
                .header("sec-fetch-site", "cross-site")
                .send()
                .await
                .expect("post")),
        ];
        let mut nonces = Vec::new();
        for (what, response) in answers {
            let headers = response.headers().clone();
            let header = |name: &str| {
                headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
            };
            let policy = header("content-security-policy");
            for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'", "'wasm-unsafe-eval'"] {
                assert!(policy.contains(directive), "{what}: {directive} in {policy:?}");
            }
            assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
            assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
            assert!(header("permissions-policy").contains("camera=()"), "{what}");
            assert_eq!(header("cache-control"), "no-store", "{what}");
            assert!(headers.get("strict-transport-security").is_none(), "{what}: plain HTTP");
            let nonce = crate::helpers::csp_nonce(&policy);
            if what == "/" {
                let page = response.text().await.expect("page");
                assert!(page.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries it");
                // leptos_i18n leaves an empty `<script></script>` as a placeholder; an empty
                // script is never run (nor checked), anything else needs the nonce.
                assert_eq!(
                    page.matches("<script>").count(),
                    page.matches("<script></script>").count(),
                    "no inline script without the nonce"
                );
            }
            nonces.push(nonce);
        }
        nonces.sort();
        nonces.dedup();
        assert_eq!(nonces.len(), 6, "a new nonce every time");
    }

    // Forwarding headers count only from a proxy named in MINSHENG_TRUSTED_PROXIES. From
    // anyone else they change nothing: not the address sessions and throttles see, not
    // Secure cookies or HSTS. Behind the trusted proxy, each client behind it is itself.
    async fn only_a_trusted_proxy_says_who_the_client_is(app) {
        let direct = sign_in(&app, "203.0.113.7", crate::helpers::DEMO_PASSWORD).await.expect("sign in");
        assert_eq!(direct.status(), 303);
        assert!(direct.headers().get("strict-transport-security").is_none());
        let cookie = direct.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("ms_session=") && !cookie.contains("Secure"), "{cookie}");
        assert_eq!(last_session_ip(&app).await, "127.0.0.1", "a header is not an address");

        let behind = TestApp::configured(app.backend, |settings| {
            settings.trusted_proxies = TrustedProxies::parse("127.0.0.1").expect("valid");
        })
        .await;
        let response = sign_in(&behind, "203.0.113.7", crate::helpers::DEMO_PASSWORD).await.expect("sign in");
        assert_eq!(response.status(), 303);
        assert!(response.headers()["strict-transport-security"].to_str().expect("ascii").starts_with("max-age=31536000"));
        let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("__Host-ms_session=") && cookie.contains("; Secure"), "{cookie}");
        assert!(!cookie.contains("Max-Age"), "ends with the browser unless kept: {cookie}");
        assert_eq!(last_session_ip(&behind).await, "203.0.113.7");

        // One client guessing behind the proxy waits; the next client behind it does not.
        for n in 0..20 {
            let response = behind
                .client
                .post(behind.url("/api/v1/session"))
                .header("x-forwarded-for", "203.0.113.7")
                .json(&serde_json::json!({"account": crate::helpers::demo_mobile(10 + n / 4), "password": "a guess"}))
                .send()
                .await
                .expect("guess");
            assert_eq!(response.status(), 401, "guess {n}");
        }
        let waits = sign_in(&behind, "203.0.113.7", crate::helpers::DEMO_PASSWORD).await.expect("sign in");
        assert!(waits.headers()["location"].to_str().expect("ascii").starts_with("/sign-in"), "sent back to sign in");
        let other = sign_in(&behind, "203.0.113.8", crate::helpers::DEMO_PASSWORD).await.expect("sign in");
        assert_eq!(other.headers()["location"], "/me/applications", "another client is not held up");
    }

    // "Keep me signed in" keeps the cookie across browser restarts, for the session's limit.
    async fn keep_me_signed_in_outlives_the_browser(app) {
        let kept = app
            .client
            .post(app.url("/forms/sign-in?next=/me/applications"))
            .form(&[
                ("account", crate::helpers::demo_mobile(1).as_str()),
                ("password", crate::helpers::DEMO_PASSWORD),
                ("keep_signed_in", "true"),
            ])
            .send()
            .await
            .expect("sign in");
        let cookie = kept.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("ms_session=") && cookie.contains("Max-Age=43200"), "{cookie}");
        let (status, body) = app
            .client
            .post(app.url("/api/v1/session"))
            .json(&serde_json::json!({"account": crate::helpers::demo_mobile(1), "password": crate::helpers::DEMO_PASSWORD}))
            .send()
            .await
            .map(|r| (r.status().as_u16(), r.headers()["set-cookie"].to_str().expect("ascii").to_owned()))
            .expect("sign in");
        assert_eq!(status, 200);
        assert!(!body.contains("Max-Age"), "the API's default is the browser's session too: {body}");
    }

    async fn the_language_switch_sets_a_cookie_and_returns_locally(app) {
        let response = app.post_form("/lang/en", &[("next", "/services?q=1")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/services?q=1");
        let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("i18n_pref_locale=en;"), "{cookie}");

        let response = app.post_form("/lang/en", &[("next", "https://evil.example")]).await;
        assert_eq!(response.headers()["location"], "/");
        let response = app.post_form("/lang/fr", &[]).await;
        assert_eq!(response.status(), 400);
    }

    // A link (or an image) on another site cannot switch a reader's language or mode: the
    // switches answer only POST, which the cross-site layer checks.
    async fn the_settings_switches_do_not_answer_a_link(app) {
        for switch in ["/lang/en?next=/", "/mode/elderly?next=/"] {
            let response = app.get(switch).await;
            assert_eq!(response.status(), 405, "{switch}");
            assert!(response.headers().get("set-cookie").is_none(), "{switch} set a cookie");
        }
    }

    // Every redirect a request can steer with `next` stays on this site, whatever the foreign
    // target hides behind (a TAB, CR LF or a backslash, which browsers drop or read as a
    // slash; a leading space): the resident's and the console's sign-in, and the language
    // and mode switches. The Location is resolved as a browser resolves it (WHATWG URL).
    async fn every_steerable_redirect_stays_on_this_site(app) {
        let here = reqwest::Url::parse("http://minsheng.test/").expect("a base");
        let stays = |location: &reqwest::header::HeaderValue| {
            let location = location.to_str().expect("ascii");
            here.join(location).ok().and_then(|u| u.host_str().map(str::to_owned))
                == Some("minsheng.test".to_owned())
        };
        let foreign = [
            "//evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example",
        ];
        for next in foreign {
            let query = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            for switch in ["/lang/en", "/mode/elderly"] {
                let response = app.post_form(switch, &[("next", next)]).await;
                assert_eq!(response.status(), 303, "{switch} {next:?}");
                assert!(stays(&response.headers()["location"]), "{switch} {next:?}: {:?}", response.headers()["location"]);
            }
            let resident = app
                .client
                .post(app.url(&format!("/forms/sign-in?next={query}")))
                .form(&[("account", crate::helpers::demo_mobile(1).as_str()), ("password", crate::helpers::DEMO_PASSWORD)])
                .send()
                .await
                .expect("resident sign-in");
            assert_eq!(resident.status(), 303);
            assert!(stays(&resident.headers()["location"]), "sign-in {next:?}: {:?}", resident.headers()["location"]);
            let staff = app
                .client
                .post(app.url("/admin/forms/sign-in"))
                .form(&[("username", "admin"), ("password", crate::helpers::DEMO_PASSWORD), ("next", next)])
                .send()
                .await
                .expect("staff sign-in");
            assert_eq!(staff.headers()["location"], "/admin", "console sign-in {next:?}");
        }
    }

    // The API and the server functions answer one client address, and one signed-in
    // account, only so fast: past the burst, 429 with Retry-After and the message in the
    // reader's language, before any handler runs. Pages are not counted; another account
    // behind the same address is not held up.
    async fn the_api_and_server_functions_are_limited_per_address_and_per_account(app) {
        // One a minute with the burst of ten: the eleventh at once is refused, however slow
        // the machine running the test.
        let per_address = TestApp::configured(app.backend, |settings| {
            settings.rate_limits = RateSettings { per_address: NonZeroU32::new(1), per_account: None };
        })
        .await;
        for n in 0..10 {
            assert_eq!(per_address.get("/api/v1/services").await.status(), 200, "request {n}");
        }
        let refused = per_address
            .client
            .get(per_address.url("/api/v1/services"))
            .header("accept-language", "en")
            .send()
            .await
            .expect("request");
        assert_eq!(refused.status(), 429);
        let wait: u64 = refused.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
        assert!((1..=60).contains(&wait), "{wait}");
        let body: serde_json::Value = refused.json().await.expect("the error shape");
        assert_eq!(body["code"], "too_many_requests");
        assert!(body["message"].as_str().unwrap().starts_with("Too many requests"), "{body}");
        assert_eq!(per_address.get("/rpc/staff/me").await.status(), 429, "server functions too");
        assert_eq!(per_address.get("/services").await.status(), 200, "pages are not counted");

        let per_account = TestApp::configured(app.backend, |settings| {
            settings.rate_limits = RateSettings { per_address: None, per_account: NonZeroU32::new(1) };
        })
        .await;
        let first = per_account.resident(1).await;
        let second = per_account.resident(2).await;
        for n in 0..10 {
            assert_eq!(first.get("/api/v1/me/applications").await.status(), 200, "request {n}");
        }
        assert_eq!(first.get("/api/v1/me/applications").await.status(), 429);
        assert_eq!(second.get("/api/v1/me/applications").await.status(), 200, "another resident is not held up");
        let supervisor = per_account.staff("supervisor").await;
        assert_eq!(supervisor.get("/api/v1/staff/queue").await.status(), 200, "nor a member of staff");
    }

    // A static file is the same for everyone: asking for one never reaches the session
    // layer (no session lookup in the database). A stale session cookie shows it: a page
    // answers by clearing it, a file does not look at it.
    async fn static_files_skip_the_session(app) {
        let stale = "ms_session=0000000000000000000000000000000000000000000000000000000000000000";
        let ask = |path: &str| app.client.get(app.url(path)).header("cookie", stale).send();
        let page = ask("/").await.expect("page");
        let cleared = page.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap_or("").starts_with("ms_session=;"));
        assert!(cleared, "a page reads the session and clears a stale one");
        for path in ["/pkg/minsheng.css", "/pkg/minsheng.wasm", "/pkg/no-such-file.js"] {
            let file = ask(path).await.expect("file");
            assert!(file.headers().get("set-cookie").is_none(), "{path} read the session");
        }
    }

    async fn sqlite_and_postgres_enforce_foreign_keys(app) {
        let result = app
            .db
            .execute_unprepared("INSERT INTO service_life_event (service_id, life_event_id) VALUES (999999, 999999)")
            .await;
        assert!(result.is_err(), "a dangling reference must be refused");
    }
}

/// On PostgreSQL a request's statement ends at the statement timeout: the database cancels
/// it (a query left running after its request was cut off would hold a connection and a
/// core), and the request answers `timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cancels_a_statement_past_the_statement_timeout() {
    let app = TestApp::configured(Backend::Postgres, |settings| {
        settings.statement_timeout = Duration::from_secs(1);
    })
    .await;
    let started = Instant::now();
    let err = app
        .state
        .db
        .execute_unprepared("SELECT pg_sleep(5)")
        .await
        .expect_err("cancelled at the timeout");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(AppError::from(err).code, ErrorCode::Timeout);
    // The pool goes on serving.
    assert_eq!(app.get("/api/v1/services").await.status(), 200);
}
