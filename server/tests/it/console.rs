//! The staff console over HTTP, on SQLite and PostgreSQL: the access matrix (every staff
//! endpoint × every role × own or other department), two staff acting on one case at once,
//! a case worked from submitted to completed with the resident seeing each step, masking and
//! recorded reveals, tags, the audit log and its CSV, staff sessions, and staff sign-in.

use crate::helpers::{Session, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// Cases of one department in one task status (single-service applications).
async fn cases_in(app: &TestApp, department: &str, status: &str, count: usize) -> Vec<String> {
    let sql = format!(
        "SELECT a.number FROM application a JOIN task t ON t.application_id = a.id \
         JOIN department d ON d.id = t.department_id \
         WHERE d.code = '{department}' AND t.status = '{status}' AND a.bundle_id IS NULL \
         ORDER BY a.id LIMIT {count}"
    );
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .expect("query");
    let numbers: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert_eq!(
        numbers.len(),
        count,
        "demo cases of {department} in {status}"
    );
    numbers
}

/// The department whose clerk plays "another department" for a case of `department` and
/// whose resident has no case there.
async fn other_department(app: &TestApp, number: &str, department: &str) -> String {
    app.text(&format!(
        "SELECT d.code FROM department d WHERE d.code <> '{department}' AND NOT EXISTS ( \
           SELECT 1 FROM task t JOIN application a ON a.id = t.application_id \
           WHERE t.department_id = d.id AND a.resident_id = \
             (SELECT resident_id FROM application WHERE number = '{number}')) \
         ORDER BY d.id LIMIT 1"
    ))
    .await
}

async fn resident_of(app: &TestApp, number: &str) -> i64 {
    app.scalar(&format!(
        "SELECT resident_id FROM application WHERE number = '{number}'"
    ))
    .await
}

async fn audit_count(app: &TestApp, condition: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {condition}"))
        .await
}

async fn task_version(app: &TestApp, number: &str) -> i64 {
    app.scalar(&format!(
        "SELECT CAST(t.version AS BIGINT) FROM task t JOIN application a ON a.id = t.application_id \
         WHERE a.number = '{number}'"
    ))
    .await
}

async fn task_status(app: &TestApp, number: &str) -> String {
    app.text(&format!(
        "SELECT t.status FROM task t JOIN application a ON a.id = t.application_id \
         WHERE a.number = '{number}'"
    ))
    .await
}

/// The six people of the matrix, for a case of department `own`.
async fn people<'a>(app: &'a TestApp, own: &str, other: &str) -> Vec<(&'static str, Session<'a>)> {
    vec![
        ("clerk", app.staff(&format!("{own}_clerk")).await),
        ("reviewer", app.staff(&format!("{own}_reviewer")).await),
        ("head", app.staff(&format!("{own}_head")).await),
        ("other_clerk", app.staff(&format!("{other}_clerk")).await),
        ("other_head", app.staff(&format!("{other}_head")).await),
        ("supervisor", app.staff("supervisor").await),
        ("admin", app.staff("admin").await),
    ]
}

const DEPT: &str = "mz";

