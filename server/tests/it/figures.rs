//! Satisfaction figures on SQLite and PostgreSQL: satisfaction and bad-review rates without
//! excluded ratings, the rectification on-time rate and average time, small-number
//! suppression on the public API and page, the monthly ranking, common versus individual
//! problems, the 30-day alert on the console home, and department scope.
//!
//! Each test starts from the demo data with every rating and rectification removed, then
//! writes its own rows straight into the tables (the demo's tasks carry them).
use domain::ids::{ApplicationId, ResidentId, StaffId, TaskId};

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::rating::{RatingTag, RatingTags};
use domain::rectification::RectificationStatus;
use domain::survey::SurveyStatus;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::{Value, json};
use store::entities::{rating, rectification, survey, survey_response};

/// A month long past (no part of it is within the 30-day alert window of the test's run).
const MONTH: &str = "2026-03";

/// Noon (China time) on a day of `MONTH`.
fn in_month(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 4, 0, 0).unwrap()
}

/// The text of a page as a reader sees it: Leptos' hydration markers removed.
fn without_hydration_markers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html.replace("<!>", "");
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = rest[start + end + 3..].to_owned(),
            None => {
                rest.clear();
                break;
            }
        }
    }
    out.push_str(&rest);
    out
}

struct Department {
    id: i64,
    /// Two of its services: (id, code).
    services: [(i64, String); 2],
}

/// Writes ratings and rectifications for the tests, each rating on a task of its own.
struct Seed<'a> {
    app: &'a TestApp,
    /// (application_id, task_id) of demo tasks, used one per rating.
    tasks: Vec<(ApplicationId, TaskId)>,
    residents: Vec<ResidentId>,
}

struct NewRating {
    department: i64,
    service: i64,
    /// An index into the seed's residents.
    resident: usize,
    score: i16,
    at: DateTime<Utc>,
    excluded: bool,
    tags: Vec<&'static str>,
}

impl NewRating {
    fn new(department: &Department, service: usize, score: i16, at: DateTime<Utc>) -> Self {
        NewRating {
            department: department.id,
            service: department.services[service].0,
            resident: 0,
            score,
            at,
            excluded: false,
            tags: Vec::new(),
        }
    }
}

impl<'a> Seed<'a> {
    async fn new(app: &'a TestApp) -> Seed<'a> {
        app.db
            .execute_unprepared("DELETE FROM rectification")
            .await
            .expect("clear rectifications");
        app.db
            .execute_unprepared("DELETE FROM rating")
            .await
            .expect("clear ratings");
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT application_id, id FROM task ORDER BY id LIMIT 200",
            ))
            .await
            .expect("tasks");
        let tasks: Vec<(ApplicationId, TaskId)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                )
            })
            .collect();
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT id FROM resident ORDER BY id LIMIT 20",
            ))
            .await
            .expect("residents");
        let residents: Vec<ResidentId> = rows
            .iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect();
        assert!(
            tasks.len() >= 100 && residents.len() >= 10,
            "demo tasks and residents"
        );
        Seed {
            app,
            tasks,
            residents,
        }
    }

    async fn department(&self, code: &str) -> Department {
        let id = self
            .app
            .scalar(&format!("SELECT id FROM department WHERE code = '{code}'"))
            .await;
        let rows = self
            .app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                self.app.db.get_database_backend(),
                format!(
                    "SELECT id, code FROM service WHERE department_id = {id} ORDER BY id LIMIT 2"
                ),
            ))
            .await
            .expect("services");
        let services: Vec<(i64, String)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                )
            })
            .collect();
        Department {
            id,
            services: services.try_into().expect("two services"),
        }
    }

    async fn rate(&mut self, new: NewRating) -> i64 {
        let (application_id, task_id) = self.tasks.pop().expect("a free demo task");
        let model = rating::ActiveModel {
            application_id: Set(application_id),
            task_id: Set(Some(task_id)),
            resident_id: Set(self.residents[new.resident]),
            department_id: Set(new.department),
            service_id: Set(new.service),
            staff_id: Set(None),
            score: Set(new.score),
            indicators: Set(Default::default()),
            tags: Set(RatingTags(
                new.tags
                    .iter()
                    .map(|t| RatingTag::parse(t).expect("a known tag"))
                    .collect(),
            )),
            comment: Set(None),
            excluded: Set(new.excluded),
            created_at: Set(new.at),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .expect("insert rating");
        model.id
    }

    async fn rate_many(
        &mut self,
        department: &Department,
        service: usize,
        scores: &[i16],
        at: DateTime<Utc>,
    ) {
        for (i, score) in scores.iter().enumerate() {
            let mut new = NewRating::new(department, service, *score, at);
            new.resident = i % self.residents.len();
            self.rate(new).await;
        }
    }

    /// A rectification of `rating`, opened when it was given.
    #[allow(clippy::too_many_arguments)]
    async fn rectify(
        &self,
        rating: i64,
        department: &Department,
        status: RectificationStatus,
        opened: DateTime<Utc>,
        due: DateTime<Utc>,
        answered: Option<DateTime<Utc>>,
        closed: Option<DateTime<Utc>>,
    ) {
        rectification::ActiveModel {
            rating_id: Set(rating),
            department_id: Set(department.id),
            status: Set(status),
            due_at: Set(due),
            answered_at: Set(answered),
            closed_at: Set(closed),
            created_at: Set(opened),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .expect("insert rectification");
    }
}

fn row<'v>(rows: &'v Value, code: &str) -> &'v Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("a row for {code} in {rows}"))
}

