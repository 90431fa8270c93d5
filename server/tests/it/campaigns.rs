//! Campaigns (事项找人) over HTTP, on SQLite and PostgreSQL: a supervisor saves the segment
//! "aged 60+ living alone", drafts a campaign for a service with a message, sees the dry-run
//! count, submits it; it goes out at once (in the background, a batch of residents at a time,
//! never twice across instances) as one recommendation and one inbox message per
//! member who accepts messages; a member with the portal open gets the message live; the
//! resident sees it "for you" with the reason in their words, clicks through to the prefilled
//! form, applies, and the campaign's conversion counts it. Sending twice sends nothing more;
//! "not interested" and opting out hide it; bad drafts change nothing; clerks may not.

use chrono::Utc;
use domain::rule::{age_cutoff, china_today};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::Duration;

const SEGMENTS: &str = "/api/v1/staff/segments";
pub(crate) const CAMPAIGNS: &str = "/api/v1/staff/campaigns";

fn sixty_plus_alone() -> Value {
    json!({"all": [
        {"is": {"kind": "age", "min": 60, "max": null}},
        {"is": {"kind": "lives_alone"}}
    ]})
}

/// `WHERE` of the members by hand: 60+ and nobody else in the household.
fn members_sql() -> String {
    let cutoff = age_cutoff(china_today(Utc::now()), 60);
    format!(
        "r.birth_date <= '{cutoff}' AND NOT EXISTS (SELECT 1 FROM resident m \
         WHERE m.household_id = r.household_id AND m.id <> r.id)"
    )
}

/// A service none of the members applied for, with the simplest form (one the profile
/// prefills, so applying needs no typing).
pub(crate) async fn fresh_service(app: &crate::helpers::TestApp) -> (i64, String) {
    let row = app
        .first_row(&format!(
            "SELECT s.id, s.code FROM service s WHERE NOT EXISTS (SELECT 1 FROM task t \
             JOIN application a ON a.id = t.application_id JOIN resident r ON r.id = a.resident_id \
             WHERE t.service_id = s.id AND {}) \
             ORDER BY LENGTH(CAST(s.materials AS TEXT)) + LENGTH(CAST(s.form_fields AS TEXT)), s.id \
             LIMIT 1",
            members_sql()
        ))
        .await;
    (
        row.try_get_by_index::<i64>(0).expect("id"),
        row.try_get_by_index::<String>(1).expect("code"),
    )
}

/// How many members accept messages: the residents a campaign to the segment reaches.
async fn reachable_members(app: &crate::helpers::TestApp) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM resident r WHERE {} AND r.notify_consent = {}",
        members_sql(),
        if app.backend == crate::helpers::Backend::Postgres {
            "TRUE"
        } else {
            "1"
        }
    ))
    .await
}

