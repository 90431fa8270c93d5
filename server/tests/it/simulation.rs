//! The policy simulation on SQLite and PostgreSQL: "独居 and 70+ in 西湖区, 200 元/月" counts
//! what hand-written queries count, now and with ages a year on (three residents who turn
//! 70 within the year qualify only then), and what the segment preview counts; the yearly
//! cost is the count × amount × 12; "already served" counts those granted the similar
//! service; periods do not move a year on. Bad drafts are 422 by field and run nothing,
//! clerks are 403, nobody signed in is 401, nothing is stored but the audit line, and the
//! page answers without JavaScript.

use chrono::{Days, Months, Utc};
use domain::rule::{age_cutoff, china_today};
use serde_json::{Value, json};

const SIMULATIONS: &str = "/api/v1/staff/simulations";

async fn xihu(app: &crate::helpers::TestApp) -> i64 {
    app.scalar("SELECT id FROM region WHERE kind = 'district' AND name = '西湖区'")
        .await
}

fn headcount(n: i64) -> Value {
    if (1..10).contains(&n) {
        json!("fewer_than_ten")
    } else {
        json!({"exact": n})
    }
}

fn yearly_cost(n: i64, monthly: i64) -> Value {
    if (1..10).contains(&n) {
        json!({"below": 10 * monthly * 12})
    } else {
        json!({"exact": n * monthly * 12})
    }
}

fn seventy_plus_alone_in(district: i64) -> Value {
    json!({"all": [
        {"is": {"kind": "age", "min": 70, "max": null}},
        {"is": {"kind": "lives_alone"}},
        {"is": {"kind": "region", "region_id": district}}
    ]})
}

const ALONE: &str =
    "NOT EXISTS (SELECT 1 FROM resident m WHERE m.household_id = r.household_id AND m.id <> r.id)";

/// The service granted most often (approved or completed) in the demo data.
async fn most_granted_service(app: &crate::helpers::TestApp) -> i64 {
    app.scalar(
        "SELECT service_id FROM task WHERE status IN ('approved', 'completed') \
         GROUP BY service_id ORDER BY COUNT(*) DESC, service_id LIMIT 1",
    )
    .await
}

/// Rows that a simulation must never write.
async fn stored(app: &crate::helpers::TestApp) -> (i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM segment").await,
        app.scalar("SELECT COUNT(*) FROM campaign").await,
        app.scalar("SELECT COUNT(*) FROM notification").await,
    )
}

const AUDITED: &str = "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.simulate' AND target_kind = 'policy_simulation'";

