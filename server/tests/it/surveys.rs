//! Surveys (满意度调查) over HTTP, on SQLite and PostgreSQL: a department head builds a
//! survey (bad input is refused field by field, nothing stored), schedules it; opening writes
//! one invitation to each resident of the audience (who used the service in the period and
//! accepts messages), once even when several instances open at the same moment; residents
//! outside the audience see nothing; each resident answers once; the results add up; the
//! plain forms work without JavaScript; clerks may not, other departments see nothing.

use crate::helpers::{DEMO_PASSWORD, Session, TestApp};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::deadline::china_date;
use domain::survey::period_bounds;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use store::entities::{application, resident, task};
use store::surveys::open_due;

const SURVEYS: &str = "/api/v1/staff/surveys";

/// The demo service most residents used, with when each use was submitted.
struct Used {
    code: String,
    department: String,
    /// (resident, submitted at) of every submitted application (task) for it.
    uses: Vec<(i64, DateTime<Utc>)>,
}

impl Used {
    fn first_day(&self) -> NaiveDate {
        self.uses
            .iter()
            .map(|(_, at)| china_date(*at))
            .min()
            .expect("uses")
    }

    fn last_day(&self) -> NaiveDate {
        self.uses
            .iter()
            .map(|(_, at)| china_date(*at))
            .max()
            .expect("uses")
    }

    /// The residents who used it from `from` to `to` (China dates, inclusive).
    fn users(&self, from: NaiveDate, to: NaiveDate) -> BTreeSet<i64> {
        let (start, end) = period_bounds(from, to);
        self.uses
            .iter()
            .filter(|(_, at)| start <= *at && *at < end)
            .map(|(id, _)| *id)
            .collect()
    }
}

async fn busiest_service(app: &TestApp) -> Used {
    let service_id = app
        .scalar(
            "SELECT t.service_id FROM task t JOIN application a ON a.id = t.application_id \
             WHERE a.submitted_at IS NOT NULL GROUP BY t.service_id \
             ORDER BY COUNT(DISTINCT a.resident_id) DESC, t.service_id LIMIT 1",
        )
        .await;
    let code = app
        .text(&format!("SELECT code FROM service WHERE id = {service_id}"))
        .await;
    let department = app
        .text(&format!(
            "SELECT d.code FROM department d JOIN service s ON s.department_id = d.id \
             WHERE s.id = {service_id}"
        ))
        .await;
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = task::Entity::find()
        .select_only()
        .column(application::Column::ResidentId)
        .column(application::Column::SubmittedAt)
        .join(
            JoinType::InnerJoin,
            task::Entity::belongs_to(application::Entity)
                .from(task::Column::ApplicationId)
                .to(application::Column::Id)
                .into(),
        )
        .filter(task::Column::ServiceId.eq(service_id))
        .into_tuple()
        .all(&app.db)
        .await
        .expect("uses of the service");
    let uses = rows
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect::<Vec<_>>();
    assert!(!uses.is_empty());
    Used {
        code,
        department,
        uses,
    }
}

/// Of `ids`, those who accept proactive messages.
async fn consenting(app: &TestApp, ids: &BTreeSet<i64>) -> BTreeSet<i64> {
    resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .filter(resident::Column::Id.is_in(ids.iter().copied()))
        .filter(resident::Column::NotifyConsent.eq(true))
        .into_tuple::<i64>()
        .all(&app.db)
        .await
        .expect("consenting residents")
        .into_iter()
        .collect()
}

/// Mobile numbers of residents with an account, in `ids` (or, `inside` false, not in them).
async fn accounts(app: &TestApp, ids: &BTreeSet<i64>, inside: bool, n: u64) -> Vec<String> {
    let mut select = resident::Entity::find()
        .filter(resident::Column::PasswordHash.is_not_null())
        .filter(resident::Column::Mobile.is_not_null())
        .order_by_asc(resident::Column::Id)
        .limit(n);
    select = if inside {
        select.filter(resident::Column::Id.is_in(ids.iter().copied()))
    } else {
        select.filter(resident::Column::Id.is_not_in(ids.iter().copied()))
    };
    let found: Vec<String> = select
        .all(&app.db)
        .await
        .expect("residents")
        .into_iter()
        .filter_map(|r| r.mobile)
        .collect();
    assert_eq!(
        found.len() as u64,
        n,
        "registered residents (inside: {inside})"
    );
    found
}

