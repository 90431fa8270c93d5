//! The demo data set: complete enough to look like a living district, and the same every run.

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

#[derive(FromQueryResult, PartialEq, Debug)]
struct Person {
    id: i64,
    name: String,
    id_number: String,
}

/// A moment as both back ends compare it with a stored timestamp.
fn sql_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

async fn people(app: &crate::helpers::TestApp) -> Vec<Person> {
    Person::find_by_statement(Statement::from_string(
        app.db.get_database_backend(),
        "SELECT id, name, id_number FROM resident ORDER BY id",
    ))
    .all(&app.db)
    .await
    .expect("residents")
}

on_both_backends! {
    async fn covers_the_whole_domain(app) {
        assert!(app.scalar("SELECT COUNT(*) FROM department").await >= 6);
        assert!(app.scalar("SELECT COUNT(*) FROM service WHERE status = 'published'").await >= 40);
        assert!(app.scalar("SELECT COUNT(*) FROM bundle").await >= 3);
        assert!(app.scalar("SELECT COUNT(*) FROM resident").await >= 300);
        assert!(app.scalar("SELECT COUNT(*) FROM region WHERE kind = 'district'").await >= 2);
        assert!(app.scalar("SELECT COUNT(*) FROM region WHERE kind = 'grid'").await >= 8);
        assert!(app.scalar("SELECT COUNT(DISTINCT region_id) FROM resident").await >= 8);
        assert!(app.scalar("SELECT COUNT(*) FROM household").await >= 100);
        for role in ["clerk", "reviewer", "department_head", "supervisor", "administrator"] {
            assert!(app.scalar(&format!("SELECT COUNT(*) FROM staff WHERE role = '{role}'")).await >= 1, "{role}");
        }
        for status in ["draft", "submitted", "accepted", "supplement_requested", "approved", "rejected", "completed", "withdrawn"] {
            assert!(app.scalar(&format!("SELECT COUNT(*) FROM application WHERE status = '{status}'")).await >= 1, "{status}");
        }
        // Every bundle application has a task per department.
        assert!(app.scalar("SELECT COUNT(*) FROM application a WHERE a.bundle_id IS NOT NULL AND (SELECT COUNT(DISTINCT department_id) FROM task t WHERE t.application_id = a.id) < 2").await == 0);
        // Accepted cases have a due date; drafts have no events.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application WHERE accepted_at IS NOT NULL AND due_at IS NULL").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM application_event e JOIN application a ON a.id = e.application_id WHERE a.status = 'draft'").await, 0);
        assert!(app.scalar("SELECT COUNT(*) FROM calendar_day WHERE kind = 'holiday'").await >= 20);
    }

    async fn ages_span_a_whole_population(app) {
        let youngest = app.scalar("SELECT COUNT(*) FROM resident WHERE birth_date > '2021-11-27'").await;
        let oldest = app.scalar("SELECT COUNT(*) FROM resident WHERE birth_date < '1936-11-27'").await;
        let sixty_plus = app.scalar("SELECT COUNT(*) FROM resident WHERE birth_date <= '1966-11-27'").await;
        assert!(youngest > 0, "children under 5");
        assert!(oldest > 0, "people over 90");
        assert!(sixty_plus >= 30, "older residents for elderly services");
    }

    async fn identity_numbers_are_valid_and_unique(app) {
        let people = people(&app).await;
        let mut seen = std::collections::HashSet::new();
        for person in &people {
            let parsed = domain::id_number::IdNumber::parse(&person.id_number);
            assert!(parsed.is_ok(), "{} has an invalid ID number {}", person.name, person.id_number);
            assert!(seen.insert(person.id_number.clone()), "duplicate {}", person.id_number);
        }
    }

    async fn is_the_same_every_run(app) {
        let first = people(&app).await;
        server::demo::replace(&app.db, server::demo::DemoSize { residents: server::demo::DEFAULT_RESIDENTS }, false)
            .await
            .expect("regenerate");
        let second = people(&app).await;
        assert_eq!(first.len(), second.len());
        assert_eq!(first, second);
        // New rows after regeneration get fresh ids (PostgreSQL sequences moved past the demo's).
        app.db
            .execute_unprepared("INSERT INTO tag (code, name) VALUES ('test_tag', '测试')")
            .await
            .expect("insert after regenerate");
    }

    async fn ratings_and_rectifications_show_the_whole_loop(app) {
        use domain::deadline::{china_date, start_of_china_day};
        use chrono::Datelike;
        let now = chrono::Utc::now();
        let now_sql = sql_time(now);
        // Ratings of decided tasks only, tied to the task's department, service and handler.
        let ratings = app.scalar("SELECT COUNT(*) FROM rating").await;
        assert!(ratings >= 100, "{ratings} ratings");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM rating r JOIN task t ON t.id = r.task_id \
            WHERE t.status NOT IN ('completed', 'rejected') OR r.application_id <> t.application_id \
            OR r.department_id <> t.department_id OR r.service_id <> t.service_id \
            OR COALESCE(r.staff_id, 0) <> COALESCE(t.assigned_staff_id, 0)").await, 0);
        let satisfied = app.scalar("SELECT COUNT(*) FROM rating WHERE score >= 4").await;
        assert!(satisfied * 100 >= ratings * 88, "{satisfied} of {ratings} satisfied");
        // Tags agree with the score.
        for tag in ["slow", "materials_inaccurate", "repeat_visits", "unhelpful_staff", "hard_to_use", "unclear_result"] {
            assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM rating WHERE score >= 4 AND CAST(tags AS TEXT) LIKE '%\"{tag}\"%'")).await, 0, "{tag}");
        }
        for tag in ["fast", "helpful_staff", "clear_guide", "easy_online"] {
            assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM rating WHERE score <= 2 AND CAST(tags AS TEXT) LIKE '%\"{tag}\"%'")).await, 0, "{tag}");
        }
        // Every bad review has exactly one rectification; nothing else has one.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM rating r WHERE r.score <= 2 \
            AND (SELECT COUNT(*) FROM rectification c WHERE c.rating_id = r.id) <> 1").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM rectification c JOIN rating r ON r.id = c.rating_id \
            WHERE r.score >= 3 OR c.department_id <> r.department_id").await, 0);
        for status in domain::rectification::RectificationStatus::ALL {
            let status = status.as_str();
            assert!(app.scalar(&format!("SELECT COUNT(*) FROM rectification WHERE status = '{status}'")).await >= 1, "{status}");
        }
        // ... in each variant of those states, with consistent times.
        for (what, condition) in [
            ("open, not yet due", format!("status = 'open' AND due_at > '{now_sql}'")),
            ("open and overdue", format!("status = 'open' AND due_at < '{now_sql}'")),
            ("answered, awaiting feedback", format!("status = 'answered' AND feedback_due_at > '{now_sql}' AND answered_at <= due_at")),
            ("appealed", "status = 'appealed' AND appeal_status = 'pending' AND appeal_reason IS NOT NULL AND classification = 'appealed'".to_owned()),
            ("escalated", "status = 'escalated' AND resident_feedback = 'unsatisfied' AND escalated_at IS NOT NULL".to_owned()),
            ("closed on time", "status = 'closed' AND answered_at <= due_at AND resident_feedback = 'satisfied'".to_owned()),
            ("closed late", "status = 'closed' AND answered_at > due_at".to_owned()),
            ("closed by an upheld appeal", "status = 'closed' AND appeal_status = 'upheld' \
                AND rating_id IN (SELECT id FROM rating WHERE excluded = TRUE)".to_owned()),
        ] {
            assert!(app.scalar(&format!("SELECT COUNT(*) FROM rectification WHERE {condition}")).await >= 1, "{what}");
        }
        for (what, condition) in [
            ("answered before it was opened", "answered_at < created_at".to_owned()),
            ("closed before it was opened", "closed_at < created_at".to_owned()),
            ("closed without a time", "status = 'closed' AND closed_at IS NULL".to_owned()),
            ("answered without an answer", "status = 'answered' AND (answer IS NULL OR answered_at IS NULL)".to_owned()),
            ("answered, window passed", format!("status = 'answered' AND feedback_due_at < '{now_sql}'")),
            ("in the future", format!("created_at > '{now_sql}' OR answered_at > '{now_sql}' OR closed_at > '{now_sql}'")),
            ("excluded but not upheld", "rating_id IN (SELECT id FROM rating WHERE excluded = TRUE) AND COALESCE(appeal_status, '') <> 'upheld'".to_owned()),
        ] {
            assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM rectification WHERE {condition}")).await, 0, "{what}");
        }

        // Figures: departments and services with 10 ratings this month once the month has had
        // ten working days (before that, and after the holidays of January, April, May or
        // October, the last 30 days), and services with fewer, which the public page suppresses.
        let today = china_date(now);
        let calendar = store::calendar::load(&app.db).await.expect("calendar");
        let worked = today
            .with_day(1)
            .expect("first of the month")
            .iter_days()
            .take_while(|day| *day <= today)
            .filter(|day| calendar.is_working_day(*day))
            .count();
        let since = if worked >= 10 {
            start_of_china_day(today.with_day(1).expect("first of the month"))
        } else {
            now - chrono::Duration::days(30)
        };
        let since = sql_time(since);
        let groups_with = |column: &str, having: &str| format!(
            "SELECT COUNT(*) FROM (SELECT {column} FROM rating WHERE excluded = FALSE AND created_at >= '{since}' \
             GROUP BY {column} HAVING {having}) x"
        );
        assert!(app.scalar(&groups_with("department_id", "COUNT(*) >= 10")).await >= 2, "departments with 10 ratings");
        assert!(app.scalar(&groups_with("service_id", "COUNT(*) >= 10")).await >= 1, "services with 10 ratings");
        assert!(app.scalar(&groups_with("service_id", "COUNT(*) < 10")).await >= 1, "services with fewer");
        // A recurring cause: one service, materials inaccurate, several residents.
        assert!(app.scalar("SELECT MAX(n) FROM (SELECT COUNT(DISTINCT resident_id) AS n FROM rating \
            WHERE score <= 2 AND CAST(tags AS TEXT) LIKE '%\"materials_inaccurate\"%' GROUP BY service_id) x").await >= 4);
        // One department below 90 % over 30 days: the console's alert.
        let month_ago = sql_time(now - chrono::Duration::days(30));
        assert!(app.scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT department_id FROM rating WHERE excluded = FALSE AND created_at >= '{month_ago}' \
             GROUP BY department_id HAVING SUM(CASE WHEN score >= 4 THEN 1 ELSE 0 END) * 10 < COUNT(*) * 9) x"
        )).await >= 1);

        // The showcase resident can rate: a completed task decided on one of the last two
        // working days, not rated, its window open.
        let row = app.first_row(
            "SELECT t.completed_at FROM task t JOIN application a ON a.id = t.application_id \
             WHERE a.resident_id = 1 AND t.status = 'completed' \
             AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.task_id = t.id) ORDER BY t.completed_at DESC"
        ).await;
        let completed: chrono::DateTime<chrono::Utc> = row.try_get_by_index(0).expect("completed_at");
        assert!(calendar.working_days_between(china_date(completed), today) <= 2, "decided {completed}");
        assert!(domain::rating::rating_closes_at(&calendar, completed, 5) > now);
        // ... and has an answered bad review to re-rate.
        assert!(app.scalar(&format!(
            "SELECT COUNT(*) FROM rectification c JOIN rating r ON r.id = c.rating_id \
             WHERE r.resident_id = 1 AND c.status = 'answered' AND c.feedback_due_at > '{now_sql}'"
        )).await >= 1);
    }

    async fn the_campaign_story_resident_can_be_reached_and_never_applied(app) {
        // The guided story (and its browser test): a campaign for 养老金资格认证 (RS-0206) to
        // residents 60+ living alone in 西湖区 reaches 林辉, who has an account, consents to
        // proactive messages and has never applied for it, on whatever day the demo is loaded.
        let lin = app.first_row("SELECT id, name FROM resident \
            WHERE mobile = '13800000124' AND password_hash IS NOT NULL AND notify_consent = TRUE").await;
        let id: i64 = lin.try_get_by_index(0).expect("id");
        assert_eq!(lin.try_get_by_index::<String>(1).expect("name"), "林辉");
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM application a JOIN service s ON s.id = a.service_id \
            WHERE a.resident_id = {id} AND s.code = 'RS-0206'")).await, 0);
    }

    async fn an_empty_database_gets_the_whole_demo_data_set(app) {
        let empty = crate::helpers::TestApp::empty(app.backend).await;
        assert_eq!(empty.scalar("SELECT COUNT(*) FROM resident").await, 0, "migrated, no data");
        let loaded = server::demo::load_into_new_database(&empty.db).await.expect("load");
        assert_eq!(loaded, server::demo::Loaded::Yes);
        for table in ["resident", "service", "staff", "application", "rating"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(empty.scalar(&sql).await, app.scalar(&sql).await, "{table} as in the template");
        }
        assert_eq!(people(&empty).await, people(&app).await, "the same people");
    }

    async fn the_server_loads_demo_data_only_into_an_empty_database(app) {
        let before = app.scalar("SELECT COUNT(*) FROM resident").await;
        app.db.execute_unprepared("DELETE FROM resident_tag WHERE resident_id = 1").await.expect("delete");
        let loaded = server::demo::load_into_new_database(&app.db).await.expect("load");
        assert!(matches!(loaded, server::demo::Loaded::No(h) if h.residents == before as u64), "{loaded:?}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident").await, before);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident_tag WHERE resident_id = 1").await, 0, "existing data untouched");
    }

    // A city that loaded its staff (or residents) before its catalogue must never find them
    // wiped and replaced by demo accounts (the loader once counted services only).
    async fn a_database_with_people_but_no_catalogue_is_never_wiped(app) {
        let city = crate::helpers::TestApp::empty(app.backend).await;
        city_administrator(&city).await;
        let loaded = server::demo::load_into_new_database(&city.db).await.expect("load");
        assert!(matches!(loaded, server::demo::Loaded::No(h) if h.staff == 1 && h.services == 0), "{loaded:?}");
        assert_eq!(city.scalar("SELECT COUNT(*) FROM staff").await, 1);
        assert_eq!(city.text("SELECT username FROM staff").await, "city_admin");
        assert_eq!(city.scalar("SELECT COUNT(*) FROM resident").await, 0, "no demo residents");
        assert_eq!(city.scalar("SELECT COUNT(*) FROM service").await, 0, "no demo catalogue");
    }

    // `server demo` replaces a database's data only when `--replace` names that database.
    async fn the_demo_command_replaces_only_the_database_it_names(app) {
        let city = crate::helpers::TestApp::empty(app.backend).await;
        city_administrator(&city).await;
        let name = server::config::database_name(city.database_url());

        let refused = demo_command(&city, &[]);
        assert!(!refused.status.success());
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("1 staff accounts") && said.contains(&format!("--replace {name}")), "{said}");
        let wrong = demo_command(&city, &["--replace", "another.db"]);
        assert!(!wrong.status.success());
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("nothing changed"));
        assert_eq!(city.text("SELECT username FROM staff").await, "city_admin", "untouched");
        assert_eq!(city.scalar("SELECT COUNT(*) FROM resident").await, 0);

        let replaced = demo_command(&city, &["--replace", &name]);
        assert!(replaced.status.success(), "{}", String::from_utf8_lossy(&replaced.stderr));
        assert_eq!(city.scalar("SELECT COUNT(*) FROM resident").await, app.scalar("SELECT COUNT(*) FROM resident").await);
        assert_eq!(city.scalar("SELECT COUNT(*) FROM staff WHERE username = 'city_admin'").await, 0);
    }

    // A bare production start (no `MINSHENG_DEMO_DATA`) on a new database creates no
    // accounts and says how to create the first administrator.
    async fn a_bare_start_on_a_new_database_has_no_accounts(app) {
        let city = crate::helpers::TestApp::empty(app.backend).await;
        let output = start_and_stop_server(city.database_url()).await;
        assert!(output.contains("create the first administrator"), "{output}");
        assert!(output.contains("server staff add"), "{output}");
        for table in ["staff", "resident", "service", "application"] {
            assert_eq!(city.scalar(&format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
        }
    }
}

async fn city_administrator(city: &crate::helpers::TestApp) {
    store::staff_accounts::create(
        &city.db,
        "city_admin",
        "市管理员",
        domain::staff::StaffRole::Administrator,
        None,
        "not-a-real-hash".into(),
        chrono::Utc::now(),
    )
    .await
    .expect("create the city's administrator");
}

/// Runs `server demo ARGS` on the test's database.
fn demo_command(city: &crate::helpers::TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("demo")
        .args(args)
        .env("DATABASE_URL", city.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server demo")
}

/// Starts the release server on `database_url` as a production start would (no demo
/// setting), waits until it listens, stops it and returns what it logged.
async fn start_and_stop_server(database_url: &str) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let logs = tempfile::NamedTempFile::new().expect("a log file");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_remove("MINSHENG_DEMO_DATA")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_OUTPUT_NAME", "minsheng")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .env(
            "MINSHENG_UPLOAD_DIR",
            std::env::temp_dir().join(format!("minsheng-bare-{port}")),
        )
        .stdout(logs.reopen().expect("log file"))
        .stderr(logs.reopen().expect("log file"))
        .spawn()
        .expect("start the server");
    let mut listening = false;
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            listening = true;
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the server stopped ({status}): {}",
                std::fs::read_to_string(logs.path()).unwrap_or_default()
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    child.kill().expect("stop the server");
    child.wait().expect("the server stopped");
    let output = std::fs::read_to_string(logs.path()).expect("read the log");
    assert!(listening, "the server never listened: {output}");
    output
}