/// The campaign once the background job has sent it (it starts as the submit answers).
pub(crate) async fn sent(staff: &crate::helpers::Session<'_>, id: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, campaign) = staff.get_json(&format!("{CAMPAIGNS}/{id}")).await;
        assert_eq!(status, 200, "{campaign}");
        if campaign["status"] == "sent" {
            return campaign;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not sent in 10 s: {campaign}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn campaign(staff: &crate::helpers::Session<'_>, code: &str) -> (i64, Value) {
    let (status, segment) = staff
        .post_json(
            SEGMENTS,
            json!({"name": "独居老人", "rule": sixty_plus_alone()}),
        )
        .await;
    assert_eq!(status, 201, "{segment}");
    let segment_id = segment["summary"]["id"].as_i64().expect("segment id");
    let (status, draft) = staff
        .post_json(
            CAMPAIGNS,
            json!({
                "name": "高龄关爱",
                "service_code": code,
                "segment_id": segment_id,
                "message": "{name}您好，{reason}，可以申请{service}。",
                "frequency_cap": 3
            }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    (draft["id"].as_i64().expect("campaign id"), draft)
}

on_both_backends! {
    async fn a_campaign_reaches_its_segment_live_and_counts_conversion(app) {
        let (_, code) = fresh_service(&app).await;
        let expected = reachable_members(&app).await;
        assert!(expected > 0);

        let supervisor = app.staff("supervisor").await;
        let (id, draft) = campaign(&supervisor, &code).await;
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["audience"], expected, "dry run");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM recommendation").await, 0, "a draft sends nothing");

        // A member with an account and the portal open.
        let member = app
            .first_row(&format!(
                "SELECT r.mobile, r.name FROM resident r WHERE {} AND r.password_hash IS NOT NULL \
                 AND r.notify_consent = {} ORDER BY r.id LIMIT 1",
                members_sql(),
                if app.backend == crate::helpers::Backend::Postgres { "TRUE" } else { "1" }
            ))
            .await;
        let mobile: String = member.try_get_by_index(0).expect("mobile");
        let name: String = member.try_get_by_index(1).expect("name");
        let resident = app.sign_in(&mobile, crate::helpers::DEMO_PASSWORD).await;
        let mut stream = resident.get("/api/v1/me/events").await.bytes_stream();
        let mut seen = String::new();
        while !seen.contains("event: ready") {
            let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next())
                .await.expect("ready").expect("a chunk").expect("bytes");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }

        let (status, submitted) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 200, "{submitted}");
        // The request starts it (its recipients written, which is also its count); the
        // batches go out in the background.
        assert_eq!(submitted["status"], "sending", "{submitted}");
        assert_eq!(submitted["audience"], expected);
        let sent = sent(&supervisor, id).await;
        assert_eq!(sent["audience"], expected);
        assert_eq!(sent["conversion"]["delivered"], expected);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {id}")).await,
            expected
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM notification WHERE kind = 'recommendation'").await,
            expected
        );

        // Live, with the name filled in (the background send is already over).
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        while !seen.contains("event: notification") {
            let chunk = tokio::time::timeout_at(deadline, stream.next())
                .await.expect("pushed within a second").expect("a chunk").expect("bytes");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(seen.contains(&format!("{name}您好，因为您年满60周岁，并独居")), "{seen}");

        // For you, with the reason; a second send sends nothing more.
        let (status, items) = resident.get_json("/api/v1/me/recommendations").await;
        assert_eq!(status, 200);
        let item = items.as_array().expect("items").iter()
            .find(|i| i["service_code"] == code.as_str()).expect("the service is for me").clone();
        assert_eq!(item["reason"]["zh"], "因为您年满60周岁，并独居");
        assert_eq!(item["new"], true);
        let (status, _) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 409);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {id}")).await,
            expected
        );

        // Click through to the prefilled form, apply: the conversion counts it.
        let rec = item["id"].as_i64().expect("id");
        let (status, click) = resident.post_json(&format!("/api/v1/me/recommendations/{rec}/click"), json!({})).await;
        assert_eq!(status, 200, "{click}");
        assert_eq!(click["apply"], format!("/apply/{code}?from=recommendation-{rec}"));
        let (status, created) = resident
            .post_json("/api/v1/me/applications", json!({"service_code": code}))
            .await;
        assert!(status == 201 || status == 200, "{status} {created}");
        let number = created["number"].as_str().expect("a number").to_owned();
        let (status, form) = resident.get_json(&format!("/api/v1/me/applications/{number}/form")).await;
        assert_eq!(status, 200, "{form}");
        // Prefilled from the record; only what the city cannot know is typed.
        assert_eq!(form["answers"]["applicant_name"], name.as_str(), "{form}");
        let (status, saved) = resident
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/me/applications/{number}/answers"),
                json!({"payout_account": "6222021234567890123"}),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        let (status, submitted) = resident
            .post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({}))
            .await;
        assert_eq!(status, 200, "{submitted}");
        let (_, after) = supervisor.get_json(&format!("{CAMPAIGNS}/{id}")).await;
        assert_eq!(after["conversion"]["read"], 1);
        assert_eq!(after["conversion"]["clicked"], 1);
        assert_eq!(after["conversion"]["applied"], 1);
        let (_, items) = resident.get_json("/api/v1/me/recommendations").await;
        assert!(
            items.as_array().expect("items").iter().all(|i| i["service_code"] != code.as_str()),
            "an applied-for service is no longer recommended"
        );
    }

    async fn not_interested_and_opt_out_hide_recommendations(app) {
        let (_, code) = fresh_service(&app).await;
        let supervisor = app.staff("supervisor").await;
        let (id, _) = campaign(&supervisor, &code).await;
        let (status, _) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 200);
        sent(&supervisor, id).await;
        let row = app
            .first_row(&format!(
                "SELECT r.mobile, rec.id FROM recommendation rec JOIN resident r ON r.id = rec.resident_id \
                 WHERE rec.campaign_id = {id} AND r.password_hash IS NOT NULL ORDER BY r.id LIMIT 1"
            ))
            .await;
        let mobile: String = row.try_get_by_index(0).expect("mobile");
        let rec: i64 = row.try_get_by_index(1).expect("id");
        let resident = app.sign_in(&mobile, crate::helpers::DEMO_PASSWORD).await;

        // Somebody else's recommendation is not found.
        let other = app.resident(2).await;
        let (status, _) = other.post_json(&format!("/api/v1/me/recommendations/{rec}/dismiss"), json!({})).await;
        assert_eq!(status, 404);

        let (status, _) = resident.post_json(&format!("/api/v1/me/recommendations/{rec}/dismiss"), json!({})).await;
        assert_eq!(status, 204);
        let (_, items) = resident.get_json("/api/v1/me/recommendations").await;
        assert!(items.as_array().expect("items").iter().all(|i| i["id"] != rec));
        let (_, view) = supervisor.get_json(&format!("{CAMPAIGNS}/{id}")).await;
        assert_eq!(view["conversion"]["dismissed"], 1);

        // Opting out of a category hides its recommendations.
        let category = app
            .text(&format!(
                "SELECT c.code FROM service_category c JOIN service s ON s.category_id = c.id WHERE s.code = '{code}'"
            ))
            .await;
        let (status, _) = resident
            .post_json("/api/v1/me/recommendation-opt-outs", json!({"category": category}))
            .await;
        assert_eq!(status, 204);
        let (status, _) = resident
            .post_json("/api/v1/me/recommendation-opt-outs", json!({"category": category}))
            .await;
        assert_eq!(status, 204, "twice is fine");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM recommendation_opt_out").await, 1);
    }

    async fn a_campaign_goes_out_in_batches_once_across_instances(app) {
        let (_, code) = fresh_service(&app).await;
        let expected = reachable_members(&app).await;
        assert!(expected > 1, "the demo has several members");
        let supervisor = app.staff("supervisor").await;
        let (status, segment) = supervisor
            .post_json(SEGMENTS, json!({"name": "独居老人", "rule": sixty_plus_alone()}))
            .await;
        assert_eq!(status, 201, "{segment}");
        // Due tomorrow: the submit starts no sender (only a campaign due now does), so the two
        // "instances" below are the only ones sending it.
        let tomorrow = Utc::now() + chrono::Duration::days(1);
        let (status, draft) = supervisor
            .post_json(
                CAMPAIGNS,
                json!({"name": "分批", "service_code": code, "message": "{name}您好",
                       "segment_id": segment["summary"]["id"], "scheduled_at": tomorrow}),
            )
            .await;
        assert_eq!(status, 201, "{draft}");
        let id = draft["id"].as_i64().expect("id");
        let (status, submitted) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 200, "{submitted}");
        assert_eq!(submitted["status"], "scheduled");

        // Two instances send it at once, five recipients a batch.
        let at = tomorrow + chrono::Duration::minutes(1);
        let drain = || async {
            let mut batches = Vec::new();
            loop {
                let sent = store::campaigns::send_next(&app.db, at, 5).await.expect("sends");
                if sent.is_empty() {
                    return batches;
                }
                batches.extend(sent);
            }
        };
        let (one, two) = tokio::join!(drain(), drain());
        let mut batches: Vec<_> = one.into_iter().chain(two).collect();
        batches.sort_by_key(|b| b.after);
        assert_eq!(batches.first().map(|b| b.after), Some(0));
        for pair in batches.windows(2) {
            assert_eq!(pair[0].through, pair[1].after, "batches follow each other, none twice");
        }
        assert_eq!(batches.len() as i64, (expected + 4) / 5, "five recipients a batch");
        assert!(batches.iter().all(|b| b.reached <= 5));
        assert_eq!(batches.iter().map(|b| b.reached as i64).sum::<i64>(), expected);

        let sent = sent(&supervisor, id).await;
        assert_eq!(sent["audience"], expected, "the number reached");
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(DISTINCT resident_id) FROM recommendation WHERE campaign_id = {id}")).await,
            expected
        );
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {id}")).await,
            expected,
            "one each"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM notification WHERE kind = 'recommendation'").await,
            expected,
            "one message each"
        );
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM campaign_recipient WHERE campaign_id = {id}")).await,
            0,
            "the list of recipients goes once it is sent"
        );
    }

    // Submitting freezes the rule: the segment edited afterwards (to a rule nobody matches)
    // changes nothing the campaign sends. And a campaign that has grown past the approval
    // threshold by the time it starts goes back to a supervisor instead of out.
    async fn a_submitted_campaign_keeps_its_rule_and_rechecks_the_threshold(app) {
        let (_, code) = fresh_service(&app).await;
        let expected = reachable_members(&app).await;
        let supervisor = app.staff("supervisor").await;
        let tomorrow = Utc::now() + chrono::Duration::days(1);
        let mut ids = Vec::new();
        for name in ["冻结", "复核"] {
            let (_, segment) = supervisor.post_json(SEGMENTS, json!({"name": name, "rule": sixty_plus_alone()})).await;
            let segment_id = segment["summary"]["id"].as_i64().expect("segment id");
            let (status, draft) = supervisor
                .post_json(CAMPAIGNS, json!({"name": name, "service_code": code, "message": "{name}您好",
                                             "segment_id": segment_id, "scheduled_at": tomorrow}))
                .await;
            assert_eq!(status, 201, "{draft}");
            let id = draft["id"].as_i64().expect("id");
            let (_, submitted) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
            assert_eq!(submitted["status"], "scheduled", "{submitted}");
            ids.push((id, segment_id));
        }
        let (frozen, segment_id) = ids[0];
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM campaign WHERE id = {frozen} AND frozen_rule IS NOT NULL AND approval_above = 1000")).await,
            1,
            "the rule and the threshold are frozen at submit"
        );
        let (status, _) = supervisor
            .send_json(reqwest::Method::PUT, &format!("{SEGMENTS}/{segment_id}"),
                       json!({"name": "改过", "rule": {"is": {"kind": "age", "min": 130, "max": null}}}))
            .await;
        assert_eq!(status, 200);
        // The second grows past its threshold (as if a thousand residents had moved in).
        let (rechecked, _) = ids[1];
        app.db
            .execute_unprepared(&format!("UPDATE campaign SET approval_above = 0 WHERE id = {rechecked}"))
            .await
            .unwrap();

        let at = tomorrow + chrono::Duration::minutes(1);
        while !store::campaigns::send_next(&app.db, at, 500).await.expect("sends").is_empty() {}
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {frozen}")).await,
            expected,
            "sent to the rule it was submitted with"
        );
        let (_, waiting) = supervisor.get_json(&format!("{CAMPAIGNS}/{rechecked}")).await;
        assert_eq!(waiting["status"], "pending_approval", "{waiting}");
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {rechecked}")).await, 0);
        // Its audience was evaluated once, as its recipients were written, and all of that
        // was rolled back: no recipient left behind, the count it has now on record.
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM campaign_recipient WHERE campaign_id = {rechecked}")).await, 0);
        assert_eq!(waiting["audience"], expected, "{waiting}");
        assert!(waiting["sent_at"].is_null(), "{waiting}");
        // Once a supervisor approves it, it goes (to nobody new: the first one reached them all).
        let (status, _) = supervisor.post_json(&format!("{CAMPAIGNS}/{rechecked}/approve"), json!({})).await;
        assert_eq!(status, 200);
        while !store::campaigns::send_next(&app.db, at, 500).await.expect("sends").is_empty() {}
        assert_eq!(app.text(&format!("SELECT status FROM campaign WHERE id = {rechecked}")).await, "sent");
    }

    // A campaign due at once that reaches more residents than the approval threshold waits
    // for a supervisor: the submit evaluated its audience as it wrote its recipients, and
    // rolled all of that back. A head may not approve it; a supervisor's approval sends it.
    async fn a_large_campaign_due_now_waits_for_a_supervisor(app) {
        let app = crate::helpers::TestApp::configured(app.backend, |settings| {
            settings.campaign_approval_threshold = 1;
        })
        .await;
        let (_, code) = fresh_service(&app).await;
        let expected = reachable_members(&app).await;
        assert!(expected > 1, "the demo city has more than one such resident");
        let supervisor = app.staff("supervisor").await;
        let (id, _) = campaign(&supervisor, &code).await;

        let (status, submitted) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 200, "{submitted}");
        assert_eq!(submitted["status"], "pending_approval", "{submitted}");
        assert_eq!(submitted["audience"], expected, "the count it waits with");
        assert!(submitted["sent_at"].is_null(), "{submitted}");
        for table in ["campaign_recipient", "recommendation"] {
            assert_eq!(
                app.scalar(&format!("SELECT COUNT(*) FROM {table} WHERE campaign_id = {id}")).await,
                0,
                "nothing left in {table}"
            );
        }

        let head = app.staff("mz_head").await;
        let (status, _) = head.post_json(&format!("{CAMPAIGNS}/{id}/approve"), json!({})).await;
        assert_eq!(status, 403, "a head does not approve");
        let (status, approved) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/approve"), json!({})).await;
        assert_eq!(status, 200, "{approved}");
        let sent = sent(&supervisor, id).await;
        assert_eq!(sent["audience"], expected);
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {id}")).await,
            expected
        );
    }

    // A head runs campaigns for the department's own services to its own segments: not
    // another department's service, not another's segment, and another's campaigns are not
    // there for it.
    async fn a_head_campaigns_only_for_the_department(app) {
        let row = app.first_row(
            "SELECT d.code, s.code FROM department d JOIN service s ON s.department_id = d.id \
             JOIN staff st ON st.department_id = d.id AND st.role = 'department_head' \
             ORDER BY d.id, s.id LIMIT 1",
        ).await;
        let (ours, our_service): (String, String) = (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap());
        let row = app.first_row(&format!(
            "SELECT d.code, s.code FROM department d JOIN service s ON s.department_id = d.id \
             JOIN staff st ON st.department_id = d.id AND st.role = 'department_head' \
             WHERE d.code <> '{ours}' ORDER BY d.id, s.id LIMIT 1"
        )).await;
        let (theirs, their_service): (String, String) = (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap());
        let head = app.staff(&format!("{ours}_head")).await;
        let other = app.staff(&format!("{theirs}_head")).await;
        let (_, segment) = head.post_json(SEGMENTS, json!({"name": "本部门", "rule": sixty_plus_alone()})).await;
        let segment_id = segment["summary"]["id"].as_i64().expect("segment id");
        let (_, their_segment) = other.post_json(SEGMENTS, json!({"name": "别的部门", "rule": sixty_plus_alone()})).await;
        let their_segment = their_segment["summary"]["id"].as_i64().expect("segment id");
        let draft = |service: &str, segment: i64| json!({"name": "试", "service_code": service, "message": "{name}您好", "segment_id": segment});

        let before = app.scalar("SELECT COUNT(*) FROM campaign").await;
        let (status, body) = head.post_json(CAMPAIGNS, draft(&their_service, segment_id)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "service_code");
        let (status, body) = head.post_json(CAMPAIGNS, draft(&our_service, their_segment)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "segment_id");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM campaign").await, before, "nothing stored");

        let (status, theirs_campaign) = other.post_json(CAMPAIGNS, draft(&their_service, their_segment)).await;
        assert_eq!(status, 201, "{theirs_campaign}");
        let id = theirs_campaign["id"].as_i64().expect("id");
        let (status, _) = head.get_json(&format!("{CAMPAIGNS}/{id}")).await;
        assert_eq!(status, 404);
        for action in ["submit", "cancel"] {
            let (status, _) = head.post_json(&format!("{CAMPAIGNS}/{id}/{action}"), json!({})).await;
            assert_eq!(status, 404, "{action}");
        }
        let (_, list) = head.get_json(CAMPAIGNS).await;
        assert!(list.as_array().unwrap().iter().all(|c| c["id"] != id), "not in the list");
        assert_eq!(app.text(&format!("SELECT status FROM campaign WHERE id = {id}")).await, "draft", "unchanged");
        let supervisor = app.staff("supervisor").await;
        let (status, _) = supervisor.get_json(&format!("{CAMPAIGNS}/{id}")).await;
        assert_eq!(status, 200, "supervisors see all");
    }

    async fn bad_drafts_change_nothing_and_clerks_may_not(app) {
        let supervisor = app.staff("supervisor").await;
        let before = app.scalar("SELECT COUNT(*) FROM campaign").await;
        let (status, body) = supervisor
            .post_json(
                CAMPAIGNS,
                json!({"name": "", "service_code": "NO-SUCH", "segment_id": 999999,
                       "message": "{nmae}您好", "frequency_cap": 0}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let fields: Vec<&str> = body["errors"].as_array().expect("errors").iter()
            .filter_map(|e| e["field"].as_str()).collect();
        for field in ["name", "message", "frequency_cap", "service_code", "segment_id"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM campaign").await, before);

        let clerk = app.staff("mz_clerk").await;
        let (status, _) = clerk.get_json(CAMPAIGNS).await;
        assert_eq!(status, 403);
    }
}
