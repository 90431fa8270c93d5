//! Stored alerts (预警 · 告警) on SQLite and PostgreSQL: raised once however often and however
//! concurrently the rules are looked at, escalated to an alarm (asking again), closed when the
//! condition clears and raised anew after; a spike of bad reviews about one service and from
//! one grid; who sees which alert, the acknowledgement with its note (API and form), the
//! audit line, and the month's report.
use crate::helpers::TestApp;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::alert::{AlertPolicy, Lines};
use domain::application::ApplicationStatus;
use domain::ids::TaskId;
use domain::rating_policy::RatingPolicy;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use store::alerts::{Changes, evaluate};
use store::entities::{alert, rating, resident, task};

const ALERTS: &str = "/api/v1/staff/alerts";

/// Overdue tasks: a warning from 3, an alarm from 6 (the demo's departments are small).
fn policy() -> AlertPolicy {
    AlertPolicy {
        overdue_tasks: Lines::new(3.0, 6.0),
        ..AlertPolicy::default()
    }
}

async fn look(app: &TestApp) -> Changes {
    look_at(app, Utc::now()).await
}

async fn look_at(app: &TestApp, now: DateTime<Utc>) -> Changes {
    evaluate(&app.db, &policy(), &RatingPolicy::default(), now)
        .await
        .expect("the rules are looked at")
}

async fn department(app: &TestApp, code: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM department WHERE code = '{code}'"))
        .await
}

/// Every task decided long ago; then `overdue` of the department's running past their time.
async fn overdue_in(app: &TestApp, department: i64, overdue: usize) {
    let long_ago = Utc.with_ymd_and_hms(2020, 1, 6, 2, 0, 0).unwrap();
    task::Entity::update_many()
        .col_expr(
            task::Column::Status,
            Expr::value(ApplicationStatus::Completed),
        )
        .col_expr(task::Column::DueAt, Expr::value(long_ago))
        .exec(&app.db)
        .await
        .expect("every task done");
    let ids: Vec<TaskId> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::DepartmentId.eq(department))
        .order_by_asc(task::Column::Id)
        .limit(overdue as u64)
        .into_tuple()
        .all(&app.db)
        .await
        .expect("tasks");
    assert_eq!(
        ids.len(),
        overdue,
        "the demo has {overdue} tasks in the department"
    );
    set_due(app, &ids, Utc::now() - Duration::days(1)).await;
}

async fn set_due(app: &TestApp, ids: &[TaskId], due: DateTime<Utc>) {
    task::Entity::update_many()
        .col_expr(
            task::Column::Status,
            Expr::value(ApplicationStatus::Accepted),
        )
        .col_expr(task::Column::DueAt, Expr::value(due))
        .filter(task::Column::Id.is_in(ids.to_vec()))
        .exec(&app.db)
        .await
        .expect("tasks due");
}

async fn running_in(app: &TestApp, department: i64) -> Vec<TaskId> {
    task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::DepartmentId.eq(department))
        .filter(task::Column::Status.eq(ApplicationStatus::Accepted))
        .into_tuple()
        .all(&app.db)
        .await
        .expect("running tasks")
}

async fn of_rule(app: &TestApp, rule: &str) -> Vec<alert::Model> {
    alert::Entity::find()
        .filter(alert::Column::Rule.eq(domain::alert::Rule::parse(rule).unwrap()))
        .order_by_asc(alert::Column::Id)
        .all(&app.db)
        .await
        .expect("alerts")
}

fn listed<'a>(list: &'a Value, rule: &str) -> Vec<&'a Value> {
    list["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| a["rule"] == rule)
        .collect()
}

/// Every rating moved out of the spike windows; then six bad reviews yesterday of one
/// service by residents of one grid. Returns (service, its department, grid).
async fn spike(app: &TestApp) -> (i64, i64, i64) {
    let long_ago = Utc.with_ymd_and_hms(2020, 1, 6, 2, 0, 0).unwrap();
    rating::Entity::update_many()
        .col_expr(rating::Column::CreatedAt, Expr::value(long_ago))
        .exec(&app.db)
        .await
        .expect("ratings long ago");
    let chosen: Vec<rating::Model> = rating::Entity::find()
        .order_by_asc(rating::Column::Id)
        .limit(6)
        .all(&app.db)
        .await
        .expect("ratings");
    assert_eq!(chosen.len(), 6, "the demo has six ratings");
    let (service, department) = (chosen[0].service_id, chosen[0].department_id);
    let grid = app
        .scalar("SELECT id FROM region WHERE kind = 'grid' ORDER BY id LIMIT 1")
        .await;
    rating::Entity::update_many()
        .col_expr(rating::Column::Score, Expr::value(1i16))
        .col_expr(rating::Column::Excluded, Expr::value(false))
        .col_expr(rating::Column::ServiceId, Expr::value(service))
        .col_expr(rating::Column::DepartmentId, Expr::value(department))
        .col_expr(
            rating::Column::CreatedAt,
            Expr::value(Utc::now() - Duration::days(1)),
        )
        .filter(rating::Column::Id.is_in(chosen.iter().map(|r| r.id)))
        .exec(&app.db)
        .await
        .expect("six bad reviews yesterday");
    resident::Entity::update_many()
        .col_expr(resident::Column::RegionId, Expr::value(grid))
        .filter(resident::Column::Id.is_in(chosen.iter().map(|r| r.resident_id)))
        .exec(&app.db)
        .await
        .expect("the raters live in one grid");
    (service, department, grid)
}

