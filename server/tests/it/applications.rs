//! Applying and following applications over HTTP: the prefilled form, drafts, attachments,
//! idempotent submission, taking back to correct, withdrawal, supplements with the paused clock, the live stream,
//! the plain-form flow, and that no resident reaches another's data.
use domain::ids::{ApplicationNumber, StaffId};

use crate::helpers::{Session, TestApp};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::Duration;
use store::workflow::{self, StaffAction};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A valid answer for a field of the given kind.
fn valid_answer(field: &Value) -> Option<String> {
    let answer = match field["kind"].as_str()? {
        "text" => "测试".to_owned(),
        "number" => "3".to_owned(),
        "date" => "2026-01-15".to_owned(),
        "choice" => field["options"][0]["zh"].as_str()?.to_owned(),
        "id_number" => "11010519491231002X".to_owned(),
        "phone" => "13800000009".to_owned(),
        "address" => "西湖区文三路 1 号".to_owned(),
        _ => return None,
    };
    Some(answer)
}

/// The first published service whose detail `pick` takes something from, with that.
async fn first_service<T>(app: &TestApp, pick: impl Fn(&Value) -> Option<T>) -> (Value, T) {
    let (_, page) = app.get_json("/api/v1/services?page_size=50").await;
    for item in page["items"].as_array().unwrap() {
        let code = item["code"].as_str().unwrap();
        let (_, detail) = app.get_json(&format!("/api/v1/services/{code}")).await;
        if let Some(picked) = pick(&detail) {
            return (detail, picked);
        }
    }
    panic!("no service of the demo catalogue is the one this test needs");
}

