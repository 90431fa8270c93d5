//! The service catalogue: search, one service, departments, categories, life events.

use crate::http::error::{ApiError, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use domain::catalog::{Category, Department, LifeEvent, ServiceDetail, ServicePage, ServiceQuery};
use domain::error::ApiErrorBody;
use store::catalog;

/// Search the published catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "catalog",
    params(ServiceQuery),
    responses(
        (status = 200, description = "One page of matching services", body = ServicePage),
        (status = 400, description = "A parameter is invalid (e.g. `page=abc`, search text over 50 characters)", body = ApiErrorBody),
    )
)]
pub async fn list_services(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ServiceQuery>,
) -> Result<Json<ServicePage>, ApiError> {
    Ok(Json(catalog::search_services(&state.db, &query).await?))
}

/// One published service, by its catalogue code.
#[utoipa::path(
    get,
    path = "/api/v1/services/{code}",
    tag = "catalog",
    params(("code" = String, Path, description = "Catalogue code (事项编码), e.g. MZ-0101")),
    responses(
        (status = 200, description = "The service with materials and form", body = ServiceDetail),
        (status = 404, description = "No published service has this code", body = ApiErrorBody),
    )
)]
pub async fn get_service(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    Ok(Json(catalog::service_detail(&state.db, &code).await?))
}

/// Every department with its number of published services.
#[utoipa::path(
    get,
    path = "/api/v1/departments",
    tag = "catalog",
    responses((status = 200, description = "Departments in display order", body = Vec<Department>))
)]
pub async fn list_departments(
    State(state): State<AppState>,
) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(catalog::departments(&state.db).await?))
}

/// Every topic with its number of published services.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalog",
    responses((status = 200, description = "Categories in display order", body = Vec<Category>))
)]
pub async fn list_categories(
    State(state): State<AppState>,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(catalog::categories(&state.db).await?))
}

/// Every life event with its number of published services.
#[utoipa::path(
    get,
    path = "/api/v1/life-events",
    tag = "catalog",
    responses((status = 200, description = "Life events in display order", body = Vec<LifeEvent>))
)]
pub async fn list_life_events(
    State(state): State<AppState>,
) -> Result<Json<Vec<LifeEvent>>, ApiError> {
    Ok(Json(catalog::life_events(&state.db).await?))
}
