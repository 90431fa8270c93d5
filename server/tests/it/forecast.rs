//! The backlog forecast on SQLite and PostgreSQL: the counts behind it (running tasks by
//! deadline day, overdue, acceptances and decisions in the history weeks), the expectation
//! built on them, the page, and scope: a head sees only the department, a clerk nothing.
//!
//! The test takes one department's tasks out of the picture (decided long ago), then puts
//! fifteen of them on one service with deadlines on known days of the window (the service's
//! limit longer than the window).
use domain::ids::TaskId;

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::application::ApplicationStatus;
use domain::deadline::{china_date, end_of_china_day};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use store::entities::task;

struct Seeded {
    department: i64,
    service_code: String,
}

/// Sets the tasks' state and clock.
async fn set(
    app: &TestApp,
    ids: &[TaskId],
    service: i64,
    status: ApplicationStatus,
    accepted_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
) {
    task::Entity::update_many()
        .col_expr(task::Column::ServiceId, Expr::value(service))
        .col_expr(task::Column::Status, Expr::value(status))
        .col_expr(task::Column::AcceptedAt, Expr::value(accepted_at))
        .col_expr(task::Column::DueAt, Expr::value(due_at))
        .col_expr(task::Column::DecidedAt, Expr::value(decided_at))
        .filter(task::Column::Id.is_in(ids.to_vec()))
        .exec(&app.db)
        .await
        .expect("update tasks");
}

/// In department `mz`: every task decided in 2020 except fifteen on one service: two
/// overdue, three due on the window's first day, one on its third, one after it, and eight
/// accepted and decided in the history weeks.
async fn seed(app: &TestApp) -> Seeded {
    let department = app
        .scalar("SELECT id FROM department WHERE code = 'mz'")
        .await;
    let service = app
        .scalar(&format!(
            "SELECT id FROM service WHERE department_id = {department} ORDER BY id LIMIT 1"
        ))
        .await;
    let service_code = app
        .text(&format!("SELECT code FROM service WHERE id = {service}"))
        .await;
    // A limit longer than the window: no new arrival can fall due inside it (the unit tests
    // of `domain::forecast` cover those that can).
    app.db
        .execute_unprepared(&format!(
            "UPDATE service SET promised_days = 20 WHERE id = {service}"
        ))
        .await
        .expect("promised days");
    let ids: Vec<TaskId> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::DepartmentId.eq(department))
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await
        .expect("tasks");
    assert!(ids.len() >= 15, "the demo gives mz at least 15 tasks");

    let long_ago = Utc.with_ymd_and_hms(2020, 1, 6, 2, 0, 0).unwrap();
    set(
        app,
        &ids,
        service,
        ApplicationStatus::Completed,
        long_ago,
        long_ago,
        Some(long_ago),
    )
    .await;

    let now = Utc::now();
    let calendar = store::calendar::load(&app.db).await.expect("calendar");
    let days = store::forecast::window(&calendar, china_date(now));
    let due_on = |day: usize| end_of_china_day(days[day]);
    let a_month_ago = now - Duration::days(30);
    let accepted = ApplicationStatus::Accepted;
    set(
        app,
        &ids[0..2],
        service,
        accepted,
        a_month_ago,
        now - Duration::days(1),
        None,
    )
    .await;
    set(
        app,
        &ids[2..5],
        service,
        accepted,
        a_month_ago,
        due_on(0),
        None,
    )
    .await;
    set(
        app,
        &ids[5..6],
        service,
        accepted,
        a_month_ago,
        due_on(2),
        None,
    )
    .await;
    let after_the_window = due_on(4) + Duration::days(10);
    set(
        app,
        &ids[6..7],
        service,
        accepted,
        a_month_ago,
        after_the_window,
        None,
    )
    .await;
    // The running ones were accepted a month ago too: `accepted` counts 7 + 8 = 15.
    let decided = Some(now - Duration::days(3));
    let approved = ApplicationStatus::Approved;
    set(
        app,
        &ids[7..15],
        service,
        approved,
        now - Duration::days(10),
        now,
        decided,
    )
    .await;
    Seeded {
        department,
        service_code,
    }
}