/// A published service with at least one material to upload and one required question.
async fn service_with_uploads(app: &TestApp) -> Value {
    let (service, ()) = first_service(app, |detail| {
        let uploads = detail["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["required"] == true && m["form"] != "exempt");
        let questions = detail["form_fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["required"] == true);
        (uploads && questions).then_some(())
    })
    .await;
    service
}

/// A published service whose form has a free-text question; (service, the question's key).
async fn service_with_free_text(app: &TestApp) -> (Value, String) {
    first_service(app, |detail| {
        detail["form_fields"]
            .as_array()
            .unwrap()
            .iter()
            // Not the applicant's name: the profile fills that one in.
            .find(|f| f["kind"] == "text" && f["key"] != domain::form::APPLICANT_NAME)
            .map(|f| f["key"].as_str().unwrap().to_owned())
    })
    .await
}

fn all_answers(service: &Value) -> Value {
    let mut answers = serde_json::Map::new();
    for field in service["form_fields"].as_array().unwrap() {
        if let Some(answer) = valid_answer(field) {
            answers.insert(field["key"].as_str().unwrap().to_owned(), answer.into());
        }
    }
    Value::Object(answers)
}

fn upload_indexes(service: &Value) -> Vec<usize> {
    service["materials"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, m)| m["required"] == true && m["form"] != "exempt")
        .map(|(i, _)| i)
        .collect()
}

async fn upload(
    session: &Session<'_>,
    number: &str,
    material: usize,
    name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part(format!("material_{material}"), part);
    let response = session
        .post_multipart(
            &format!("/api/v1/me/applications/{number}/attachments"),
            form,
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A complete, submitted application of `session` for `service`; returns its number.
async fn submitted_application(session: &Session<'_>, service: &Value) -> String {
    submitted_with(session, service, all_answers(service)).await
}

/// A submitted application of `session` for `service` with these answers.
async fn submitted_with(session: &Session<'_>, service: &Value, answers: Value) -> String {
    let (status, form) = session
        .post_json(
            "/api/v1/me/applications",
            json!({ "service_code": service["code"], "answers": answers }),
        )
        .await;
    assert_eq!(status, 201, "{form}");
    let number = form["number"].as_str().unwrap().to_owned();
    for material in upload_indexes(service) {
        let (status, body) = upload(session, &number, material, "证明.pdf", PDF).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, detail) = session
        .post_json(
            &format!("/api/v1/me/applications/{number}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    number
}

/// Acts as the head of the department whose task the action applies to (the first such
/// task, for a bundle).
async fn staff_act(
    app: &TestApp,
    number: &str,
    action: StaffAction,
) -> store::applications::Outcome {
    let from = match action {
        StaffAction::Accept => "'submitted'",
        StaffAction::RequestSupplement { .. } => "'submitted', 'accepted'",
        StaffAction::Approve { .. } | StaffAction::Reject { .. } => "'accepted'",
        StaffAction::Complete => "'approved'",
        _ => "'submitted', 'accepted', 'supplement_requested', 'approved'",
    };
    let head = app
        .scalar(&format!(
            "SELECT s.id FROM staff s JOIN task t ON t.department_id = s.department_id \
             JOIN application a ON a.id = t.application_id \
             WHERE a.number = '{number}' AND s.role = 'department_head' AND t.status IN ({from}) \
             ORDER BY t.id LIMIT 1"
        ))
        .await;
    let member = store::staff_accounts::member(&app.db, StaffId(head))
        .await
        .unwrap()
        .expect("an active head");
    let actor = store::StaffActor { member, ip: None };
    let calendar = store::calendar::load(&app.db).await.unwrap();
    workflow::act(
        &app.db,
        &calendar,
        &actor,
        &ApplicationNumber::from(number),
        None,
        action,
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("staff action")
}

on_both_backends! {
    // A resident who writes their ID and mobile numbers into a free-text answer sees them on
    // their application; staff — the department's clerk and a supervisor alike — see them
    // masked there, and nowhere in any staff answer in full.
    async fn staff_see_numbers_written_in_free_text_masked(app) {
        let resident = app.resident(1).await;
        let id_number = app.text("SELECT id_number FROM resident WHERE id = 1").await;
        let mobile = app.text("SELECT mobile FROM resident WHERE id = 1").await;
        let (service, key) = service_with_free_text(&app).await;
        let mut answers = all_answers(&service);
        let spaced = format!("{} {} {}", &mobile[..3], &mobile[3..7], &mobile[7..]);
        answers[&key] = format!("身份证{id_number}，电话 {spaced}，白天联系").into();
        let number = submitted_with(&resident, &service, answers).await;

        let (_, own) = resident.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert!(own.to_string().contains(&id_number), "the resident sees what they wrote");

        let masked_id = format!("{}********{}", &id_number[..6], &id_number[14..]);
        let masked_mobile = format!("{}****{}", &mobile[..3], &mobile[7..]);
        let department = app.text(&format!(
            "SELECT d.code FROM department d JOIN task t ON t.department_id = d.id \
             JOIN application a ON a.id = t.application_id WHERE a.number = '{number}'"
        )).await;
        for username in [format!("{department}_clerk"), "supervisor".to_owned()] {
            let staff = app.staff(&username).await;
            let (status, case) = staff.get_json(&format!("/api/v1/staff/cases/{number}")).await;
            assert_eq!(status, 200, "{username}: {case}");
            let answer = case["detail"]["answers"][&key].as_str().unwrap();
            assert_eq!(answer, format!("身份证{masked_id}，电话 {masked_mobile}，白天联系"), "{username}");
            let (_, record) = staff.get_json("/api/v1/staff/residents/1").await;
            let (_, found) = staff.post_json("/api/v1/staff/residents/search", json!({"q": id_number})).await;
            for body in [&case, &record, &found] {
                let text = body.to_string();
                assert!(!text.contains(&id_number) && !text.contains(&mobile) && !text.contains(&spaced), "{username}: {text}");
            }
            assert_eq!(found[0]["id_number"], masked_id.as_str(), "{username}");
        }
    }

    async fn a_complete_application_is_submitted_once_with_a_number(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        let number = submitted_application(&session, &service).await;
        let pattern = number.len() == 18 && number.starts_with("MS-20") && number.as_bytes()[11] == b'-';
        assert!(pattern, "MS-YYYYMMDD-NNNNNN: {number}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 1);
        // A double click or a retry: still one application, one task.
        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(detail["status"], "submitted");
        let id = app.scalar(&format!("SELECT id FROM application WHERE number = '{number}'")).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM task WHERE application_id = {id}")).await, 1);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM application_event WHERE application_id = {id} AND kind = 'submitted'")).await, 1);
        assert_eq!(detail["timeline"].as_array().unwrap().len(), 1);
        assert_eq!(detail["timeline"][0]["kind"], "submitted");
        // The resident's inbox got a message.
        let (_, inbox) = session.get_json("/api/v1/me/notifications").await;
        assert!(inbox["items"][0]["body"].as_str().unwrap().contains(&number));
        assert!(inbox["unread"].as_i64().unwrap() >= 1);
        // And it is in "my applications".
        let (_, mine) = session.get_json("/api/v1/me/applications").await;
        assert!(mine.as_array().unwrap().iter().any(|a| a["number"] == number.as_str()));
    }

    async fn an_idempotency_key_makes_a_retried_start_one_draft(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        let mut numbers = Vec::new();
        for _ in 0..2 {
            let response = app
                .client
                .post(app.url("/api/v1/me/applications"))
                .header("cookie", &session.cookie)
                .header("idempotency-key", "retry-me-1")
                .json(&json!({ "service_code": service["code"] }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 201);
            let form: Value = response.json().await.unwrap();
            numbers.push(form["number"].as_str().unwrap().to_owned());
        }
        assert_eq!(numbers[0], numbers[1]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 1);
        // Twins at the same moment (a double click): one draft, no error.
        let twin = || {
            app.client
                .post(app.url("/api/v1/me/applications"))
                .header("cookie", &session.cookie)
                .header("idempotency-key", "twins-1")
                .json(&json!({ "service_code": service["code"] }))
                .send()
        };
        let (a, b) = tokio::join!(twin(), twin());
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
        let a: Value = a.json().await.unwrap();
        let b: Value = b.json().await.unwrap();
        assert_eq!(a["number"], b["number"]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 2);
        // A draft is never submitted by itself.
        let draft = app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{}' AND status = 'draft' AND submitted_at IS NULL", numbers[0])).await;
        assert_eq!(draft, 1);
    }

    async fn the_form_is_prefilled_and_problems_are_listed_per_field(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let (_, profile) = session.get_json("/api/v1/me/profile").await;
        let (status, form) = session.post_json("/api/v1/me/applications", json!({ "service_code": service["code"] })).await;
        assert_eq!(status, 201);
        assert_eq!(form["answers"]["applicant_name"], profile["name"]);
        assert_eq!(form["answers"]["applicant_id_number"], profile["id_number"]);
        let number = form["number"].as_str().unwrap();
        // Submitting the empty draft: every missing answer and file, and nothing changes.
        let response = app
            .client
            .post(app.url(&format!("/api/v1/me/applications/{number}/submit")))
            .header("cookie", &session.cookie)
            .header("accept-language", "zh-CN")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422);
        let body: Value = response.json().await.unwrap();
        let errors = body["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["code"] == "file_required" && e["field"].as_str().unwrap().starts_with("material_")));
        assert!(errors.iter().any(|e| e["code"] == "required"));
        assert!(errors.iter().all(|e| !e["message"].as_str().unwrap().is_empty()));
        let status = app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{number}' AND status = 'draft'")).await;
        assert_eq!(status, 1);
        // The identity cannot be changed through the form.
        let mut answers = all_answers(&service);
        answers["applicant_name"] = json!("别人");
        let (status, form) = session
            .send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), answers)
            .await;
        assert_eq!(status, 200);
        assert_eq!(form["answers"]["applicant_name"], profile["name"]);
        // What the resident gave once comes back in the next form ("fill once").
        let key = service["form_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "text" && f["prefill"].is_null())
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .expect("the service asks a text question of its own");
        {
            let other = service_with_uploads(&app).await;
            let (_, second) = session.post_json("/api/v1/me/applications", json!({ "service_code": other["code"] })).await;
            // A new application starts with what the resident gave before.
            assert_eq!(second["answers"][&key], "测试");
        }
    }

    // Uploads are limited: 30 files an application (422 on the material), 200 MB of an
    // applicant's files a day (429 with Retry-After); a refused file is not stored.
    async fn uploads_are_limited_per_application_and_per_day(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let (_, form) = session.post_json("/api/v1/me/applications", json!({ "service_code": service["code"] })).await;
        let number = form["number"].as_str().unwrap().to_owned();
        let material = upload_indexes(&service)[0];
        let (status, _) = upload(&session, &number, material, "一.pdf", PDF).await;
        assert_eq!(status, 201);
        let (application, resident): (i64, i64) = {
            let row = app.first_row(&format!("SELECT id, resident_id FROM application WHERE number = '{number}'")).await;
            (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap())
        };
        // Earlier today the resident handed in nearly 200 MB (elsewhere: no application).
        let earlier = (chrono::Utc::now() - chrono::Duration::hours(23)).to_rfc3339();
        let big = domain::application::DAILY_UPLOAD_BYTES - 10;
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO attachment (resident_id, file_name, content_type, size_bytes, sha256, created_at) \
                 VALUES ({resident}, 'earlier.pdf', 'application/pdf', {big}, 'x', '{earlier}')"
            ))
            .await
            .unwrap();
        let before = app.scalar("SELECT COUNT(*) FROM attachment").await;
        let response = session
            .post_multipart(
                &format!("/api/v1/me/applications/{number}/attachments"),
                reqwest::multipart::Form::new().part(format!("material_{material}"), reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("二.pdf")),
            )
            .await;
        assert_eq!(response.status().as_u16(), 429);
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((3000..=3600).contains(&retry_after), "about an hour, when the earlier files leave the day: {retry_after}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "upload_limit_reached");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM attachment").await, before, "nothing stored");

        // A day later the volume is free again, but the application is full.
        let two_days_ago = (chrono::Utc::now() - chrono::Duration::hours(48)).to_rfc3339();
        app.db.execute_unprepared(&format!("UPDATE attachment SET created_at = '{two_days_ago}' WHERE file_name = 'earlier.pdf'")).await.unwrap();
        for n in 1..domain::application::MAX_FILES_PER_APPLICATION {
            app.db
                .execute_unprepared(&format!(
                    "INSERT INTO attachment (resident_id, application_id, file_name, content_type, size_bytes, sha256, created_at) \
                     VALUES ({resident}, {application}, 'f{n}.pdf', 'application/pdf', 10, 'x', '{two_days_ago}')"
                ))
                .await
                .unwrap();
        }
        let (status, body) = upload(&session, &number, material, "三十一.pdf", PDF).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["code"], "too_many_files");
        assert_eq!(body["errors"][0]["field"], format!("material_{material}"));
    }

    async fn files_are_checked_by_content_and_kept_private(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let (_, form) = session.post_json("/api/v1/me/applications", json!({ "service_code": service["code"] })).await;
        let number = form["number"].as_str().unwrap().to_owned();
        let material = upload_indexes(&service)[0];
        let (status, body) = upload(&session, &number, material, "evil.pdf", b"MZ this is no pdf").await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["code"], "unsupported_file_type");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM attachment WHERE file_name = 'evil.pdf'").await, 0);
        let too_big = [PDF, &vec![b' '; 1024 * 1024 + 1]].concat();
        let (status, body) = upload(&session, &number, material, "big.pdf", &too_big).await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["code"], "file_too_large");
        let (status, body) = upload(&session, &number, material, "身份证 正面.pdf", PDF).await;
        assert_eq!(status, 201);
        let id = body["attachments"][0]["id"].as_i64().unwrap();
        let download = session.get(&format!("/api/v1/me/attachments/{id}")).await;
        assert_eq!(download.status().as_u16(), 200);
        let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(download.headers()["content-type"], "application/pdf");
        assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
        // The name it downloads under is the system's, from the checked type: a PDF sent as
        // `.hta` (which Windows would run) comes back as `材料-<id>.pdf`.
        let (status, body) = upload(&session, &number, material, "说明.hta", PDF).await;
        assert_eq!(status, 201, "{body}");
        let hta = body["attachments"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).max().unwrap();
        let download = session.get(&format!("/api/v1/me/attachments/{hta}")).await;
        let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(
            disposition,
            format!("attachment; filename=\"material-{hta}.pdf\"; filename*=UTF-8''%E6%9D%90%E6%96%99-{hta}.pdf")
        );
        // A PDF that runs a script is refused, and nothing is kept.
        let before = app.scalar("SELECT COUNT(*) FROM attachment").await;
        let active = b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF";
        let (status, body) = upload(&session, &number, material, "表格.pdf", active).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["code"], "active_content");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("脚本"), "{body}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM attachment").await, before);
        // Another resident: not found, nothing leaked.
        let other = app.resident(2).await;
        let response = other.get(&format!("/api/v1/me/attachments/{id}")).await;
        assert_eq!(response.status().as_u16(), 404);
        // No session at all: 401.
        assert_eq!(app.get(&format!("/api/v1/me/attachments/{id}")).await.status().as_u16(), 401);
    }

    async fn no_resident_reaches_another_residents_application(app) {
        let owner = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let number = submitted_application(&owner, &service).await;
        let other = app.resident(2).await;
        for path in [
            format!("/api/v1/me/applications/{number}"),
            format!("/api/v1/me/applications/{number}/form"),
        ] {
            let (status, body) = other.get_json(&path).await;
            assert_eq!(status, 404, "{path}");
            assert!(!body.to_string().contains(&number), "nothing leaked");
        }
        for path in ["withdraw", "submit"] {
            let (status, _) = other.post_json(&format!("/api/v1/me/applications/{number}/{path}"), json!({})).await;
            assert_eq!(status, 404, "{path}");
        }
        let (status, _) = other
            .send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), json!({}))
            .await;
        assert_eq!(status, 404);
        let (_, mine) = other.get_json("/api/v1/me/applications").await;
        assert!(!mine.to_string().contains(&number));
        let (_, inbox) = other.get_json("/api/v1/me/notifications").await;
        assert!(!inbox.to_string().contains(&number));
        let owners_message = app.scalar("SELECT MAX(id) FROM notification").await;
        let (status, _) = other.post_json("/api/v1/me/notifications/read", json!({ "id": owners_message })).await;
        assert_eq!(status, 404);
        // The plain form post is refused the same way.
        let response = other.post_form(&format!("/forms/applications/{number}/withdraw"), &[]).await;
        assert!(response.status().is_redirection());
        let still = app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{number}' AND status = 'submitted'")).await;
        assert_eq!(still, 1);
    }

    async fn withdrawal_only_before_a_decision(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let first = submitted_application(&session, &service).await;
        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{first}/withdraw"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(detail["status"], "withdrawn");
        assert_eq!(detail["can_withdraw"], false);
        let second = submitted_application(&session, &service).await;
        staff_act(&app, &second, StaffAction::Accept).await;
        staff_act(&app, &second, StaffAction::Approve { comment: None }).await;
        let (status, body) = session.post_json(&format!("/api/v1/me/applications/{second}/withdraw"), json!({})).await;
        assert_eq!(status, 409);
        assert_eq!(body["code"], "invalid_state_change");
        let approved = app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{second}' AND status = 'approved'")).await;
        assert_eq!(approved, 1);
    }

    async fn a_submission_can_be_taken_back_to_correct_for_ten_minutes_until_staff_act(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let number = submitted_application(&session, &service).await;
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        let submitted_at: chrono::DateTime<chrono::Utc> = serde_json::from_value(detail["submitted_at"].clone()).unwrap();
        let until: chrono::DateTime<chrono::Utc> = serde_json::from_value(detail["correctable_until"].clone()).expect("correctable right after submitting");
        assert_eq!(until - submitted_at, chrono::Duration::minutes(10));
        let messages = app.scalar("SELECT COUNT(*) FROM notification WHERE resident_id = 1").await;
        // Nobody else can take it back.
        let other = app.resident(2).await;
        let (status, _) = other.post_json(&format!("/api/v1/me/applications/{number}/take-back"), json!({})).await;
        assert_eq!(status, 404);

        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{number}/take-back"), json!({})).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "draft");
        assert!(detail["submitted_at"].is_null());
        assert!(detail["correctable_until"].is_null());
        let kinds: Vec<&str> = detail["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["submitted", "taken_back"]);
        let id = app.scalar(&format!("SELECT id FROM application WHERE number = '{number}'")).await;
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM task WHERE application_id = {id}")).await, 0, "out of the department's queue");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM notification WHERE resident_id = 1").await, messages, "no message for what the resident did");
        // Twice is harmless.
        let (status, _) = session.post_json(&format!("/api/v1/me/applications/{number}/take-back"), json!({})).await;
        assert_eq!(status, 200);

        // Corrected and submitted again: a new submission with its own ten minutes.
        let key = service["form_fields"].as_array().unwrap().iter()
            .find(|f| f["kind"] == "text" && f["prefill"].is_null())
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .expect("the service asks a text question of its own");
        let mut answers = all_answers(&service);
        answers[key.as_str()] = json!("改正后的回答");
        let (status, form) = session.send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), answers).await;
        assert_eq!(status, 200, "{form}");
        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "submitted");
        assert_eq!(detail["answers"][key.as_str()], "改正后的回答");
        assert!(!detail["correctable_until"].is_null());
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM task WHERE application_id = {id} AND status = 'submitted'")).await, 1);

        // Eleven minutes later: too late, and nothing changes.
        use store::entities::application;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        application::Entity::update_many()
            .col_expr(application::Column::SubmittedAt, Expr::value(chrono::Utc::now() - chrono::Duration::minutes(11)))
            .filter(application::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert!(detail["correctable_until"].is_null(), "no button once the time has passed");
        let (status, body) = session.post_json(&format!("/api/v1/me/applications/{number}/take-back"), json!({})).await;
        assert_eq!(status, 409);
        assert_eq!(body["code"], "window_closed");
        assert!(!body["message"].as_str().unwrap().is_empty());
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM application WHERE id = {id} AND status = 'submitted'")).await, 1);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM task WHERE application_id = {id}")).await, 1);

        // Within the ten minutes, but the department has taken it up: no more.
        let second = submitted_application(&session, &service).await;
        staff_act(&app, &second, StaffAction::Comment { text: "已查看".into(), internal: true }).await;
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{second}")).await;
        assert!(detail["correctable_until"].is_null());
        let (status, body) = session.post_json(&format!("/api/v1/me/applications/{second}/take-back"), json!({})).await;
        assert_eq!(status, 409);
        assert_eq!(body["code"], "invalid_state_change");
        let accepted = submitted_application(&session, &service).await;
        staff_act(&app, &accepted, StaffAction::Accept).await;
        let (status, _) = session.post_json(&format!("/api/v1/me/applications/{accepted}/take-back"), json!({})).await;
        assert_eq!(status, 409);
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{accepted}' AND status = 'accepted'")).await, 1);

        // The plain form: back to the draft, at the page that checks every answer.
        let third = submitted_application(&session, &service).await;
        let response = session.post_form(&format!("/forms/applications/{third}/take-back"), &[]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], format!("/me/applications/{third}/edit?step=check").as_str());
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{third}' AND status = 'draft'")).await, 1);
    }

    async fn a_supplement_pauses_the_clock_and_resubmission_restarts_it(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let number = submitted_application(&session, &service).await;
        staff_act(&app, &number, StaffAction::Accept).await;
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(detail["status"], "accepted");
        let due_before = detail["due_on"].as_str().expect("a due date once accepted").to_owned();
        let material = upload_indexes(&service)[0];
        staff_act(&app, &number, StaffAction::RequestSupplement { materials: vec![material], note: "请上传清晰的扫描件".into() }).await;
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(detail["status"], "supplement_requested");
        assert_eq!(detail["supplement"]["note"], "请上传清晰的扫描件");
        assert_eq!(detail["supplement"]["materials"][0], material);
        assert_eq!(detail["tasks"][0]["paused"], true);
        // Two working days pass while the resident gathers the file.
        let paused_at = "2026-11-23T02:00:00+00:00";
        app.db
            .execute_unprepared(&format!("UPDATE task SET paused_at = '{paused_at}'"))
            .await
            .unwrap();
        let (status, _) = upload(&session, &number, material, "清晰版.pdf", PDF).await;
        assert_eq!(status, 201);
        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "accepted", "back to the department, the clock running");
        assert_eq!(detail["tasks"][0]["paused"], false);
        let kinds: Vec<&str> = detail["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["submitted", "accepted", "supplement_requested", "resubmitted"]);
        let paused_days = app.scalar("SELECT CAST(paused_working_days AS BIGINT) FROM task ORDER BY id DESC LIMIT 1").await;
        assert!(paused_days >= 4, "paused from Monday 2026-11-23 until today: {paused_days}");
        let due_after = detail["due_on"].as_str().unwrap();
        assert!(due_after > due_before.as_str(), "{due_after} is later than {due_before}");
        let responded = app.scalar("SELECT COUNT(*) FROM supplement WHERE responded_at IS NOT NULL").await;
        assert_eq!(responded, 1);
    }

    // One resident holds at most ten live streams on a server; the eleventh is refused with
    // Retry-After, and nobody else is held up.
    async fn a_resident_opens_ten_event_streams_at_most(app) {
        let session = app.resident(1).await;
        let mut open = Vec::new();
        for _ in 0..server::push::MAX_STREAMS_PER_RESIDENT {
            let response = session.get("/api/v1/me/events").await;
            assert_eq!(response.status().as_u16(), 200);
            open.push(response);
        }
        let refused = session.get("/api/v1/me/events").await;
        assert_eq!(refused.status().as_u16(), 429);
        assert_eq!(refused.headers()["retry-after"], "30");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "too_many_attempts");
        let other = app.resident(2).await;
        assert_eq!(other.get("/api/v1/me/events").await.status().as_u16(), 200);
        drop(open);
    }

    async fn state_changes_are_pushed_to_the_open_stream(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let number = submitted_application(&session, &service).await;
        let response = session.get("/api/v1/me/events").await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let mut stream = response.bytes_stream();
        let mut seen = String::new();
        // Wait for the stream to be live before acting.
        while !seen.contains("event: ready") {
            let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("ready").unwrap().unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        let outcome = staff_act(&app, &number, StaffAction::Accept).await;
        match app.backend {
            // Another instance publishes: the push crosses through PostgreSQL.
            crate::helpers::Backend::Postgres => server::push::PushHub::start(&app.db).publish(outcome.pushes).await,
            crate::helpers::Backend::Sqlite => app.state.push.publish(outcome.pushes).await,
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !(seen.contains("event: application_updated") && seen.contains("event: notification")) {
            let chunk = tokio::time::timeout_at(deadline, stream.next()).await.expect("pushed within 5 s").unwrap().unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(seen.contains(&number));
        // Another resident's stream gets nothing of it.
        let other = app.resident(2).await;
        let mut other_stream = other.get("/api/v1/me/events").await.bytes_stream();
        let first = tokio::time::timeout(Duration::from_secs(5), other_stream.next()).await.unwrap().unwrap().unwrap();
        assert!(String::from_utf8_lossy(&first).contains("ready"));
        let outcome = staff_act(&app, &number, StaffAction::Approve { comment: None }).await;
        app.state.push.publish(outcome.pushes).await;
        let nothing = tokio::time::timeout(Duration::from_millis(700), other_stream.next()).await;
        assert!(nothing.is_err(), "no event for someone else");
    }

    async fn the_plain_form_applies_with_a_file_and_one_click_makes_one_application(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let code = service["code"].as_str().unwrap();
        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        let build = || {
            let mut form = reqwest::multipart::Form::new()
                .text("_intent", "submit")
                .text("_key", "form-key-1");
            if let Value::Object(answers) = all_answers(&service) {
                for (key, value) in answers {
                    form = form.text(key, value.as_str().unwrap().to_owned());
                }
            }
            for material in upload_indexes(&service) {
                form = form.part(
                    format!("material_{material}"),
                    reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("材料.pdf"),
                );
            }
            form
        };
        let first = session.post_multipart(&format!("/forms/apply/{code}"), build()).await;
        assert_eq!(first.status().as_u16(), 303);
        let location = first.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/me/applications/MS-") && location.ends_with("?submitted=1"), "{location}");
        // The same form posted again (a double click): the same application.
        let second = session.post_multipart(&format!("/forms/apply/{code}"), build()).await;
        assert_eq!(second.status().as_u16(), 303);
        let number = location.trim_end_matches("?submitted=1");
        assert!(second.headers()["location"].to_str().unwrap().starts_with(number), "the same application");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before + 1);
        let page = session.get(&location).await;
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("已提交"), "the page shows the status");
        assert!(html.contains("材料.pdf"));
    }

    async fn a_form_with_problems_comes_back_with_them(app) {
        let session = app.resident(1).await;
        let service = service_with_uploads(&app).await;
        let code = service["code"].as_str().unwrap();
        let form = reqwest::multipart::Form::new().text("_intent", "submit");
        let response = session.post_multipart(&format!("/forms/apply/{code}"), form).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.contains("/edit?check=1"), "{location}");
        let html = session.get(&location).await.text().await.unwrap();
        assert!(html.contains("错误：有"), "an error summary titled 错误：");
        assert!(html.contains("请上传此项材料"));
        assert!(html.contains(r#"aria-invalid="true""#));
        let drafts = app.scalar("SELECT COUNT(*) FROM application WHERE status = 'draft' AND submitted_at IS NULL AND resident_id = (SELECT id FROM resident WHERE mobile = '13800000001')").await;
        assert!(drafts >= 1, "kept as a draft, not submitted");
    }

    async fn a_bundle_is_one_form_with_a_task_per_department(app) {
        let session = app.resident(1).await;
        let bundle = app.text("SELECT code FROM bundle WHERE status = 'published' ORDER BY id LIMIT 1").await;
        let (status, form) = session.post_json("/api/v1/me/applications", json!({ "bundle_code": bundle })).await;
        assert_eq!(status, 201, "{form}");
        assert_eq!(form["is_bundle"], true);
        let keys: Vec<&str> = form["fields"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "shared fields are asked once");
        let number = form["number"].as_str().unwrap().to_owned();
        let mut answers = serde_json::Map::new();
        for field in form["fields"].as_array().unwrap() {
            if let Some(answer) = valid_answer(field) {
                answers.insert(field["key"].as_str().unwrap().to_owned(), answer.into());
            }
        }
        let (status, _) = session
            .send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), Value::Object(answers))
            .await;
        assert_eq!(status, 200);
        for (index, material) in form["materials"].as_array().unwrap().iter().enumerate() {
            if material["required"] == true && material["form"] != "exempt" {
                let (status, body) = upload(&session, &number, index, "材料.pdf", PDF).await;
                assert_eq!(status, 201, "{body}");
            }
        }
        let (status, detail) = session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
        assert_eq!(status, 200, "{detail}");
        let services = app
            .scalar(&format!("SELECT COUNT(*) FROM bundle_service bs JOIN bundle b ON b.id = bs.bundle_id WHERE b.code = '{bundle}'"))
            .await;
        assert!(services >= 2);
        assert_eq!(detail["tasks"].as_array().unwrap().len() as i64, services);
        // Each department works its task; the application completes when every task does.
        for action in [StaffAction::Accept, StaffAction::Approve { comment: None }, StaffAction::Complete] {
            for _ in 0..services {
                staff_act(&app, &number, action.clone()).await;
            }
        }
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert!(detail["tasks"].as_array().unwrap().iter().all(|t| t["status"] == "completed"));
        assert_eq!(detail["status"], "completed");
    }

    async fn a_household_member_applies_with_consent_only(app) {
        let (proxy, member) = app.household_pair().await;
        let proxy_session = app.sign_in(&proxy.1, crate::helpers::DEMO_PASSWORD).await;
        let member_session = app.sign_in(&member.1, crate::helpers::DEMO_PASSWORD).await;
        let service = service_with_uploads(&app).await;
        let new = json!({ "service_code": service["code"], "on_behalf_of": member.0 });
        // No consent yet: the member is "not found".
        let (status, _) = proxy_session.post_json("/api/v1/me/applications", new.clone()).await;
        assert_eq!(status, 404);
        // The member consents in their profile.
        let response = member_session
            .post_form("/forms/profile/consent", &[("member", &proxy.0.to_string()), ("action", "grant")])
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let (status, form) = proxy_session.post_json("/api/v1/me/applications", new.clone()).await;
        assert_eq!(status, 201, "{form}");
        let (_, member_profile) = member_session.get_json("/api/v1/me/profile").await;
        assert_eq!(form["answers"]["applicant_name"], member_profile["name"], "the member's own details");
        assert_eq!(form["on_behalf_of"]["member_id"], member.0);
        let number = form["number"].as_str().unwrap().to_owned();
        for material in upload_indexes(&service) {
            let (status, body) = upload(&proxy_session, &number, material, "材料.pdf", PDF).await;
            assert_eq!(status, 201, "{body}");
        }
        let mut answers = all_answers(&service);
        answers["applicant_name"] = json!("ignored");
        let (status, body) = proxy_session
            .send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), answers)
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = proxy_session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
        assert_eq!(status, 200, "{body}");
        // The member sees who applied for them; the proxy sees for whom.
        let (_, seen_by_member) = member_session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        let (_, proxy_profile) = proxy_session.get_json("/api/v1/me/profile").await;
        assert_eq!(seen_by_member["submitted_by"], proxy_profile["name"]);
        let (_, proxy_list) = proxy_session.get_json("/api/v1/me/applications").await;
        let entry = proxy_list.as_array().unwrap().iter().find(|a| a["number"] == number.as_str()).unwrap().clone();
        assert_eq!(entry["for_name"], member_profile["name"]);
        let attachment = app.scalar(&format!(
            "SELECT MIN(t.id) FROM attachment t JOIN application a ON a.id = t.application_id WHERE a.number = '{number}'"
        )).await;
        assert_eq!(proxy_session.get(&format!("/api/v1/me/attachments/{attachment}")).await.status().as_u16(), 200);
        // Revoked: no new applications on the member's behalf, and no later step of the one
        // filed: the proxy no longer reads it, its materials or its place in the list.
        member_session
            .post_form("/forms/profile/consent", &[("member", &proxy.0.to_string()), ("action", "revoke")])
            .await;
        let (status, _) = proxy_session.post_json("/api/v1/me/applications", new).await;
        assert_eq!(status, 404);
        let (status, body) = proxy_session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(proxy_session.get(&format!("/api/v1/me/attachments/{attachment}")).await.status().as_u16(), 404);
        let (_, proxy_list) = proxy_session.get_json("/api/v1/me/applications").await;
        assert!(proxy_list.as_array().unwrap().iter().all(|a| a["number"] != number.as_str()), "gone from the list");
        let (status, _) = member_session.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(status, 200, "the member still has it");
    }

    async fn the_showcase_resident_has_a_case_in_every_state(app) {
        let session = app.resident(1).await;
        let (_, mine) = session.get_json("/api/v1/me/applications").await;
        let mine = mine.as_array().unwrap();
        for status in ["draft", "submitted", "accepted", "supplement_requested", "rejected", "completed"] {
            assert!(mine.iter().any(|a| a["status"] == status), "{status}");
        }
        assert!(mine.iter().any(|a| a["is_bundle"] == true));
        let waiting = mine.iter().find(|a| a["status"] == "supplement_requested").unwrap();
        let (_, detail) = session.get_json(&format!("/api/v1/me/applications/{}", waiting["number"].as_str().unwrap())).await;
        assert!(!detail["supplement"]["note"].as_str().unwrap().is_empty());
        assert_eq!(detail["tasks"][0]["paused"], true);
    }

    async fn bad_input_is_refused_and_changes_nothing(app) {
        let session = app.resident(1).await;
        let before = app.scalar("SELECT COUNT(*) FROM application").await;
        let (status, body) = session.post_json("/api/v1/me/applications", json!({ "service_code": "NO-SUCH" })).await;
        assert_eq!(status, 404);
        assert_eq!(body["code"], "not_found");
        let (status, body) = session.post_json("/api/v1/me/applications", json!({ "service_code": 42 })).await;
        assert_eq!(status, 422, "a number is not a code");
        assert_eq!(body["code"], "invalid_parameter");
        assert!(!body["message"].as_str().unwrap().is_empty());
        let (status, body) = session.post_json("/api/v1/me/applications", json!({})).await;
        assert_eq!(status, 400);
        assert_eq!(body["field"], "service_code");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application").await, before);
        // An answer far too long is kept as typed in the draft but refused at submission.
        let service = service_with_uploads(&app).await;
        let (_, form) = session.post_json("/api/v1/me/applications", json!({ "service_code": service["code"] })).await;
        let number = form["number"].as_str().unwrap().to_owned();
        let key = service["form_fields"].as_array().unwrap().iter()
            .find(|f| f["kind"] == "text" && !f["key"].as_str().unwrap().starts_with("applicant_"))
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .expect("the service asks a text question of its own");
        {
            let mut answers = all_answers(&service);
            answers[&key] = json!("长".repeat(300));
            session.send_json(reqwest::Method::PUT, &format!("/api/v1/me/applications/{number}/answers"), answers).await;
            for material in upload_indexes(&service) {
                upload(&session, &number, material, "材料.pdf", PDF).await;
            }
            let (status, body) = session.post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({})).await;
            assert_eq!(status, 422);
            assert!(body["errors"].as_array().unwrap().iter().any(|e| e["field"] == key.as_str() && e["code"] == "too_long"));
            let still = app.scalar(&format!("SELECT COUNT(*) FROM application WHERE number = '{number}' AND status = 'draft'")).await;
            assert_eq!(still, 1);
        }
        // Consent can only be given to one's own household.
        let stranger = app.scalar("SELECT MAX(id) FROM resident").await;
        let response = session.post_form("/forms/profile/consent", &[("member", &stranger.to_string()), ("action", "grant")]).await;
        assert!(response.status().is_redirection());
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM proxy_consent WHERE proxy_resident_id = {stranger}")).await, 0);
    }

    async fn the_openapi_document_describes_the_resident_api(app) {
        let (_, doc) = app.get_json("/api/v1/openapi.json").await;
        for path in ["/api/v1/session", "/api/v1/me/applications", "/api/v1/me/applications/{number}/submit", "/api/v1/me/applications/{number}/take-back", "/api/v1/me/events", "/api/v1/me/attachments/{id}"] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
    }
}
