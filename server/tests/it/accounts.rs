//! Resident accounts over HTTP: registering, signing in with mobile or ID number, throttling,
//! sessions in the database, signing out, the profile, and the plain-form versions.

use crate::helpers::{DEMO_PASSWORD, demo_mobile, session_cookie};
use sea_orm::ConnectionTrait;
use serde_json::json;
use sha2::Digest;

fn registration(mobile: &str) -> serde_json::Value {
    json!({
        "name": "林小雨",
        "mobile": mobile,
        "id_number": "11010519491231002X",
        "password": "a sentence I remember",
    })
}

on_both_backends! {
    async fn registering_creates_a_hashed_account_and_signs_in(app) {
        let response = app.register(registration("139 0000 1234")).await;
        assert_eq!(response.status().as_u16(), 201);
        let set_cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        let cookie = session_cookie(&response).unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["name"], "林小雨");
        let hash_is_argon2 = app
            .scalar("SELECT COUNT(*) FROM resident WHERE mobile = '13900001234' AND password_hash LIKE '$argon2id$%'")
            .await;
        assert_eq!(hash_is_argon2, 1);
        // The session is in the database (by hash, not by the cookie's token).
        let token = cookie.trim_start_matches("ms_session=");
        let stored = |id: String| format!("SELECT COUNT(*) FROM session WHERE id = '{id}'");
        assert_eq!(app.scalar(&stored(token.to_owned())).await, 0, "the token itself is never stored");
        let hashed = hex::encode(sha2::Sha256::digest(token.as_bytes()));
        assert_eq!(app.scalar(&stored(hashed)).await, 1, "only its SHA-256");
        let me = app.client.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(me.status().as_u16(), 200);
    }

    async fn bad_registrations_change_nothing_and_say_why(app) {
        let before = app.scalar("SELECT COUNT(*) FROM resident").await;
        let response = app
            .client
            .post(app.url("/api/v1/accounts"))
            .header("accept-language", "en")
            .json(&json!({ "name": "", "mobile": "12345", "id_number": "110105194912310021", "password": "12345678" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "validation_failed");
        let fields: Vec<(&str, &str)> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("mobile", "invalid_mobile"),
                ("id_number", "invalid_id_number"),
                ("password", "password_too_common"),
                ("code", "required"),
            ]
        );
        assert!(body["errors"][1]["message"].as_str().unwrap().contains("11 digits"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident").await, before);

        // Wrong JSON types are refused as well.
        let response = app.post_json("/api/v1/accounts", json!({ "name": 5 })).await;
        assert!(response.status().is_client_error());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident").await, before);
    }

    // A number with an account gets no registration code (a text saying so instead), and an
    // ID number registers once; every refusal is the one answer.
    async fn a_mobile_number_or_id_number_registers_once(app) {
        let taken = demo_mobile(1);
        let response = app
            .post_json("/api/v1/verification-codes", json!({ "mobile": taken, "purpose": "register" }))
            .await;
        assert_eq!(response.status().as_u16(), 202, "the same answer as for any number");
        assert_eq!(app.newest_code_to(&taken).await, None, "no code for a number with an account");
        let told = app.text(&format!("SELECT body FROM sms_outbox WHERE mobile = '{taken}'")).await;
        assert!(told.contains("已注册"), "{told}");
        let mut guessed = registration(&taken);
        guessed["code"] = json!("123456");
        let response = app.post_json("/api/v1/accounts", guessed).await;
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "code");
        assert_eq!(body["errors"][0]["code"], "invalid_code");

        assert_eq!(app.register(registration("13900001235")).await.status().as_u16(), 201);
        let again = app.register(registration("13900001236")).await;
        assert_eq!(again.status().as_u16(), 422);
        let body: serde_json::Value = again.json().await.unwrap();
        assert_eq!(body["code"], "registration_refused");
        assert!(body["errors"].as_array().is_none_or(Vec::is_empty), "no field named: {body}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident WHERE mobile = '13900001236'").await, 0);
    }

    async fn residents_sign_in_with_mobile_or_id_number(app) {
        let by_mobile = app.resident(1).await;
        let (status, me) = by_mobile.get_json("/api/v1/me").await;
        assert_eq!(status, 200);
        let id_number: String = {
            let id = me["resident_id"].as_i64().unwrap();
            let row = app
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    app.db.get_database_backend(),
                    format!("SELECT id_number FROM resident WHERE id = {id}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index(0).unwrap()
        };
        let by_id = app.sign_in(&id_number.to_lowercase(), DEMO_PASSWORD).await;
        assert_ne!(by_id.cookie, by_mobile.cookie, "every sign-in gets a new session");
        let (_, me_again) = by_id.get_json("/api/v1/me").await;
        assert_eq!(me_again["resident_id"], me["resident_id"]);
    }

    async fn wrong_passwords_are_throttled_per_account(app) {
        let account = demo_mobile(2);
        for _ in 0..5 {
            let response = app
                .post_json("/api/v1/session", json!({ "account": account, "password": "not the password" }))
                .await;
            assert_eq!(response.status().as_u16(), 401);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["code"], "invalid_credentials");
        }
        // Waiting: even the right password waits, and is told how long.
        let response = app
            .post_json("/api/v1/session", json!({ "account": account, "password": DEMO_PASSWORD }))
            .await;
        assert_eq!(response.status().as_u16(), 429);
        assert!(session_cookie(&response).is_none());
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=30).contains(&retry_after), "{retry_after}");
        let locked = app
            .scalar("SELECT COUNT(*) FROM sign_in_throttle WHERE key LIKE 'account:%' AND locked_until IS NOT NULL")
            .await;
        assert_eq!(locked, 1);
        let keys = app.scalar(&format!("SELECT COUNT(*) FROM sign_in_throttle WHERE key LIKE '%{account}%'")).await;
        assert_eq!(keys, 0, "no key holds the mobile number");
        // Another account from the same address still signs in (the address allows 20).
        let other = app
            .post_json("/api/v1/session", json!({ "account": demo_mobile(3), "password": DEMO_PASSWORD }))
            .await;
        assert_eq!(other.status().as_u16(), 200);
        let ip_failures = app.scalar("SELECT CAST(failures AS BIGINT) FROM sign_in_throttle WHERE key LIKE 'ip:%'").await;
        assert_eq!(ip_failures, 5);
    }

    // Guesses sent all at once are counted before any password is checked, so no more than
    // the free five are checked; after a wait the owner's right password works, and each
    // further failure makes the next wait longer.
    async fn parallel_guesses_do_not_pass_the_limit_and_the_owner_gets_back_in(app) {
        let account = demo_mobile(1);
        let guess = || app.post_json("/api/v1/session", json!({ "account": account, "password": "a guess" }));
        let answers = futures_util::future::join_all((0..12).map(|_| guess())).await;
        let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked, 5, "{statuses:?}");
        assert_eq!(refused, 7, "{statuses:?}");

        // The wait passes (the clock moved on): one more failure, and the next wait is longer.
        let past = "UPDATE sign_in_throttle SET locked_until = window_started_at WHERE key LIKE 'account:%'";
        app.db.execute_unprepared(past).await.unwrap();
        assert_eq!(guess().await.status().as_u16(), 401);
        let response = app.post_json("/api/v1/session", json!({ "account": account, "password": DEMO_PASSWORD })).await;
        assert_eq!(response.status().as_u16(), 429);
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((31..=60).contains(&retry_after), "the second wait is a minute: {retry_after}");

        // Never for good: after the wait the owner signs in, and the count is forgotten.
        app.db.execute_unprepared(past).await.unwrap();
        let response = app.post_json("/api/v1/session", json!({ "account": account, "password": DEMO_PASSWORD })).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM sign_in_throttle WHERE key LIKE 'account:%'").await, 0);
        // The same account named by its ID number shares the count with its mobile.
        let id_number = app.text(&format!("SELECT id_number FROM resident WHERE mobile = '{account}'")).await;
        for _ in 0..5 {
            let response = app.post_json("/api/v1/session", json!({ "account": account, "password": "a guess" })).await;
            assert_eq!(response.status().as_u16(), 401);
        }
        let response = app.post_json("/api/v1/session", json!({ "account": id_number, "password": DEMO_PASSWORD })).await;
        assert_eq!(response.status().as_u16(), 429, "by ID number too");
    }

    // The job deletes sessions past their expiry and sign-in counts that are over, and
    // nothing that still counts.
    async fn the_job_deletes_expired_sessions_and_ended_counts(app) {
        let live = app.resident(1).await;
        app.resident(2).await;
        app.post_json("/api/v1/session", json!({ "account": demo_mobile(3), "password": "a guess" })).await;
        let hours_ago = |hours: i64| (chrono::Utc::now() - chrono::Duration::hours(hours)).to_rfc3339();
        app.db
            .execute_unprepared(&format!(
                "UPDATE session SET expires_at = '{}' WHERE resident_id = (SELECT id FROM resident WHERE mobile = '{}')",
                hours_ago(1),
                demo_mobile(2)
            ))
            .await
            .unwrap();
        let sessions = app.scalar("SELECT COUNT(*) FROM session").await;
        let counts = app.scalar("SELECT COUNT(*) FROM sign_in_throttle").await;
        assert!(counts >= 1, "the guess is counted");
        server::jobs::tick(&app.db, &app.state.push).await;
        assert_eq!(app.scalar("SELECT COUNT(*) FROM session").await, sessions - 1, "the expired one");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM sign_in_throttle").await, counts, "counts still running stay");
        assert_eq!(live.get("/api/v1/me").await.status().as_u16(), 200, "the live session works");

        let old = hours_ago(2);
        app.db.execute_unprepared(&format!("UPDATE sign_in_throttle SET window_started_at = '{old}', locked_until = NULL")).await.unwrap();
        server::jobs::tick(&app.db, &app.state.push).await;
        assert_eq!(app.scalar("SELECT COUNT(*) FROM sign_in_throttle").await, 0, "counts that are over");
    }

    // Registrations naming one ID number are limited whatever their outcome (an oracle for
    // "is this ID in the register" must be slow), counted before the password is hashed.
    async fn registrations_naming_one_id_number_are_limited(app) {
        let mut statuses = Vec::new();
        for n in 0..6 {
            let response = app.register(registration(&format!("1390000{n:04}"))).await;
            statuses.push(response.status().as_u16());
            if n == 5 {
                let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!(retry_after > 3000, "about an hour: {retry_after}");
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["code"], "too_many_attempts");
            }
        }
        assert_eq!(statuses[0], 201, "{statuses:?}");
        assert!(statuses[1..5].iter().all(|s| *s == 422), "refused: {statuses:?}");
        assert_eq!(statuses[5], 429, "{statuses:?}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident WHERE mobile LIKE '1390000%'").await, 1);
        // Another ID number from the same address is not held up.
        let mut other = registration("13911112222");
        other["id_number"] = json!("110105195001010012");
        let response = app.register(other).await;
        assert_eq!(response.status().as_u16(), 201);
    }

    // "Sign out everywhere" ends every session of the resident (the form and the API), and
    // nobody else's.
    async fn signing_out_everywhere_ends_every_session_of_the_resident_only(app) {
        let phone = app.resident(1).await;
        let borrowed = app.resident(1).await;
        let someone_else = app.resident(2).await;
        let response = phone.post_form("/forms/sign-out-everywhere", &[]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/sign-in");
        assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        for (which, session) in [("this browser", &phone), ("the borrowed phone", &borrowed)] {
            assert_eq!(session.get("/api/v1/me").await.status().as_u16(), 401, "{which}");
        }
        assert_eq!(someone_else.get("/api/v1/me").await.status().as_u16(), 200, "another resident");
        let resident = app.scalar(&format!("SELECT id FROM resident WHERE mobile = '{}'", demo_mobile(1))).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM session WHERE resident_id = {resident}")).await, 0);

        // The API does the same.
        let first = app.resident(1).await;
        let second = app.resident(1).await;
        let response = first.request_delete("/api/v1/me/sessions").await;
        assert_eq!(response.status().as_u16(), 204);
        assert_eq!(second.get("/api/v1/me").await.status().as_u16(), 401);
        assert_eq!(app.client.delete(app.url("/api/v1/me/sessions")).send().await.unwrap().status().as_u16(), 401);
    }

    async fn signing_out_ends_the_session_on_the_server(app) {
        let session = app.resident(1).await;
        let before = app.scalar("SELECT COUNT(*) FROM session").await;
        let response = app
            .client
            .delete(app.url("/api/v1/session"))
            .header("cookie", &session.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 204);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM session").await, before - 1);
        let (status, body) = session.get_json("/api/v1/me").await;
        assert_eq!(status, 401);
        assert_eq!(body["code"], "unauthenticated");
    }

    async fn expired_sessions_are_refused(app) {
        let session = app.resident(1).await;
        app.db
            .execute_unprepared("UPDATE session SET expires_at = created_at")
            .await
            .unwrap();
        let (status, _) = session.get_json("/api/v1/me").await;
        assert_eq!(status, 401);
    }

    // One account per mobile: a profile cannot take another account's number.
    async fn a_profile_cannot_take_another_accounts_mobile(app) {
        let session = app.resident(1).await;
        let (_, profile) = session.get_json("/api/v1/me/profile").await;
        let update = json!({
            "mobile": demo_mobile(2),
            "email": "",
            "address": "西湖区文三路 100 号",
            "language": "zh-CN",
            "elderly_mode": false,
            "notify_consent": true,
            "current_password": DEMO_PASSWORD,
        });
        let (status, body) = session.send_json(reqwest::Method::PUT, "/api/v1/me/profile", update).await;
        assert_eq!(status, 422, "{body}");
        // No code can be had for another account's number (see the next test).
        assert_eq!(body["errors"][0]["field"], "code");
        assert_eq!(session.get_json("/api/v1/me/profile").await.1["mobile"], profile["mobile"], "unchanged");
        // The database refuses it too, whatever path a write takes.
        let refused = app
            .db
            .execute_unprepared(&format!(
                "UPDATE resident SET mobile = '{}' WHERE mobile = '{}'",
                demo_mobile(2),
                demo_mobile(1)
            ))
            .await;
        assert!(refused.is_err(), "the unique index");
    }

    // A new number needs the password and a code sent to that number (proved like a
    // registration's, or anyone could take a stranger's number and block their registering).
    async fn a_new_mobile_number_needs_the_password_and_a_code(app) {
        let session = app.resident(1).await;
        let (status, profile) = session.get_json("/api/v1/me/profile").await;
        assert_eq!(status, 200);
        let mut update = json!({
            "mobile": "13912340000",
            "email": "",
            "address": "西湖区文三路 100 号",
            "language": "en",
            "elderly_mode": true,
            "notify_consent": false,
        });
        let (status, body) = session.send_json(reqwest::Method::PUT, "/api/v1/me/profile", update.clone()).await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["field"], "current_password");
        let unchanged = session.get_json("/api/v1/me/profile").await.1;
        assert_eq!(unchanged["mobile"], profile["mobile"]);
        update["current_password"] = json!(DEMO_PASSWORD);
        let (status, body) = session.send_json(reqwest::Method::PUT, "/api/v1/me/profile", update.clone()).await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["field"], "code", "{body}");
        let ask = json!({ "mobile": "13912340000", "purpose": "change_mobile" });
        let anonymous = app.post_json("/api/v1/verification-codes", ask.clone()).await;
        assert_eq!(anonymous.status().as_u16(), 401, "only for one's own account");
        let (status, _) = session.post_json("/api/v1/verification-codes", ask).await;
        assert_eq!(status, 202);
        // Another account's number gets no code (and the same answer).
        let (status, _) = session.post_json("/api/v1/verification-codes", json!({ "mobile": demo_mobile(2), "purpose": "change_mobile" })).await;
        assert_eq!(status, 202);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM one_time_code WHERE mobile = '{}'", demo_mobile(2))).await, 0);
        update["code"] = json!(app.newest_code_to("13912340000").await.unwrap());
        let (status, body) = session.send_json(reqwest::Method::PUT, "/api/v1/me/profile", update).await;
        assert_eq!(status, 200);
        assert_eq!(body["mobile"], "13912340000");
        assert_eq!(body["elderly_mode"], true);
        assert_eq!(body["language"], "en");
        // The next form is prefilled from it ("fill once").
        let code = first_service_code(&app).await;
        let (status, form) = session.post_json("/api/v1/me/applications", json!({ "service_code": code })).await;
        assert_eq!(status, 201);
        assert_eq!(form["answers"]["applicant_mobile"], "13912340000");
        assert_eq!(form["answers"]["applicant_address"], "西湖区文三路 100 号");
    }

    async fn the_plain_forms_work_without_javascript(app) {
        // A first visit: the forms, and no error summary (it once showed an empty one).
        for path in ["/sign-in", "/register", "/register?step=code"] {
            let html = app.client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
            let fields = ["autocomplete=\"username\"", "autocomplete=\"tel\"", "autocomplete=\"new-password\""];
            assert!(fields.iter().any(|field| html.contains(field)), "{path}");
            assert!(!html.contains("error-summary"), "{path} shows no problem before a post");
        }
        // Wrong password: back to the page, with the problem kept for it.
        let response = app
            .client
            .post(app.url("/forms/sign-in?next=/me/applications"))
            .form(&[("account", demo_mobile(1).as_str()), ("password", "wrong password")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/sign-in?next=%2Fme%2Fapplications"), "{location}");
        let flash_cookie = session_cookie(&response).expect("a session carries the problem");
        let page = app.client.get(app.url(&location)).header("cookie", &flash_cookie).send().await.unwrap();
        let html = page.text().await.unwrap();
        assert!(html.contains("账号或密码不正确"), "the sign-in page shows the problem");
        assert!(html.contains("error-summary") && html.contains("错误："), "in the error summary");
        // Right password: a session and back to where the resident was going.
        let response = app
            .client
            .post(app.url("/forms/sign-in?next=/me/applications"))
            .form(&[("account", demo_mobile(1).as_str()), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/me/applications");
        let cookie = session_cookie(&response).unwrap();
        let page = app.client.get(app.url("/me/applications")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("我的办件"));
        // Somewhere else only by a local path.
        let response = app
            .client
            .post(app.url("/forms/sign-in?next=//evil.example"))
            .form(&[("account", demo_mobile(1).as_str()), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], "/me/applications");
    }

    async fn pages_that_need_an_account_send_the_browser_to_sign_in(app) {
        let response = app
            .client
            .get(app.url("/me/applications"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/sign-in?next="), "{location}");
    }
}

async fn first_service_code(app: &crate::helpers::TestApp) -> String {
    let (_, page) = app.get_json("/api/v1/services").await;
    page["items"][0]["code"].as_str().unwrap().to_owned()
}