fn row_of<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["service_code"] == code)
        .unwrap_or_else(|| panic!("a row for {code} in {body}"))
}

on_both_backends! {
    async fn the_forecast_counts_the_queue_and_expects_what_the_pace_leaves(app) {
        let seeded = seed(&app).await;
        let head = app.staff("mz_head").await;
        let (status, body) = head.get_json("/api/v1/staff/forecast").await;
        assert_eq!(status, 200, "{body}");

        // Only the seeded service of the head's department is left with anything to show.
        let rows = body["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{body}");
        let row = row_of(&body, &seeded.service_code);
        assert_eq!(row["department_id"], seeded.department);
        let counts = &row["counts"];
        assert_eq!(counts["overdue"], 2);
        assert_eq!(counts["due"], serde_json::json!([3, 0, 1, 0, 0]));
        assert_eq!(counts["later"], 1);
        assert_eq!(counts["accepted"], 15);
        assert_eq!(counts["decided"], 8);

        // Eight decided in about 40 working days: a fifth of a task a day. The two overdue
        // come first; the three of day one are late, and the one of day three too.
        let working_days = body["history_working_days"].as_f64().unwrap();
        assert!((35.0..=41.0).contains(&working_days), "{working_days}");
        let outlook = &row["outlook"];
        assert!((outlook["pace"].as_f64().unwrap() - 8.0 / working_days).abs() < 1e-9);
        assert_eq!(outlook["will_be_overdue"], 4);
        // Five tasks by the end of day one (two overdue and three due) need five a day.
        assert_eq!(outlook["needed"], 5);
        assert_eq!(body["days"].as_array().unwrap().len(), 5);
    }

    async fn a_head_sees_the_department_and_a_clerk_nothing(app) {
        let seeded = seed(&app).await;
        let (status, body) = app.staff("supervisor").await.get_json("/api/v1/staff/forecast").await;
        assert_eq!(status, 200, "{body}");
        let all = body["rows"].as_array().unwrap();
        assert!(all.iter().any(|r| r["department_id"] == seeded.department));
        assert!(
            all.iter().any(|r| r["department_id"] != seeded.department),
            "the supervisor sees other departments too: {body}"
        );
        assert_eq!(row_of(&body, &seeded.service_code)["outlook"]["will_be_overdue"], 4);

        let (_, other) = app.staff("ga_head").await.get_json("/api/v1/staff/forecast").await;
        let other_rows = other["rows"].as_array().unwrap();
        assert!(!other_rows.is_empty(), "{other}");
        assert!(
            other_rows.iter().all(|r| r["department_id"] != seeded.department),
            "another head never sees mz: {other}"
        );

        let (status, body) = app.staff("mz_clerk").await.get_json("/api/v1/staff/forecast").await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = app.get_json("/api/v1/staff/forecast").await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")), "{body}");
    }

    async fn the_page_shows_each_service_with_its_assumptions(app) {
        let seeded = seed(&app).await;
        let head = app.staff("mz_head").await;
        let page = head.get("/admin/forecast").await;
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("data-service=\"{}\"", seeded.service_code)), "{html}");
        assert!(html.contains("data-testid=\"forecast-assumptions\""), "{html}");
        assert!(html.contains("预计新增超期"), "the page speaks Chinese first");
        assert!(
            html.contains(&format!("/admin/queue?service={}&amp;department={}&amp;due=overdue", seeded.service_code, seeded.department)),
            "the overdue figure links to those cases: {html}"
        );

        let clerk = app.staff("mz_clerk").await;
        let html = clerk.get("/admin/forecast").await.text().await.unwrap();
        assert!(!html.contains("data-testid=\"forecast-table\""), "a clerk sees no forecast");
    }
}
