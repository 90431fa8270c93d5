//! Catalogue pages for visitors without a session are served again from memory
//! (`http::page_cache`): a copy carries the nonce of the request it answers, a signed-in
//! resident never gets one, and a catalogue edit shows at once.

use crate::catalog_admin::published_service;
use crate::helpers::csp_nonce;
use sea_orm::ConnectionTrait;

/// The page's body and the nonce its Content-Security-Policy allows.
async fn page(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let nonce = csp_nonce(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
    );
    (response.text().await.unwrap(), nonce)
}

on_both_backends! {
    async fn a_visitor_without_a_session_gets_a_copy_with_a_fresh_nonce(app) {
        let (first, first_nonce) = page(app.get("/services/MZ-0101").await).await;
        assert!(first.contains(&format!("nonce=\"{first_nonce}\"")), "the page's scripts carry the nonce");

        // Renamed behind the server's back: a visitor still gets the copy rendered before.
        app.db
            .execute_unprepared("UPDATE service SET name = '改过的名字' WHERE code = 'MZ-0101'")
            .await
            .unwrap();
        let (second, second_nonce) = page(app.get("/services/MZ-0101").await).await;
        assert_ne!(first_nonce, second_nonce, "every answer has its own nonce");
        assert!(second.contains(&format!("nonce=\"{second_nonce}\"")));
        assert!(!second.contains(&first_nonce), "no trace of the copy's old nonce");
        assert_eq!(second.replace(&second_nonce, &first_nonce), first, "the same page otherwise");
        assert!(!second.contains("改过的名字"));

        // A signed-in resident's page is rendered for them: never a copy, never copied.
        let resident = app.resident(1).await;
        let mine = resident.get("/services/MZ-0101").await.text().await.unwrap();
        assert!(mine.contains("改过的名字"));
        // Another language is another page.
        let english = app
            .client
            .get(app.url("/services/MZ-0101"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        let (english, _) = page(english).await;
        assert!(english.contains("lang=\"en\""), "an English page");
    }

    async fn a_catalogue_edit_reaches_the_cached_pages_at_once(app) {
        let search = "/services?q=%E9%AB%98%E9%BE%84%E6%8A%A4%E7%90%86"; // 高龄护理
        let (before, _) = page(app.get(search).await).await;
        assert!(!before.contains("MZ-0903"));
        let admin = app.staff("admin").await;
        published_service(&admin, "MZ-0903").await;
        let (after, _) = page(app.get(search).await).await;
        assert!(after.contains("/services/MZ-0903"), "the new service is found at once");
    }
}
