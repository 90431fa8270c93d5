//! Proving who one is (issue 17, finding 2): one-time codes by text message (the outbox and
//! the HTTP gateway), registration that claims a register record only with the register's
//! number or after an identity check at a window, password reset by code, and staff
//! accounts disabled and enabled.

use crate::helpers::{Backend, DEMO_PASSWORD, TestApp, demo_mobile, session_cookie};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// A register record with no account: (id, ID number, name, mobile the register holds).
async fn unclaimed_record(
    app: &TestApp,
    with_mobile: bool,
) -> (i64, String, String, Option<String>) {
    let mobile = if with_mobile {
        "IS NOT NULL"
    } else {
        "IS NULL"
    };
    let row = app
        .first_row(&format!(
            "SELECT id, id_number, name, mobile FROM resident \
             WHERE password_hash IS NULL AND mobile {mobile} ORDER BY id LIMIT 1"
        ))
        .await;
    (
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index(1).unwrap(),
        row.try_get_by_index(2).unwrap(),
        row.try_get_by_index(3).unwrap(),
    )
}

/// The console page's look-up of a claim (its server function), as a member of staff.
async fn find_claim(staff: &crate::helpers::Session<'_>, id_number: &str) -> reqwest::Response {
    staff
        .app
        .client
        .post(staff.app.url("/rpc/staff/identity-claim"))
        .header("cookie", &staff.cookie)
        .form(&[("id_number", id_number)])
        .send()
        .await
        .unwrap()
}

/// A valid ID number no demo resident has (born 1950, sequence `n`).
fn new_id_number(n: u16) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    domain::id_number::IdNumber::compose(110105, born, 900 + n)
        .as_str()
        .to_owned()
}

fn claim(name: &str, id_number: &str, mobile: &str) -> serde_json::Value {
    json!({ "name": name, "id_number": id_number, "mobile": mobile, "password": "my own long password" })
}

