//! Segments over HTTP, on SQLite and PostgreSQL: a supervisor previews "aged 60+ living alone
//! in one district" and gets the count a hand-written query gives, a district and age-band
//! breakdown adding up to it, and a sample with masked names; saves, lists, changes it. A bad
//! rule is 422 on the field `rule` and stores nothing; clerks may not; unknown ids are 404.

use chrono::Utc;
use domain::rule::{age_cutoff, china_today};
use serde_json::{Value, json};

const SEGMENTS: &str = "/api/v1/staff/segments";

async fn district(app: &crate::helpers::TestApp, name: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id FROM region WHERE kind = 'district' AND name = '{name}'"
    ))
    .await
}

fn sixty_plus_alone_in(district: i64) -> Value {
    json!({"all": [
        {"is": {"kind": "age", "min": 60, "max": null}},
        {"is": {"kind": "lives_alone"}},
        {"is": {"kind": "region", "region_id": district}}
    ]})
}

on_both_backends! {
    async fn the_preview_counts_what_a_hand_written_query_counts(app) {
        let xihu = district(&app, "西湖区").await;
        let cutoff = age_cutoff(china_today(Utc::now()), 60);
        let expected = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM resident r \
                 WHERE r.birth_date <= '{cutoff}' \
                 AND r.region_id IN (SELECT id FROM region WHERE path LIKE '%/{xihu}/%') \
                 AND NOT EXISTS (SELECT 1 FROM resident m \
                     WHERE m.household_id = r.household_id AND m.id <> r.id)"
            ))
            .await;
        assert!(expected > 0, "the demo city has people of 60+ living alone in 西湖区");

        let supervisor = app.staff("supervisor").await;
        let (status, preview) = supervisor
            .post_json(&format!("{SEGMENTS}/preview"), sixty_plus_alone_in(xihu))
            .await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["count"], expected);

        let districts = preview["by_district"].as_array().expect("districts");
        assert_eq!(districts.len(), 1, "only 西湖区: {districts:?}");
        assert_eq!(districts[0]["region_id"], xihu);
        assert_eq!(districts[0]["name"]["zh"], "西湖区");
        assert_eq!(districts[0]["count"], expected);

        let bands = preview["by_age_band"].as_array().expect("bands");
        assert_eq!(bands.len(), 6);
        let total: i64 = bands.iter().map(|b| b["count"].as_i64().expect("n")).sum();
        assert_eq!(total, expected);
        assert_eq!(bands[0]["band"], "under18");
        assert_eq!(bands[0]["count"], 0, "nobody under 18 is 60+");
        assert_eq!(bands[2]["count"], 0, "nobody of 40–59 is 60+");

        let sample = preview["sample"].as_array().expect("sample");
        assert_eq!(sample.len() as i64, expected.min(10));
        for member in sample {
            let masked = member["name"].as_str().expect("a name");
            assert!(masked.chars().skip(1).all(|c| c == '*'), "masked: {masked}");
            assert!(member["age"].as_i64().expect("age") >= 60);
            assert!(member.get("id_number").is_none() && member.get("id").is_none());
        }
    }

    async fn a_segment_is_saved_listed_and_changed(app) {
        let xihu = district(&app, "西湖区").await;
        let gongshu = district(&app, "拱墅区").await;
        let supervisor = app.staff("supervisor").await;
        let (status, saved) = supervisor
            .post_json(
                SEGMENTS,
                json!({"name": "西湖区独居老人", "description": "60岁以上", "rule": sixty_plus_alone_in(xihu)}),
            )
            .await;
        assert_eq!(status, 201, "{saved}");
        let id = saved["summary"]["id"].as_i64().expect("an id");
        assert_eq!(saved["summary"]["created_by"].as_str().map(|s| !s.is_empty()), Some(true));
        assert_eq!(
            app.text(&format!("SELECT name FROM segment WHERE id = {id}")).await,
            "西湖区独居老人"
        );
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'segment_create' AND target_id = {id}"
            ))
            .await,
            1
        );

        let (status, list) = supervisor.get_json(SEGMENTS).await;
        assert_eq!(status, 200);
        assert!(list.as_array().expect("a list").iter().any(|s| s["id"] == id));

        let (status, changed) = supervisor
            .send_json(
                reqwest::Method::PUT,
                &format!("{SEGMENTS}/{id}"),
                json!({"name": "拱墅区独居老人", "rule": sixty_plus_alone_in(gongshu)}),
            )
            .await;
        assert_eq!(status, 200, "{changed}");
        let (status, read) = supervisor.get_json(&format!("{SEGMENTS}/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(read["summary"]["name"], "拱墅区独居老人");
        assert_eq!(read["rule"], sixty_plus_alone_in(gongshu));

        let (status, _) = supervisor.get_json(&format!("{SEGMENTS}/{}", id + 1000)).await;
        assert_eq!(status, 404);
    }

    async fn a_bad_rule_is_refused_and_nothing_is_stored(app) {
        let supervisor = app.staff("supervisor").await;
        let before = app.scalar("SELECT COUNT(*) FROM segment").await;
        let (status, body) = supervisor
            .post_json(
                SEGMENTS,
                json!({"name": "", "rule": {"all": [{"is": {"kind": "age", "min": 70, "max": 60}}]}}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["name", "rule"]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM segment").await, before);

        let (status, body) = supervisor
            .post_json(&format!("{SEGMENTS}/preview"), json!({"any": []}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "validation_failed");
    }

    async fn clerks_may_not_segment_residents(app) {
        let clerk = app.staff("mz_clerk").await;
        let (status, body) = clerk
            .post_json(&format!("{SEGMENTS}/preview"), json!({"is": {"kind": "lives_alone"}}))
            .await;
        assert_eq!(status, 403, "{body}");
        let (status, _) = clerk.get_json(SEGMENTS).await;
        assert_eq!(status, 403);
        let head = app.staff("mz_head").await;
        let (status, body) = head
            .post_json(&format!("{SEGMENTS}/preview"), json!({"is": {"kind": "lives_alone"}}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["count"].as_i64().expect("a count") > 0);
    }
}
