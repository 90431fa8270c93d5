//! Version 1 of the JSON API, mounted at `/api/v1`.

pub mod account;
pub mod applications;
pub mod catalog;
pub mod inbox;

use crate::http::error::ApiError;
use crate::state::AppState;
use app::domain::error::AppError;
use axum::Router;
use axum::routing::{delete, get, post, put};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(super::openapi::openapi_json))
        .route("/services", get(catalog::list_services))
        .route("/services/{code}", get(catalog::get_service))
        .route("/departments", get(catalog::list_departments))
        .route("/categories", get(catalog::list_categories))
        .route("/life-events", get(catalog::list_life_events))
        .route("/accounts", post(account::register))
        .route("/session", post(account::sign_in).delete(account::sign_out))
        .route("/me", get(account::me))
        .route(
            "/me/profile",
            get(account::get_profile).put(account::put_profile),
        )
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
        .route("/me/attachments/{id}", get(applications::download))
        .route("/me/notifications", get(inbox::list))
        .route("/me/notifications/read", post(inbox::mark_read))
        .route("/me/events", get(inbox::events))
        .fallback(|| async { ApiError::from(AppError::not_found()) })
}

/// API routes that take files (a larger body limit).
pub fn upload_router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/me/applications/{number}/attachments",
        post(applications::attach),
    )
}