on_both_backends! {
    // A code is six digits, stored only as a hash, good for one purpose, five tries and five
    // minutes; a number gets the next one a minute later.
    async fn a_code_proves_the_number_once_within_its_limits(app) {
        let mobile = "13912345678";
        let response = app.post_json("/api/v1/verification-codes", json!({ "mobile": mobile })).await;
        assert_eq!(response.status().as_u16(), 202);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["sent_to"], "139****5678");
        assert_eq!(body["expires_in_seconds"], 300);
        let code = app.newest_code_to(mobile).await.expect("the code is in the outbox");
        let stored = app.text("SELECT code_hash FROM one_time_code").await;
        assert_eq!(stored.len(), 64);
        assert!(!stored.contains(&code), "only a hash is stored");

        // Asked again at once: wait a minute.
        let again = app.post_json("/api/v1/verification-codes", json!({ "mobile": mobile })).await;
        assert_eq!(again.status().as_u16(), 429);
        let retry_after: u64 = again.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM sms_outbox").await, 1, "no second message");

        // Three wrong codes, then the right one still works…
        let mut registration = claim("测试", &new_id_number(1), mobile);
        for wrong in ["000000", "111111", "222222"] {
            registration["code"] = json!(if wrong == code { "444444" } else { wrong });
            let response = app.post_json("/api/v1/accounts", registration.clone()).await;
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["errors"][0]["code"], "invalid_code", "{body}");
        }
        registration["code"] = json!(code);
        assert_eq!(app.post_json("/api/v1/accounts", registration.clone()).await.status().as_u16(), 201);
        // …once.
        let reused = app.post_json("/api/v1/accounts", registration).await;
        let body: serde_json::Value = reused.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "invalid_code", "a used code: {body}");
    }

    async fn a_code_runs_out_of_tries_and_of_time(app) {
        let mobile = "13912340001";
        let code = app.code_for(mobile, "register").await;
        let mut registration = claim("测试", &new_id_number(2), mobile);
        for n in 0..5 {
            registration["code"] = json!(format!("{:06}", (code.parse::<u32>().unwrap() + 1 + n) % 1_000_000));
            app.post_json("/api/v1/accounts", registration.clone()).await;
        }
        // (Another ID number: this one has used up its registrations for the hour.)
        registration["id_number"] = json!(new_id_number(3));
        registration["code"] = json!(code);
        let response = app.post_json("/api/v1/accounts", registration).await;
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "invalid_code", "the right code after five tries: {body}");
        assert_eq!(app.scalar("SELECT CAST(tries AS BIGINT) FROM one_time_code").await, 5);

        // Another number, a code that has expired (the clock moved on five minutes).
        let other = "13912340002";
        let code = app.code_for(other, "register").await;
        let past = (chrono::Utc::now() - chrono::Duration::seconds(1)).to_rfc3339();
        app.db.execute_unprepared(&format!("UPDATE one_time_code SET expires_at = '{past}' WHERE mobile = '{other}'")).await.unwrap();
        let mut late = claim("测试", &new_id_number(4), other);
        late["code"] = json!(code);
        let response = app.post_json("/api/v1/accounts", late).await;
        assert_eq!(response.status().as_u16(), 422);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident WHERE mobile = '13912340002'").await, 0);
        // The job deletes what can no longer be used.
        server::jobs::tick(&app.db, &app.state.push).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM one_time_code WHERE mobile = '{other}'")).await, 0);
    }

    // A code sent to reset a password does not register, and the other way round.
    async fn a_code_works_only_for_what_it_was_sent_for(app) {
        let mobile = demo_mobile(3);
        let reset_code = app.code_for(&mobile, "reset_password").await;
        let new_number = "13912340003";
        let register_code = app.code_for(new_number, "register").await;
        let mut registration = claim("测试", &new_id_number(5), new_number);
        registration["code"] = json!(reset_code);
        let response = app.post_json("/api/v1/accounts", registration).await;
        assert_eq!(response.status().as_u16(), 422);
        let reset = json!({ "mobile": mobile, "code": register_code, "password": "another long password" });
        let response = app.post_json("/api/v1/password-reset", reset).await;
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "invalid_code", "{body}");
        app.sign_in(&mobile, DEMO_PASSWORD).await;
    }

    // Claiming a register record with the number the register holds: an account at once.
    async fn a_record_is_claimed_at_once_with_the_registers_number(app) {
        let (id, id_number, name, mobile) = unclaimed_record(&app, true).await;
        let mobile = mobile.unwrap();
        let response = app.register(claim(&name, &id_number, &mobile)).await;
        assert_eq!(response.status().as_u16(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["resident_id"], id, "the record itself, not a new one");
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM resident WHERE id = {id} AND password_hash IS NOT NULL")).await, 1);
    }

    // With another number the claim waits for the window: no sign-in, nothing of the record
    // changed, until a clerk confirms the person; then the new number signs in.
    async fn a_claim_with_another_number_waits_for_the_window(app) {
        let (id, id_number, name, register_mobile) = unclaimed_record(&app, true).await;
        let new_mobile = "13912340004";
        let response = app.register(claim(&name, &id_number, new_mobile)).await;
        assert_eq!(response.status().as_u16(), 202);
        assert!(session_cookie(&response).is_none(), "nothing signed in");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["awaiting_identity_check"], true);
        let record = format!("SELECT COUNT(*) FROM resident WHERE id = {id} AND password_hash IS NULL AND mobile = '{}'", register_mobile.unwrap());
        assert_eq!(app.scalar(&record).await, 1, "the record is unchanged");

        // The right password says what to do; a wrong one says only that it is wrong.
        for (password, status, code) in [("my own long password", 403, "identity_check_pending"), ("a wrong password", 401, "invalid_credentials")] {
            let response = app.post_json("/api/v1/session", json!({ "account": new_mobile, "password": password })).await;
            assert_eq!(response.status().as_u16(), status);
            assert!(session_cookie(&response).is_none());
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["code"], code);
        }

        // A reviewer may not check identities; a clerk may, by the ID number.
        let reviewer = app.staff("mz_reviewer").await;
        let refused: serde_json::Value = find_claim(&reviewer, &id_number).await.json().await.unwrap();
        assert_eq!(refused["code"], "forbidden", "{refused}");
        let refused = reviewer.post_form(&format!("/admin/forms/identity-checks/{id}/confirm"), &[]).await;
        assert_eq!(refused.status().as_u16(), 303);
        assert_eq!(app.scalar(&record.replace("AND password_hash IS NULL", "AND password_hash IS NULL AND claim_mobile IS NOT NULL")).await, 1, "still waiting");

        let clerk = app.staff("mz_clerk").await;
        let found = find_claim(&clerk, &id_number).await;
        assert_eq!(found.status().as_u16(), 200);
        let claim: serde_json::Value = found.json().await.unwrap();
        assert_eq!(claim["resident_id"], id);
        assert_eq!(claim["claimed_mobile"], "139****0004");
        let confirmed = clerk.post_form(&format!("/admin/forms/identity-checks/{id}/confirm"), &[]).await;
        assert_eq!(confirmed.status().as_u16(), 303);
        let signed_in = app.sign_in(new_mobile, "my own long password").await;
        let (_, me) = signed_in.get_json("/api/v1/me").await;
        assert_eq!(me["resident_id"], id);
        let audited = app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE resident_id = {id} AND action IN ('identity_check.lookup', 'identity_check.confirm')"
        )).await;
        assert_eq!(audited, 2, "the look-up and the decision");
    }

    // A clerk who does not recognise the person refuses: the claim is gone, nothing opened.
    async fn a_refused_claim_opens_nothing(app) {
        let (id, id_number, name, _) = unclaimed_record(&app, false).await;
        let new_mobile = "13912340005";
        assert_eq!(app.register(claim(&name, &id_number, new_mobile)).await.status().as_u16(), 202);
        let clerk = app.staff("mz_clerk").await;
        let response = clerk.post_form(&format!("/admin/forms/identity-checks/{id}/refuse"), &[]).await;
        assert_eq!(response.status().as_u16(), 303);
        let left = app.scalar(&format!(
            "SELECT COUNT(*) FROM resident WHERE id = {id} AND claim_mobile IS NULL AND claim_password_hash IS NULL AND password_hash IS NULL"
        )).await;
        assert_eq!(left, 1);
        let response = app.post_json("/api/v1/session", json!({ "account": new_mobile, "password": "my own long password" })).await;
        assert_eq!(response.status().as_u16(), 401);
    }

    // Whatever is wrong with a proved registration — the name is not the register's, the ID
    // number has an account — the answer is the same, and it changes nothing.
    async fn every_refused_registration_gives_the_one_answer(app) {
        let (id, id_number, _, _) = unclaimed_record(&app, true).await;
        let registered_id = app.text(&format!("SELECT id_number FROM resident WHERE mobile = '{}'", demo_mobile(1))).await;
        let mut answers = Vec::new();
        for (n, (name, id_number)) in [("不是这个人", id_number.as_str()), ("随便", registered_id.as_str())].into_iter().enumerate() {
            let response = app.register(claim(name, id_number, &format!("1391234010{n}"))).await;
            assert_eq!(response.status().as_u16(), 422);
            answers.push(response.text().await.unwrap());
        }
        assert_eq!(answers[0], answers[1], "one answer whatever the cause");
        assert!(answers[0].contains("registration_refused"), "{}", answers[0]);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM resident WHERE id = {id} AND claim_mobile IS NULL AND password_hash IS NULL")).await, 1);
    }

    // A forgotten password: a code to the account's number, a new password, every session
    // ended. A number with no account gets the same answer and no message.
    async fn a_password_is_reset_with_a_code_and_every_session_ends(app) {
        let mobile = demo_mobile(2);
        let old_session = app.resident(2).await;
        let code = app.code_for(&mobile, "reset_password").await;
        let reset = json!({ "mobile": mobile, "code": code, "password": "a brand new sentence" });
        let response = app.post_json("/api/v1/password-reset", reset.clone()).await;
        assert_eq!(response.status().as_u16(), 204);
        assert_eq!(old_session.get("/api/v1/me").await.status().as_u16(), 401, "signed out everywhere");
        let old = app.post_json("/api/v1/session", json!({ "account": mobile, "password": DEMO_PASSWORD })).await;
        assert_eq!(old.status().as_u16(), 401);
        app.sign_in(&mobile, "a brand new sentence").await;
        let again = app.post_json("/api/v1/password-reset", reset).await;
        assert_eq!(again.status().as_u16(), 422, "the code is used");

        let stranger = "13912340006";
        let response = app.post_json("/api/v1/verification-codes", json!({ "mobile": stranger, "purpose": "reset_password" })).await;
        assert_eq!(response.status().as_u16(), 202);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM sms_outbox WHERE mobile = '{stranger}'")).await, 0);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM one_time_code WHERE mobile = '{stranger}'")).await, 0);
    }

    // The page forms: a code, then the registration; a claim waiting lands on the page that
    // says where to go; a reset sends the browser to sign in.
    async fn the_register_and_reset_forms_work_without_javascript(app) {
        let mobile = "13912340007";
        let response = app.post_form("/forms/verification-code", &[("purpose", "register"), ("name", "表单居民"), ("mobile", mobile)]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/register?step=code&retry="));
        let code = app.newest_code_to(mobile).await.unwrap();
        let cookie = session_cookie(&response).expect("an anonymous session carries the notice");
        let page = app.client.get(app.url("/register?step=code")).header("cookie", &cookie).send().await.unwrap();
        let html = page.text().await.unwrap();
        assert!(html.contains("139****0007") && html.contains("表单居民"), "the notice and the name");
        let response = app
            .client
            .post(app.url("/forms/register"))
            .header("cookie", &cookie)
            .form(&[("name", "表单居民"), ("mobile", mobile), ("code", code.as_str()), ("id_number", new_id_number(6).as_str()), ("password", "a sentence I remember")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/me/applications");

        let (_, id_number, name, _) = unclaimed_record(&app, false).await;
        let other = "13912340008";
        app.post_form("/forms/verification-code", &[("mobile", other)]).await;
        let code = app.newest_code_to(other).await.unwrap();
        let response = app.post_form("/forms/register", &[("name", &name), ("mobile", other), ("code", &code), ("id_number", &id_number), ("password", "a sentence I remember")]).await;
        assert_eq!(response.headers()["location"], "/register/identity-check");

        let mobile = demo_mobile(5);
        app.post_form("/forms/verification-code", &[("purpose", "reset_password"), ("mobile", &mobile)]).await;
        let code = app.newest_code_to(&mobile).await.unwrap();
        let response = app.post_form("/forms/password-reset", &[("mobile", &mobile), ("code", &code), ("password", "a reset by form")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/sign-in?reset=1");
        app.sign_in(&mobile, "a reset by form").await;
    }

    // Administrators disable a staff account (its sessions end, it cannot sign in) and enable
    // it again; nobody disables their own; others may not.
    async fn staff_accounts_are_disabled_and_enabled(app) {
        let clerk = app.staff("mz_clerk").await;
        let clerk_id = app.scalar("SELECT id FROM staff WHERE username = 'mz_clerk'").await;
        let supervisor = app.staff("supervisor").await;
        supervisor.post_form(&format!("/admin/forms/staff/{clerk_id}/disable"), &[]).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM staff WHERE id = {clerk_id} AND active")).await, 1, "supervisors may not");

        let admin = app.staff("admin").await;
        let response = admin.post_form(&format!("/admin/forms/staff/{clerk_id}/disable"), &[]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(clerk.get("/api/v1/staff/me").await.status().as_u16(), 401, "the session ended");
        let sign_in = app.post_json("/api/v1/staff/session", json!({ "username": "mz_clerk", "password": DEMO_PASSWORD })).await;
        assert_eq!(sign_in.status().as_u16(), 401);
        let admin_id = app.scalar("SELECT id FROM staff WHERE username = 'admin'").await;
        admin.post_form(&format!("/admin/forms/staff/{admin_id}/disable"), &[]).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM staff WHERE id = {admin_id} AND active")).await, 1, "not oneself");

        admin.post_form(&format!("/admin/forms/staff/{clerk_id}/enable"), &[]).await;
        app.staff("mz_clerk").await;
        let audited = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('staff.disable', 'staff.enable')").await;
        assert_eq!(audited, 2);
    }
}

/// A stand-in for the city's SMS platform: what it was sent, and the status it answers.
async fn fake_gateway(
    status: u16,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
) {
    use axum::http::HeaderMap;
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = received.clone();
    let router = axum::Router::new().route(
        "/send",
        axum::routing::post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| {
                let kept = kept.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    kept.lock().unwrap().push((auth, body));
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, received)
}

// The HTTP adapter: the gateway gets the number and the text with the key; the outbox keeps
// the record with the code blanked out; a gateway that fails is a 503 in the error shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_gateway_gets_the_message_and_the_outbox_not_the_code() {
    let (url, received) = fake_gateway(200).await;
    let app = TestApp::configured(Backend::Sqlite, |settings| {
        settings.sms_gateway = server::sms::GatewaySettings::Http {
            url,
            key: "city-key".into(),
        };
    })
    .await;
    let response = app
        .post_json(
            "/api/v1/verification-codes",
            json!({ "mobile": "13912340009" }),
        )
        .await;
    assert_eq!(response.status().as_u16(), 202);
    let (auth, body) = received
        .lock()
        .unwrap()
        .pop()
        .expect("the gateway got a message");
    assert_eq!(auth, "Bearer city-key");
    assert_eq!(body["to"], "13912340009");
    let text = body["text"].as_str().unwrap().to_owned();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(code.len(), 6, "{text}");
    let recorded = app.text("SELECT body FROM sms_outbox").await;
    assert!(
        !recorded.contains(&code) && recorded.contains("******"),
        "{recorded}"
    );
    assert_eq!(app.text("SELECT gateway FROM sms_outbox").await, "http");

    let (url, _) = fake_gateway(500).await;
    let failing = TestApp::configured(Backend::Sqlite, |settings| {
        settings.sms_gateway = server::sms::GatewaySettings::Http {
            url,
            key: "city-key".into(),
        };
    })
    .await;
    let response = failing
        .post_json(
            "/api/v1/verification-codes",
            json!({ "mobile": "13912340010" }),
        )
        .await;
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unavailable");
    assert!(
        failing
            .text("SELECT error FROM sms_outbox")
            .await
            .contains("500")
    );
}
