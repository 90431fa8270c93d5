//! Keeping the catalogue through the staff API, under `/api/v1/staff/catalog`: services and
//! bundles of every status, created, edited, published and unpublished. Administrators only:
//! every store function checks `ManageCatalog` (403 `forbidden` for anyone else).

use crate::auth::Staff;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::catalog_admin::{
    BundleDraft, BundleListItem, BundleRecord, CatalogStatus, ServiceDraft, ServiceListItem,
    ServiceRecord,
};
use store::catalog_admin;

pub async fn list_services(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<ServiceListItem>>, ApiError> {
    Ok(Json(catalog_admin::list_services(&state.db, &actor).await?))
}

/// A new service, as a draft: 201 with the stored service.
pub async fn create_service(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(draft): Json<ServiceDraft>,
) -> Result<(StatusCode, Json<ServiceRecord>), ApiError> {
    let record = usecases::catalog::create_service(&state, &actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

pub async fn get_service(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<ServiceRecord>, ApiError> {
    Ok(Json(
        catalog_admin::get_service(&state.db, &actor, &code).await?,
    ))
}

/// Replace the service's content; a change of its form bumps `form_version`.
pub async fn update_service(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
    Json(draft): Json<ServiceDraft>,
) -> Result<Json<ServiceRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::update_service(&state, &actor, &code, &draft).await?,
    ))
}

pub async fn publish_service(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<ServiceRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::set_service_status(&state, &actor, &code, CatalogStatus::Published)
            .await?,
    ))
}

pub async fn unpublish_service(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<ServiceRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::set_service_status(&state, &actor, &code, CatalogStatus::Unpublished)
            .await?,
    ))
}

pub async fn list_bundles(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<BundleListItem>>, ApiError> {
    Ok(Json(catalog_admin::list_bundles(&state.db, &actor).await?))
}

/// A new bundle, as a draft: 201 with the stored bundle.
pub async fn create_bundle(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(draft): Json<BundleDraft>,
) -> Result<(StatusCode, Json<BundleRecord>), ApiError> {
    let record = usecases::catalog::create_bundle(&state, &actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

pub async fn get_bundle(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<BundleRecord>, ApiError> {
    Ok(Json(
        catalog_admin::get_bundle(&state.db, &actor, &code).await?,
    ))
}

pub async fn update_bundle(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
    Json(draft): Json<BundleDraft>,
) -> Result<Json<BundleRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::update_bundle(&state, &actor, &code, &draft).await?,
    ))
}

pub async fn publish_bundle(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<BundleRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::set_bundle_status(&state, &actor, &code, CatalogStatus::Published)
            .await?,
    ))
}

pub async fn unpublish_bundle(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Json<BundleRecord>, ApiError> {
    Ok(Json(
        usecases::catalog::set_bundle_status(&state, &actor, &code, CatalogStatus::Unpublished)
            .await?,
    ))
}