on_both_backends! {
    async fn every_staff_endpoint_allows_exactly_each_roles_scope(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let resident = resident_of(&app, &number).await;
        let other = other_department(&app, &number, DEPT).await;
        let people = people(&app, DEPT, &other).await;
        // (who, expected status) per read endpoint.
        let reads: Vec<(String, [u16; 7])> = vec![
            ("/api/v1/staff/me".into(), [200, 200, 200, 200, 200, 200, 200]),
            ("/api/v1/staff/home".into(), [200, 200, 200, 200, 200, 200, 200]),
            ("/api/v1/staff/queue".into(), [200, 200, 200, 200, 200, 200, 200]),
            (format!("/api/v1/staff/cases/{number}"), [200, 200, 200, 404, 404, 200, 200]),
            (format!("/api/v1/staff/residents/{resident}"), [200, 200, 200, 404, 404, 200, 200]),
            ("/api/v1/staff/audit".into(), [403, 403, 403, 403, 403, 200, 200]),
            ("/api/v1/staff/audit.csv".into(), [403, 403, 403, 403, 403, 200, 200]),
            ("/api/v1/staff/sessions".into(), [403, 403, 403, 403, 403, 403, 200]),
            ("/api/v1/staff/reports/2025-03".into(), [403, 403, 200, 403, 200, 200, 403]),
            ("/api/v1/staff/alerts".into(), [403, 403, 200, 403, 200, 200, 403]),
            ("/api/v1/staff/reports/2025-03/csv".into(), [403, 403, 200, 403, 200, 200, 403]),
        ];
        for (path, expected) in &reads {
            for ((who, session), want) in people.iter().zip(expected) {
                let status = session.get(path).await.status().as_u16();
                assert_eq!(status, *want, "{who} GET {path}");
            }
            // Without a staff session: 401, also with a resident's cookie.
            assert_eq!(app.client.get(app.url(path)).send().await.unwrap().status().as_u16(), 401, "anonymous GET {path}");
        }
        let resident_session = app.resident(1).await;
        assert_eq!(resident_session.get("/api/v1/staff/home").await.status().as_u16(), 401);

        // Writes: reveal, tag, comment, end a session that does not exist.
        let tag = app.text("SELECT code FROM tag ORDER BY id LIMIT 1").await;
        let writes: Vec<(String, Value, [u16; 7])> = vec![
            (format!("/api/v1/staff/residents/{resident}/reveal"), json!({"field": "id_number", "reason": "核对身份"}), [200, 200, 200, 404, 404, 200, 403]),
            (format!("/api/v1/staff/residents/{resident}/tags"), json!({"tag": tag, "reason": "走访核实"}), [204, 204, 204, 404, 404, 403, 403]),
            (format!("/api/v1/staff/cases/{number}/actions"), json!({"action": "comment", "text": "已电话联系", "internal": true}), [200, 200, 200, 404, 404, 200, 403]),
            ("/api/v1/staff/residents/search".into(), json!({"q": "13800000001"}), [200, 200, 200, 200, 200, 200, 200]),
        ];
        for (path, body, expected) in &writes {
            for ((who, session), want) in people.iter().zip(expected) {
                let (status, response) = session.post_json(path, body.clone()).await;
                assert_eq!(status, *want, "{who} POST {path}: {response}");
            }
        }
        for ((who, session), want) in people.iter().zip([403, 403, 403, 403, 403, 403, 404]) {
            let (status, _) = session.send_json(reqwest::Method::DELETE, "/api/v1/staff/sessions/0123456789ab", json!({})).await;
            assert_eq!(status, want, "{who} ends a session");
        }

        // Case actions by role: approve needs a reviewer or head of the department. A
        // refused attempt changes nothing, so the next person tries the same case.
        let accepted = cases_in(&app, DEPT, "accepted", 4).await;
        let mut next_case = accepted.iter().skip(1);
        let mut number = next_case.next().unwrap();
        for ((who, session), want) in people.iter().zip([403, 200, 200, 403, 404, 403, 403]) {
            let (status, body) = session.post_json(&format!("/api/v1/staff/cases/{number}/actions"), json!({"action": "approve"})).await;
            assert_eq!(status, want, "{who} approves: {body}");
            if want == 200 {
                assert_eq!(task_status(&app, number).await, "approved");
                number = next_case.next().unwrap_or(number);
            } else {
                assert_eq!(task_status(&app, number).await, "accepted", "{who}'s refused approval changed nothing");
            }
        }
        // Accept needs a clerk or head.
        let submitted = cases_in(&app, DEPT, "submitted", 3).await;
        let mut next_case = submitted.iter();
        let mut number = next_case.next().unwrap();
        for ((who, session), want) in people.iter().zip([200, 403, 200, 404, 404, 403, 403]) {
            let (status, body) = session.post_json(&format!("/api/v1/staff/cases/{number}/actions"), json!({"action": "accept"})).await;
            assert_eq!(status, want, "{who} accepts: {body}");
            if want == 200 {
                assert_eq!(task_status(&app, number).await, "accepted");
                number = next_case.next().unwrap_or(number);
            } else {
                assert_eq!(task_status(&app, number).await, "submitted", "{who}'s refused acceptance changed nothing");
            }
        }
    }

    async fn two_staff_acting_at_once_one_wins_the_other_gets_a_conflict(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let reviewer = app.staff(&format!("{DEPT}_reviewer")).await;
        let head = app.staff(&format!("{DEPT}_head")).await;
        let version = task_version(&app, &number).await;
        let path = format!("/api/v1/staff/cases/{number}/actions");
        // Both saw the same version; both act at the same moment.
        let approve = reviewer.post_json(&path, json!({"action": "approve", "version": version}));
        let reject = head.post_json(&path, json!({"action": "reject", "reason": "材料不全", "version": version}));
        let ((a, _), (b, body)) = tokio::join!(approve, reject);
        let mut statuses = [a, b];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "one wins, one conflicts ({body})");
        let status = task_status(&app, &number).await;
        assert!(status == "approved" || status == "rejected");
        assert_eq!(task_version(&app, &number).await, version + 1, "exactly one change");
        let events = app.scalar(&format!(
            "SELECT COUNT(*) FROM application_event e JOIN application a ON a.id = e.application_id \
             WHERE a.number = '{number}' AND e.kind IN ('approved', 'rejected')"
        )).await;
        assert_eq!(events, 1);
        // A stale version later is a conflict too, with the error shape.
        let (status, body) = reviewer.post_json(&path, json!({"action": "comment", "text": "x", "version": version})).await;
        assert_eq!(status, 409);
        assert_eq!(body["code"], "conflict");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }

    async fn a_case_goes_from_submitted_to_completed_and_the_resident_sees_each_step(app) {
        // A case of a resident with an online account, so that their side can be checked.
        let number = app.text(&format!(
            "SELECT a.number FROM application a JOIN task t ON t.application_id = a.id \
             JOIN department d ON d.id = t.department_id JOIN resident r ON r.id = a.resident_id \
             WHERE d.code = '{DEPT}' AND t.status = 'submitted' AND a.bundle_id IS NULL \
             AND r.password_hash IS NOT NULL AND r.mobile IS NOT NULL ORDER BY a.id LIMIT 1"
        )).await;
        let resident = resident_of(&app, &number).await;
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        let reviewer = app.staff(&format!("{DEPT}_reviewer")).await;
        let path = format!("/api/v1/staff/cases/{number}/actions");
        let (status, case) = clerk.get_json(&format!("/api/v1/staff/cases/{number}")).await;
        assert_eq!(status, 200);
        assert_eq!(case["tasks"][0]["actions"], json!(["accept", "request_supplement", "assign", "comment"]));
        let (status, _) = clerk.post_json(&path, json!({"action": "accept", "version": case["tasks"][0]["version"]})).await;
        assert_eq!(status, 200);
        // Supplement without a note: 422, nothing changes.
        let (status, body) = clerk.post_json(&path, json!({"action": "request_supplement", "materials": [0], "note": "  "})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "note");
        assert_eq!(task_status(&app, &number).await, "accepted");
        // An internal note and a public one.
        clerk.post_json(&path, json!({"action": "comment", "text": "内部：已核对户籍", "internal": true})).await;
        clerk.post_json(&path, json!({"action": "comment", "text": "您的材料已收到", "internal": false})).await;
        // Reject needs a reason.
        let (status, body) = reviewer.post_json(&path, json!({"action": "reject", "reason": ""})).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = reviewer.post_json(&path, json!({"action": "approve", "comment": "符合条件"})).await;
        assert_eq!(status, 200);
        let (status, detail) = clerk.post_json(&path, json!({"action": "complete"})).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "completed");
        // The staff timeline shows the internal note, marked.
        let internal: Vec<&Value> = detail["timeline"].as_array().unwrap().iter().filter(|e| e["internal"] == true).collect();
        assert_eq!(internal.len(), 1);
        // The resident's timeline: every step, no internal note, staff shown by department only.
        let mobile = app.text(&format!("SELECT mobile FROM resident WHERE id = {resident}")).await;
        let session = app.sign_in(&mobile, crate::helpers::DEMO_PASSWORD).await;
        let (status, mine) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(status, 200);
        let text = mine["timeline"].to_string();
        assert!(text.contains("accepted") && text.contains("approved") && text.contains("completed"));
        assert!(text.contains("您的材料已收到"));
        assert!(!text.contains("内部：已核对户籍"), "internal notes never reach the resident");
        assert!(!text.contains(&format!("{DEPT}_clerk")));
        let notes = app.scalar(&format!(
            "SELECT COUNT(*) FROM notification WHERE resident_id = {resident} AND body LIKE '%{number}%'"
        )).await;
        assert!(notes >= 4, "accept, public note, approve, complete each sent a message: {notes}");
        // Every write was audited with actor, role, department and IP.
        let writes = audit_count(&app, &format!(
            "action IN ('application.accept', 'application.approve', 'application.complete', 'application.comment') \
             AND target_kind = 'application' AND resident_id = {resident} AND actor_role IS NOT NULL \
             AND actor_department_id IS NOT NULL AND ip IS NOT NULL"
        )).await;
        assert_eq!(writes, 5);
    }

    async fn the_case_page_form_acts_and_a_post_it_cannot_read_changes_nothing(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        let form = format!("/admin/forms/cases/{number}");
        let version = task_version(&app, &number).await.to_string();
        // A version that is not a number, an action that does not exist, a handover to
        // nobody: back to the case page with the problem shown; the task is as it was.
        let bad: [&[(&str, &str)]; 3] = [
            &[("action", "request_supplement"), ("version", "x"), ("materials", "0"), ("note", "请补充")],
            &[("action", "delete"), ("version", &version)],
            &[("action", "assign"), ("version", &version), ("to", "")],
        ];
        for fields in bad {
            let response = clerk.post_form(&form, fields).await;
            assert_eq!(response.status().as_u16(), 303, "{fields:?}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(location.starts_with(&format!("/admin/cases/{number}")), "{location}");
            let page = clerk.get(&location).await.text().await.unwrap();
            assert!(page.contains("data-testid=\"console-error\""), "the page shows the problem of {fields:?}");
            assert_eq!(task_status(&app, &number).await, "accepted", "{fields:?} changed nothing");
            assert_eq!(task_version(&app, &number).await.to_string(), version);
        }
        // A supplement request naming two materials (a repeated field) with a note.
        let response = clerk.post_form(&form, &[
            ("action", "request_supplement"), ("version", &version),
            ("materials", "0"), ("materials", "1"), ("note", "请上传清晰的户口簿"),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(task_status(&app, &number).await, "supplement_requested");
        let (_, case) = clerk.get_json(&format!("/api/v1/staff/cases/{number}")).await;
        assert_eq!(case["detail"]["supplement"]["materials"], json!([0, 1]), "{case}");
        assert_eq!(case["detail"]["supplement"]["note"], "请上传清晰的户口簿");
    }

    async fn a_supplement_pauses_the_clock_and_the_resubmission_resumes_it(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        let path = format!("/api/v1/staff/cases/{number}/actions");
        let (status, body) = clerk.post_json(&path, json!({"action": "request_supplement", "materials": [0], "note": "请上传清晰的户口簿"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(task_status(&app, &number).await, "supplement_requested");
        let paused = app.scalar(&format!(
            "SELECT COUNT(*) FROM task t JOIN application a ON a.id = t.application_id WHERE a.number = '{number}' AND t.paused_at IS NOT NULL"
        )).await;
        assert_eq!(paused, 1);
        let (_, case) = clerk.get_json(&format!("/api/v1/staff/cases/{number}")).await;
        assert_eq!(case["detail"]["supplement"]["note"], "请上传清晰的户口簿");
        assert_eq!(case["tasks"][0]["urgency"], "normal", "a paused task is never overdue");
    }

    async fn assigning_goes_to_a_colleague_of_the_same_department_only(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let head = app.staff(&format!("{DEPT}_head")).await;
        let path = format!("/api/v1/staff/cases/{number}/actions");
        let reviewer_id = app.scalar(&format!("SELECT id FROM staff WHERE username = '{DEPT}_reviewer'")).await;
        let outsider = app.scalar("SELECT id FROM staff WHERE username = 'supervisor'").await;
        let (status, _) = head.post_json(&path, json!({"action": "assign", "to": outsider})).await;
        assert_eq!(status, 400);
        let (status, _) = head.post_json(&path, json!({"action": "assign", "to": reviewer_id})).await;
        assert_eq!(status, 200);
        let assigned = app.scalar(&format!(
            "SELECT t.assigned_staff_id FROM task t JOIN application a ON a.id = t.application_id WHERE a.number = '{number}'"
        )).await;
        assert_eq!(assigned, reviewer_id);
        let reviewer = app.staff(&format!("{DEPT}_reviewer")).await;
        let (_, queue) = reviewer.get_json("/api/v1/staff/queue?mine=true").await;
        assert!(queue["rows"].as_array().unwrap().iter().any(|r| r["number"] == number.as_str()));
    }

    async fn the_queue_filters_counts_and_pages_within_the_department(app) {
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        let department_id = app.scalar(&format!("SELECT id FROM department WHERE code = '{DEPT}'")).await;
        let (status, page) = clerk.get_json("/api/v1/staff/queue").await;
        assert_eq!(status, 200);
        let open = app.scalar(&format!(
            "SELECT COUNT(*) FROM task WHERE department_id = {department_id} \
             AND status IN ('submitted', 'accepted', 'supplement_requested', 'approved')"
        )).await;
        assert_eq!(page["total"], open);
        assert!(page["rows"].as_array().unwrap().len() <= 50);
        // Sorted by due date, tasks without one last.
        let dues: Vec<Option<String>> = page["rows"].as_array().unwrap().iter().map(|r| r["due_at"].as_str().map(str::to_owned)).collect();
        let mut seen_none = false;
        let mut last: Option<String> = None;
        for due in &dues {
            match due {
                None => seen_none = true,
                Some(d) => {
                    assert!(!seen_none, "a dated task after an undated one");
                    if let Some(previous) = &last { assert!(previous <= d, "{previous} > {d}"); }
                    last = Some(d.clone());
                }
            }
        }
        let submitted = app.scalar(&format!("SELECT COUNT(*) FROM task WHERE department_id = {department_id} AND status = 'submitted'")).await;
        let counted = page["counts"].as_array().unwrap().iter().find(|c| c["status"] == "submitted").unwrap()["count"].as_i64().unwrap();
        assert_eq!(counted, submitted);
        let (_, filtered) = clerk.get_json("/api/v1/staff/queue?status=submitted").await;
        assert_eq!(filtered["total"], submitted);
        assert!(filtered["rows"].as_array().unwrap().iter().all(|r| r["status"] == "submitted"));
        // Overdue: accepted tasks past their due time, here made so.
        let [late] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        app.db.execute_unprepared(&format!(
            "UPDATE task SET due_at = '2020-01-01 00:00:00+00:00' WHERE application_id = (SELECT id FROM application WHERE number = '{late}')"
        )).await.unwrap();
        let (_, overdue) = clerk.get_json("/api/v1/staff/queue?due=overdue").await;
        assert!(overdue["rows"].as_array().unwrap().iter().any(|r| r["number"] == late.as_str() && r["urgency"] == "overdue"));
        let (_, home) = clerk.get_json("/api/v1/staff/home").await;
        assert!(home["overdue"].as_i64().unwrap() >= 1);
        // Another department's tasks never show, whatever the filter asks.
        let other = app.scalar(&format!("SELECT id FROM department WHERE code <> '{DEPT}' ORDER BY id LIMIT 1")).await;
        let (_, page) = clerk.get_json(&format!("/api/v1/staff/queue?department={other}")).await;
        assert_eq!(page["total"], open);
        // Page 2 follows page 1 without overlap.
        if open > 50 {
            let (_, second) = clerk.get_json("/api/v1/staff/queue?page=2").await;
            let first: Vec<&Value> = page["rows"].as_array().unwrap().iter().map(|r| &r["task_id"]).collect();
            assert!(second["rows"].as_array().unwrap().iter().all(|r| !first.contains(&&r["task_id"])));
        }
        // A bad filter is refused with the error shape.
        let (status, body) = clerk.get_json("/api/v1/staff/queue?status=nonsense").await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], "invalid_parameter");
    }

    async fn personal_data_is_masked_and_a_reveal_needs_a_reason_and_is_seen_by_the_resident(app) {
        let resident_session = app.resident(1).await;
        let number = app.text(
            "SELECT a.number FROM application a JOIN task t ON t.application_id = a.id \
             WHERE a.resident_id = 1 AND a.bundle_id IS NULL ORDER BY a.id LIMIT 1"
        ).await;
        let department = app.text(&format!(
            "SELECT d.code FROM department d JOIN task t ON t.department_id = d.id \
             JOIN application a ON a.id = t.application_id WHERE a.number = '{number}'"
        )).await;
        let clerk = app.staff(&format!("{department}_clerk")).await;
        let id_number = app.text("SELECT id_number FROM resident WHERE id = 1").await;
        let mobile = app.text("SELECT mobile FROM resident WHERE id = 1").await;
        let (status, record) = clerk.get_json("/api/v1/staff/residents/1").await;
        assert_eq!(status, 200);
        let shown = record["id_number"].as_str().unwrap();
        assert_eq!(shown, format!("{}********{}", &id_number[..6], &id_number[14..]));
        assert_eq!(record["mobile"].as_str().unwrap(), format!("{}****{}", &mobile[..3], &mobile[7..]));
        assert!(!record.to_string().contains(&id_number), "the full ID number never leaves unrevealed");
        let (_, case) = clerk.get_json(&format!("/api/v1/staff/cases/{number}")).await;
        assert!(!case.to_string().contains(&id_number), "nor in the case's answers");
        // No reason: 422, nothing recorded.
        let reveals = audit_count(&app, "action = 'resident.reveal_id_number'").await;
        let (status, body) = clerk.post_json("/api/v1/staff/residents/1/reveal", json!({"field": "id_number", "reason": " "})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(audit_count(&app, "action = 'resident.reveal_id_number'").await, reveals);
        let (status, body) = clerk.post_json("/api/v1/staff/residents/1/reveal", json!({"field": "id_number", "reason": "窗口核验身份"})).await;
        assert_eq!(status, 200);
        assert_eq!(body["value"], id_number.as_str());
        assert_eq!(audit_count(&app, "action = 'resident.reveal_id_number' AND reason = '窗口核验身份' AND resident_id = 1").await, 1);
        // The resident sees which department looked, and when.
        let (status, accesses) = resident_session.get_json("/api/v1/me/record-accesses").await;
        assert_eq!(status, 200);
        let actions: Vec<&str> = accesses.as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"resident.view") && actions.contains(&"resident.reveal_id_number") && actions.contains(&"application.view"), "{actions:?}");
        assert!(accesses.as_array().unwrap().iter().all(|a| a["department"]["zh"].is_string()));
        // Another resident sees none of it.
        let (_, theirs) = app.resident(2).await.get_json("/api/v1/me/record-accesses").await;
        assert!(theirs.as_array().unwrap().iter().all(|a| a["action"] != "resident.reveal_id_number"));
    }

    // Need to know: a department's clerk sees of a resident only what concerns the
    // department — its own applications, tags its own staff added, no street address — while
    // a supervisor sees the whole record.
    async fn a_department_sees_only_its_part_of_a_residents_record(app) {
        let row = app.first_row(
            "SELECT a.resident_id, MIN(t.department_id), MAX(t.department_id) FROM application a \
             JOIN task t ON t.application_id = a.id WHERE a.status <> 'draft' \
             GROUP BY a.resident_id HAVING COUNT(DISTINCT t.department_id) >= 2 ORDER BY a.resident_id LIMIT 1",
        ).await;
        let resident: i64 = row.try_get_by_index(0).unwrap();
        let (first, second): (i64, i64) = (row.try_get_by_index(1).unwrap(), row.try_get_by_index(2).unwrap());
        let ours = app.text(&format!("SELECT code FROM department WHERE id = {first}")).await;
        let theirs = app.text(&format!("SELECT code FROM department WHERE id = {second}")).await;
        let other_clerk = app.staff(&format!("{theirs}_clerk")).await;
        let tag = app.text(&format!(
            "SELECT code FROM tag WHERE id NOT IN (SELECT tag_id FROM resident_tag WHERE resident_id = {resident}) ORDER BY id LIMIT 1"
        )).await;
        let path = format!("/api/v1/staff/residents/{resident}");
        let (status, _) = other_clerk.post_json(&format!("{path}/tags"), json!({"tag": tag, "reason": "另一部门的走访记录"})).await;
        assert_eq!(status, 204);

        let clerk = app.staff(&format!("{ours}_clerk")).await;
        let (status, record) = clerk.get_json(&path).await;
        assert_eq!(status, 200);
        let own = app.scalar(&format!(
            "SELECT COUNT(DISTINCT a.id) FROM application a JOIN task t ON t.application_id = a.id \
             WHERE a.resident_id = {resident} AND a.status <> 'draft' AND t.department_id = {first}"
        )).await;
        let listed = record["applications"].as_array().unwrap();
        assert_eq!(listed.len() as i64, own, "only the department's own applications: {listed:?}");
        for application in listed {
            let number = application["number"].as_str().unwrap();
            let in_ours = app.scalar(&format!(
                "SELECT COUNT(*) FROM task t JOIN application a ON a.id = t.application_id \
                 WHERE a.number = '{number}' AND t.department_id = {first}"
            )).await;
            assert!(in_ours > 0, "{number} is not {ours}'s");
        }
        assert!(!record["tags"].as_array().unwrap().iter().any(|t| t["code"] == tag.as_str()), "another department's tag");
        assert!(!record.to_string().contains("另一部门的走访记录"));
        assert_eq!(record["address"], Value::Null, "no street address");
        let address = app.text(&format!("SELECT address FROM resident WHERE id = {resident}")).await;
        assert!(!record.to_string().contains(&address), "the address nowhere");

        let supervisor = app.staff("supervisor").await;
        let (_, whole) = supervisor.get_json(&path).await;
        assert!(whole["applications"].as_array().unwrap().len() as i64 > own, "every department's");
        assert!(whole["tags"].as_array().unwrap().iter().any(|t| t["code"] == tag.as_str()));
        assert_eq!(whole["address"], address.as_str());
    }

    // Searching residents is recorded with what was searched, masked; typed wildcards match
    // literally; what is searched travels in a body, never in an address.
    async fn resident_searches_are_audited_masked_and_match_wildcards_literally(app) {
        let supervisor = app.staff("supervisor").await;
        let search = "/api/v1/staff/residents/search";
        let (status, hits) = supervisor.post_json(search, json!({"q": "%"})).await;
        assert_eq!(status, 200);
        assert_eq!(hits, json!([]), "'%' is a character, not everyone");
        let (status, hits) = supervisor.post_json(search, json!({"q": "_"})).await;
        assert_eq!(status, 200);
        assert_eq!(hits, json!([]));
        let mobile = crate::helpers::demo_mobile(1);
        let (_, hits) = supervisor.post_json(search, json!({"q": mobile})).await;
        assert_eq!(hits.as_array().unwrap().len(), 1);
        assert_eq!(audit_count(&app, "action = 'resident.search'").await, 3);
        assert_eq!(supervisor.get(&format!("/api/v1/staff/residents?q={mobile}")).await.status().as_u16(), 404, "no search by address");
        // The console's form: posted, the results on the search page, the number in no URL.
        let response = supervisor.post_form("/admin/forms/residents/search", &[("q", &mobile)]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/admin/residents?at=") && !location.contains(&mobile), "{location}");
        let page = supervisor.get(&location).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"resident-hits\""), "the results");
        assert!(page.contains(&format!("{}****{}", &mobile[..3], &mobile[7..])), "masked in the list");
        let masked = format!("mobile {}****{} · 1 found", &mobile[..3], &mobile[7..]);
        assert_eq!(audit_count(&app, &format!("action = 'resident.search' AND reason = '{masked}'")).await, 2, "the API's and the page's");
        assert_eq!(audit_count(&app, &format!("reason LIKE '%{mobile}%'")).await, 0, "never the full number");
    }

    async fn the_record_page_form_reveals_and_refuses_a_field_it_does_not_know(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "submitted", 1).await).unwrap();
        let resident = resident_of(&app, &number).await;
        let mobile = app.text(&format!("SELECT mobile FROM resident WHERE id = {resident}")).await;
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        let form = format!("/admin/forms/residents/{resident}/reveal");
        let reveals = audit_count(&app, "action LIKE 'resident.reveal_%'").await;
        let response = clerk.post_form(&form, &[("field", "password_hash"), ("reason", "看看")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let page = clerk.get(&location).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"console-error\""), "the page shows the problem");
        assert_eq!(audit_count(&app, "action LIKE 'resident.reveal_%'").await, reveals, "nothing revealed");
        let response = clerk.post_form(&form, &[("field", "mobile"), ("reason", "电话回访")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let page = clerk.get(&location).await.text().await.unwrap();
        assert!(page.contains(&mobile), "the page shows the number in full");
        assert_eq!(audit_count(&app, &format!(
            "action = 'resident.reveal_mobile' AND reason = '电话回访' AND resident_id = {resident}"
        )).await, 1);
    }

    async fn tags_are_added_and_removed_with_a_reason_on_record(app) {
        let head = app.staff(&format!("{DEPT}_head")).await;
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "submitted", 1).await).unwrap();
        let resident = resident_of(&app, &number).await;
        let tag = app.text(&format!(
            "SELECT code FROM tag WHERE id NOT IN (SELECT tag_id FROM resident_tag WHERE resident_id = {resident}) ORDER BY id LIMIT 1"
        )).await;
        let path = format!("/api/v1/staff/residents/{resident}/tags");
        let (status, _) = head.post_json(&path, json!({"tag": tag, "reason": ""})).await;
        assert_eq!(status, 422);
        let (status, _) = head.post_json(&path, json!({"tag": "no_such_tag", "reason": "x"})).await;
        assert_eq!(status, 400);
        let (status, _) = head.post_json(&path, json!({"tag": tag, "reason": "入户走访确认"})).await;
        assert_eq!(status, 204);
        let (_, record) = head.get_json(&format!("/api/v1/staff/residents/{resident}")).await;
        assert!(record["tags"].as_array().unwrap().iter().any(|t| t["code"] == tag.as_str() && t["reason"] == "入户走访确认"));
        let (status, _) = head.post_json(&format!("{path}/{tag}/remove"), json!({"reason": "情况已变化"})).await;
        assert_eq!(status, 204);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM resident_tag rt JOIN tag t ON t.id = rt.tag_id WHERE rt.resident_id = {resident} AND t.code = '{tag}'")).await, 0);
        assert_eq!(audit_count(&app, &format!("action = 'resident.tag_remove.{tag}' AND reason = '情况已变化'")).await, 1);
    }

    async fn supervisors_search_the_audit_log_and_export_it_but_nobody_can_change_it(app) {
        let [number] = <[String; 1]>::try_from(cases_in(&app, DEPT, "accepted", 1).await).unwrap();
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        clerk.get(&format!("/api/v1/staff/cases/{number}")).await;
        let supervisor = app.staff("supervisor").await;
        let (status, page) = supervisor.get_json(&format!("/api/v1/staff/audit?actor={DEPT}_clerk&action=application.view")).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 1);
        assert_eq!(page["entries"][0]["actor_username"], format!("{DEPT}_clerk"));
        let (_, by_prefix) = supervisor.get_json(&format!("/api/v1/staff/audit?actor={DEPT}_clerk&action=application.")).await;
        assert_eq!(by_prefix["total"], 1);
        let (_, nobody) = supervisor.get_json("/api/v1/staff/audit?actor=no_such_user").await;
        assert_eq!(nobody["total"], 0);
        let (_, future) = supervisor.get_json("/api/v1/staff/audit?from=2099-01-01").await;
        assert_eq!(future["total"], 0);
        let response = supervisor.get(&format!("/api/v1/staff/audit.csv?actor={DEPT}_clerk")).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = response.text().await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].contains("actor") && lines[0].starts_with('\u{feff}'));
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[1].contains("application.view") && lines[1].contains(&format!("{DEPT}_clerk")));
        // Append-only, down to the database.
        assert!(app.db.execute_unprepared("UPDATE audit_log SET reason = 'x'").await.is_err());
        assert!(app.db.execute_unprepared("DELETE FROM audit_log").await.is_err());
        assert!(audit_count(&app, "1 = 1").await >= 2);
    }

    async fn an_administrator_ends_a_staff_session(app) {
        let clerk = app.staff(&format!("{DEPT}_clerk")).await;
        assert_eq!(clerk.get("/api/v1/staff/me").await.status().as_u16(), 200);
        let admin = app.staff("admin").await;
        let (status, sessions) = admin.get_json("/api/v1/staff/sessions").await;
        assert_eq!(status, 200);
        let id = sessions.as_array().unwrap().iter().find(|s| s["username"] == format!("{DEPT}_clerk")).unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 12);
        let (status, _) = admin.send_json(reqwest::Method::DELETE, &format!("/api/v1/staff/sessions/{id}"), json!({})).await;
        assert_eq!(status, 204);
        assert_eq!(clerk.get("/api/v1/staff/me").await.status().as_u16(), 401);
        assert_eq!(audit_count(&app, "action = 'staff_session.end'").await, 1);
    }

    async fn staff_sign_in_is_separate_and_throttled(app) {
        // A resident's password does not open the console, nor a staff one the portal.
        let response = app.post_json("/api/v1/staff/session", json!({"username": "13800000001", "password": crate::helpers::DEMO_PASSWORD})).await;
        assert_eq!(response.status().as_u16(), 401);
        let response = app.post_json("/api/v1/session", json!({"account": "admin", "password": crate::helpers::DEMO_PASSWORD})).await;
        assert_eq!(response.status().as_u16(), 401);
        let cookie = app.staff("supervisor").await.cookie;
        assert!(cookie.starts_with("ms_staff="));
        for _ in 0..5 {
            let response = app.post_json("/api/v1/staff/session", json!({"username": "admin", "password": "wrong-password"})).await;
            assert_eq!(response.status().as_u16(), 401);
        }
        let response = app.post_json("/api/v1/staff/session", json!({"username": "admin", "password": crate::helpers::DEMO_PASSWORD})).await;
        assert_eq!(response.status().as_u16(), 429, "cooling down even with the right password");
    }
}