/// The residents invited to a survey (one message each, or the test sees duplicates).
async fn invited(app: &TestApp, id: i64) -> Vec<i64> {
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT resident_id FROM notification WHERE kind = 'survey' \
                 AND link = '/me/surveys/{id}' ORDER BY resident_id"
            ),
        ))
        .await
        .expect("query");
    rows.iter()
        .map(|r| r.try_get_by_index::<i64>(0).expect("an id"))
        .collect()
}

/// The title of the invitation `who` got to survey `id`.
async fn invitation_title(app: &TestApp, who: i64, id: i64) -> String {
    app.text(&format!(
        "SELECT title FROM notification WHERE kind = 'survey' AND resident_id = {who} \
         AND link = '/me/surveys/{id}'"
    ))
    .await
}

async fn responses(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM survey_response WHERE survey_id = {id}"
    ))
    .await
}

fn error_fields(body: &Value) -> BTreeSet<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A survey of the users of `service` in the period, with one question of each kind.
fn draft(service: &str, from: NaiveDate, to: NaiveDate) -> Value {
    json!({
        "title": "办理满意度回访",
        "description": "感谢您使用本事项，请花一分钟告诉我们您的感受。",
        "questions": [
            { "key": "overall", "kind": "five_point", "text": "总体满意度", "required": true },
            { "key": "channel", "kind": "single_choice", "text": "您通过哪种方式办理？",
              "options": ["窗口", "网上", "电话"] },
            { "key": "liked", "kind": "multiple_choice", "text": "哪些方面让您满意？",
              "options": ["快", "准", "省"] },
            { "key": "say", "kind": "free_text", "text": "还有什么建议？" }
        ],
        "audience": { "kind": "service_users", "service": service,
                      "from": from.to_string(), "to": to.to_string() }
    })
}

/// Creates a survey as `head`; returns its id.
async fn create(head: &Session<'_>, body: Value) -> i64 {
    let (status, created) = head.post_json(SURVEYS, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "draft");
    created["id"].as_i64().expect("an id")
}

async fn schedule(head: &Session<'_>, id: i64, body: Value) -> Value {
    let (status, scheduled) = head
        .post_json(&format!("{SURVEYS}/{id}/schedule"), body)
        .await;
    assert_eq!(status, 200, "{scheduled}");
    scheduled
}

/// A department other than `code`.
async fn other_department(app: &TestApp, code: &str) -> String {
    app.text(&format!(
        "SELECT code FROM department WHERE code <> '{code}' ORDER BY id LIMIT 1"
    ))
    .await
}

