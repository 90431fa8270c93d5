//! The ratings closed loop over HTTP, on SQLite and PostgreSQL: a decided task invites a
//! rating; one rating per task inside its window; a bad review opens a rectification the
//! department answers or appeals; the resident re-rates the answer (不满意 escalates to a
//! supervisor); a supervisor decides appeals and escalations; silence closes an answered case.

use crate::helpers::{Session, TestApp};
use serde_json::{Value, json};

const DEPT: &str = "mz";

/// A decided case: completes an approved demo case (of a single service) that belongs to a
/// resident with an online account and has no rating yet. Returns its number, the
/// resident's session and the code of the case's department.
async fn decided_case<'a>(app: &'a TestApp) -> (String, Session<'a>, String) {
    let row = app
        .first_row(&format!(
            "SELECT a.number, d.code FROM application a JOIN task t ON t.application_id = a.id \
             JOIN department d ON d.id = t.department_id JOIN resident r ON r.id = a.resident_id \
             WHERE t.status = 'approved' AND a.bundle_id IS NULL \
             AND r.password_hash IS NOT NULL AND r.mobile IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM rating x WHERE x.application_id = a.id) \
             ORDER BY CASE WHEN d.code = '{DEPT}' THEN 0 ELSE 1 END, a.id LIMIT 1"
        ))
        .await;
    let number: String = row.try_get_by_index(0).expect("number");
    let dept: String = row.try_get_by_index(1).expect("department");
    let clerk = app.staff(&format!("{dept}_clerk")).await;
    let (status, body) = clerk
        .post_json(
            &format!("/api/v1/staff/cases/{number}/actions"),
            json!({"action": "complete"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mobile = app
        .text(&format!(
            "SELECT r.mobile FROM resident r JOIN application a ON a.resident_id = r.id \
             WHERE a.number = '{number}'"
        ))
        .await;
    let session = app.sign_in(&mobile, crate::helpers::DEMO_PASSWORD).await;
    (number, session, dept)
}

async fn rectification_of(app: &TestApp, number: &str) -> i64 {
    app.scalar(&format!(
        "SELECT c.id FROM rectification c JOIN rating r ON r.id = c.rating_id \
         JOIN application a ON a.id = r.application_id WHERE a.number = '{number}'"
    ))
    .await
}

async fn status_of(app: &TestApp, rectification: i64) -> String {
    app.text(&format!(
        "SELECT status FROM rectification WHERE id = {rectification}"
    ))
    .await
}

async fn ratings_of(app: &TestApp, number: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM rating r JOIN application a ON a.id = r.application_id \
         WHERE a.number = '{number}'"
    ))
    .await
}

fn ratings_path(number: &str) -> String {
    format!("/api/v1/me/applications/{number}/ratings")
}

fn actions(id: i64) -> String {
    format!("/api/v1/staff/rectifications/{id}/actions")
}

on_both_backends! {
    async fn a_bad_review_opens_a_case_the_department_answers_and_the_resident_escalates(app) {
        let (number, resident, dept) = decided_case(&app).await;
        // The decision invited the rating: a message, and the prompt on the page.
        let invitations = app.scalar(&format!(
            "SELECT COUNT(*) FROM notification n JOIN application a ON a.resident_id = n.resident_id \
             WHERE a.number = '{number}' AND n.kind = 'rating_invitation' AND n.body LIKE '%{number}%'"
        )).await;
        assert_eq!(invitations, 1);
        let (status, prompts) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(status, 200, "{prompts}");
        assert_eq!(prompts[0]["state"], "invited");
        assert!(prompts[0]["closes_at"].is_string());

        // 1 star with the national indicators, a cause and a comment.
        let (status, rating) = resident.post_json(&ratings_path(&number), json!({
            "score": 1,
            "indicators": {"efficiency": 2, "guide_accuracy": 1},
            "tags": ["materials_inaccurate", "repeat_visits"],
            "comment": "材料清单上没写要户口本原件，白跑一趟"
        })).await;
        assert_eq!(status, 201, "{rating}");
        assert_eq!(rating["score"], 1);
        assert_eq!(rating["rectification"]["status"], "open");
        // The department has 5 working days (the default policy) to answer.
        let calendar = store::calendar::load(&app.db).await.unwrap();
        let expected = store::ratings::working_days_after(&calendar, chrono::Utc::now(), 5);
        let due: chrono::DateTime<chrono::Utc> = rating["rectification"]["due_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(due, expected);
        // Tied to the task's department, service and the staff who handled it.
        let row = app.first_row(&format!(
            "SELECT r.department_id, t.department_id, r.service_id, t.service_id, r.staff_id, t.assigned_staff_id \
             FROM rating r JOIN task t ON t.id = r.task_id JOIN application a ON a.id = r.application_id \
             WHERE a.number = '{number}'"
        )).await;
        let ids: Vec<Option<i64>> = (0..6).map(|i| row.try_get_by_index::<Option<i64>>(i).unwrap()).collect();
        assert_eq!(ids[0], ids[1]);
        assert_eq!(ids[2], ids[3]);
        assert_eq!(ids[4], ids[5]);
        assert!(ids[4].is_some(), "the handling clerk is recorded");

        // 一事一评: a second rating is refused and stores nothing.
        let (status, body) = resident.post_json(&ratings_path(&number), json!({"score": 5})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "already_rated");
        assert_eq!(ratings_of(&app, &number).await, 1);

        // The department sees it with its deadline; the rater stays anonymous to it.
        let id = rectification_of(&app, &number).await;
        let clerk = app.staff(&format!("{dept}_clerk")).await;
        let (status, list) = clerk.get_json("/api/v1/staff/rectifications").await;
        assert_eq!(status, 200);
        let row = list["rows"].as_array().unwrap().iter().find(|r| r["id"] == id).expect("listed");
        assert_eq!(row["status"], "open");
        // Nor which application was rated, which would tell who rated.
        assert_eq!(row["application_number"], Value::Null, "{row}");
        let (status, home) = clerk.get_json("/api/v1/staff/home").await;
        assert_eq!(status, 200);
        assert!(home["rectifications_waiting"].as_u64().unwrap() >= 1);
        let (status, case) = clerk.get_json(&format!("/api/v1/staff/rectifications/{id}")).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["rater"], Value::Null);
        assert_eq!(case["application_number"], Value::Null);
        assert!(!case.to_string().contains(number.as_str()), "the number nowhere in {case}");
        assert_eq!(case["comment"], "材料清单上没写要户口本原件，白跑一趟");
        assert_eq!(case["can_answer"], true);
        let supervisor = app.staff("supervisor").await;
        let (_, seen) = supervisor.get_json(&format!("/api/v1/staff/rectifications/{id}")).await;
        let name = app.text(&format!(
            "SELECT r.name FROM resident r JOIN application a ON a.resident_id = r.id WHERE a.number = '{number}'"
        )).await;
        assert_eq!(seen["rater"], name.as_str(), "supervisors see who rated");
        assert_eq!(seen["application_number"], number.as_str(), "and what was rated");
        // Nor does the resident's record tell the department what they rated.
        let resident_id = app.scalar(&format!("SELECT resident_id FROM application WHERE number = '{number}'")).await;
        let (status, record) = clerk.get_json(&format!("/api/v1/staff/residents/{resident_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(record["ratings"], json!([]));
        let (_, record) = supervisor.get_json(&format!("/api/v1/staff/residents/{resident_id}")).await;
        assert!(record["ratings"].as_array().unwrap().iter().any(|r| r["score"] == 1), "{record}");
        // Another department neither lists nor opens it.
        let other = app.staff(if dept == "ga" { "mz_clerk" } else { "ga_clerk" }).await;
        let (status, _) = other.get_json(&format!("/api/v1/staff/rectifications/{id}")).await;
        assert_eq!(status, 404);
        let (_, theirs) = other.get_json("/api/v1/staff/rectifications").await;
        assert!(!theirs["rows"].as_array().unwrap().iter().any(|r| r["id"] == id));

        // Bad answers change nothing.
        let (status, body) = clerk.post_json(&actions(id), json!({"intent": "answer", "classification": "on_the_spot", "answer": "  "})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "answer");
        let (status, body) = clerk.post_json(&actions(id), json!({"intent": "answer", "classification": "by_deadline", "answer": "将更新材料清单"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "fix_due_on");
        assert_eq!(status_of(&app, id).await, "open");
        // The supervisor decides nothing here yet; a reviewer may answer.
        let (status, _) = supervisor.post_json(&actions(id), json!({"intent": "resolve", "note": "x"})).await;
        assert_eq!(status, 409);

        let (status, case) = clerk.post_json(&actions(id), json!({
            "intent": "answer", "classification": "on_the_spot",
            "answer": "已在办事指南中补充“户口本原件”，并向您致歉。"
        })).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "answered");
        assert!(case["answered_by"].as_str().is_some());
        let answered = app.scalar(&format!(
            "SELECT COUNT(*) FROM notification n JOIN application a ON a.resident_id = n.resident_id \
             WHERE a.number = '{number}' AND n.kind = 'rectification'"
        )).await;
        assert_eq!(answered, 1, "the resident is told");

        // The resident sees the answer and re-rates it: 不满意 escalates to a supervisor.
        let (_, prompts) = resident.get_json(&ratings_path(&number)).await;
        let r = &prompts[0]["rating"]["rectification"];
        assert_eq!(r["status"], "answered");
        assert_eq!(r["classification"], "on_the_spot");
        assert_eq!(r["can_give_feedback"], true);
        let feedback = format!("/api/v1/me/applications/{number}/rectification-feedback");
        let (status, body) = resident.post_json(&feedback, json!({"feedback": "maybe"})).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = resident.post_json(&feedback, json!({"feedback": "unsatisfied", "comment": "还是没解决"})).await;
        assert_eq!(status, 204);
        assert_eq!(status_of(&app, id).await, "escalated");
        let (status, _) = resident.post_json(&feedback, json!({"feedback": "satisfied"})).await;
        assert_eq!(status, 409, "one re-rating");

        // The department cannot touch it now; the supervisor resolves it with a note.
        let (status, _) = clerk.post_json(&actions(id), json!({"intent": "answer", "classification": "explained", "answer": "x"})).await;
        assert_eq!(status, 409);
        let (status, body) = supervisor.post_json(&actions(id), json!({"intent": "resolve", "note": ""})).await;
        assert_eq!(status, 422, "{body}");
        let (status, case) = supervisor.post_json(&actions(id), json!({"intent": "resolve", "note": "已督促部门上门补办，群众认可。"})).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "closed");
        assert!(case["closed_at"].is_string());
        let (_, prompts) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(prompts[0]["rating"]["rectification"]["resolution"], "已督促部门上门补办，群众认可。");
        // Every staff step is in the audit log.
        let audited = app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('rectification.answer', 'rectification.resolve')"
        ).await;
        assert_eq!(audited, 2);
    }

    async fn an_appeal_is_decided_by_a_supervisor_and_an_upheld_one_leaves_the_figures(app) {
        let supervisor = app.staff("supervisor").await;
        let (first, resident, dept) = decided_case(&app).await;
        let clerk = app.staff(&format!("{dept}_clerk")).await;
        let (status, _) = resident.post_json(&ratings_path(&first), json!({"score": 2, "tags": ["slow"]})).await;
        assert_eq!(status, 201);
        let id = rectification_of(&app, &first).await;
        // An appeal needs a reason; clerks cannot decide it.
        let (status, _) = clerk.post_json(&actions(id), json!({"intent": "appeal", "reason": " "})).await;
        assert_eq!(status, 422);
        let (status, case) = clerk.post_json(&actions(id), json!({"intent": "appeal", "reason": "该申请当天办结，评价与事实不符"})).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "appealed");
        let (status, _) = clerk.post_json(&actions(id), json!({"intent": "uphold", "note": "x"})).await;
        assert_eq!(status, 403);
        // The resident sees that it is being checked, not the department's reasons.
        let (_, prompts) = resident.get_json(&ratings_path(&first)).await;
        assert_eq!(prompts[0]["rating"]["rectification"]["status"], "appealed");
        assert!(!prompts.to_string().contains("评价与事实不符"));
        // Rejected: back to the department, which must answer; no second appeal.
        let (status, case) = supervisor.post_json(&actions(id), json!({"intent": "reject", "note": "办理确有延误"})).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "open");
        assert_eq!(case["appeal_status"], "rejected");
        let (status, _) = clerk.post_json(&actions(id), json!({"intent": "appeal", "reason": "再次申诉"})).await;
        assert_eq!(status, 409);
        assert_eq!(status_of(&app, id).await, "open");

        // Upheld: closed, the rating kept on record but excluded.
        let (second, resident2, dept2) = decided_case(&app).await;
        let clerk2 = app.staff(&format!("{dept2}_clerk")).await;
        resident2.post_json(&ratings_path(&second), json!({"score": 1})).await;
        let id2 = rectification_of(&app, &second).await;
        let (status, _) = clerk2.post_json(&actions(id2), json!({"intent": "appeal", "reason": "恶意评价"})).await;
        assert_eq!(status, 200);
        let (status, case) = supervisor.post_json(&actions(id2), json!({"intent": "uphold", "note": "核实为误评"})).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "closed");
        assert_eq!(case["excluded"], true);
        assert_eq!(app.scalar(&format!(
            "SELECT COUNT(*) FROM rating r JOIN application a ON a.id = r.application_id \
             WHERE a.number = '{second}' AND r.excluded = TRUE"
        )).await, 1);

        // The appeal window is 3 working days from the bad review.
        let (third, resident3, dept3) = decided_case(&app).await;
        let clerk3 = app.staff(&format!("{dept3}_clerk")).await;
        resident3.post_json(&ratings_path(&third), json!({"score": 1})).await;
        let id3 = rectification_of(&app, &third).await;
        let past = "2026-01-05 00:00:00+00:00";
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rectification SET appeal_due_at = '{past}' WHERE id = {id3}"
        )).await.unwrap();
        let (status, body) = clerk3.post_json(&actions(id3), json!({"intent": "appeal", "reason": "恶意评价"})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "window_closed");
        assert_eq!(status_of(&app, id3).await, "open");
    }

    async fn a_stored_value_that_does_not_read_is_an_internal_error_not_a_default(app) {
        let (number, resident, _) = decided_case(&app).await;
        let (status, rating) = resident.post_json(&ratings_path(&number), json!({
            "score": 2, "tags": ["slow"]
        })).await;
        assert_eq!(status, 201, "{rating}");
        let id = rectification_of(&app, &number).await;
        let (status, prompts) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(status, 200, "{prompts}");
        assert_eq!(prompts[0]["rating"]["rectification"]["status"], "open");
        // A status no version of Minsheng writes: the page must not pretend the case is open.
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rectification SET status = 'lost' WHERE id = {id}"
        )).await.unwrap();
        let (status, body) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(status, 500, "{body}");
        assert_eq!(body["code"], "internal");
        assert!(!body.to_string().contains("lost"), "the stored value is not shown: {body}");
        // Mended, it reads again; then a tag no version knows is an error too, not dropped.
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rectification SET status = 'open' WHERE id = {id}"
        )).await.unwrap();
        let (status, _) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(status, 200);
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rating SET tags = '[\"slow\", \"lovely\"]' WHERE id = \
             (SELECT rating_id FROM rectification WHERE id = {id})"
        )).await.unwrap();
        let (status, body) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(status, 500, "{body}");
        assert_eq!(body["code"], "internal");
    }

    async fn a_rating_is_given_once_inside_its_window_and_only_for_a_decided_task(app) {
        let (number, resident, _) = decided_case(&app).await;
        // Bad input: 422 and nothing stored.
        for body in [json!({}), json!({"score": 6}), json!({"score": 4, "tags": ["lovely"]})] {
            let (status, answer) = resident.post_json(&ratings_path(&number), body.clone()).await;
            assert_eq!(status, 422, "{body} → {answer}");
        }
        assert_eq!(ratings_of(&app, &number).await, 0);
        // Another resident cannot rate it (nor see that it exists).
        let stranger = app.resident(3).await;
        let (status, _) = stranger.post_json(&ratings_path(&number), json!({"score": 5})).await;
        assert_eq!(status, 404);
        // After the window (5 working days from the decision) it has lapsed.
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE task SET completed_at = '2026-01-05 02:00:00+00:00' \
             WHERE application_id = (SELECT id FROM application WHERE number = '{number}')"
        )).await.unwrap();
        let (_, prompts) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(prompts[0]["state"], "lapsed");
        let (status, body) = resident.post_json(&ratings_path(&number), json!({"score": 5})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "window_closed");
        assert_eq!(ratings_of(&app, &number).await, 0);
        // A task still being handled cannot be rated.
        let (any_open, owner) = {
            let row = app.first_row(
                "SELECT a.number, r.mobile FROM application a JOIN task t ON t.application_id = a.id \
                 JOIN resident r ON r.id = a.resident_id WHERE t.status = 'accepted' \
                 AND r.password_hash IS NOT NULL AND r.mobile IS NOT NULL AND a.bundle_id IS NULL LIMIT 1"
            ).await;
            (row.try_get_by_index::<String>(0).unwrap(), row.try_get_by_index::<String>(1).unwrap())
        };
        let owner = app.sign_in(&owner, crate::helpers::DEMO_PASSWORD).await;
        let (status, body) = owner.post_json(&ratings_path(&any_open), json!({"score": 5})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "invalid_state_change");
        let (_, prompts) = owner.get_json(&ratings_path(&any_open)).await;
        assert_eq!(prompts, json!([]));
        // A good rating opens no rectification.
        let (good, resident2, _) = decided_case(&app).await;
        let (status, rating) = resident2.post_json(&ratings_path(&good), json!({"score": 4, "tags": ["fast"]})).await;
        assert_eq!(status, 201, "{rating}");
        assert_eq!(rating["rectification"], Value::Null);
        assert_eq!(app.scalar(&format!(
            "SELECT COUNT(*) FROM rectification c JOIN rating r ON r.id = c.rating_id \
             JOIN application a ON a.id = r.application_id WHERE a.number = '{good}'"
        )).await, 0);
    }

    async fn satisfaction_closes_the_case_and_silence_closes_it_after_the_feedback_window(app) {
        let (first, resident, dept) = decided_case(&app).await;
        let clerk = app.staff(&format!("{dept}_clerk")).await;
        resident.post_json(&ratings_path(&first), json!({"score": 2})).await;
        let id = rectification_of(&app, &first).await;
        let (status, _) = clerk.post_json(&actions(id), json!({
            "intent": "answer", "classification": "by_deadline", "answer": "月底前上线材料预审",
            "fix_due_on": "2099-12-31"
        })).await;
        assert_eq!(status, 200);
        let feedback = format!("/api/v1/me/applications/{first}/rectification-feedback");
        let (status, _) = resident.post_json(&feedback, json!({"feedback": "basically_satisfied"})).await;
        assert_eq!(status, 204);
        assert_eq!(status_of(&app, id).await, "closed");
        assert_eq!(app.text(&format!("SELECT resident_feedback FROM rectification WHERE id = {id}")).await, "basically_satisfied");

        let (second, resident2, dept2) = decided_case(&app).await;
        let clerk2 = app.staff(&format!("{dept2}_clerk")).await;
        resident2.post_json(&ratings_path(&second), json!({"score": 1})).await;
        let id2 = rectification_of(&app, &second).await;
        let (status, _) = clerk2.post_json(&actions(id2), json!({"intent": "answer", "classification": "explained", "answer": "依法须本人到场核验"})).await;
        assert_eq!(status, 200);
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rectification SET feedback_due_at = '2026-01-05 00:00:00+00:00' WHERE id = {id2}"
        )).await.unwrap();
        let feedback = format!("/api/v1/me/applications/{second}/rectification-feedback");
        let (status, body) = resident2.post_json(&feedback, json!({"feedback": "unsatisfied"})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "window_closed");
        // The job closes it (and only it: an answered case inside its window stays).
        let closed = store::ratings::close_lapsed(&app.db, chrono::Utc::now()).await.unwrap();
        assert!(closed >= 1);
        assert_eq!(status_of(&app, id2).await, "closed");
        let again = store::ratings::close_lapsed(&app.db, chrono::Utc::now()).await.unwrap();
        assert_eq!(again, 0);
    }

    async fn a_supervisor_returns_an_escalated_case_to_the_department_with_an_instruction(app) {
        let (number, resident, dept) = decided_case(&app).await;
        let clerk = app.staff(&format!("{dept}_clerk")).await;
        let supervisor = app.staff("supervisor").await;
        resident.post_json(&ratings_path(&number), json!({"score": 1})).await;
        let id = rectification_of(&app, &number).await;
        clerk.post_json(&actions(id), json!({"intent": "answer", "classification": "explained", "answer": "按规定办理"})).await;
        let feedback = format!("/api/v1/me/applications/{number}/rectification-feedback");
        let (status, _) = resident.post_json(&feedback, json!({"feedback": "unsatisfied"})).await;
        assert_eq!(status, 204);
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE rectification SET due_at = '2026-01-05 00:00:00+00:00' WHERE id = {id}"
        )).await.unwrap();
        let (status, case) = supervisor.post_json(&actions(id), json!({"intent": "return", "note": "请上门核实并重新答复"})).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(case["status"], "open");
        assert_eq!(case["instruction"], "请上门核实并重新答复");
        assert_eq!(case["overdue"], false, "a new deadline from today");
        assert_eq!(app.scalar(&format!(
            "SELECT COUNT(*) FROM escalation WHERE rectification_id = {id} AND status = 'open'"
        )).await, 1);
        // The department sees the instruction and answers again; the instruction is met.
        let (_, seen) = clerk.get_json(&format!("/api/v1/staff/rectifications/{id}")).await;
        assert_eq!(seen["instruction"], "请上门核实并重新答复");
        let (status, _) = clerk.post_json(&actions(id), json!({"intent": "answer", "classification": "on_the_spot", "answer": "已上门补办"})).await;
        assert_eq!(status, 200);
        assert_eq!(status_of(&app, id).await, "answered");
        assert_eq!(app.scalar(&format!(
            "SELECT COUNT(*) FROM escalation WHERE rectification_id = {id} AND status = 'resolved'"
        )).await, 1);
        // The resident can re-rate the new answer.
        let (_, prompts) = resident.get_json(&ratings_path(&number)).await;
        assert_eq!(prompts[0]["rating"]["rectification"]["answer"], "已上门补办");
        assert_eq!(prompts[0]["rating"]["rectification"]["can_give_feedback"], true);
    }

    async fn the_plain_forms_rate_answer_and_re_rate_without_javascript(app) {
        let (number, resident, dept) = decided_case(&app).await;
        let task = app.scalar(&format!(
            "SELECT t.id FROM task t JOIN application a ON a.id = t.application_id WHERE a.number = '{number}'"
        )).await.to_string();
        let form = format!("/forms/applications/{number}/rating");
        // No score: back to the page with the problem; nothing stored.
        let response = resident.post_form(&form, &[("task_id", &task), ("comment", "太慢")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("/me/applications/{number}")), "{location}");
        assert_eq!(ratings_of(&app, &number).await, 0);
        let page = resident.get(&location).await.text().await.unwrap();
        assert!(page.contains("error-summary"), "the page shows the problem");
        assert!(page.contains("太慢"), "the comment typed is kept");
        // With a score and two tags (a repeated field).
        let response = resident.post_form(&form, &[
            ("task_id", &task), ("score", "1"), ("indicator_efficiency", "1"),
            ("tags", "slow"), ("tags", "materials_inaccurate"), ("comment", "等了很久"),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        let tags = app.text(&format!(
            "SELECT CAST(r.tags AS TEXT) FROM rating r JOIN application a ON a.id = r.application_id WHERE a.number = '{number}'"
        )).await;
        assert!(tags.contains("slow") && tags.contains("materials_inaccurate"), "{tags}");
        let page = resident.get(&format!("/me/applications/{number}")).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"given-rating\""), "the page shows the rating given");
        // The department answers through the console form.
        let id = rectification_of(&app, &number).await;
        let clerk = app.staff(&format!("{dept}_clerk")).await;
        let page = clerk.get(&format!("/admin/rectifications/{id}")).await.text().await.unwrap();
        assert!(page.contains("answer-form"), "the console page offers the answer form");
        let response = clerk.post_form(&format!("/admin/forms/rectifications/{id}"), &[
            ("intent", "answer"), ("classification", "on_the_spot"), ("answer", "已当场补正指南"),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(status_of(&app, id).await, "answered");
        // The resident re-rates on the page.
        let page = resident.get(&format!("/me/applications/{number}")).await.text().await.unwrap();
        assert!(page.contains("已当场补正指南") && page.contains("feedback-form"));
        let response = resident.post_form(&format!("/forms/applications/{number}/rectification"), &[("feedback", "satisfied")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(status_of(&app, id).await, "closed");
    }
}