on_both_backends! {
    async fn an_alert_is_raised_once_escalated_and_closed_when_it_clears(app) {
        let mz = department(&app, "mz").await;
        overdue_in(&app, mz, 4).await;
        let changes = look(&app).await;
        let raised = of_rule(&app, "overdue_tasks").await;
        assert_eq!(raised.len(), 1, "one department has overdue tasks: {raised:?}");
        let first = &raised[0];
        assert!(changes.raised.contains(&first.id));
        assert_eq!((first.department_id, first.subject_kind.as_str(), first.subject_id), (Some(mz), "department", mz));
        assert_eq!(first.level, domain::alert::Level::Warning);
        assert_eq!((first.evidence.count, first.evidence.line), (4, 3.0));
        assert!(first.open_key.is_some() && first.closed_at.is_none());

        // Looked at again, and by two instances at once: still one record.
        let again = look(&app).await;
        assert!(again.raised.is_empty(), "{again:?}");
        let (a, b) = tokio::join!(look(&app), look(&app));
        assert!(a.raised.is_empty() && b.raised.is_empty());
        assert_eq!(of_rule(&app, "overdue_tasks").await.len(), 1);

        // Acknowledged, then it grows into an alarm: the acknowledgement is asked for again.
        let head = app.staff("mz_head").await;
        let path = format!("{ALERTS}/{}/acknowledge", first.id);
        let (status, body) = head.post_json(&path, json!({"note": "已安排加班处理"})).await;
        assert_eq!(status, 204, "{body}");
        let running = running_in(&app, mz).await;
        let more: Vec<TaskId> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::DepartmentId.eq(mz))
            .filter(task::Column::Id.is_not_in(running.clone()))
            .limit(2)
            .into_tuple()
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(more.len(), 2, "the demo has 6 tasks in mz");
        set_due(&app, &more, Utc::now() - Duration::hours(2)).await;
        let escalated = look(&app).await;
        assert_eq!(escalated.escalated, 1, "{escalated:?}");
        let now = &of_rule(&app, "overdue_tasks").await[0];
        assert_eq!((now.id, now.level, now.evidence.count), (first.id, domain::alert::Level::Alarm, 6));
        assert!(now.acknowledged_at.is_none(), "an alarm asks for a new acknowledgement");

        // Cleared: closed, kept in the history; when it fires again it is a new occurrence.
        let all: Vec<TaskId> = running_in(&app, mz).await;
        set_due(&app, &all, Utc::now() + Duration::days(10)).await;
        let cleared = look(&app).await;
        assert!(cleared.closed >= 1, "{cleared:?}");
        let closed = &of_rule(&app, "overdue_tasks").await[0];
        assert!(closed.closed_at.is_some() && closed.open_key.is_none(), "{closed:?}");
        let (status, history) = head.get_json(&format!("{ALERTS}?state=closed")).await;
        assert_eq!(status, 200, "{history}");
        assert_eq!(listed(&history, "overdue_tasks").len(), 1, "{history}");
        let (_, open) = head.get_json(ALERTS).await;
        assert!(listed(&open, "overdue_tasks").is_empty(), "{open}");

        set_due(&app, &all[..3], Utc::now() - Duration::hours(1)).await;
        look(&app).await;
        let both = of_rule(&app, "overdue_tasks").await;
        assert_eq!(both.len(), 2, "a new occurrence: {both:?}");
        assert!(both[1].open_key.is_some() && both[0].open_key.is_none());
    }

    async fn bad_reviews_spiking_for_a_service_and_in_a_grid_raise_alerts(app) {
        let (service, department, grid) = spike(&app).await;
        look(&app).await;
        let spikes = of_rule(&app, "bad_review_spike").await;
        let of_service = spikes.iter().find(|a| a.subject_kind == "service").expect("the service's spike");
        assert_eq!((of_service.subject_id, of_service.department_id), (service, Some(department)));
        assert_eq!(of_service.evidence.count, 6);
        assert_eq!(of_service.evidence.weeks, vec![0; 8], "quiet weeks before");
        assert_eq!(of_service.level, domain::alert::Level::Warning);
        let of_grid = spikes.iter().find(|a| a.subject_kind == "grid").expect("the grid's spike");
        assert_eq!((of_grid.subject_id, of_grid.department_id), (grid, None));
        assert_eq!(of_grid.evidence.count, 6);

        // A week on, the same six reviews are last week's: nothing spikes, both close.
        look_at(&app, Utc::now() + Duration::days(7)).await;
        let spikes = of_rule(&app, "bad_review_spike").await;
        assert!(spikes.iter().all(|a| a.closed_at.is_some()), "{spikes:?}");
    }

    async fn heads_see_and_acknowledge_their_departments_alerts_only(app) {
        let (_, department, _) = spike(&app).await;
        look(&app).await;
        let code = app.text(&format!("SELECT code FROM department WHERE id = {department}")).await;
        let other = if code == "mz" { "ga" } else { "mz" };
        let spikes = of_rule(&app, "bad_review_spike").await;
        let service_alert = spikes.iter().find(|a| a.subject_kind == "service").unwrap().id;
        let grid_alert = spikes.iter().find(|a| a.subject_kind == "grid").unwrap().id;

        // Who sees what.
        let head = app.staff(&format!("{code}_head")).await;
        let (status, list) = head.get_json(ALERTS).await;
        assert_eq!(status, 200, "{list}");
        let ids: Vec<i64> = list["alerts"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&service_alert), "{list}");
        assert!(!ids.contains(&grid_alert), "a grid's alert is for supervisors: {list}");
        assert!(list["alerts"].as_array().unwrap().iter().all(|a| a["department"]["zh"].is_string()), "{list}");
        let spike = listed(&list, "bad_review_spike")[0];
        assert_eq!(spike["cases"], format!("/admin/figures?department={department}"));
        assert_eq!(spike["evidence"]["count"], 6);
        let other_head = app.staff(&format!("{other}_head")).await;
        let (_, theirs) = other_head.get_json(ALERTS).await;
        assert!(theirs["alerts"].as_array().unwrap().iter().all(|a| a["id"] != service_alert && a["id"] != grid_alert), "{theirs}");
        let (_, all) = app.staff("supervisor").await.get_json(ALERTS).await;
        let ids: Vec<i64> = all["alerts"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&service_alert) && ids.contains(&grid_alert), "{all}");
        assert_eq!(all["open"].as_u64(), Some(ids.len() as u64));
        let (status, body) = app.staff(&format!("{code}_clerk")).await.get_json(ALERTS).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = head.get_json(&format!("{ALERTS}?state=lost")).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("state")), "{body}");

        // Acknowledging: not another department's, not a grid's; a note is required.
        let ack = |id: i64| format!("{ALERTS}/{id}/acknowledge");
        let (status, _) = other_head.post_json(&ack(service_alert), json!({"note": "看看"})).await;
        assert_eq!(status, 404);
        let (status, _) = head.post_json(&ack(grid_alert), json!({"note": "看看"})).await;
        assert_eq!(status, 404);
        let (status, body) = head.post_json(&ack(service_alert), json!({"note": "  "})).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("note")), "{body}");
        let untouched = app.scalar(&format!("SELECT COUNT(*) FROM alert WHERE id = {service_alert} AND acknowledged_at IS NULL")).await;
        assert_eq!(untouched, 1, "a refused acknowledgement changes nothing");

        // The form without JavaScript: a refused note comes back, a good one is kept.
        let form = format!("/admin/forms/alerts/{service_alert}/acknowledge");
        let response = head.post_form(&form, &[("note", "")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let page = head.get("/admin/alerts").await.text().await.unwrap();
        assert!(page.contains("data-testid=\"console-error\""), "the problem is shown");
        assert!(page.contains(&format!("data-id=\"{service_alert}\"")), "the alert is listed");
        let response = head.post_form(&form, &[("note", "已约谈窗口，本周内整改")]).await;
        assert_eq!(response.status().as_u16(), 303);
        let by = app.scalar(&format!("SELECT acknowledged_by_staff_id FROM alert WHERE id = {service_alert}")).await;
        let head_id = app.scalar(&format!("SELECT id FROM staff WHERE username = '{code}_head'")).await;
        assert_eq!(by, head_id);
        assert_eq!(app.text(&format!("SELECT acknowledgement_note FROM alert WHERE id = {service_alert}")).await, "已约谈窗口，本周内整改");
        let audited = app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'alert.acknowledge' AND target_id = {service_alert} AND actor_staff_id = {head_id}"
        )).await;
        assert_eq!(audited, 1);
        let (status, body) = head.post_json(&ack(service_alert), json!({"note": "再次确认"})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("invalid_state_change")), "{body}");
        let page = head.get("/admin/alerts").await.text().await.unwrap();
        assert!(page.contains("data-testid=\"alert-acknowledged\""), "the acknowledgement is shown");

        // The console home counts the open alerts.
        let (_, home) = head.get_json("/api/v1/staff/home").await;
        assert!(home["open_alerts"].as_u64().is_some_and(|n| n >= 1), "{home}");

        // The month's report lists the alerts raised in it.
        let month = Utc::now().with_timezone(&china()).format("%Y-%m").to_string();
        let (status, report) = head.get_json(&format!("/api/v1/staff/reports/{month}")).await;
        assert_eq!(status, 200, "{report}");
        let raised: Vec<i64> = report["raised_alerts"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(raised.contains(&service_alert) && !raised.contains(&grid_alert), "{report}");
    }
}

/// China time (UTC+8, no daylight saving).
fn china() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}
