//! Version 1 of the JSON API, mounted at `/api/v1`.

pub mod catalog;

use crate::http::error::ApiError;
use crate::state::AppState;
use app::domain::error::AppError;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(super::openapi::openapi_json))
        .route("/services", get(catalog::list_services))
        .route("/services/{code}", get(catalog::get_service))
        .route("/departments", get(catalog::list_departments))
        .route("/categories", get(catalog::list_categories))
        .route("/life-events", get(catalog::list_life_events))
        .fallback(|| async { ApiError::from(AppError::not_found()) })
}
