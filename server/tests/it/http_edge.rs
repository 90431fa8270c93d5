//! What every client meets at the HTTP edge: health, the error shape, limits, compression,
//! the OpenAPI document and the language switch.

use sea_orm::ConnectionTrait;

on_both_backends! {
    async fn health_reports_the_database(app) {
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!(status, 200);
        assert_eq!(body["status"], "ok");
        let expected = match app.backend {
            crate::helpers::Backend::Sqlite => "sqlite",
            crate::helpers::Backend::Postgres => "postgres",
        };
        assert_eq!(body["database"], expected);
    }

    async fn health_is_503_when_the_database_is_gone(app) {
        app.db.clone().close().await.expect("close the pool");
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!(status, 503);
        assert_eq!(body["code"], "unavailable");
    }

    async fn a_signed_in_request_is_refused_when_its_session_cannot_be_read(app) {
        let session = app.resident(1).await;
        let response = session.get("/me/applications").await;
        assert_eq!(response.status(), 200, "signed in");
        app.db.clone().close().await.expect("close the pool");
        // Not the signed-out answer (a redirect to sign in, or a page without the problems a
        // form post kept for it): the server cannot tell who this is, so it says so.
        let response = session.get("/me/applications").await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.expect("the error shape");
        assert_eq!(body["code"], "unavailable");
    }

    async fn unknown_api_paths_get_the_error_shape(app) {
        let (status, body) = app.get_json("/api/v1/no-such-thing").await;
        assert_eq!(status, 404);
        assert_eq!(body["code"], "not_found");
        assert!(body["message"].is_string());
    }

    async fn wrong_methods_are_refused_with_the_error_shape(app) {
        let response = app.client.delete(app.url("/api/v1/services")).send().await.expect("request");
        assert_eq!(response.status(), 405);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "method_not_allowed");
    }

    async fn oversized_bodies_are_refused(app) {
        // A raw request that announces 3 MB and sends none of it: the server must refuse from
        // the header alone. (Sending the 3 MB raced the early 413: the client could hit a
        // closed socket while still writing.)
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        let request = format!(
            "POST /api/v1/services HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            3 * 1024 * 1024
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = Vec::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut response)).await;
        let response = String::from_utf8_lossy(&response);
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(response.contains("\"code\":\"payload_too_large\""), "{response}");
    }

    async fn responses_are_compressed(app) {
        for (encoding, expected) in [("br", "br"), ("gzip", "gzip")] {
            let response = app
                .client
                .get(app.url("/api/v1/services"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-encoding"], expected);
        }
    }

    async fn the_openapi_document_describes_the_catalogue(app) {
        let (status, doc) = app.get_json("/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        for path in ["/api/v1/services", "/api/v1/services/{code}", "/api/v1/departments", "/api/v1/categories", "/api/v1/life-events", "/healthz"] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
        }
        let params = doc["paths"]["/api/v1/services"]["get"]["parameters"].as_array().expect("parameters");
        let names: Vec<_> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        for name in ["q", "department", "category", "life_event", "page"] {
            assert!(names.contains(&name), "parameter {name} is documented");
        }
        assert!(doc["components"]["schemas"]["ApiErrorBody"].is_object());
        assert!(doc["components"]["schemas"]["ServiceDetail"].is_object());
    }

    async fn the_language_switch_sets_a_cookie_and_returns_locally(app) {
        let response = app.get("/lang/en?next=%2Fservices%3Fq%3D1").await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/services?q=1");
        let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("i18n_pref_locale=en;"), "{cookie}");

        let response = app.get("/lang/en?next=https%3A%2F%2Fevil.example").await;
        assert_eq!(response.headers()["location"], "/");
        let response = app.get("/lang/fr").await;
        assert_eq!(response.status(), 400);
    }

    // Every redirect a request can steer with `next` stays on this site, whatever the foreign
    // target hides behind (a TAB, CR LF or a backslash, which browsers drop or read as a
    // slash; a leading space): the resident's and the console's sign-in, and the language
    // and mode switches. The Location is resolved as a browser resolves it (WHATWG URL).
    async fn every_steerable_redirect_stays_on_this_site(app) {
        let here = reqwest::Url::parse("http://minsheng.test/").expect("a base");
        let stays = |location: &reqwest::header::HeaderValue| {
            let location = location.to_str().expect("ascii");
            here.join(location).ok().and_then(|u| u.host_str().map(str::to_owned))
                == Some("minsheng.test".to_owned())
        };
        let foreign = [
            "//evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\r\n/evil.example",
            "/%09/evil.example",
        ];
        for next in foreign {
            let query = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            for switch in ["/lang/en", "/mode/elderly"] {
                let response = app.get(&format!("{switch}?next={query}")).await;
                assert_eq!(response.status(), 303, "{switch} {next:?}");
                assert!(stays(&response.headers()["location"]), "{switch} {next:?}: {:?}", response.headers()["location"]);
            }
            let resident = app
                .client
                .post(app.url(&format!("/forms/sign-in?next={query}")))
                .form(&[("account", crate::helpers::demo_mobile(1).as_str()), ("password", crate::helpers::DEMO_PASSWORD)])
                .send()
                .await
                .expect("resident sign-in");
            assert_eq!(resident.status(), 303);
            assert!(stays(&resident.headers()["location"]), "sign-in {next:?}: {:?}", resident.headers()["location"]);
            let staff = app
                .client
                .post(app.url("/admin/forms/sign-in"))
                .form(&[("username", "admin"), ("password", crate::helpers::DEMO_PASSWORD), ("next", next)])
                .send()
                .await
                .expect("staff sign-in");
            assert_eq!(staff.headers()["location"], "/admin", "console sign-in {next:?}");
        }
    }

    async fn sqlite_and_postgres_enforce_foreign_keys(app) {
        let result = app
            .db
            .execute_unprepared("INSERT INTO service_life_event (service_id, life_event_id) VALUES (999999, 999999)")
            .await;
        assert!(result.is_err(), "a dangling reference must be refused");
    }
}
