//! Version 1 of the JSON API, mounted at `/api/v1`.

pub mod account;
pub mod alerts;
pub mod applications;
pub mod campaigns;
pub mod catalog;
pub mod catalog_admin;
pub mod console;
pub mod figures;
pub mod forecast;
pub mod inbox;
pub mod ratings;
pub mod recommendations;
pub mod report;
pub mod segments;
pub mod simulation;
pub mod surveys;

use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::routing::{delete, get, post, put};
use domain::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(super::openapi::openapi_json))
        .route("/services", get(catalog::list_services))
        .route("/services/{code}", get(catalog::get_service))
        .route("/departments", get(catalog::list_departments))
        .route("/categories", get(catalog::list_categories))
        .route("/life-events", get(catalog::list_life_events))
        .route("/verification-codes", post(account::send_code))
        .route("/accounts", post(account::register))
        .route("/password-reset", post(account::reset_password))
        .route("/session", post(account::sign_in).delete(account::sign_out))
        .route("/me", get(account::me))
        .route("/me/sessions", delete(account::sign_out_everywhere))
        .route(
            "/me/profile",
            get(account::get_profile).put(account::put_profile),
        )
        .route("/me/record-accesses", get(account::record_accesses))
        .route(
            "/me/applications",
            get(applications::list).post(applications::create),
        )
        .route("/me/applications/{number}", get(applications::detail))
        .route("/me/applications/{number}/form", get(applications::form))
        .route(
            "/me/applications/{number}/answers",
            put(applications::save_answers),
        )
        .route(
            "/me/applications/{number}/attachments/{id}",
            delete(applications::detach),
        )
        .route(
            "/me/applications/{number}/submit",
            post(applications::submit),
        )
        .route(
            "/me/applications/{number}/withdraw",
            post(applications::withdraw),
        )
        .route(
            "/me/applications/{number}/take-back",
            post(applications::take_back),
        )
        .route("/me/attachments/{id}", get(applications::download))
        .route("/me/notifications", get(inbox::list))
        .route("/me/notifications/read", post(inbox::mark_read))
        .route("/me/events", get(inbox::events))
        .route("/satisfaction", get(figures::public))
        .route(
            "/me/applications/{number}/ratings",
            get(ratings::prompts).post(ratings::rate),
        )
        .route(
            "/me/applications/{number}/rectification-feedback",
            post(ratings::feedback),
        )
        .route("/me/recommendations", get(recommendations::list))
        .route(
            "/me/recommendations/{id}/dismiss",
            post(recommendations::dismiss),
        )
        .route(
            "/me/recommendations/{id}/click",
            post(recommendations::click),
        )
        .route(
            "/me/recommendations/{id}/confirm",
            post(recommendations::confirm),
        )
        .route(
            "/me/recommendation-opt-outs",
            post(recommendations::opt_out),
        )
        .route("/me/surveys", get(surveys::mine))
        .route("/me/surveys/{id}", get(surveys::one).post(surveys::respond))
        .nest("/staff", staff_router())
        .fallback(|| async { ApiError::from(AppError::not_found()) })
}

/// The staff console's API.
fn staff_router() -> Router<AppState> {
    Router::new()
        .route("/session", post(console::sign_in).delete(console::sign_out))
        .route("/me", get(console::me))
        .route("/home", get(console::home))
        .route("/figures", get(figures::staff))
        .route("/forecast", get(forecast::backlog))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}/acknowledge", post(alerts::acknowledge))
        .route("/reports/{month}", get(report::monthly))
        .route("/reports/{month}/csv", get(report::monthly_csv))
        .route("/queue", get(console::queue_page))
        .route("/cases/{number}", get(console::case))
        .route("/cases/{number}/actions", post(console::act))
        .route("/rectifications", get(ratings::list))
        .route("/rectifications/{id}", get(ratings::case))
        .route("/rectifications/{id}/actions", post(ratings::act))
        .route("/campaigns", get(campaigns::list).post(campaigns::create))
        .route("/campaigns/{id}", get(campaigns::one))
        .route("/campaigns/{id}/submit", post(campaigns::submit))
        .route("/campaigns/{id}/approve", post(campaigns::approve))
        .route("/campaigns/{id}/cancel", post(campaigns::cancel))
        .route("/segments", get(segments::list).post(segments::create))
        .route("/segments/preview", post(segments::preview))
        .route("/segments/{id}", get(segments::one).put(segments::update))
        .route("/simulations", post(simulation::simulate))
        .route("/surveys", get(surveys::list).post(surveys::create))
        .route("/surveys/{id}", get(surveys::results).put(surveys::update))
        .route("/surveys/{id}/schedule", post(surveys::schedule))
        .route("/surveys/{id}/close", post(surveys::close))
        .route("/attachments/{id}", get(console::download))
        .route("/residents/search", post(console::search_residents))
        .route("/residents/{id}", get(console::resident))
        .route("/residents/{id}/reveal", post(console::reveal))
        .route("/residents/{id}/tags", post(console::add_tag))
        .route(
            "/residents/{id}/tags/{code}/remove",
            post(console::remove_tag),
        )
        .route("/audit", get(console::audit_search))
        .route("/audit.csv", get(console::audit_csv))
        .route("/sessions", get(console::sessions))
        .route("/sessions/{id}", delete(console::end_session))
        .route(
            "/catalog/services",
            get(catalog_admin::list_services).post(catalog_admin::create_service),
        )
        .route(
            "/catalog/services/{code}",
            get(catalog_admin::get_service).put(catalog_admin::update_service),
        )
        .route(
            "/catalog/services/{code}/publish",
            post(catalog_admin::publish_service),
        )
        .route(
            "/catalog/services/{code}/unpublish",
            post(catalog_admin::unpublish_service),
        )
        .route(
            "/catalog/bundles",
            get(catalog_admin::list_bundles).post(catalog_admin::create_bundle),
        )
        .route(
            "/catalog/bundles/{code}",
            get(catalog_admin::get_bundle).put(catalog_admin::update_bundle),
        )
        .route(
            "/catalog/bundles/{code}/publish",
            post(catalog_admin::publish_bundle),
        )
        .route(
            "/catalog/bundles/{code}/unpublish",
            post(catalog_admin::unpublish_bundle),
        )
}

/// API routes that take files (a larger body limit).
pub fn upload_router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/me/applications/{number}/attachments",
        post(applications::attach),
    )
}
