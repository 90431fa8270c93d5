//! Catalogue pages for visitors without a session are served again from memory
//! (`http::page_cache`): a copy's policy allows exactly its own inline scripts by their
//! hashes, a signed-in resident never gets one, and a catalogue edit shows at once.

use crate::catalog_admin::published_service;
use crate::helpers::TestApp;
use base64::Engine as _;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

/// The page's body and its Content-Security-Policy.
async fn page(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    (response.text().await.unwrap(), policy)
}

/// `path` asked for with one more request header.
async fn asking(app: &TestApp, path: &str, header: &str, value: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(header, value)
        .send()
        .await
        .unwrap()
}

/// The page at `path` once it comes from memory: the copy is made after the first answer.
async fn copy_of(app: &TestApp, path: &str) -> (String, String) {
    for _ in 0..100 {
        let (body, policy) = page(app.get(path).await).await;
        if !policy.contains("'nonce-") {
            return (body, policy);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{path} is never served from memory");
}

on_both_backends! {
    async fn a_visitor_without_a_session_gets_a_copy_whose_scripts_the_policy_names(app) {
        let (rendered, policy) = page(app.get("/services/MZ-0101").await).await;
        let nonce = crate::helpers::csp_nonce(&policy);
        assert!(rendered.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry the nonce");

        let (copy, policy) = copy_of(&app, "/services/MZ-0101").await;
        // The copy is some render's, with that render's (now unused) nonce in it.
        let copied_nonce = copy.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
        assert_eq!(copy.replace(copied_nonce, &nonce), rendered, "the same page");
        // Exactly the page's inline scripts may run, named by their SHA-256.
        let scripts: Vec<&str> = copy
            .split("<script")
            .skip(1)
            .filter_map(|s| s.split_once('>'))
            .filter(|(attributes, _)| !attributes.contains("src="))
            .filter_map(|(_, rest)| rest.split_once("</script>").map(|(body, _)| body))
            .filter(|body| !body.is_empty())
            .collect();
        assert!(scripts.len() >= 3, "the hydration script and the page's data: {scripts:?}");
        let allowed: Vec<&str> = policy
            .split("script-src ")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .split_whitespace()
            .filter(|source| source.starts_with("'sha256-"))
            .collect();
        let hashes: Vec<String> = scripts
            .iter()
            .map(|s| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s))))
            .collect();
        assert_eq!(allowed, hashes);
        assert!(policy.contains("object-src 'none'") && !policy.contains("unsafe-inline"), "{policy}");

        // Renamed behind the server's back: a visitor still gets the copy.
        app.db
            .execute_unprepared("UPDATE service SET name = '改过的名字' WHERE code = 'MZ-0101'")
            .await
            .unwrap();
        let (again, _) = page(app.get("/services/MZ-0101").await).await;
        assert_eq!(again, copy);
        assert!(!again.contains("改过的名字"));

        // A signed-in resident's page is rendered for them: never a copy, never copied.
        let resident = app.resident(1).await;
        let mine = resident.get("/services/MZ-0101").await;
        assert!(mine.headers()["content-security-policy"].to_str().unwrap().contains("'nonce-"));
        assert!(mine.text().await.unwrap().contains("改过的名字"));
        // Another language is another page.
        let (english, _) = page(asking(&app, "/services/MZ-0101", "accept-language", "en").await).await;
        assert!(english.contains("lang=\"en\""), "an English page");

        // Sent compressed as the client asks, and said so.
        let brotli = asking(&app, "/services/MZ-0101", "accept-encoding", "gzip, br").await;
        assert_eq!(brotli.headers()["content-encoding"], "br");
        assert_eq!(brotli.headers()["vary"], "accept-encoding");
        assert_eq!(brotli.headers()["cache-control"], "no-store", "never kept by a browser or proxy");
    }

    async fn a_catalogue_edit_reaches_the_cached_pages_at_once(app) {
        let search = "/services?q=%E9%AB%98%E9%BE%84%E6%8A%A4%E7%90%86"; // 高龄护理
        let (before, _) = copy_of(&app, search).await;
        assert!(!before.contains("MZ-0903"));
        let admin = app.staff("admin").await;
        published_service(&admin, "MZ-0903").await;
        let (after, policy) = page(app.get(search).await).await;
        assert!(after.contains("/services/MZ-0903"), "the new service is found at once");
        assert!(policy.contains("'nonce-"), "rendered again, not a copy");
    }
}

/// On PostgreSQL a catalogue edit on one instance retires the copies of every other
/// (`NOTIFY minsheng_catalogue`), within the time a notification takes, not the copies' time to
/// live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_edit_on_one_instance_retires_the_copies_of_another() {
    let app = TestApp::spawn(crate::helpers::Backend::Postgres).await;
    let (other, other_state) = app.another_instance().await;
    // Its listener says when it is listening (it counts the changes it may have missed).
    for _ in 0..200 {
        if other_state.push.catalogue_version() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        other_state.push.catalogue_version() > 0,
        "the other instance listens"
    );

    let search = "/services?q=%E9%AB%98%E9%BE%84%E6%8A%A4%E7%90%86"; // 高龄护理
    let get = |client: reqwest::Client, url: String| async move {
        let response = client.get(url).send().await.unwrap();
        page(response).await
    };
    let mut copied = false;
    for _ in 0..100 {
        let (_, policy) = get(app.client.clone(), format!("{other}{search}")).await;
        if !policy.contains("'nonce-") {
            copied = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(copied, "the other instance serves a copy");

    let admin = app.staff("admin").await;
    published_service(&admin, "MZ-0904").await;
    let started = std::time::Instant::now();
    loop {
        let (body, _) = get(app.client.clone(), format!("{other}{search}")).await;
        if body.contains("/services/MZ-0904") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "the other instance still serves the copy from before the edit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
