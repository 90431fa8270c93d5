//! Keeping the catalogue through the staff API: administrators create, edit, publish and
//! unpublish services and bundles; a form change bumps the version but leaves submitted
//! applications as they were; nobody else may touch it; bad input changes nothing; every
//! write is in the audit log.

use crate::helpers::{Session, TestApp};
use domain::catalog_admin::{BundleDraft, ServiceDraft, validate_bundle, validate_service};
use reqwest::Method;
use serde_json::{Value, json};

const SERVICES: &str = "/api/v1/staff/catalog/services";
const BUNDLES: &str = "/api/v1/staff/catalog/bundles";

/// A complete service draft: one exempt material (nothing to upload), two questions.
pub(crate) fn service_draft(code: &str) -> Value {
    json!({
        "code": code,
        "name": "高龄护理补贴申领",
        "name_en": "Old-age care subsidy",
        "summary": "80 周岁以上失能老人申领护理补贴。",
        "audience": "本区户籍 80 周岁以上老人",
        "department": "mz",
        "category": "elderly",
        "promised_days": 5,
        "legal_days": 20,
        "fee_cents": 0,
        "online_level": "fully_online",
        "materials": [
            { "name": { "zh": "居民身份证", "en": "Identity card" }, "required": true, "form": "exempt" }
        ],
        "form_fields": [
            {
                "key": "care_mode",
                "label": { "zh": "护理方式", "en": "Kind of care" },
                "kind": "choice",
                "required": true,
                "options": [{ "zh": "居家" }, { "zh": "机构" }]
            },
            {
                "key": "monthly_income",
                "label": { "zh": "月收入（元）" },
                "kind": "number",
                "required": true
            }
        ],
        "life_events": ["turning_80"]
    })
}

fn keys(fields: &Value) -> Vec<String> {
    fields
        .as_array()
        .expect("a list of fields")
        .iter()
        .map(|f| f["key"].as_str().unwrap().to_owned())
        .collect()
}

fn error_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn audit_lines(app: &TestApp, action: &str, kind: &str, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND target_kind = '{kind}' \
         AND target_id = {id}"
    ))
    .await
}

/// The columns an edit changes, as one text.
async fn service_row(app: &TestApp, code: &str) -> String {
    app.text(&format!(
        "SELECT name || '|' || CAST(promised_days AS TEXT) || '|' || CAST(form_version AS TEXT) \
         || '|' || status || '|' || CAST(updated_at AS TEXT) FROM service WHERE code = '{code}'"
    ))
    .await
}

async fn service_id(app: &TestApp, code: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM service WHERE code = '{code}'"))
        .await
}

/// Creates and publishes a service; returns the stored record.
pub(crate) async fn published_service(admin: &Session<'_>, code: &str) -> Value {
    let (status, created) = admin.post_json(SERVICES, service_draft(code)).await;
    assert_eq!(status, 201, "{created}");
    let (status, published) = admin
        .post_json(&format!("{SERVICES}/{code}/publish"), json!({}))
        .await;
    assert_eq!(status, 200, "{published}");
    published
}

