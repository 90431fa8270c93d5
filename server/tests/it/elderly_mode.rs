//! Elderly mode (长辈版) over HTTP, on SQLite and PostgreSQL: the switch sets the device's
//! cookie and the signed-in account, the server renders the mode from the cookie (so it works
//! without JavaScript), signing in brings an account's mode to a new device, residents aged
//! 60+ are offered it until they answer, and the elderly home lists what older residents
//! apply for most, with the help block; forms are asked one question per page, each step
//! saving the draft and going on to the next.

use chrono::Utc;
use domain::rule::{age_cutoff, china_today};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

fn cookies_set(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

async fn page(app: &crate::helpers::TestApp, path: &str, cookie: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.text().await.expect("body")
}

/// A registered demo resident aged 60 or over, in the standard mode: id and mobile.
async fn older_resident(app: &crate::helpers::TestApp) -> (i64, String) {
    let sixty = age_cutoff(china_today(Utc::now()), 60);
    let row = app
        .first_row(&format!(
            "SELECT id, mobile FROM resident WHERE password_hash IS NOT NULL \
             AND birth_date <= '{sixty}' AND elderly_mode = {} ORDER BY id LIMIT 1",
            if app.backend == crate::helpers::Backend::Postgres {
                "FALSE"
            } else {
                "0"
            }
        ))
        .await;
    (
        row.try_get_by_index(0).expect("id"),
        row.try_get_by_index(1).expect("mobile"),
    )
}

on_both_backends! {
    async fn the_switch_sets_the_device_and_the_account_and_sign_in_brings_it_back(app) {
        let (id, mobile) = older_resident(&app).await;
        let resident = app.sign_in(&mobile, crate::helpers::DEMO_PASSWORD).await;

        // Offered, in the standard mode.
        let before = page(&app, "/me/applications", &resident.cookie).await;
        assert!(before.contains("data-testid=\"elderly-offer\""), "offered to a resident aged 60+");
        assert!(!before.contains("class=\"elderly\""));

        let response = resident.post_form("/mode/elderly", &[("next", "/services?q=社保")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()[LOCATION], "/services?q=社保");
        assert!(cookies_set(&response).iter().any(|c| c.starts_with("ms_mode=elderly;")));
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM resident WHERE id = {id} AND elderly_mode = {} \
                 AND elderly_mode_offered_at IS NOT NULL",
                if app.backend == crate::helpers::Backend::Postgres { "TRUE" } else { "1" }
            ))
            .await,
            1,
            "the account remembers the choice and that it was asked"
        );

        // The server renders the mode from the cookie; the offer is gone.
        let both = format!("{}; ms_mode=elderly", resident.cookie);
        let after = page(&app, "/me/applications", &both).await;
        assert!(after.contains("class=\"elderly\""), "the document carries the mode");
        assert!(!after.contains("data-testid=\"elderly-offer\""));

        // A new device: the sign-in form brings the account's mode along.
        let response = app
            .client
            .post(app.url("/forms/sign-in?next=/"))
            .form(&[("account", mobile.as_str()), ("password", crate::helpers::DEMO_PASSWORD)])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 303);
        assert!(cookies_set(&response).iter().any(|c| c.starts_with("ms_mode=elderly;")));

        // Back to standard: cookie and account follow; no offer again.
        let response = resident.post_form("/mode/standard", &[("next", "/")]).await;
        assert!(cookies_set(&response).iter().any(|c| c.starts_with("ms_mode=standard;")));
        let standard = page(&app, "/me/applications", &format!("{}; ms_mode=standard", resident.cookie)).await;
        assert!(!standard.contains("class=\"elderly\""));
        assert!(!standard.contains("data-testid=\"elderly-offer\""), "asked once");
    }

    async fn a_bad_mode_or_a_foreign_target_changes_nothing(app) {
        let elderly = || async {
            app.scalar(&format!(
                "SELECT COUNT(*) FROM resident WHERE elderly_mode = {}",
                if app.backend == crate::helpers::Backend::Postgres { "TRUE" } else { "1" }
            ))
            .await
        };
        let before = elderly().await;
        let resident = app.resident(1).await;
        let response = resident.post_form("/mode/tiny", &[("next", "/")]).await;
        assert_eq!(response.status().as_u16(), 400);
        assert!(cookies_set(&response).is_empty());
        assert_eq!(elderly().await, before);

        let response = app.post_form("/mode/elderly", &[("next", "//evil.example")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()[LOCATION], "/", "never away from the site");
        assert_eq!(elderly().await, before, "nobody signed in: no account changes");
    }

    async fn the_elderly_home_lists_what_older_residents_use_with_help(app) {
        let sixty = age_cutoff(china_today(Utc::now()), 60);
        let top = app
            .text(&format!(
                "SELECT s.code FROM application a JOIN service s ON s.id = a.service_id \
                 JOIN resident r ON r.id = a.resident_id WHERE r.birth_date <= '{sixty}' \
                 AND s.status = 'published' GROUP BY s.code ORDER BY COUNT(*) DESC, s.code LIMIT 1"
            ))
            .await;
        let home = page(&app, "/", "ms_mode=elderly").await;
        assert!(home.contains("class=\"elderly\""));
        assert!(home.contains("长辈版 · 常用服务"), "the elderly home");
        let tiles = home
            .split("data-testid=\"elderly-services\"")
            .nth(1)
            .and_then(|rest| rest.split("</ul>").next())
            .expect("the services older residents use");
        assert!(tiles.contains(&format!("href=\"/services/{top}\"")), "{top} in {tiles}");
        assert!(home.contains("href=\"tel:12345\""), "the hotline, tap to call");
        assert!(home.contains("代您办理"), "how a family member applies for them");

        let standard = page(&app, "/", "ms_mode=standard").await;
        assert!(!standard.contains("长辈版 · 常用服务"));
        assert!(
            standard.contains(r#"action="/mode/elderly""#) && standard.contains(r#"name="next" value="/""#),
            "the switch on the home page posts and comes back"
        );
    }

    async fn step_by_step_forms_save_each_answer_and_go_on(app) {
        let resident = app.resident(1).await;
        let elderly = format!("{}; ms_mode=elderly", resident.cookie);
        let (_, list) = app.get_json("/api/v1/services?page_size=1").await;
        let code = list["items"][0]["code"].as_str().expect("a service").to_owned();

        let first = page(&app, &format!("/apply/{code}"), &elderly).await;
        assert!(first.replace("<!>", "").contains("第 1 步，共"), "a progress line");
        assert!(first.contains("/me/applications/{number}/edit?step=2"), "the next step");

        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        let step = |next: &str| {
            reqwest::multipart::Form::new()
                .text("_intent", "save")
                .text("_key", "steps-key-1")
                .text("_next", next.to_owned())
                .text("applicant_mobile", "13800000001")
        };
        let response = resident
            .post_multipart(&format!("/forms/apply/{code}"), step("/me/applications/{number}/edit?step=2"))
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()[LOCATION].to_str().expect("location").to_owned();
        let number = location
            .strip_prefix("/me/applications/")
            .and_then(|rest| rest.strip_suffix("/edit?step=2"))
            .expect("the next step of the new draft")
            .to_owned();
        assert!(number.starts_with("MS-"), "{location}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 1);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{number}' AND status = 'draft'")).await,
            1,
            "saved as a draft, not submitted"
        );
        let second = page(&app, &location, &elderly).await;
        assert!(second.replace("<!>", "").contains("第 2 步，共"), "the second step");

        // Never away from the site: a foreign next goes back to the form.
        let response = resident
            .post_multipart(&format!("/forms/applications/{number}"), step("//evil.example/{number}"))
            .await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()[LOCATION], format!("/me/applications/{number}/edit?saved=1").as_str());

        // Past the last step: the page to check every answer before submitting.
        let check = page(&app, &format!("/me/applications/{number}/edit?step=999"), &elderly).await;
        assert!(check.contains("data-testid=\"check-answers\""));
        assert!(check.contains("13800000001"), "the answer given on the first step");
        assert!(check.contains("value=\"submit\""));
    }
}
