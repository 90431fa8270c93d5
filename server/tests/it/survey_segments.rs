//! Surveys to a saved segment, on SQLite and PostgreSQL: a head saves "60+ in 西湖区", surveys
//! it; opening invites exactly the segment's members who accept messages, the audience size
//! is the segment's count, only members may answer; the results break the responses down by
//! district and age band (a group under ten shows "< 10" and no means). Another department's
//! segment is refused by field and stores nothing.

use chrono::Utc;
use domain::ids::ResidentId;
use domain::rule::{age_cutoff, china_today};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};
use serde_json::{Value, json};
use store::entities::survey_response;

const SURVEYS: &str = "/api/v1/staff/surveys";

async fn ids(app: &crate::helpers::TestApp, sql: &str) -> Vec<i64> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query");
    rows.iter()
        .map(|r| r.try_get_by_index::<i64>(0).expect("an id"))
        .collect()
}

fn survey_of(segment: i64) -> Value {
    json!({
        "title": "老年人服务满意度",
        "questions": [
            { "key": "overall", "kind": "five_point", "text": "总体满意度", "required": true },
            { "key": "speed", "kind": "five_point", "text": "办理速度" },
            { "key": "say", "kind": "free_text", "text": "还有什么建议？" }
        ],
        "audience": { "kind": "segment", "segment": segment }
    })
}

on_both_backends! {
    async fn a_segment_survey_reaches_its_members_and_reads_by_district_and_age(app) {
        let xihu = app
            .scalar("SELECT id FROM region WHERE kind = 'district' AND name = '西湖区'")
            .await;
        let head = app.staff("mz_head").await;
        let (status, saved) = head
            .post_json(
                "/api/v1/staff/segments",
                json!({"name": "西湖区60岁以上", "rule": {"all": [
                    {"is": {"kind": "age", "min": 60, "max": null}},
                    {"is": {"kind": "region", "region_id": xihu}}
                ]}}),
            )
            .await;
        assert_eq!(status, 201, "{saved}");
        let segment = saved["summary"]["id"].as_i64().expect("an id");

        let members_sql = format!(
            "SELECT r.id FROM resident r WHERE r.birth_date <= '{}' \
             AND r.region_id IN (SELECT id FROM region WHERE path LIKE '%/{xihu}/%') ORDER BY r.id",
            age_cutoff(china_today(Utc::now()), 60)
        );
        let members = ids(&app, &members_sql).await;
        assert!(members.len() >= 25, "the demo has old people in 西湖区: {}", members.len());
        let consenting = ids(
            &app,
            &members_sql.replace("ORDER BY", "AND r.notify_consent = TRUE ORDER BY"),
        )
        .await;

        let (status, created) = head.post_json(SURVEYS, survey_of(segment)).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["audience"], json!({"kind": "segment", "segment": segment}));
        assert_eq!(created["segment_name"], "西湖区60岁以上");
        let id = created["id"].as_i64().expect("an id");
        let (status, opened) = head
            .post_json(&format!("{SURVEYS}/{id}/schedule"), json!({}))
            .await;
        assert_eq!(status, 200, "{opened}");
        assert_eq!(opened["status"], "open");
        let invited = ids(
            &app,
            &format!(
                "SELECT resident_id FROM notification WHERE kind = 'survey' \
                 AND link = '/me/surveys/{id}' ORDER BY resident_id"
            ),
        )
        .await;
        assert_eq!(invited, consenting, "exactly the consenting members are invited");

        // Only members may answer.
        let now = Utc::now();
        let outsider = app
            .scalar(&format!("SELECT MIN(id) FROM resident WHERE id NOT IN ({members_sql})"))
            .await;
        let refused = store::surveys::for_resident(&app.db, ResidentId(outsider), id, now).await;
        assert_eq!(refused.map(|_| ()).map_err(|e| e.code), Err(domain::error::ErrorCode::NotFound));
        store::surveys::for_resident(&app.db, ResidentId(members[0]), id, now)
            .await
            .expect("a member may answer");

        // 25 members answer: overall 1..5 in turn, speed always 4.
        for (i, member) in members.iter().take(25).enumerate() {
            survey_response::ActiveModel {
                survey_id: Set(id),
                resident_id: Set(ResidentId(*member)),
                answers: Set(json!({"overall": 1 + (i % 5), "speed": 4})),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .expect("a response");
        }
        let (status, results) = head.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(status, 200, "{results}");
        assert_eq!(results["audience_size"].as_i64(), Some(members.len() as i64));
        assert_eq!(results["responses"], 25);
        let districts = results["by_district"].as_array().expect("districts");
        assert_eq!(districts.len(), 1, "all in 西湖区: {districts:?}");
        assert_eq!(districts[0]["group"]["kind"], "district");
        assert_eq!(districts[0]["group"]["region_id"], xihu);
        assert_eq!(districts[0]["group"]["name"]["zh"], "西湖区");
        assert_eq!(districts[0]["responses"], json!({"exact": 25}));
        assert_eq!(districts[0]["means"], json!([3.0, 4.0]));

        let bands = results["by_age_band"].as_array().expect("bands");
        let names: Vec<&str> = bands.iter().map(|b| b["group"]["band"].as_str().unwrap()).collect();
        assert!(names.iter().all(|b| ["from60_to69", "from70_to79", "from80"].contains(b)), "{names:?}");
        let mut sorted = names.clone();
        sorted.sort_by_key(|b| ["from60_to69", "from70_to79", "from80"].iter().position(|x| x == b));
        assert_eq!(names, sorted, "in band order");
        let exact: i64 = bands.iter().filter_map(|b| b["responses"]["exact"].as_i64()).sum();
        let few: Vec<&Value> = bands.iter().filter(|b| b["responses"] == "fewer_than_ten").collect();
        assert!(exact + few.len() as i64 <= 25 && 25 <= exact + 9 * few.len() as i64, "{bands:?}");
        for band in few {
            assert_eq!(band["means"], json!([null, null]), "a small cell shows no means");
        }

        // The console's results page shows the breakdown.
        let html = head.get(&format!("/admin/surveys/{id}")).await.text().await.unwrap();
        assert!(html.contains("data-testid=\"survey-by-district\""), "{html}");
        assert!(html.contains("人群“西湖区60岁以上”中的居民"), "{html}");
    }

    async fn another_departments_segment_is_not_an_audience(app) {
        let head = app.staff("mz_head").await;
        let (status, saved) = head
            .post_json(
                "/api/v1/staff/segments",
                json!({"name": "独居", "rule": {"is": {"kind": "lives_alone"}}}),
            )
            .await;
        assert_eq!(status, 201, "{saved}");
        let segment = saved["summary"]["id"].as_i64().expect("an id");
        let before = app.scalar("SELECT COUNT(*) FROM survey").await;
        let other = app.staff("ga_head").await;
        let (status, body) = other.post_json(SURVEYS, survey_of(segment)).await;
        assert_eq!((status, body["code"].as_str()), (422, Some("validation_failed")), "{body}");
        assert_eq!(body["errors"][0]["field"], "audience.segment", "{body}");
        let (status, body) = head.post_json(SURVEYS, survey_of(0)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "audience.segment", "{body}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey").await, before, "nothing stored");
        let (status, created) = head.post_json(SURVEYS, survey_of(segment)).await;
        assert_eq!(status, 201, "the department's own segment: {created}");
    }
}