on_both_backends! {
    async fn an_administrator_creates_a_service_that_appears_once_published(app) {
        let admin = app.staff("admin").await;
        let before = app.scalar("SELECT COUNT(*) FROM service").await;
        let (status, created) = admin.post_json(SERVICES, service_draft("MZ-0901")).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["status"], "draft");
        assert_eq!(created["form_version"], 1);
        assert_eq!(created["department"], "mz");
        assert_eq!(created["life_events"], json!(["turning_80"]));
        assert_eq!(keys(&created["form_fields"]), ["care_mode", "monthly_income"]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM service").await, before + 1);
        let id = service_id(&app, "MZ-0901").await;
        assert_eq!(audit_lines(&app, "service.create", "service", id).await, 1);

        // A draft is not in the public catalogue, but is in the console's list.
        let (status, _) = app.get_json("/api/v1/services/MZ-0901").await;
        assert_eq!(status, 404);
        let (status, list) = admin.get_json(SERVICES).await;
        assert_eq!(status, 200);
        let listed = list.as_array().unwrap().iter().find(|s| s["code"] == "MZ-0901").expect("listed");
        assert_eq!(listed["status"], "draft");
        assert_eq!(listed["department"]["code"], "mz");
        assert_eq!(list.as_array().unwrap().len() as i64, before + 1);
        let (status, fetched) = admin.get_json(&format!("{SERVICES}/MZ-0901")).await;
        assert_eq!(status, 200);
        assert_eq!(fetched, created);

        // Published: residents find it, with its life event.
        let (status, published) = admin.post_json(&format!("{SERVICES}/MZ-0901/publish"), json!({})).await;
        assert_eq!(status, 200, "{published}");
        assert_eq!(published["status"], "published");
        assert!(published["published_at"].is_string());
        let (status, public) = app.get_json("/api/v1/services/MZ-0901").await;
        assert_eq!(status, 200, "{public}");
        assert_eq!(public["name"]["zh"], "高龄护理补贴申领");
        assert_eq!(public["life_events"][0]["code"], "turning_80");
        let (_, found) = app.get_json("/api/v1/services?life_event=turning_80&department=mz").await;
        assert!(found["items"].as_array().unwrap().iter().any(|s| s["code"] == "MZ-0901"));
        assert_eq!(audit_lines(&app, "service.publish", "service", id).await, 1);
        // Publishing again changes nothing and records nothing.
        let (status, _) = admin.post_json(&format!("{SERVICES}/MZ-0901/publish"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(audit_lines(&app, "service.publish", "service", id).await, 1);

        // Unpublished: gone from the public catalogue again.
        let (status, unpublished) = admin.post_json(&format!("{SERVICES}/MZ-0901/unpublish"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(unpublished["status"], "unpublished");
        let (status, _) = app.get_json("/api/v1/services/MZ-0901").await;
        assert_eq!(status, 404);
        assert_eq!(audit_lines(&app, "service.unpublish", "service", id).await, 1);

        // A code already taken is a conflict, and adds nothing.
        let (status, body) = admin.post_json(SERVICES, service_draft("MZ-0101")).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "conflict");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM service").await, before + 1);
        let (status, _) = admin.get_json(&format!("{SERVICES}/NO-SUCH")).await;
        assert_eq!(status, 404);
    }

    async fn a_form_change_bumps_the_version_but_submitted_applications_keep_their_form(app) {
        let admin = app.staff("admin").await;
        published_service(&admin, "MZ-0902").await;
        let resident = app.resident(1).await;
        let (status, form) = resident
            .post_json(
                "/api/v1/me/applications",
                json!({
                    "service_code": "MZ-0902",
                    "answers": { "care_mode": "居家", "monthly_income": "3000" }
                }),
            )
            .await;
        assert_eq!(status, 201, "{form}");
        let number = form["number"].as_str().unwrap().to_owned();
        let (status, submitted) = resident
            .post_json(&format!("/api/v1/me/applications/{number}/submit"), json!({}))
            .await;
        assert_eq!(status, 200, "{submitted}");
        assert_eq!(submitted["status"], "submitted");
        let fields_then = submitted["fields"].clone();
        assert!(keys(&fields_then).contains(&"care_mode".to_owned()));

        // The administrator rewrites the form: a label, an option and a new question.
        let mut draft = service_draft("MZ-0902");
        draft["form_fields"][0]["label"]["zh"] = json!("照护方式");
        draft["form_fields"][0]["options"] = json!([{ "zh": "居家" }, { "zh": "机构" }, { "zh": "社区" }]);
        draft["form_fields"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "key": "household_size", "label": { "zh": "家庭人口" }, "kind": "number", "required": true }));
        let (status, edited) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0902"), draft.clone()).await;
        assert_eq!(status, 200, "{edited}");
        assert_eq!(edited["form_version"], 2);
        assert_eq!(edited["status"], "published", "an edit does not unpublish");
        assert_eq!(keys(&edited["form_fields"]), ["care_mode", "monthly_income", "household_size"]);

        // Only the name changes: the form version stays.
        draft["name"] = json!("高龄照护补贴申领");
        let (status, renamed) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0902"), draft.clone()).await;
        assert_eq!(status, 200, "{renamed}");
        assert_eq!(renamed["form_version"], 2);
        assert_eq!(renamed["name"], "高龄照护补贴申领");
        // The materials change: it is bumped again.
        draft["materials"][0]["form"] = json!("copy");
        let (_, remade) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0902"), draft).await;
        assert_eq!(remade["form_version"], 3);
        let id = service_id(&app, "MZ-0902").await;
        assert_eq!(audit_lines(&app, "service.update", "service", id).await, 3);

        // The submitted application still shows the form it was made with.
        let (status, detail) = resident.get_json(&format!("/api/v1/me/applications/{number}")).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["fields"], fields_then);
        assert!(!keys(&detail["fields"]).contains(&"household_size".to_owned()));
        let care = detail["fields"].as_array().unwrap().iter().find(|f| f["key"] == "care_mode").unwrap();
        assert_eq!(care["label"]["zh"], "护理方式");
        assert_eq!(care["options"].as_array().unwrap().len(), 2);
        assert_eq!(detail["materials"][0]["form"], "exempt");
        assert_eq!(
            app.scalar(&format!("SELECT CAST(form_version AS BIGINT) FROM application WHERE number = '{number}'")).await,
            1
        );

        // A new application gets the new form.
        let (status, fresh) = resident
            .post_json("/api/v1/me/applications", json!({ "service_code": "MZ-0902" }))
            .await;
        assert_eq!(status, 201, "{fresh}");
        assert!(keys(&fresh["fields"]).contains(&"household_size".to_owned()));
    }

    async fn only_administrators_keep_the_catalogue(app) {
        let admin = app.staff("admin").await;
        published_service(&admin, "MZ-0903").await;
        let mut others = Vec::new();
        for username in ["mz_clerk", "mz_reviewer", "mz_head", "supervisor"] {
            others.push((username, app.staff(username).await));
        }
        let resident = app.resident(1).await;
        let services = app.scalar("SELECT COUNT(*) FROM service").await;
        let bundles = app.scalar("SELECT COUNT(*) FROM bundle").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let bundle = json!({ "code": "care_plus", "name": "照护一件事", "summary": "一次申请", "services": ["MZ-0903"] });
        let calls = [
            (Method::GET, SERVICES.to_owned(), Value::Null),
            (Method::POST, SERVICES.to_owned(), service_draft("MZ-0904")),
            (Method::GET, format!("{SERVICES}/MZ-0903"), Value::Null),
            (Method::PUT, format!("{SERVICES}/MZ-0903"), service_draft("MZ-0903")),
            (Method::POST, format!("{SERVICES}/MZ-0903/publish"), json!({})),
            (Method::POST, format!("{SERVICES}/MZ-0903/unpublish"), json!({})),
            (Method::GET, BUNDLES.to_owned(), Value::Null),
            (Method::POST, BUNDLES.to_owned(), bundle.clone()),
            (Method::GET, format!("{BUNDLES}/birth"), Value::Null),
            (Method::PUT, format!("{BUNDLES}/birth"), bundle),
            (Method::POST, format!("{BUNDLES}/birth/publish"), json!({})),
            (Method::POST, format!("{BUNDLES}/birth/unpublish"), json!({})),
        ];
        for (username, staff) in &others {
            for (method, path, body) in &calls {
                let (status, answer) = staff.send_json(method.clone(), path, body.clone()).await;
                assert_eq!(status, 403, "{username} {method} {path}: {answer}");
                assert_eq!(answer["code"], "forbidden");
            }
        }
        // Nor anyone not signed in as staff (a resident's session is not one).
        for (method, path, body) in &calls {
            let (status, _) = resident.send_json(method.clone(), path, body.clone()).await;
            assert_eq!(status, 401, "{method} {path}");
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM service").await, services);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM bundle").await, bundles);
        assert_eq!(app.text("SELECT status FROM service WHERE code = 'MZ-0903'").await, "published");
        assert_eq!(app.text("SELECT status FROM bundle WHERE code = 'birth'").await, "published");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
    }

    async fn bad_input_is_refused_field_by_field_and_changes_nothing(app) {
        let admin = app.staff("admin").await;
        let services = app.scalar("SELECT COUNT(*) FROM service").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

        let mut bad = service_draft("MZ 0905");
        bad["department"] = json!("nowhere");
        bad["category"] = json!("");
        bad["promised_days"] = json!(30);
        bad["life_events"] = json!(["turning_80", "turning_200"]);
        bad["form_fields"][0]["options"] = json!([]);
        bad["form_fields"][1]["key"] = json!("Monthly Income");
        let (status, body) = admin.post_json(SERVICES, bad).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "validation_failed");
        let fields = error_fields(&body);
        for field in [
            "code",
            "department",
            "category",
            "promised_days",
            "life_events.1",
            "form_fields.0.options",
            "form_fields.1.key",
        ] {
            assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
        }
        assert_eq!(fields.len(), 7, "{fields:?}");
        assert!(body["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
        // An empty body names every required field.
        let (status, body) = admin.post_json(SERVICES, json!({})).await;
        assert_eq!(status, 422);
        assert!(error_fields(&body).contains(&"online_level".to_owned()));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM service").await, services);

        // A bad edit of a published demo service leaves it exactly as it was.
        let before = service_row(&app, "MZ-0101").await;
        let (_, record) = admin.get_json(&format!("{SERVICES}/MZ-0101")).await;
        let mut draft = record.clone();
        draft["name"] = json!("改过的名字");
        draft["promised_days"] = json!(-1);
        draft["form_fields"] = json!([{ "key": "a", "label": { "zh": "甲" }, "kind": "text", "required": true },
                                      { "key": "a", "label": { "zh": "乙" }, "kind": "text", "required": true }]);
        let (status, body) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0101"), draft).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_fields(&body), ["promised_days", "form_fields.1.key"]);
        // The code is stable: a different one is refused.
        let mut renamed = record.clone();
        renamed["code"] = json!("MZ-9999");
        let (status, body) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0101"), renamed).await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), ["code"]);
        // A body that is not a draft at all.
        let (status, body) = admin
            .send_json(Method::PUT, &format!("{SERVICES}/MZ-0101"), json!({ "promised_days": "soon" }))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "invalid_parameter");
        assert_eq!(service_row(&app, "MZ-0101").await, before);
        let (_, after) = admin.get_json(&format!("{SERVICES}/MZ-0101")).await;
        assert_eq!(after, record);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);

        // Saved unchanged: the form version stays, one audit line.
        let (status, saved) = admin.send_json(Method::PUT, &format!("{SERVICES}/MZ-0101"), record.clone()).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["form_version"], record["form_version"]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit + 1);
    }

    async fn bundles_are_kept_like_services(app) {
        let admin = app.staff("admin").await;
        let bundles = app.scalar("SELECT COUNT(*) FROM bundle").await;
        let draft = json!({
            "code": "care_plus",
            "name": "照护一件事",
            "name_en": "Care: one application",
            "summary": "一次申请，联办护理补贴和居家养老服务。",
            "life_event": "turning_80",
            "services": ["MZ-0101", "GA-0101"]
        });
        let (status, created) = admin.post_json(BUNDLES, draft.clone()).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["status"], "draft");
        assert_eq!(created["services"], json!(["MZ-0101", "GA-0101"]));
        let id = app.scalar("SELECT id FROM bundle WHERE code = 'care_plus'").await;
        assert_eq!(audit_lines(&app, "bundle.create", "bundle", id).await, 1);
        let (_, list) = admin.get_json(BUNDLES).await;
        let listed = list.as_array().unwrap().iter().find(|b| b["code"] == "care_plus").expect("listed");
        assert_eq!(listed["life_event"]["code"], "turning_80");
        assert_eq!(list.as_array().unwrap().len() as i64, bundles + 1);

        // Not on a service's page until published.
        let (_, page) = app.get_json("/api/v1/services/GA-0101").await;
        assert!(!page["bundles"].as_array().unwrap().iter().any(|b| b["code"] == "care_plus"));
        let (status, published) = admin.post_json(&format!("{BUNDLES}/care_plus/publish"), json!({})).await;
        assert_eq!(status, 200, "{published}");
        assert_eq!(published["status"], "published");
        let (_, page) = app.get_json("/api/v1/services/GA-0101").await;
        assert!(page["bundles"].as_array().unwrap().iter().any(|b| b["code"] == "care_plus"));
        assert_eq!(audit_lines(&app, "bundle.publish", "bundle", id).await, 1);

        // Unknown codes, no services, a service twice: field errors, nothing stored.
        let (status, body) = admin
            .post_json(BUNDLES, json!({ "code": "x1", "name": "某", "summary": "某", "life_event": "never", "services": ["MZ-0101", "NO-SUCH"] }))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_fields(&body), ["life_event", "services.1"]);
        let (status, body) = admin
            .post_json(BUNDLES, json!({ "code": "x1", "name": "某", "summary": "某", "services": [] }))
            .await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), ["services"]);
        let (status, body) = admin.post_json(BUNDLES, draft.clone()).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM bundle").await, bundles + 1);

        // Reordered and extended; a draft service cannot join a published bundle.
        let (status, _) = admin.post_json(SERVICES, service_draft("MZ-0906")).await;
        assert_eq!(status, 201);
        let mut edit = draft.clone();
        edit["services"] = json!(["GA-0101", "MZ-0101", "MZ-0906"]);
        let (status, body) = admin.send_json(Method::PUT, &format!("{BUNDLES}/care_plus"), edit.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_fields(&body), ["services.2"]);
        let (status, _) = admin.post_json(&format!("{SERVICES}/MZ-0906/publish"), json!({})).await;
        assert_eq!(status, 200);
        let (status, edited) = admin.send_json(Method::PUT, &format!("{BUNDLES}/care_plus"), edit).await;
        assert_eq!(status, 200, "{edited}");
        assert_eq!(edited["services"], json!(["GA-0101", "MZ-0101", "MZ-0906"]));
        assert_eq!(audit_lines(&app, "bundle.update", "bundle", id).await, 1);

        // A service a published bundle holds stays published until the bundle goes.
        let (status, body) = admin.post_json(&format!("{SERVICES}/MZ-0906/unpublish"), json!({})).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "invalid_state_change");
        let (status, _) = admin.post_json(&format!("{BUNDLES}/care_plus/unpublish"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(audit_lines(&app, "bundle.unpublish", "bundle", id).await, 1);
        let (status, _) = admin.post_json(&format!("{SERVICES}/MZ-0906/unpublish"), json!({})).await;
        assert_eq!(status, 200);
        // And a bundle with a service that is not published cannot be published.
        let (status, body) = admin.post_json(&format!("{BUNDLES}/care_plus/publish"), json!({})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error_fields(&body), ["services.2"]);
        assert_eq!(app.text("SELECT status FROM bundle WHERE code = 'care_plus'").await, "unpublished");
    }

    async fn every_demo_service_and_bundle_reads_back_as_a_valid_draft(app) {
        // A read of every service in a loop: past the flood limit of one account.
        let app = crate::helpers::TestApp::without_rate_limits(app.backend).await;
        let admin = app.staff("admin").await;
        let (_, list) = admin.get_json(SERVICES).await;
        let list = list.as_array().unwrap();
        assert_eq!(list.len() as i64, app.scalar("SELECT COUNT(*) FROM service").await);
        for item in list {
            let code = item["code"].as_str().unwrap();
            let (status, record) = admin.get_json(&format!("{SERVICES}/{code}")).await;
            assert_eq!(status, 200);
            let draft: ServiceDraft = serde_json::from_value(record).unwrap();
            if let Err(errors) = validate_service(&draft) {
                panic!("{code}: {errors:?}");
            }
        }
        let (_, bundles) = admin.get_json(BUNDLES).await;
        assert!(!bundles.as_array().unwrap().is_empty());
        for item in bundles.as_array().unwrap() {
            let code = item["code"].as_str().unwrap();
            let (_, record) = admin.get_json(&format!("{BUNDLES}/{code}")).await;
            let draft: BundleDraft = serde_json::from_value(record).unwrap();
            if let Err(errors) = validate_bundle(&draft) {
                panic!("{code}: {errors:?}");
            }
            // Saved unchanged, a published bundle stays as it was.
            let (status, saved) = admin
                .send_json(Method::PUT, &format!("{BUNDLES}/{code}"), serde_json::to_value(&draft).unwrap())
                .await;
            assert_eq!(status, 200, "{saved}");
            assert_eq!(saved["services"], item["services"]);
        }
    }
}
