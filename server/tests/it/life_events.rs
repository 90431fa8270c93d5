//! Life events (事项找人) on SQLite and PostgreSQL: a demo resident who turns 60 — the clock
//! moved to the birthday — gets the age-60 services recommended exactly once: not the day
//! before, not again on later runs, not twice when two instances run at the same moment;
//! with the reason in their words, in their inbox and "for you"; nothing without consent.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use store::life_events;

/// 10:00 in China on the day.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).expect("a time"))
}

/// Demo resident `n` (with an account) made to turn 60 on `birthday`; returns their id.
async fn turning_sixty_on(app: &crate::helpers::TestApp, n: u64, birthday: NaiveDate) -> i64 {
    let id = app
        .scalar(&format!(
            "SELECT id FROM resident WHERE mobile = '{}'",
            crate::helpers::demo_mobile(n)
        ))
        .await;
    let born = birthday - chrono::Months::new(12 * 60);
    app.db
        .execute_unprepared(&format!(
            "UPDATE resident SET birth_date = '{born}' WHERE id = {id}"
        ))
        .await
        .expect("birth date moved");
    id
}

/// The published services the catalogue maps to turning 60 that the resident never applied
/// for.
async fn expected(app: &crate::helpers::TestApp, resident: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM service_life_event sle JOIN life_event e ON e.id = sle.life_event_id \
         JOIN service s ON s.id = sle.service_id \
         WHERE e.code = 'turning_60' AND s.status = 'published' AND NOT EXISTS ( \
           SELECT 1 FROM task t JOIN application a ON a.id = t.application_id \
           WHERE a.resident_id = {resident} AND t.service_id = s.id AND a.submitted_at IS NOT NULL)"
    ))
    .await
}

async fn recommended(app: &crate::helpers::TestApp, resident: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM recommendation WHERE resident_id = {resident} \
         AND life_event_id = (SELECT id FROM life_event WHERE code = 'turning_60')"
    ))
    .await
}

use sea_orm::ConnectionTrait;

on_both_backends! {
    async fn turning_sixty_recommends_the_age_sixty_services_exactly_once(app) {
        let birthday = NaiveDate::from_ymd_opt(2030, 3, 15).expect("a date");
        let resident = turning_sixty_on(&app, 3, birthday).await;
        let want = expected(&app, resident).await;
        assert!(want > 0, "the catalogue maps services to turning 60");

        // The day before: nothing.
        life_events::detect(&app.db, morning(birthday - Duration::days(1))).await.expect("run");
        assert_eq!(recommended(&app, resident).await, 0);

        // On the birthday: each service once, two instances running at the same moment.
        let now = morning(birthday);
        let (a, b) = tokio::join!(
            life_events::detect(&app.db, now),
            life_events::detect(&app.db, now + Duration::milliseconds(3)),
        );
        a.expect("first instance");
        b.expect("second instance");
        assert_eq!(recommended(&app, resident).await, want);
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM life_event_occurrence o JOIN life_event e ON e.id = o.life_event_id \
                 WHERE o.resident_id = {resident} AND e.code = 'turning_60'"
            ))
            .await,
            1
        );
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM notification WHERE resident_id = {resident} \
                 AND kind = 'recommendation' AND body LIKE '因为您年满60周岁%'"
            ))
            .await,
            want
        );

        // Later runs add nothing.
        for later in [Duration::minutes(1), Duration::days(1), Duration::days(6), Duration::days(30)] {
            life_events::detect(&app.db, now + later).await.expect("run");
        }
        assert_eq!(recommended(&app, resident).await, want);

        // "For you", with the reason.
        let session = app.resident(3).await;
        let (status, items) = session.get_json("/api/v1/me/recommendations").await;
        assert_eq!(status, 200);
        let items = items.as_array().expect("items");
        let sixty: Vec<&serde_json::Value> =
            items.iter().filter(|i| i["reason"]["zh"] == "因为您年满60周岁").collect();
        assert_eq!(sixty.len() as i64, want, "{items:?}");

        // 免申即享: one tap on an auto-grant benefit submits a complete application.
        let granted = sixty.iter().find(|i| i["auto_grant"] == true).expect("an auto-grant benefit");
        let rec = granted["id"].as_i64().expect("id");
        let code = granted["service_code"].as_str().expect("code").to_owned();
        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        // The record holds everything but the payout account: 422 naming it, the draft kept.
        let (status, body) = session
            .post_json(&format!("/api/v1/me/recommendations/{rec}/confirm"), serde_json::json!({}))
            .await;
        assert_eq!(status, 422, "{body}");
        let fields: Vec<&str> = body["errors"].as_array().expect("errors").iter()
            .filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(fields, ["payout_account"]);
        let draft = app
            .text(&format!(
                "SELECT number FROM application WHERE resident_id = {resident} AND status = 'draft' \
                 ORDER BY id DESC LIMIT 1"
            ))
            .await;
        let (status, saved) = session
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/me/applications/{draft}/answers"),
                serde_json::json!({"payout_account": "6222021234567890123"}),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        // Now one tap completes it.
        let (status, body) = session
            .post_json(&format!("/api/v1/me/recommendations/{rec}/confirm"), serde_json::json!({}))
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["number"], draft.as_str());
        let number = body["number"].as_str().expect("a number").to_owned();
        assert_eq!(
            app.text(&format!("SELECT status FROM application WHERE number = '{number}'")).await,
            "submitted"
        );
        // A second tap submits nothing more.
        let (status, again) = session
            .post_json(&format!("/api/v1/me/recommendations/{rec}/confirm"), serde_json::json!({}))
            .await;
        assert_eq!(status, 201, "{again}");
        assert_eq!(again["number"], number.as_str());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 1);
        assert!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE id = {rec} AND applied_at IS NOT NULL")).await == 1
        );
        let (_, items) = session.get_json("/api/v1/me/recommendations").await;
        assert!(items.as_array().expect("items").iter().all(|i| i["service_code"] != code.as_str()));

        // A service that is not auto-grant cannot be confirmed.
        let plain = items
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["auto_grant"] == false)
            .expect("an age-60 service that needs an application");
        let id = plain["id"].as_i64().expect("id");
        let (status, _) = session
            .post_json(&format!("/api/v1/me/recommendations/{id}/confirm"), serde_json::json!({}))
            .await;
        assert_eq!(status, 409);
    }

    async fn a_resident_without_consent_gets_no_recommendation(app) {
        let birthday = NaiveDate::from_ymd_opt(2031, 7, 1).expect("a date");
        let resident = turning_sixty_on(&app, 6, birthday).await;
        let no = if app.backend == crate::helpers::Backend::Postgres { "FALSE" } else { "0" };
        app.db
            .execute_unprepared(&format!("UPDATE resident SET notify_consent = {no} WHERE id = {resident}"))
            .await
            .expect("consent withdrawn");
        life_events::detect(&app.db, morning(birthday)).await.expect("run");
        assert_eq!(recommended(&app, resident).await, 0);
        let session = app.resident(6).await;
        let (_, items) = session.get_json("/api/v1/me/recommendations").await;
        assert_eq!(items.as_array().map(Vec::len), Some(0));
    }
}
