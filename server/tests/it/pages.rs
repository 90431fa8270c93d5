//! The resident pages as the server renders them (before any JavaScript runs).

async fn html(app: &crate::helpers::TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (
        status,
        without_hydration_markers(&response.text().await.expect("text")),
    )
}

/// The page as a reader sees its text: Leptos' hydration markers (`<!>`, `<!--…-->`) removed.
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

on_both_backends! {
    async fn the_home_page_renders_the_catalogue_from_the_database(app) {
        let (status, page) = html(&app, "/", None).await;
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"zh-CN\""), "Chinese by default");
        assert!(page.contains("我要办事"));
        let departments: Vec<String> = <NameRow as sea_orm::FromQueryResult>::find_by_statement(sea_orm::Statement::from_string(
            sea_orm::ConnectionTrait::get_database_backend(&app.db),
            "SELECT name FROM department",
        ))
        .all(&app.db)
        .await
        .expect("departments")
        .into_iter()
        .map(|row: NameRow| row.name)
        .collect();
        assert!(departments.len() >= 6);
        for name in &departments {
            assert!(page.contains(name.as_str()), "the home page lists {name}");
        }
        assert!(page.contains("class=\"service-card\""), "popular services are listed");
        assert!(page.contains("/pkg/minsheng.js") || page.contains("/pkg/minsheng"), "the hydration script is linked");
    }

    async fn the_results_page_filters_on_the_server(app) {
        let (status, page) = html(&app, "/services?q=%E9%AB%98%E9%BE%84", None).await; // 高龄
        assert_eq!(status, 200);
        let expected = app
            .scalar("SELECT COUNT(*) FROM service WHERE status = 'published' AND (name LIKE '%高龄%' OR summary LIKE '%高龄%')")
            .await;
        assert!(expected > 0);
        assert!(page.contains(&format!("共找到 {expected} 项服务")), "count shown");
        assert_eq!(page.matches("class=\"service-card\"").count() as i64, expected.min(20));
        assert!(page.contains("value=\"高龄\""), "the search box keeps the query");
    }

    async fn the_detail_page_shows_materials(app) {
        let (_, list) = app.get_json("/api/v1/services?department=mz").await;
        let code = list["items"][0]["code"].as_str().expect("code").to_owned();
        let (_, service) = app.get_json(&format!("/api/v1/services/{code}")).await;
        let (status, page) = html(&app, &format!("/services/{code}"), None).await;
        assert_eq!(status, 200);
        assert!(page.contains("申请材料"));
        for material in service["materials"].as_array().expect("materials") {
            let name = material["name"]["zh"].as_str().expect("name");
            assert!(page.contains(name), "material {name} shown");
        }
    }

    // The edit page of an application that was submitted meanwhile (another tab, or a
    // background save whose redirect lost the race with the submit button) sends the
    // resident to the application instead of answering 409 (a console error in the browser).
    async fn the_edit_page_of_a_submitted_application_leads_to_the_application(app) {
        let resident = app.resident(1).await;
        let number = app.text("SELECT number FROM application WHERE resident_id = 1 AND status = 'submitted' ORDER BY id LIMIT 1").await;
        let edit = app.url(&format!("/me/applications/{number}/edit?saved=1"));
        let get_accepting = |accept: &'static str| {
            app.client.get(&edit).header("cookie", &resident.cookie).header("accept", accept).send()
        };
        let navigation = get_accepting("text/html,application/xhtml+xml,*/*;q=0.8").await.expect("page");
        assert!(navigation.status().is_redirection(), "{}", navigation.status());
        assert_eq!(navigation.headers()["location"], format!("/me/applications/{number}").as_str());
        // The autosave's fetch (Accept: */*) that follows a save's redirect: no error status
        // (it was 409); Leptos leaves the redirect to the page's script.
        let background = get_accepting("*/*").await.expect("fetch");
        assert_eq!(background.status(), 200);
        let draft = app.text("SELECT number FROM application WHERE resident_id = 1 AND status = 'draft' ORDER BY id LIMIT 1").await;
        let (status, page) = html(&app, &format!("/me/applications/{draft}/edit"), Some(&resident.cookie)).await;
        assert_eq!(status, 200, "a draft's edit page still opens");
        assert!(page.contains(&format!("/forms/applications/{draft}")), "the draft's form");
    }

    async fn unknown_pages_and_services_answer_404(app) {
        let (status, page) = html(&app, "/services/NOPE-0000", None).await;
        assert_eq!(status, 404);
        assert!(page.contains("未找到您要的内容"));
        let (status, page) = html(&app, "/no/such/page", None).await;
        assert_eq!(status, 404);
        assert!(page.contains("页面不存在"));
    }

    async fn english_is_one_cookie_away(app) {
        let (status, page) = html(&app, "/", Some("i18n_pref_locale=en")).await;
        assert_eq!(status, 200);
        assert!(page.contains("What do you need to do?"));
        assert!(page.contains("lang=\"en\""));
    }
}

#[derive(sea_orm::FromQueryResult)]
struct NameRow {
    name: String,
}
