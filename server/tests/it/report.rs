//! The monthly report on SQLite and PostgreSQL: the month's volumes per department against
//! a seeded set (every other task moved out of the month), satisfaction equal to the
//! figures page's, a campaign sent in the month with its conversion, the CSV, the page, bad
//! months, and scope: a head sees the department only, a clerk nothing.
use domain::ids::TaskId;

use crate::campaigns::{CAMPAIGNS, campaign as draft_campaign, fresh_service, sent};
use crate::helpers::TestApp;
use chrono::{DateTime, TimeZone, Utc};
use domain::application::ApplicationStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use store::entities::{campaign, rating, task};

const MONTH: &str = "2025-03";
const REPORT: &str = "/api/v1/staff/reports/2025-03";

/// 10:00 China time on a day of 2025.
fn at(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, month, day, 2, 0, 0).unwrap()
}

struct Clock {
    status: ApplicationStatus,
    created: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
    decided: Option<DateTime<Utc>>,
    completed: Option<DateTime<Utc>>,
}

async fn set(app: &TestApp, ids: &[TaskId], clock: Clock) {
    task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(clock.status))
        .col_expr(task::Column::CreatedAt, Expr::value(clock.created))
        .col_expr(task::Column::AcceptedAt, Expr::value(clock.created))
        .col_expr(task::Column::DueAt, Expr::value(clock.due))
        .col_expr(task::Column::DecidedAt, Expr::value(clock.decided))
        .col_expr(task::Column::CompletedAt, Expr::value(clock.completed))
        .filter(task::Column::Id.is_in(ids.to_vec()))
        .exec(&app.db)
        .await
        .expect("update tasks");
}

async fn tasks_of(app: &TestApp, department: i64) -> Vec<TaskId> {
    task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::DepartmentId.eq(department))
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await
        .expect("tasks")
}

struct Seeded {
    mz: i64,
    ga: i64,
    /// The ids of the ratings moved into March 2025, comma-separated.
    ratings: String,
}

/// Every task of the demo moved to 2020; then in March 2025, in `mz`: 12 received (2 more
/// in February), 12 decided (8 on time, 2 late and rejected, 2 without a deadline), one
/// decided in April, one still running; 5 completed. In `ga`: 3 received, nothing decided.
async fn seed(app: &TestApp) -> Seeded {
    let mz = app
        .scalar("SELECT id FROM department WHERE code = 'mz'")
        .await;
    let ga = app
        .scalar("SELECT id FROM department WHERE code = 'ga'")
        .await;
    let long_ago = Utc.with_ymd_and_hms(2020, 1, 6, 2, 0, 0).unwrap();
    let all: Vec<TaskId> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await
        .expect("every task");
    let done = |created| Clock {
        status: ApplicationStatus::Completed,
        created,
        due: Some(long_ago),
        decided: Some(long_ago),
        completed: Some(long_ago),
    };
    set(app, &all, done(long_ago)).await;

    let ids = tasks_of(app, mz).await;
    assert!(ids.len() >= 14, "the demo gives mz at least 14 tasks");
    let approved = ApplicationStatus::Approved;
    let on_time = |completed| Clock {
        status: approved,
        created: at(3, 5),
        due: Some(at(3, 25)),
        decided: Some(at(3, 20)),
        completed,
    };
    set(app, &ids[0..3], on_time(Some(at(3, 31)))).await;
    set(app, &ids[3..8], on_time(None)).await;
    let late = Clock {
        status: ApplicationStatus::Rejected,
        created: at(3, 5),
        due: Some(at(3, 25)),
        decided: Some(at(3, 28)),
        completed: None,
    };
    set(app, &ids[8..10], late).await;
    let in_april = Clock {
        status: approved,
        created: at(3, 6),
        due: Some(at(4, 10)),
        decided: Some(at(4, 2)),
        completed: None,
    };
    set(app, &ids[10..11], in_april).await;
    let running = Clock {
        status: ApplicationStatus::Accepted,
        created: at(3, 6),
        due: Some(at(3, 30)),
        decided: None,
        completed: None,
    };
    set(app, &ids[11..12], running).await;
    let without_limit = Clock {
        status: ApplicationStatus::Completed,
        created: at(2, 20),
        due: None,
        decided: Some(at(3, 10)),
        completed: Some(at(3, 15)),
    };
    set(app, &ids[12..14], without_limit).await;

    let ga_ids = tasks_of(app, ga).await;
    assert!(ga_ids.len() >= 3, "the demo gives ga at least 3 tasks");
    set(app, &ga_ids[0..3], done(at(3, 6))).await;

    // Twelve ratings that count (not excluded), given at 01:00 on 1 March China time: still
    // 28 February in UTC, so a month taken in UTC would miss them.
    let ratings: Vec<i64> = rating::Entity::find()
        .select_only()
        .column(rating::Column::Id)
        .filter(rating::Column::Excluded.eq(false))
        .order_by_asc(rating::Column::Id)
        .limit(12)
        .into_tuple()
        .all(&app.db)
        .await
        .expect("ratings");
    assert_eq!(ratings.len(), 12, "the demo has twelve ratings that count");
    rating::Entity::update_many()
        .col_expr(
            rating::Column::CreatedAt,
            Expr::value(Utc.with_ymd_and_hms(2025, 2, 28, 17, 0, 0).unwrap()),
        )
        .filter(rating::Column::Id.is_in(ratings.clone()))
        .exec(&app.db)
        .await
        .expect("ratings in March");
    let ratings = ratings
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    Seeded { mz, ga, ratings }
}