on_both_backends! {
    async fn the_simulation_counts_now_and_a_year_on_what_queries_by_hand_count(app) {
        let xihu = xihu(&app).await;
        let today = china_today(Utc::now());
        let a_year_on = today.checked_add_months(Months::new(12)).unwrap();
        let in_xihu = format!("r.region_id IN (SELECT id FROM region WHERE path LIKE '%/{xihu}/%')");

        // Three who live alone in 西湖区 turn 70 in sixty days: not yet qualified, but a year on.
        let turning = age_cutoff(today, 70) + Days::new(60);
        let ids: Vec<i64> = {
            use sea_orm::{ConnectionTrait, Statement};
            let sql = format!("SELECT r.id FROM resident r WHERE {in_xihu} AND {ALONE} ORDER BY r.id LIMIT 3");
            let rows = app.db.query_all_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap();
            rows.iter().map(|row| row.try_get_by_index::<i64>(0).unwrap()).collect()
        };
        assert_eq!(ids.len(), 3, "the demo has people living alone in 西湖区");
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        {
            use sea_orm::ConnectionTrait;
            app.db.execute_unprepared(&format!("UPDATE resident SET birth_date = '{turning}' WHERE id IN ({list})")).await.unwrap();
        }

        let count_by_hand = |born_by: chrono::NaiveDate| {
            format!("SELECT COUNT(*) FROM resident r WHERE r.birth_date <= '{born_by}' AND {in_xihu} AND {ALONE}")
        };
        let now_by_hand = app.scalar(&count_by_hand(age_cutoff(today, 70))).await;
        let later_by_hand = app.scalar(&count_by_hand(age_cutoff(a_year_on, 70))).await;
        assert!(now_by_hand > 0, "the demo has old people living alone in 西湖区");
        assert!(later_by_hand >= now_by_hand + 3, "{now_by_hand} → {later_by_hand}");

        // Draft B: adults who applied for the most granted service in the last year, compared
        // with that very service; no condition on age, so a year on changes nothing.
        let service = most_granted_service(&app).await;
        let applied_lately = json!({"all": [
            {"is": {"kind": "age", "min": 18, "max": null}},
            {"is": {"kind": "applied", "service_id": service, "within_days": 365, "outcome": "any"}}
        ]});
        let since = (Utc::now() - chrono::Duration::days(365)).format("%Y-%m-%d %H:%M:%S+00:00");
        let applied_by_hand = |granted: bool| {
            let statuses = if granted { "AND t.status IN ('approved', 'completed')" } else { "AND t.status <> 'draft'" };
            format!(
                "EXISTS (SELECT 1 FROM application a JOIN task t ON t.application_id = a.id \
                 WHERE a.resident_id = r.id AND a.submitted_at IS NOT NULL AND t.service_id = {service} {statuses}{})",
                if granted { String::new() } else { format!(" AND a.submitted_at >= '{since}'") }
            )
        };
        let adult = format!("r.birth_date <= '{}'", age_cutoff(today, 18));
        let b_by_hand = app
            .scalar(&format!("SELECT COUNT(*) FROM resident r WHERE {adult} AND {}", applied_by_hand(false)))
            .await;
        let b_served_by_hand = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM resident r WHERE {adult} AND {} AND {}",
                applied_by_hand(false),
                applied_by_hand(true)
            ))
            .await;
        assert!(b_served_by_hand > 0, "some recent applicants were granted it");

        let before = stored(&app).await;
        let head = app.staff("mz_head").await;
        let (status, body) = head
            .post_json(SIMULATIONS, json!({"drafts": [
                {"rule": seventy_plus_alone_in(xihu), "monthly_amount": 200},
                {"rule": applied_lately, "monthly_amount": 50, "similar_service_id": service}
            ]}))
            .await;
        assert_eq!(status, 200, "{body}");
        let outcomes = body["outcomes"].as_array().expect("outcomes");
        assert_eq!(outcomes.len(), 2, "one per draft: {body}");

        let a = &outcomes[0];
        assert_eq!(a["now"]["on"], today.to_string());
        assert_eq!(a["now"]["count"], headcount(now_by_hand), "{body}");
        assert_eq!(a["now"]["yearly_cost"], yearly_cost(now_by_hand, 200));
        assert_eq!(a["in_a_year"]["on"], a_year_on.to_string());
        assert_eq!(a["in_a_year"]["count"], headcount(later_by_hand), "{body}");
        assert_eq!(a["in_a_year"]["yearly_cost"], yearly_cost(later_by_hand, 200));
        assert_eq!(a["already_served"], Value::Null, "no similar service named");
        let districts = a["in_a_year"]["by_district"].as_array().expect("districts");
        assert_eq!(districts.len(), 1, "only 西湖区: {districts:?}");
        assert_eq!(districts[0]["region_id"], xihu);
        let bands = a["in_a_year"]["by_age_band"].as_array().expect("bands");
        assert_eq!(bands.len(), 6);
        assert!(
            bands[..4].iter().all(|b| b["count"] == headcount(0)),
            "nobody under 70 a year on: {bands:?}"
        );

        let b = &outcomes[1];
        assert_eq!(b["now"]["count"], headcount(b_by_hand), "{body}");
        assert_eq!(b["in_a_year"]["count"], b["now"]["count"], "periods end today, a year on too");
        assert_eq!(b["now"]["yearly_cost"], yearly_cost(b_by_hand, 50));
        assert_eq!(b["already_served"], headcount(b_served_by_hand));

        // The count a segment preview of the same rule gives.
        let (status, preview) = head
            .post_json("/api/v1/staff/segments/preview", seventy_plus_alone_in(xihu))
            .await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["count"], a["now"]["count"]);

        assert_eq!(stored(&app).await, before, "nothing stored, nothing sent");
        assert_eq!(app.scalar(AUDITED).await, 1, "the simulation is on record");
    }

    async fn a_bad_draft_is_refused_by_field_and_runs_nothing(app) {
        let supervisor = app.staff("supervisor").await;
        let alone = json!({"is": {"kind": "lives_alone"}});
        let cases = [
            (json!({"drafts": []}), "drafts"),
            (json!({"drafts": [
                {"rule": alone, "monthly_amount": 1},
                {"rule": alone, "monthly_amount": 1},
                {"rule": alone, "monthly_amount": 1}
            ]}), "drafts"),
            (json!({"drafts": [
                {"rule": alone, "monthly_amount": 1},
                {"rule": alone, "monthly_amount": 100_001}
            ]}), "drafts.1.monthly_amount"),
            (json!({"drafts": [{"rule": {"is": {"kind": "age", "min": 80, "max": 70}}, "monthly_amount": 1}]}), "drafts.0.rule"),
            (json!({"drafts": [{"rule": alone, "monthly_amount": 1, "similar_service_id": 99_999_999}]}), "drafts.0.similar_service_id"),
        ];
        for (request, field) in cases {
            let (status, body) = supervisor.post_json(SIMULATIONS, request).await;
            assert_eq!((status, body["code"].as_str()), (422, Some("validation_failed")), "{body}");
            assert_eq!(body["errors"][0]["field"], field, "{body}");
        }
        let (status, body) = supervisor
            .post_json(SIMULATIONS, json!({"drafts": [{"rule": "everyone", "monthly_amount": -5}]}))
            .await;
        assert_eq!((status, body["code"].as_str()), (422, Some("invalid_parameter")), "{body}");
        assert_eq!(app.scalar(AUDITED).await, 0, "no refused draft was counted");
    }

    async fn only_heads_and_supervisors_simulate(app) {
        let request = json!({"drafts": [{"rule": {"is": {"kind": "lives_alone"}}, "monthly_amount": 100}]});
        let (status, body) = app.staff("mz_clerk").await.post_json(SIMULATIONS, request.clone()).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = app.staff("mz_reviewer").await.post_json(SIMULATIONS, request.clone()).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let anonymous = app.post_json(SIMULATIONS, request.clone()).await;
        assert_eq!(anonymous.status(), 401);
        let (status, body) = app.staff("supervisor").await.post_json(SIMULATIONS, request).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.scalar(AUDITED).await, 1);
    }

    // Without JavaScript the form's query is the simulation: the page shows the counts, the
    // cost and both dates; a draft without an amount is named at fault; a clerk gets none.
    async fn the_page_answers_its_query(app) {
        let xihu = xihu(&app).await;
        let today = china_today(Utc::now());
        let now_by_hand = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM resident r WHERE r.birth_date <= '{}' \
                 AND r.region_id IN (SELECT id FROM region WHERE path LIKE '%/{xihu}/%') AND {ALONE}",
                age_cutoff(today, 70)
            ))
            .await;
        let query = format!("/admin/simulation?a_age_min=70&a_lives_alone=on&a_region={xihu}&a_amount=200");
        let head = app.staff("mz_head").await;
        let html = head.get(&query).await.text().await.unwrap();
        assert!(html.contains("data-testid=\"simulation-compare\""), "{html}");
        let count = headcount(now_by_hand);
        let shown = count["exact"].as_i64().map_or("&lt; 10".to_owned(), |n| n.to_string());
        assert!(html.contains(&format!("data-testid=\"simulation-now\">{shown}<")), "{shown} in {html}");
        let cost = yearly_cost(now_by_hand, 200);
        let cost = cost["exact"].as_i64().map_or_else(
            || format!("&lt; {}", domain::simulation::grouped(cost["below"].as_i64().unwrap())),
            domain::simulation::grouped,
        );
        assert!(html.contains(&format!("data-testid=\"simulation-cost-now\">{cost}<")), "{cost} in {html}");
        assert!(html.contains("现在符合条件"), "the page speaks Chinese first");
        assert!(html.contains("data-testid=\"simulation-assumptions\""));
        assert!(
            html.contains(&format!("href=\"/admin/segments?age_min=70&amp;region={xihu}&amp;lives_alone=on\"")),
            "the draft opens in the segment builder: {html}"
        );

        let html = head.get("/admin/simulation?a_lives_alone=on").await.text().await.unwrap();
        assert!(html.contains("data-testid=\"simulation-problems\""), "{html}");
        assert!(!html.contains("data-testid=\"simulation-compare\""));

        let clerk = app.staff("mz_clerk").await;
        let html = clerk.get(&query).await.text().await.unwrap();
        assert!(!html.contains("data-testid=\"simulation-compare\""), "a clerk gets no simulation");
    }
}
