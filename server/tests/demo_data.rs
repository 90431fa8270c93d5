//! The demo data set: complete enough to look like a living district, and the same every run.

mod common;

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

#[derive(FromQueryResult, PartialEq, Debug)]
struct Person {
    id: i64,
    name: String,
    id_number: String,
}

async fn people(app: &common::TestApp) -> Vec<Person> {
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
            let parsed = app::domain::id_number::IdNumber::parse(&person.id_number);
            assert!(parsed.is_ok(), "{} has an invalid ID number {}", person.name, person.id_number);
            assert!(seen.insert(person.id_number.clone()), "duplicate {}", person.id_number);
        }
    }

    async fn is_the_same_every_run(app) {
        let first = people(&app).await;
        server::demo::regenerate(&app.db, server::demo::DemoSize { residents: server::demo::DEFAULT_RESIDENTS }, false)
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

    async fn the_server_loads_demo_data_only_into_an_empty_database(app) {
        let before = app.scalar("SELECT COUNT(*) FROM resident").await;
        app.db.execute_unprepared("DELETE FROM resident_tag WHERE resident_id = 1").await.expect("delete");
        server::demo::load_if_empty(&app.db).await.expect("load");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident").await, before);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM resident_tag WHERE resident_id = 1").await, 0, "existing data untouched");
    }
}