fn volume_of(report: &Value, department: i64) -> &Value {
    &report["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .find(|v| v["department_id"] == department)
        .unwrap_or_else(|| panic!("department {department} in {report}"))["volume"]
}

fn departments_in(report: &Value, list: &str) -> Vec<i64> {
    report[list]
        .as_array()
        .expect(list)
        .iter()
        .map(|d| {
            d["department_id"]
                .as_i64()
                .or(d["id"].as_i64())
                .expect("id")
        })
        .collect()
}

on_both_backends! {
    async fn the_report_counts_the_months_tasks_per_department(app) {
        let seeded = seed(&app).await;
        let (status, report) = app.staff("supervisor").await.get_json(REPORT).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["month"], MONTH);
        assert_eq!(report["partial"], false);
        assert!(report["department"].is_null(), "a supervisor's report covers every department");
        assert_eq!(
            volume_of(&report, seeded.mz),
            &json!({"received": 12, "decided": 12, "approved": 10, "rejected": 2,
                    "with_deadline": 10, "on_time": 8, "completed": 5})
        );
        let ga = volume_of(&report, seeded.ga);
        assert_eq!((ga["received"].as_i64(), ga["decided"].as_i64()), (Some(3), Some(0)));
        assert_eq!(report["volume_total"]["received"], 15);
        assert_eq!(report["volume_total"]["on_time"], 8);
        assert!(departments_in(&report, "volumes").len() > 2, "every department side by side");

        // The trend: twelve months to March 2025, counted by the month in China time.
        let trend = report["trend"].as_array().expect("trend");
        assert_eq!(trend.len(), 12);
        assert_eq!((trend[0]["month"].as_str(), trend[11]["month"].as_str()), (Some("2024-04"), Some(MONTH)));
        let march = &trend[11];
        assert_eq!((march["received"].as_i64(), march["decided"].as_i64()), (Some(15), Some(12)));
        assert_eq!((march["with_deadline"].as_i64(), march["on_time"].as_i64()), (Some(10), Some(8)));
        let february = &trend[10];
        assert_eq!((february["received"].as_i64(), february["decided"].as_i64()), (Some(2), Some(0)));
        assert!(trend[..10].iter().all(|m| m["received"] == 0 && m["decided"] == 0), "{report}");
        assert_eq!(march["ratings"], report["satisfaction_total"]["ratings"], "{report}");
        assert_eq!(march["satisfied"], report["satisfaction_total"]["satisfied"], "{report}");
        assert_eq!(march["ratings"], 12, "the ratings moved into March");
        let satisfied = app.scalar(&format!(
            "SELECT COUNT(*) FROM rating WHERE id IN ({}) AND score >= 4", seeded.ratings
        )).await;
        assert_eq!(march["satisfied"], satisfied);

        // Satisfaction, ranking and problems are the figures page's for the same month.
        let (status, figures) = app
            .staff("supervisor").await
            .get_json(&format!("/api/v1/staff/figures?month={MONTH}"))
            .await;
        assert_eq!(status, 200, "{figures}");
        assert_eq!(report["satisfaction_total"], figures["total"]);
        assert_eq!(report["satisfaction"], figures["departments"]);
        assert_eq!(report["ranking"], figures["ranking"]);
        assert_eq!(report["problems"], figures["problems"]);
    }

    async fn a_head_sees_the_department_and_a_clerk_nothing(app) {
        let seeded = seed(&app).await;
        let head = app.staff("mz_head").await;
        // Asking for another department changes nothing for a head.
        for path in [REPORT.to_owned(), format!("{REPORT}?department={}", seeded.ga)] {
            let (status, report) = head.get_json(&path).await;
            assert_eq!(status, 200, "{report}");
            assert_eq!(departments_in(&report, "volumes"), vec![seeded.mz], "{path}: {report}");
            assert_eq!(departments_in(&report, "satisfaction"), vec![seeded.mz], "{path}");
            assert_eq!(report["volume_total"]["received"], 12, "{path}");
            assert_eq!(report["department"]["zh"], "西湖区民政局", "{path}");
        }
        // A supervisor may narrow it to one department.
        let (status, narrowed) = app
            .staff("supervisor").await
            .get_json(&format!("{REPORT}?department={}", seeded.ga))
            .await;
        assert_eq!(status, 200, "{narrowed}");
        assert_eq!(departments_in(&narrowed, "volumes"), vec![seeded.ga]);
        assert_eq!(narrowed["volume_total"]["received"], 3);

        let (status, body) = app.staff("mz_clerk").await.get_json(REPORT).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = app.get_json(REPORT).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")), "{body}");
    }

    async fn a_month_not_begun_or_malformed_is_refused(app) {
        let head = app.staff("mz_head").await;
        for month in ["2025-13", "2099-01", "march", "2025-3"] {
            let (status, body) = head.get_json(&format!("/api/v1/staff/reports/{month}")).await;
            assert_eq!(status, 400, "{month}: {body}");
            assert_eq!(body["code"], "invalid_parameter", "{month}");
            assert_eq!(body["field"], "month", "{month}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        }
        let (status, body) = head.get_json(&format!("{REPORT}?department=abc")).await;
        assert_eq!(status, 400, "{body}");
    }

    async fn a_campaign_sent_in_the_month_shows_its_conversion(app) {
        let (service, code) = fresh_service(&app).await;
        let supervisor = app.staff("supervisor").await;
        let (id, _) = draft_campaign(&supervisor, &code).await;
        let (status, submitted) = supervisor.post_json(&format!("{CAMPAIGNS}/{id}/submit"), json!({})).await;
        assert_eq!(status, 200, "{submitted}");
        sent(&supervisor, id).await;
        campaign::Entity::update_many()
            .col_expr(campaign::Column::SentAt, Expr::value(at(3, 12)))
            .filter(campaign::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .expect("sent in March");
        let delivered = app.scalar(&format!("SELECT COUNT(*) FROM recommendation WHERE campaign_id = {id}")).await;
        assert!(delivered > 0);

        let (status, report) = supervisor.get_json(REPORT).await;
        assert_eq!(status, 200, "{report}");
        let campaigns = report["campaigns"].as_array().expect("campaigns");
        assert_eq!(campaigns.len(), 1, "{report}");
        assert_eq!(campaigns[0]["id"], id);
        assert_eq!(campaigns[0]["conversion"]["delivered"], delivered);
        assert_eq!(campaigns[0]["conversion"]["applied"], 0);

        // The head of the service's department sees it; another head does not.
        let owner = app.text(&format!(
            "SELECT d.code FROM department d JOIN service s ON s.department_id = d.id WHERE s.id = {service}"
        )).await;
        let other = if owner == "mz" { "ga" } else { "mz" };
        let (_, own) = app.staff(&format!("{owner}_head")).await.get_json(REPORT).await;
        assert_eq!(own["campaigns"].as_array().map(Vec::len), Some(1), "{own}");
        let (_, theirs) = app.staff(&format!("{other}_head")).await.get_json(REPORT).await;
        assert_eq!(theirs["campaigns"].as_array().map(Vec::len), Some(0), "{theirs}");
        // The month before has none.
        let (_, february) = supervisor.get_json("/api/v1/staff/reports/2025-02").await;
        assert_eq!(february["campaigns"].as_array().map(Vec::len), Some(0), "{february}");
    }

    async fn the_csv_has_one_figure_per_row_in_the_asked_language(app) {
        let seeded = seed(&app).await;
        let supervisor = app.staff("supervisor").await;
        let response = supervisor.get(&format!("{REPORT}/csv")).await;
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers().clone();
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(
            headers["content-disposition"].to_str().unwrap(),
            "attachment; filename=\"minsheng-report-2025-03.csv\""
        );
        assert_eq!(headers["cache-control"].to_str().unwrap(), "no-store");
        let csv = response.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}month,section,department,item,measure,value\r\n"), "{csv}");
        let mz = app.text(&format!("SELECT name FROM department WHERE id = {}", seeded.mz)).await;
        assert!(csv.contains(&format!("\r\n2025-03,volume,{mz},,received,12\r\n")), "{csv}");
        assert!(csv.contains(&format!("\r\n2025-03,volume,{mz},,on_time_rate,0.8000\r\n")), "{csv}");
        assert!(csv.contains("\r\n2025-03,volume,合计,,received,15\r\n"), "{csv}");
        // ga decided nothing: no on-time rate to show.
        let ga = app.text(&format!("SELECT name FROM department WHERE id = {}", seeded.ga)).await;
        assert!(csv.contains(&format!("\r\n2025-03,volume,{ga},,on_time_rate,\r\n")), "{csv}");

        let english = app
            .client
            .get(app.url(&format!("{REPORT}/csv")))
            .header("cookie", &supervisor.cookie)
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(english.contains(",volume,Total,,received,15\r\n"), "{english}");

        let clerk = app.staff("mz_clerk").await;
        assert_eq!(clerk.get(&format!("{REPORT}/csv")).await.status().as_u16(), 403);
    }

    async fn the_page_prints_the_report_for_a_head(app) {
        seed(&app).await;
        let head = app.staff("mz_head").await;
        let page = head.get(&format!("/admin/reports/{MONTH}")).await;
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"report-volumes\""), "{html}");
        assert!(html.contains("data-figure=\"received\">12<"), "{html}");
        assert!(html.contains("月度报告"), "the page speaks Chinese first");
        assert!(html.contains(&format!("href=\"/api/v1/staff/reports/{MONTH}/csv\"")), "{html}");

        let clerk = app.staff("mz_clerk").await;
        let html = clerk.get(&format!("/admin/reports/{MONTH}")).await.text().await.unwrap();
        assert!(!html.contains("data-testid=\"report-volumes\""), "a clerk sees no report");
    }
}
