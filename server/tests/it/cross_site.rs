//! Cross-site request forgery: a form or API call sent from another site, with the signed-in
//! victim's cookies, is refused before anything runs; the same request from Minsheng's own
//! pages goes through.

use crate::helpers::{DEMO_PASSWORD, TestApp, demo_mobile};

/// Every form route the portal, the console and the settings switches declare, with their
/// path parameters filled in: read from the routers' source, so that a new form route is
/// covered the day it lands.
fn form_routes() -> Vec<String> {
    let sources = [
        include_str!("../../src/portal/mod.rs"),
        include_str!("../../src/console/mod.rs"),
        include_str!("../../src/routes.rs"),
    ];
    let form_prefixes = ["/forms/", "/admin/forms/", "/mode/", "/lang/"];
    let mut routes: Vec<String> = sources
        .iter()
        .flat_map(|source| source.split('"'))
        .filter(|part| form_prefixes.iter().any(|prefix| part.starts_with(prefix)))
        .map(|path| {
            path.split('/')
                .map(|segment| match segment {
                    "{number}" => "MS-20261203-000001",
                    "{code}" => "birth-registration",
                    "{mode}" => "elderly",
                    "{locale}" => "en",
                    other if other.starts_with('{') => "1",
                    other => other,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    routes.sort();
    routes.dedup();
    routes
}

/// What a forged request could have changed.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "session",
        "resident",
        "application",
        "application_event",
        "audit_log",
        "segment",
        "campaign",
        "survey",
        "notification",
    ] {
        counts.push(app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    for changed in [
        "SELECT COUNT(*) FROM notification WHERE read_at IS NOT NULL",
        "SELECT COUNT(*) FROM resident WHERE elderly_mode",
    ] {
        counts.push(app.scalar(changed).await);
    }
    counts
}

on_both_backends! {
    async fn every_form_posted_from_another_site_is_refused_and_changes_nothing(app) {
        let routes = form_routes();
        assert!(routes.len() >= 37, "the routers' form routes: {routes:?}");
        assert!(routes.contains(&"/mode/elderly".to_owned()), "{routes:?}");
        let resident = app.resident(1).await;
        let staff = app.staff("admin").await;
        let cookies = format!("{}; {}", resident.cookie, staff.cookie);
        let before = footprint(&app).await;
        let forged = [
            [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
            [("sec-fetch-site", "same-site"), ("origin", "https://evil.minsheng.test")],
        ];
        for route in &routes {
            for headers in &forged {
                let mut request = app.client.post(app.url(route)).header("cookie", &cookies);
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                let response = request
                    .header("accept", "text/html")
                    .form(&[("account", demo_mobile(1).as_str()), ("password", DEMO_PASSWORD), ("next", "/")])
                    .send()
                    .await
                    .expect("post");
                assert_eq!(response.status(), 403, "{route} with {headers:?}");
                assert!(response.headers().get("set-cookie").is_none(), "{route} set a cookie");
                let page = response.text().await.expect("body");
                assert!(page.contains("此请求来自其他网站"), "{route}: {page}");
            }
            // An old browser without Sec-Fetch-Site: the Origin decides.
            let response = app
                .client
                .post(app.url(route))
                .header("cookie", &cookies)
                .header("origin", "https://evil.example")
                .form(&[("next", "/")])
                .send()
                .await
                .expect("post");
            assert_eq!(response.status(), 403, "{route} from another origin");
        }
        assert_eq!(footprint(&app).await, before, "nothing changed");
    }

    async fn api_calls_from_another_site_get_the_error_shape(app) {
        let resident = app.resident(1).await;
        let before = footprint(&app).await;
        for (method, path) in [
            (reqwest::Method::POST, "/api/v1/session"),
            (reqwest::Method::DELETE, "/api/v1/session"),
            (reqwest::Method::POST, "/api/v1/staff/session"),
            (reqwest::Method::POST, "/api/v1/me/notifications/read"),
        ] {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .header("cookie", &resident.cookie)
                .header("sec-fetch-site", "cross-site")
                .header("accept-language", "en")
                .json(&serde_json::json!({ "account": demo_mobile(1), "password": DEMO_PASSWORD }))
                .send()
                .await
                .expect("call");
            assert_eq!(response.status(), 403, "{method} {path}");
            let body: serde_json::Value = response.json().await.expect("json");
            assert_eq!(body["code"], "cross_site_request", "{method} {path}");
            assert!(body["message"].as_str().is_some_and(|m| m.contains("another website")), "{body}");
        }
        assert_eq!(footprint(&app).await, before, "nothing changed");
        assert_eq!(resident.get("/api/v1/me").await.status(), 200, "still signed in");
    }

    async fn forms_from_this_site_and_scripts_without_a_browser_go_through(app) {
        let host = app.addr.to_string();
        let origin = format!("http://{host}");
        for headers in [
            vec![("sec-fetch-site", "same-origin".to_owned())],
            vec![("origin", origin.clone())],
            vec![("referer", format!("{origin}/sign-in"))],
            // No browser headers at all: a script with the account's own password.
            vec![],
        ] {
            let mut request = app.client.post(app.url("/forms/sign-in?next=/me/inbox"));
            for (name, value) in &headers {
                request = request.header(*name, value);
            }
            let response = request
                .form(&[("account", demo_mobile(1).as_str()), ("password", DEMO_PASSWORD)])
                .send()
                .await
                .expect("sign in");
            assert_eq!(response.status(), 303, "{headers:?}");
            assert_eq!(response.headers()["location"], "/me/inbox", "{headers:?}");
        }
        // Reading is never refused, whoever links to it.
        let page = app
            .client
            .get(app.url("/services"))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 200);
    }
}
