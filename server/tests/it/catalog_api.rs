//! The catalogue API as a client uses it, on SQLite and PostgreSQL.

on_both_backends! {
    async fn lists_published_services_a_page_at_a_time(app) {
        let published = app.scalar("SELECT COUNT(*) FROM service WHERE status = 'published'").await;
        assert!(published >= 40, "the demo catalogue has at least 40 services, got {published}");

        let (status, page1) = app.get_json("/api/v1/services").await;
        assert_eq!(status, 200);
        assert_eq!(page1["total"], published);
        assert_eq!(page1["page"], 1);
        assert_eq!(page1["per_page"], 20);
        let items = page1["items"].as_array().expect("items");
        assert_eq!(items.len(), 20);
        assert!(items.iter().all(|s| s["department"]["name"]["zh"].as_str().is_some_and(|n| !n.is_empty())));

        let (_, page3) = app.get_json("/api/v1/services?page=3").await;
        let expected_on_3 = (published - 40).clamp(0, 20) as usize;
        assert_eq!(page3["items"].as_array().expect("items").len(), expected_on_3);
        assert_ne!(page1["items"][0]["code"], page3["items"][0]["code"]);
    }

    async fn searches_chinese_substrings_in_name_and_summary(app) {
        let (status, body) = app.get_json("/api/v1/services?q=%E7%94%9F%E8%82%B2").await; // 生育
        assert_eq!(status, 200);
        let expected = app
            .scalar("SELECT COUNT(*) FROM service WHERE status = 'published' AND (name LIKE '%生育%' OR summary LIKE '%生育%')")
            .await;
        assert!(expected > 0);
        assert_eq!(body["total"], expected);
        for item in body["items"].as_array().expect("items") {
            let text = format!("{}{}", item["name"]["zh"], item["summary"]["zh"]);
            assert!(text.contains("生育"), "{text} does not mention 生育");
        }
    }

    async fn search_text_is_matched_literally(app) {
        // % and _ are LIKE wildcards; a search for them must not match everything.
        let (status, body) = app.get_json("/api/v1/services?q=%25").await;
        assert_eq!(status, 200);
        assert_eq!(body["total"], 0);
        let (_, body) = app.get_json("/api/v1/services?q=_").await;
        assert_eq!(body["total"], 0);
    }

    async fn filters_by_department_category_and_life_event(app) {
        let (_, by_department) = app.get_json("/api/v1/services?department=mz").await;
        let mz = app
            .scalar("SELECT COUNT(*) FROM service s JOIN department d ON d.id = s.department_id WHERE d.code = 'mz' AND s.status = 'published'")
            .await;
        assert!(mz >= 4);
        assert_eq!(by_department["total"], mz);
        assert!(by_department["items"].as_array().expect("items").iter().all(|s| s["department"]["code"] == "mz"));

        let (_, by_event) = app.get_json("/api/v1/services?life_event=newborn").await;
        let newborn = app
            .scalar("SELECT COUNT(*) FROM service_life_event sl JOIN life_event e ON e.id = sl.life_event_id JOIN service s ON s.id = sl.service_id WHERE e.code = 'newborn' AND s.status = 'published'")
            .await;
        assert!(newborn >= 2);
        assert_eq!(by_event["total"], newborn);

        let (_, combined) = app.get_json("/api/v1/services?life_event=newborn&department=wj").await;
        let both = app
            .scalar("SELECT COUNT(*) FROM service_life_event sl JOIN life_event e ON e.id = sl.life_event_id JOIN service s ON s.id = sl.service_id JOIN department d ON d.id = s.department_id WHERE e.code = 'newborn' AND d.code = 'wj' AND s.status = 'published'")
            .await;
        assert_eq!(combined["total"], both);
        assert!(both < newborn, "combining filters narrows the result");

        let (status, unknown) = app.get_json("/api/v1/services?category=no-such-topic").await;
        assert_eq!(status, 200);
        assert_eq!(unknown["total"], 0);
    }

    async fn unpublished_services_are_not_listed_or_shown(app) {
        let (_, before) = app.get_json("/api/v1/services?department=mz").await;
        let code = before["items"][0]["code"].as_str().expect("a code").to_owned();
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!("UPDATE service SET status = 'unpublished' WHERE code = '{code}'"))
            .await
            .expect("unpublish");
        let (_, after) = app.get_json("/api/v1/services?department=mz").await;
        assert_eq!(after["total"].as_i64(), before["total"].as_i64().map(|n| n - 1));
        let response = app.get(&format!("/api/v1/services/{code}")).await;
        assert_eq!(response.status(), 404);
    }

    async fn shows_one_service_with_materials_and_form(app) {
        let (_, page) = app.get_json("/api/v1/services?life_event=newborn").await;
        let code = page["items"][0]["code"].as_str().expect("a code").to_owned();
        let (status, service) = app.get_json(&format!("/api/v1/services/{code}")).await;
        assert_eq!(status, 200);
        assert_eq!(service["code"], code.as_str());
        assert!(!service["materials"].as_array().expect("materials").is_empty());
        assert!(!service["form_fields"].as_array().expect("form fields").is_empty());
        assert!(service["life_events"].as_array().expect("life events").iter().any(|e| e["code"] == "newborn"));
        assert!(service["legal_days"].as_i64() >= service["promised_days"].as_i64());
        let stored_name: i64 = app
            .scalar(&format!("SELECT COUNT(*) FROM service WHERE code = '{code}' AND name = '{}'", service["name"]["zh"].as_str().expect("name")))
            .await;
        assert_eq!(stored_name, 1);
    }

    async fn unknown_service_is_a_localized_404(app) {
        let response = app.get("/api/v1/services/NOPE-0000").await;
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "not_found");
        assert_eq!(body["message"], "未找到您要的内容。");

        let response = app
            .client
            .get(app.url("/api/v1/services/NOPE-0000"))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["message"], "We could not find what you asked for.");
    }

    async fn bad_parameters_are_refused_with_the_field_named(app) {
        let (status, body) = app.get_json("/api/v1/services?page=abc").await;
        assert_eq!(status, 400);
        assert_eq!(body["code"], "invalid_parameter");
        assert_eq!(body["field"], "page");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));

        let long = "办".repeat(51);
        let (status, body) = app.get_json(&format!("/api/v1/services?q={long}")).await;
        assert_eq!(status, 400);
        assert_eq!(body["code"], "query_too_long");
        assert_eq!(body["field"], "q");
    }

    async fn departments_categories_and_life_events_carry_counts(app) {
        let published = app.scalar("SELECT COUNT(*) FROM service WHERE status = 'published'").await;
        let (status, departments) = app.get_json("/api/v1/departments").await;
        assert_eq!(status, 200);
        let departments = departments.as_array().expect("a list");
        assert!(departments.len() >= 6);
        let sum: i64 = departments.iter().map(|d| d["service_count"].as_i64().expect("count")).sum();
        assert_eq!(sum, published);
        assert!(departments.iter().any(|d| d["code"] == "mz" && d["name"]["zh"].as_str().is_some_and(|n| n.contains("民政"))));

        let (_, categories) = app.get_json("/api/v1/categories").await;
        let sum: i64 = categories.as_array().expect("a list").iter().map(|c| c["service_count"].as_i64().expect("count")).sum();
        assert_eq!(sum, published);

        let (_, events) = app.get_json("/api/v1/life-events").await;
        let events = events.as_array().expect("a list");
        let newborn = events.iter().find(|e| e["code"] == "newborn").expect("newborn");
        let (_, filtered) = app.get_json("/api/v1/services?life_event=newborn").await;
        assert_eq!(newborn["service_count"], filtered["total"]);
    }
}