fn close_to(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

on_both_backends! {
    async fn rates_leave_excluded_ratings_out(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        // Ten that count: seven satisfied (4–5), one 3, two bad (1–2).
        seed.rate_many(&mz, 0, &[5, 5, 4, 4, 3, 2, 1, 5, 4, 5], in_month(10)).await;
        // Two bad reviews excluded after an upheld appeal: on record, never counted.
        for _ in 0..2 {
            let mut excluded = NewRating::new(&mz, 0, 1, in_month(11));
            excluded.excluded = true;
            let id = seed.rate(excluded).await;
            seed.rectify(id, &mz, RectificationStatus::Closed, in_month(11), in_month(18), Some(in_month(20)), Some(in_month(20))).await;
        }
        // The month before and after do not count either.
        seed.rate_many(&mz, 0, &[1, 1], Utc.with_ymd_and_hms(2026, 2, 28, 15, 0, 0).unwrap()).await;
        seed.rate_many(&mz, 0, &[1], Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap()).await;

        let supervisor = app.staff("supervisor").await;
        let (status, body) = supervisor.get_json(&format!("/api/v1/staff/figures?month={MONTH}")).await;
        assert_eq!(status, 200, "{body}");
        let f = &row(&body["departments"], "mz")["figures"];
        assert_eq!(f["ratings"], 10, "{f}");
        assert_eq!(f["satisfied"], 7);
        assert_eq!(f["bad"], 2);
        assert!(close_to(&f["satisfaction_rate"], 0.7), "{f}");
        assert!(close_to(&f["bad_review_rate"], 0.2), "{f}");
        assert_eq!(f["rectifications"], 0, "the excluded ratings' rectifications do not count");
        assert_eq!(body["total"]["ratings"], 10);
        let service = &row(&body["services"], &mz.services[0].1)["figures"];
        assert_eq!(service["ratings"], 10);

        let (status, public) = app.get_json(&format!("/api/v1/satisfaction?month={MONTH}")).await;
        assert_eq!(status, 200, "{public}");
        let p = &row(&public["departments"], "mz")["figures"];
        assert_eq!(p["suppressed"], false);
        assert_eq!(p["ratings"], 10);
        assert!(close_to(&p["satisfaction_rate"], 0.7), "{p}");
        assert!(close_to(&p["bad_review_rate"], 0.2), "{p}");

        // A bad month is a bad parameter.
        let (status, error) = app.get_json("/api/v1/satisfaction?month=2026-13").await;
        assert_eq!(status, 400, "{error}");
        assert_eq!(error["code"], "invalid_parameter");
    }

    async fn on_time_rate_counts_open_overdue_cases_against_the_department(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        let opened = in_month(2);
        let due = opened + Duration::days(7);
        let hours = Duration::hours;
        let mut bad = Vec::new();
        for _ in 0..5 {
            bad.push(seed.rate(NewRating::new(&mz, 0, 1, opened)).await);
        }
        // Closed on time after 24 h and 48 h, closed late after 72 h.
        seed.rectify(bad[0], &mz, RectificationStatus::Closed, opened, due, Some(opened + hours(20)), Some(opened + hours(24))).await;
        seed.rectify(bad[1], &mz, RectificationStatus::Closed, opened, due, Some(due), Some(opened + hours(48))).await;
        seed.rectify(bad[2], &mz, RectificationStatus::Closed, opened, opened + hours(24), Some(opened + hours(30)), Some(opened + hours(72))).await;
        // Open past its deadline, and open with time left.
        seed.rectify(bad[3], &mz, RectificationStatus::Open, opened, due, None, None).await;
        seed.rectify(bad[4], &mz, RectificationStatus::Open, opened, Utc::now() + Duration::days(3), None, None).await;
        // Enough ratings for the public figure.
        seed.rate_many(&mz, 0, &[5, 5, 5, 5, 5], opened).await;

        let head = app.staff("mz_head").await;
        let (status, body) = head.get_json(&format!("/api/v1/staff/figures?month={MONTH}")).await;
        assert_eq!(status, 200, "{body}");
        let f = &row(&body["departments"], "mz")["figures"];
        assert_eq!(f["rectifications"], 5, "{f}");
        assert_eq!(f["closed"], 3);
        assert_eq!(f["closed_on_time"], 2);
        assert_eq!(f["open_overdue"], 1);
        // 2 closed on time ÷ (3 closed + 1 open and overdue).
        assert!(close_to(&f["on_time_rate"], 0.5), "{f}");
        // (24 + 48 + 72) / 3 hours.
        assert!(close_to(&f["average_rectification_hours"], 48.0), "{f}");

        let (_, public) = app.get_json(&format!("/api/v1/satisfaction?month={MONTH}")).await;
        let p = &row(&public["departments"], "mz")["figures"];
        assert!(close_to(&p["on_time_rate"], 0.5), "{p}");
    }

    async fn fewer_than_ten_ratings_are_not_published(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        let ga = seed.department("ga").await;
        // mz: nine ratings of one service; ga: ten of one service.
        seed.rate_many(&mz, 0, &[5, 5, 5, 5, 4, 4, 4, 2, 1], in_month(5)).await;
        seed.rate_many(&ga, 1, &[5, 5, 5, 5, 5, 4, 4, 4, 3, 1], in_month(6)).await;

        let (status, public) = app.get_json(&format!("/api/v1/satisfaction?month={MONTH}")).await;
        assert_eq!(status, 200, "{public}");
        assert_eq!(public["month"], MONTH);
        assert_eq!(public["min_ratings"], 10);
        let hidden = &row(&public["departments"], "mz")["figures"];
        assert_eq!(hidden["suppressed"], true, "{hidden}");
        for figure in ["ratings", "satisfaction_rate", "bad_review_rate", "on_time_rate"] {
            assert!(hidden[figure].is_null(), "{figure} of 9 ratings is not published: {hidden}");
        }
        let shown = &row(&public["departments"], "ga")["figures"];
        assert_eq!(shown["suppressed"], false);
        assert_eq!(shown["ratings"], 10);
        assert!(close_to(&shown["satisfaction_rate"], 0.8), "{shown}");
        assert_eq!(row(&public["services"], &mz.services[0].1)["figures"]["suppressed"], true);
        assert!(row(&public["services"], &mz.services[0].1)["figures"]["ratings"].is_null());
        assert_eq!(row(&public["services"], &ga.services[1].1)["figures"]["ratings"], 10);

        // The page, as a phone without JavaScript gets it.
        let response = app.get(&format!("/satisfaction?month={MONTH}")).await;
        assert_eq!(response.status().as_u16(), 200);
        let page = without_hydration_markers(&response.text().await.expect("text"));
        let card = |code: &str| {
            let start = page.find(&format!("data-code=\"{code}\"")).unwrap_or_else(|| panic!("a card for {code}"));
            let end = page[start..].find("</li>").expect("the card's end");
            page[start..start + end].to_owned()
        };
        let mz_card = card("mz");
        assert!(mz_card.contains("评价少于 10 条，不公布"), "{mz_card}");
        assert!(!mz_card.contains("data-figure"), "no figure of mz is shown: {mz_card}");
        let ga_card = card("ga");
        assert!(ga_card.contains("data-figure=\"ratings\">10</dd>"), "{ga_card}");
        assert!(ga_card.contains("80%"), "{ga_card}");
        assert!(page.contains("href=\"/satisfaction\""), "the footer links the page");

        // Staff of the department see their own small numbers in full.
        let head = app.staff("mz_head").await;
        let (_, own) = head.get_json(&format!("/api/v1/staff/figures?month={MONTH}")).await;
        assert_eq!(row(&own["departments"], "mz")["figures"]["ratings"], 9);

        // The month's ranking: ga ranked, mz (nine ratings) listed after, unranked.
        let supervisor = app.staff("supervisor").await;
        let (_, all) = supervisor.get_json(&format!("/api/v1/staff/figures?month={MONTH}")).await;
        let entries = all["ranking"]["entries"].as_array().expect("entries");
        assert_eq!(all["ranking"]["month"], MONTH);
        assert_eq!(entries[0]["department_id"], ga.id, "{entries:?}");
        assert_eq!(entries[0]["rank"], 1);
        let mz_entry = entries.iter().find(|e| e["department_id"] == mz.id).expect("mz listed");
        assert!(mz_entry["rank"].is_null());
        let page = supervisor.get(&format!("/admin/figures?month={MONTH}")).await;
        assert_eq!(page.status().as_u16(), 200);
        let page = without_hydration_markers(&page.text().await.expect("text"));
        assert!(page.contains(&format!("{MONTH} 部门满意度排名")), "the ranking is on the page");
        assert!(page.contains("data-rank=\"1\""));
        // The head of mz sees the ranked departments and their own place only.
        let (_, mine) = head.get_json(&format!("/api/v1/staff/figures?month={MONTH}")).await;
        let ids: Vec<i64> = mine["ranking"]["entries"].as_array().unwrap().iter().map(|e| e["department_id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![ga.id, mz.id]);
    }

    async fn three_residents_make_a_common_problem(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        let review = |resident: usize, tags: Vec<&'static str>| {
            let mut new = NewRating::new(&mz, 0, 1, in_month(8));
            new.resident = resident;
            new.tags = tags;
            new
        };
        // Three bad reviews from two residents naming the same cause.
        seed.rate(review(0, vec!["materials_inaccurate"])).await;
        seed.rate(review(1, vec!["materials_inaccurate", "slow"])).await;
        seed.rate(review(1, vec!["materials_inaccurate"])).await;
        // Another cause, once.
        seed.rate(review(2, vec!["unhelpful_staff"])).await;

        let head = app.staff("mz_head").await;
        let path = format!("/api/v1/staff/figures?month={MONTH}");
        let (_, before) = head.get_json(&path).await;
        assert_eq!(before["problems"]["bad_reviews"], 4, "{}", before["problems"]);
        assert_eq!(before["problems"]["common"], json!([]), "two residents are not yet common");
        assert_eq!(before["problems"]["individual"], 4);

        seed.rate(review(3, vec!["materials_inaccurate"])).await;
        let (_, after) = head.get_json(&path).await;
        let common = after["problems"]["common"].as_array().expect("common");
        assert_eq!(common.len(), 1, "{common:?}");
        assert_eq!(common[0]["cause"], json!({"kind": "tag", "code": "materials_inaccurate"}));
        assert_eq!(common[0]["service_code"], mz.services[0].1.as_str());
        assert_eq!(common[0]["ratings"], 4);
        assert_eq!(common[0]["residents"], 3);
        // Only the "unhelpful staff" review is a one-off now.
        assert_eq!(after["problems"]["individual"], 1);

        let page = head.get(&format!("/admin/figures?month={MONTH}")).await;
        let page = without_hydration_markers(&page.text().await.expect("text"));
        assert!(page.contains("材料清单不准确"), "the common problem is listed");
        assert!(page.contains("4 条差评"));
    }

    async fn low_survey_answers_from_three_residents_are_a_common_problem(app) {
        let seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        app.db.execute_unprepared("DELETE FROM survey_response").await.expect("clear responses");
        let staff = app.scalar("SELECT id FROM staff WHERE username = 'mz_head'").await;
        let survey = survey::ActiveModel {
            title: Set("办理体验回访".to_owned()),
            questions: Set(json!([
                {"key": "overall", "kind": "five_point", "text": "您对办理过程是否满意", "required": true},
                {"key": "note", "kind": "free_text", "text": "其他意见"}
            ])),
            service_id: Set(Some(mz.services[0].0)),
            department_id: Set(Some(mz.id)),
            status: Set(SurveyStatus::Closed),
            audience: Set("service_users".to_owned()),
            created_by_staff_id: Set(StaffId(staff)),
            created_at: Set(in_month(1)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("insert survey");
        let respond = |resident: usize, answers: Value| survey_response::ActiveModel {
            survey_id: Set(survey.id),
            resident_id: Set(seed.residents[resident]),
            answers: Set(answers),
            created_at: Set(in_month(12)),
            ..Default::default()
        };
        respond(0, json!({"overall": 1})).insert(&app.db).await.expect("response");
        respond(1, json!({"overall": 2, "note": "1"})).insert(&app.db).await.expect("response");
        respond(2, json!({"overall": 4})).insert(&app.db).await.expect("response");

        let head = app.staff("mz_head").await;
        let path = format!("/api/v1/staff/figures?month={MONTH}");
        let (_, before) = head.get_json(&path).await;
        assert_eq!(before["problems"]["survey_common"], json!([]), "two residents are not yet common");

        respond(3, json!({"overall": "2"})).insert(&app.db).await.expect("response");
        let (_, after) = head.get_json(&path).await;
        let common = after["problems"]["survey_common"].as_array().expect("survey problems");
        assert_eq!(common.len(), 1, "{common:?}");
        assert_eq!(common[0]["question"], "您对办理过程是否满意");
        assert_eq!(common[0]["answers"], 3);
        assert_eq!(common[0]["residents"], 3);
        assert_eq!(common[0]["service_code"], mz.services[0].1.as_str());
        // Another department's staff do not see it.
        let (_, other) = app.staff("ga_head").await.get_json(&path).await;
        assert_eq!(other["problems"]["survey_common"], json!([]));
    }

    async fn the_console_warns_when_30_day_satisfaction_falls_below_90_percent(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        let recently = Utc::now() - Duration::days(2);
        // 9 of 10 satisfied: 90 %, not below the line.
        seed.rate_many(&mz, 0, &[5, 5, 5, 5, 5, 4, 4, 4, 4, 1], recently).await;
        // Ratings older than 30 days do not count.
        seed.rate_many(&mz, 0, &[1, 1, 1], Utc::now() - Duration::days(31)).await;
        let head = app.staff("mz_head").await;
        let (status, home) = head.get_json("/api/v1/staff/home").await;
        assert_eq!(status, 200, "{home}");
        assert_eq!(home["satisfaction_alerts"], json!([]), "{home}");

        // One more bad review: 9 of 11, about 82 %.
        seed.rate_many(&mz, 0, &[2], recently).await;
        let (_, home) = head.get_json("/api/v1/staff/home").await;
        let alerts = home["satisfaction_alerts"].as_array().expect("alerts");
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0]["department_id"], mz.id);
        assert_eq!(alerts[0]["ratings"], 11);
        assert_eq!(alerts[0]["satisfied"], 9);
        assert_eq!(alerts[0]["threshold_percent"], 90);
        let (_, supervisor_home) = app.staff("supervisor").await.get_json("/api/v1/staff/home").await;
        assert_eq!(supervisor_home["satisfaction_alerts"].as_array().map(Vec::len), Some(1));
        let (_, other) = app.staff("ga_head").await.get_json("/api/v1/staff/home").await;
        assert_eq!(other["satisfaction_alerts"], json!([]), "another department's alert is not ga's");

        let page = head.get("/admin").await;
        let page = without_hydration_markers(&page.text().await.expect("text"));
        assert!(page.contains("data-testid=\"satisfaction-alerts\""), "the warning is on the home page");
        assert!(page.contains("满意度预警"));
        assert!(page.contains("href=\"/admin/figures\""));
    }

    async fn department_staff_see_only_their_department(app) {
        let mut seed = Seed::new(&app).await;
        let mz = seed.department("mz").await;
        let ga = seed.department("ga").await;
        seed.rate_many(&mz, 0, &[5, 4, 1], in_month(3)).await;
        seed.rate_many(&ga, 0, &[5, 5], in_month(3)).await;
        let path = format!("/api/v1/staff/figures?month={MONTH}");

        let clerk = app.staff("mz_clerk").await;
        let (status, body) = clerk.get_json(&path).await;
        assert_eq!(status, 200, "{body}");
        let codes: Vec<&str> = body["departments"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["mz"]);
        assert_eq!(body["total"]["ratings"], 3);
        let services: Vec<&str> = body["services"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
        assert_eq!(services, vec![mz.services[0].1.as_str()]);
        assert_eq!(body["department_choices"], json!([]));
        // Asking for another department changes nothing for department staff.
        let (_, same) = clerk.get_json(&format!("{path}&department={}", ga.id)).await;
        assert_eq!(same["total"]["ratings"], 3);
        assert_eq!(same["departments"].as_array().map(Vec::len), Some(1));

        let supervisor = app.staff("supervisor").await;
        let (_, all) = supervisor.get_json(&path).await;
        assert_eq!(all["total"]["ratings"], 5);
        let departments = app.scalar("SELECT COUNT(*) FROM department").await;
        assert_eq!(all["departments"].as_array().map(Vec::len), Some(departments as usize));
        let (_, one) = supervisor.get_json(&format!("{path}&department={}", ga.id)).await;
        assert_eq!(one["total"]["ratings"], 2);

        // Without a staff session: 401; the dates must make sense.
        assert_eq!(app.get(&path).await.status().as_u16(), 401);
        let (status, _) = supervisor.get_json("/api/v1/staff/figures?from=2026-05-01&to=2026-04-01").await;
        assert_eq!(status, 400);
        let (status, range) = supervisor.get_json("/api/v1/staff/figures?from=2026-03-01&to=2026-03-31").await;
        assert_eq!(status, 200);
        assert_eq!(range["total"]["ratings"], 5);
    }
}