on_both_backends! {
    async fn bad_surveys_are_refused_field_by_field_and_nothing_is_stored(app) {
        let used = busiest_service(&app).await;
        let head = app.staff(&format!("{}_head", used.department)).await;
        let before = app.scalar("SELECT COUNT(*) FROM survey").await;
        let (status, body) = head.post_json(SURVEYS, json!({
            "title": "",
            "questions": [
                { "kind": "single_choice", "text": "只有一个选项", "options": ["唯一"] },
                { "key": "Bad Key", "kind": "free_text", "text": "" }
            ],
            "audience": { "kind": "service_users", "service": "NO-SUCH", "from": "2026-11-30", "to": "2026-11-01" }
        })).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "validation_failed");
        let fields = error_fields(&body);
        for field in ["title", "questions.0.options", "questions.1.key", "questions.1.text", "audience.to", "audience.service"] {
            assert!(fields.contains(field), "{field} in {fields:?}");
        }
        // No questions, no audience.
        let (status, body) = head.post_json(SURVEYS, json!({ "title": "空" })).await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), BTreeSet::from(["questions".to_owned(), "audience".to_owned()]));
        // Another department's service is not one a head may survey.
        let other = other_department(&app, &used.department).await;
        let other_head = app.staff(&format!("{other}_head")).await;
        let (status, body) = other_head.post_json(SURVEYS, draft(&used.code, used.first_day(), used.last_day())).await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), BTreeSet::from(["audience.service".to_owned()]));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey").await, before);
        // A good one is stored as a draft and can still be edited; once scheduled, not.
        let id = create(&head, draft(&used.code, used.first_day(), used.last_day())).await;
        let mut edited = draft(&used.code, used.first_day(), used.last_day());
        edited["title"] = json!("改过的标题");
        let (status, body) = head.send_json(reqwest::Method::PUT, &format!("{SURVEYS}/{id}"), edited.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["title"], "改过的标题");
        assert_eq!(body["questions"][3]["kind"], "free_text");
        schedule(&head, id, json!({ "at": (Utc::now() + Duration::days(1)).to_rfc3339() })).await;
        let (status, _) = head.send_json(reqwest::Method::PUT, &format!("{SURVEYS}/{id}"), edited).await;
        assert_eq!(status, 409);
        // A closing time before the opening is refused.
        let (status, body) = head.post_json(&format!("{SURVEYS}/{id}/schedule"), json!({
            "at": (Utc::now() + Duration::days(2)).to_rfc3339(),
            "closes_at": (Utc::now() + Duration::days(1)).to_rfc3339()
        })).await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), BTreeSet::from(["closes_at".to_owned()]));
    }

    async fn opening_invites_exactly_the_audience_once(app) {
        let used = busiest_service(&app).await;
        let head = app.staff(&format!("{}_head", used.department)).await;
        let (from, to) = (used.first_day(), used.last_day());
        let audience = used.users(from, to);
        assert!(audience.len() >= 2, "{audience:?}");
        // One declines proactive messages; one reads English.
        let (declines, english) = (*audience.first().expect("one"), *audience.last().expect("two"));
        resident::Entity::update_many()
            .col_expr(resident::Column::NotifyConsent, Expr::value(false))
            .filter(resident::Column::Id.eq(declines))
            .exec(&app.db).await.expect("decline");
        resident::Entity::update_many()
            .col_expr(resident::Column::NotifyConsent, Expr::value(true))
            .col_expr(resident::Column::Language, Expr::value("en"))
            .filter(resident::Column::Id.eq(english))
            .exec(&app.db).await.expect("english");
        let expected: Vec<i64> = consenting(&app, &audience).await.into_iter().collect();
        assert!(!expected.contains(&declines) && expected.contains(&english));
        let id = create(&head, draft(&used.code, from, to)).await;
        // Scheduled now: it opens at once and invites the audience.
        let opened = schedule(&head, id, json!({})).await;
        assert_eq!(opened["status"], "open");
        assert_eq!(invited(&app, id).await, expected);
        assert_eq!(invitation_title(&app, english, id).await, "Survey: 办理满意度回访");
        if let Some(chinese) = expected.iter().find(|r| **r != english) {
            assert_eq!(invitation_title(&app, *chinese, id).await, "满意度调查：办理满意度回访");
        }
        // Who declined messages is still in the audience and can answer.
        let (_, results) = head.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(results["audience_size"].as_i64(), Some(audience.len() as i64));
        assert_eq!(results["responses"], 0);
        // The periodic job finds nothing more to open.
        assert_eq!(open_due(&app.db, Utc::now()).await.expect("open_due"), 0);
        assert_eq!(invited(&app, id).await, expected);

        // A narrower period reaches only those who used the service then.
        let narrow = used.uses[used.uses.len() / 2].1;
        let day = china_date(narrow);
        let narrow_users = used.users(day, day);
        let later = create(&head, draft(&used.code, day, day)).await;
        schedule(&head, later, json!({ "at": (Utc::now() + Duration::hours(1)).to_rfc3339() })).await;
        let (_, results) = head.get_json(&format!("{SURVEYS}/{later}")).await;
        assert_eq!(results["survey"]["status"], "scheduled");
        assert_eq!(results["audience_size"].as_i64(), Some(narrow_users.len() as i64));
        assert!(invited(&app, later).await.is_empty(), "nobody is invited before it opens");
        // Not yet due; then due: opened once, by one of two instances ticking at once.
        assert_eq!(open_due(&app.db, Utc::now()).await.expect("open_due"), 0);
        let tick = Utc::now() + Duration::hours(2);
        let (a, b) = tokio::join!(open_due(&app.db, tick), open_due(&app.db, tick));
        assert_eq!(a.expect("first instance") + b.expect("second instance"), 1);
        let expected_narrow: Vec<i64> = consenting(&app, &narrow_users).await.into_iter().collect();
        assert_eq!(invited(&app, later).await, expected_narrow);
        assert_eq!(open_due(&app.db, tick).await.expect("open_due"), 0);
        assert_eq!(invited(&app, later).await, expected_narrow);

        // A period nobody used it in reaches nobody.
        let past = NaiveDate::from_ymd_opt(2001, 1, 1).expect("a date");
        let empty = create(&head, draft(&used.code, past, past)).await;
        schedule(&head, empty, json!({})).await;
        assert!(invited(&app, empty).await.is_empty());
        let (_, results) = head.get_json(&format!("{SURVEYS}/{empty}")).await;
        assert_eq!(results["audience_size"], 0);
    }

    async fn residents_answer_once_and_the_results_add_up(app) {
        let used = busiest_service(&app).await;
        let head = app.staff(&format!("{}_head", used.department)).await;
        let (from, to) = (used.first_day(), used.last_day());
        let audience = used.users(from, to);
        let id = create(&head, draft(&used.code, from, to)).await;
        let insiders = accounts(&app, &audience, true, 3).await;
        let outsider = accounts(&app, &audience, false, 1).await;
        let one = app.sign_in(&insiders[0], DEMO_PASSWORD).await;
        let two = app.sign_in(&insiders[1], DEMO_PASSWORD).await;
        let three = app.sign_in(&insiders[2], DEMO_PASSWORD).await;
        let stranger = app.sign_in(&outsider[0], DEMO_PASSWORD).await;
        let path = format!("/api/v1/me/surveys/{id}");
        // Not open yet: nobody sees it.
        let (status, _) = one.get_json(&path).await;
        assert_eq!(status, 404);
        schedule(&head, id, json!({})).await;

        // Outside the audience: not found, and not listed.
        let (status, _) = stranger.get_json(&path).await;
        assert_eq!(status, 404);
        let (status, _) = stranger.post_json(&path, json!({ "answers": { "overall": 5 } })).await;
        assert_eq!(status, 404);
        let (_, list) = stranger.get_json("/api/v1/me/surveys").await;
        assert!(!list.as_array().expect("a list").iter().any(|s| s["id"] == id), "{list}");
        assert_eq!(responses(&app, id).await, 0);

        // Inside: listed, answerable; a bad answer stores nothing.
        let (_, list) = one.get_json("/api/v1/me/surveys").await;
        assert!(list.as_array().expect("a list").iter().any(|s| s["id"] == id && s["questions"] == 4), "{list}");
        let (status, survey) = one.get_json(&path).await;
        assert_eq!(status, 200, "{survey}");
        assert_eq!(survey["answered"], false);
        let (status, body) = one.post_json(&path, json!({ "answers": { "overall": 6, "channel": 7 } })).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_fields(&body), BTreeSet::from(["overall".to_owned(), "channel".to_owned()]));
        assert_eq!(responses(&app, id).await, 0);
        let (status, body) = one.post_json(&path, json!({ "answers": {
            "overall": 5, "channel": 1, "liked": [0, 2], "say": "第一"
        }})).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["answered"], true);
        // Once only: a clear error, still one row.
        let (status, body) = one.post_json(&path, json!({ "answers": { "overall": 1 } })).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "conflict");
        assert_eq!(body["field"], "survey");
        assert!(body["message"].as_str().unwrap_or_default().contains("回答过"), "{body}");
        assert_eq!(responses(&app, id).await, 1);
        let (_, list) = one.get_json("/api/v1/me/surveys").await;
        assert!(!list.as_array().expect("a list").iter().any(|s| s["id"] == id), "answered ones leave the list");

        let (status, _) = two.post_json(&path, json!({ "answers": { "overall": "4", "channel": 1, "liked": [0] } })).await;
        assert_eq!(status, 201);
        // The third answers with the plain form (no JavaScript).
        let response = three.post_form(&format!("/forms/surveys/{id}"), &[("overall", "2"), ("liked", "1"), ("say", "第三")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], format!("/me/surveys/{id}?done=1").as_str());
        let response = three.post_form(&format!("/forms/surveys/{id}"), &[("overall", "5")]).await;
        assert_eq!(response.headers()["location"], format!("/me/surveys/{id}?answered=1").as_str());
        assert_eq!(responses(&app, id).await, 3);

        let (status, results) = head.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(status, 200, "{results}");
        assert_eq!(results["responses"], 3);
        assert_eq!(results["audience_size"].as_i64(), Some(audience.len() as i64));
        let questions = &results["questions"];
        assert_eq!(questions[0]["answered"], 3);
        assert_eq!(questions[0]["figures"]["counts"], json!([0, 1, 0, 1, 1]));
        let mean = questions[0]["figures"]["mean"].as_f64().expect("a mean");
        assert!((mean - 11.0 / 3.0).abs() < 1e-9, "{mean}");
        assert_eq!(questions[1]["answered"], 2);
        let counts = |q: &Value| -> Vec<i64> {
            q["figures"]["counts"].as_array().expect("counts").iter().map(|c| c["count"].as_i64().unwrap_or(-1)).collect()
        };
        assert_eq!(counts(&questions[1]), [0, 2, 0]);
        assert_eq!(questions[1]["figures"]["counts"][1]["option"], "网上");
        assert_eq!(counts(&questions[2]), [2, 1, 1]);
        let texts: Vec<&str> = questions[3]["figures"]["answers"].as_array().expect("texts")
            .iter().map(|a| a["text"].as_str().unwrap_or_default()).collect();
        assert_eq!(texts, ["第三", "第一"], "newest first");
        let (_, list) = head.get_json(SURVEYS).await;
        let row = list.as_array().expect("a list").iter().find(|s| s["id"] == id).cloned().expect("listed");
        assert_eq!(row["responses"], 3);

        // Closed: nobody answers any more.
        let (status, closed) = head.post_json(&format!("{SURVEYS}/{id}/close"), json!({})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["status"], "closed");
        let (status, _) = one.get_json(&path).await;
        assert_eq!(status, 404);
        let (status, _) = two.post_json(&path, json!({ "answers": { "overall": 3 } })).await;
        assert_eq!(status, 404);
        assert_eq!(responses(&app, id).await, 3);
    }

    async fn the_plain_forms_build_schedule_and_answer_a_survey(app) {
        let used = busiest_service(&app).await;
        let head = app.staff(&format!("{}_head", used.department)).await;
        let (from, to) = (used.first_day(), used.last_day());
        let before = app.scalar("SELECT COUNT(*) FROM survey").await;
        // A form with a problem comes back with it; nothing stored.
        let response = head.post_form("/admin/forms/surveys", &[
            ("title", ""), ("audience", "service_users"), ("service", &used.code),
            ("period_from", &from.to_string()), ("period_to", &to.to_string()),
            ("q_text.0", "总体满意度"), ("q_kind.0", "five_point"), ("q_required.0", "on"),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().expect("a location").to_owned();
        assert!(location.starts_with("/admin/surveys/new?at="), "{location}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey").await, before);
        let page = head.get(&location).await.text().await.expect("a page");
        assert!(page.contains("console-error") && page.contains("总体满意度"), "the problem and what was typed");

        let title = "窗口服务回访（表单）";
        let response = head.post_form("/admin/forms/surveys", &[
            ("title", title), ("description", ""), ("audience", "service_users"), ("service", &used.code),
            ("period_from", &from.to_string()), ("period_to", &to.to_string()),
            ("q_text.0", "总体满意度"), ("q_kind.0", "five_point"), ("q_required.0", "on"), ("q_options.0", ""), ("q_key.0", ""),
            ("q_text.1", ""), ("q_kind.1", "five_point"), ("q_required.1", "on"), ("q_options.1", ""), ("q_key.1", ""),
            ("q_text.2", "您的建议"), ("q_kind.2", "free_text"), ("q_options.2", ""), ("q_key.2", ""),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().expect("a location").to_owned();
        let id = app.scalar(&format!("SELECT id FROM survey WHERE title = '{title}'")).await;
        assert!(location.starts_with(&format!("/admin/surveys/{id}?at=")), "{location}");
        let (_, results) = head.get_json(&format!("{SURVEYS}/{id}")).await;
        let keys: Vec<&str> = results["survey"]["questions"].as_array().expect("questions")
            .iter().map(|q| q["key"].as_str().unwrap_or_default()).collect();
        assert_eq!(keys, ["q1", "q2"], "blank rows are left out");
        let page = head.get(&location).await.text().await.expect("a page");
        assert!(page.contains("survey-schedule") && page.contains("console-done"), "saved; the schedule form");

        // The draft is edited with the same form, prefilled.
        let edit = head.get(&format!("/admin/surveys/{id}/edit")).await.text().await.expect("a page");
        assert!(edit.contains("survey-form") && edit.contains(title) && edit.contains("您的建议"));
        let edited = "窗口服务回访（已修改）";
        let response = head.post_form(&format!("/admin/forms/surveys/{id}"), &[
            ("title", edited), ("audience", "service_users"), ("service", &used.code),
            ("period_from", &from.to_string()), ("period_to", &to.to_string()),
            ("q_text.0", "总体满意度"), ("q_kind.0", "five_point"), ("q_required.0", "on"), ("q_key.0", "q1"),
            ("q_text.1", "您的建议"), ("q_kind.1", "free_text"), ("q_key.1", "q2"),
        ]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(app.text(&format!("SELECT title FROM survey WHERE id = {id}")).await, edited);
        let title = edited;

        let response = head.post_form(&format!("/admin/forms/surveys/{id}/schedule"), &[("when", "now"), ("at", ""), ("closes_at", "")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(app.text(&format!("SELECT status FROM survey WHERE id = {id}")).await, "open");
        assert!(!invited(&app, id).await.is_empty());
        let list = head.get("/admin/surveys").await.text().await.expect("a page");
        assert!(list.contains(title));

        // The resident finds it, answers on the page (one problem first), and is thanked.
        let audience = used.users(from, to);
        let mobile = accounts(&app, &audience, true, 1).await;
        let resident = app.sign_in(&mobile[0], DEMO_PASSWORD).await;
        let mine = resident.get("/me/surveys").await.text().await.expect("a page");
        assert!(mine.contains(title), "listed for the resident");
        let form = resident.get(&format!("/me/surveys/{id}")).await.text().await.expect("a page");
        assert!(form.contains("survey-answer") && form.contains("type=\"radio\""));
        let response = resident.post_form(&format!("/forms/surveys/{id}"), &[("q2", "还不错")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().expect("a location").to_owned();
        assert!(location.starts_with(&format!("/me/surveys/{id}?retry=")), "{location}");
        assert_eq!(responses(&app, id).await, 0);
        let page = resident.get(&location).await.text().await.expect("a page");
        assert!(page.contains("error-summary") && page.contains("还不错"), "the problem and what was typed");
        let response = resident.post_form(&format!("/forms/surveys/{id}"), &[("q1", "4"), ("q2", "还不错")]).await;
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(responses(&app, id).await, 1);
        let page = resident.get(&format!("/me/surveys/{id}?done=1")).await.text().await.expect("a page");
        assert!(page.contains("survey-thanks"));
        let page = resident.get(&format!("/me/surveys/{id}")).await.text().await.expect("a page");
        assert!(page.contains("survey-answered"));
        let results = head.get(&format!("/admin/surveys/{id}")).await.text().await.expect("a page");
        assert!(results.contains("还不错") && results.contains("survey-question"));
    }

    async fn clerks_may_not_and_other_departments_see_nothing(app) {
        let used = busiest_service(&app).await;
        let head = app.staff(&format!("{}_head", used.department)).await;
        let id = create(&head, draft(&used.code, used.first_day(), used.last_day())).await;
        let clerk = app.staff(&format!("{}_clerk", used.department)).await;
        let (status, _) = clerk.get_json(SURVEYS).await;
        assert_eq!(status, 403);
        let (status, _) = clerk.post_json(SURVEYS, draft(&used.code, used.first_day(), used.last_day())).await;
        assert_eq!(status, 403);
        let (status, _) = clerk.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(status, 403);
        let response = clerk.get("/admin/surveys").await;
        assert_eq!(response.status().as_u16(), 403);

        let other = other_department(&app, &used.department).await;
        let other_head = app.staff(&format!("{other}_head")).await;
        let (status, _) = other_head.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(status, 404);
        let (status, _) = other_head.post_json(&format!("{SURVEYS}/{id}/schedule"), json!({})).await;
        assert_eq!(status, 404);
        let (status, _) = other_head.post_json(&format!("{SURVEYS}/{id}/close"), json!({})).await;
        assert_eq!(status, 404);
        let (_, list) = other_head.get_json(SURVEYS).await;
        assert!(!list.as_array().expect("a list").iter().any(|s| s["id"] == id));
        let response = other_head.get(&format!("/admin/surveys/{id}")).await;
        assert_eq!(response.status().as_u16(), 404);
        assert_eq!(app.text(&format!("SELECT status FROM survey WHERE id = {id}")).await, "draft");

        // A supervisor sees every department's surveys.
        let supervisor = app.staff("supervisor").await;
        let (status, _) = supervisor.get_json(&format!("{SURVEYS}/{id}")).await;
        assert_eq!(status, 200);
    }
}
