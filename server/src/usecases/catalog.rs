//! Editing the catalogue (事项目录, administrators): services and life-event packages,
//! created and changed as drafts, published and withdrawn. Every change that lands is
//! announced to every instance, whose cached catalogue pages it makes out of date.

use crate::state::AppState;
use chrono::Utc;
use domain::catalog_admin::{
    BundleDraft, BundleRecord, CatalogStatus, ServiceDraft, ServiceRecord,
};
use domain::error::AppError;
use store::{StaffActor, catalog_admin};

pub async fn create_service(
    state: &AppState,
    actor: &StaffActor,
    draft: &ServiceDraft,
) -> Result<ServiceRecord, AppError> {
    announced(
        state,
        catalog_admin::create_service(&state.db, actor, draft, Utc::now()).await,
    )
    .await
}

pub async fn update_service(
    state: &AppState,
    actor: &StaffActor,
    code: &str,
    draft: &ServiceDraft,
) -> Result<ServiceRecord, AppError> {
    announced(
        state,
        catalog_admin::update_service(&state.db, actor, code, draft, Utc::now()).await,
    )
    .await
}

pub async fn set_service_status(
    state: &AppState,
    actor: &StaffActor,
    code: &str,
    status: CatalogStatus,
) -> Result<ServiceRecord, AppError> {
    announced(
        state,
        catalog_admin::set_service_status(&state.db, actor, code, status, Utc::now()).await,
    )
    .await
}

pub async fn create_bundle(
    state: &AppState,
    actor: &StaffActor,
    draft: &BundleDraft,
) -> Result<BundleRecord, AppError> {
    announced(
        state,
        catalog_admin::create_bundle(&state.db, actor, draft, Utc::now()).await,
    )
    .await
}

pub async fn update_bundle(
    state: &AppState,
    actor: &StaffActor,
    code: &str,
    draft: &BundleDraft,
) -> Result<BundleRecord, AppError> {
    announced(
        state,
        catalog_admin::update_bundle(&state.db, actor, code, draft, Utc::now()).await,
    )
    .await
}

pub async fn set_bundle_status(
    state: &AppState,
    actor: &StaffActor,
    code: &str,
    status: CatalogStatus,
) -> Result<BundleRecord, AppError> {
    announced(
        state,
        catalog_admin::set_bundle_status(&state.db, actor, code, status, Utc::now()).await,
    )
    .await
}

/// The change's result, once every instance has been told of it (only when it landed).
async fn announced<T>(state: &AppState, change: Result<T, AppError>) -> Result<T, AppError> {
    let record = change?;
    state.push.announce_catalogue_change().await;
    Ok(record)
}
