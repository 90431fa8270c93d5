//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use domain::error::{AppError, ErrorCode};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// sqlite or postgres
    pub database: &'static str,
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "The server and its database are up", body = Health),
        (status = 503, description = "The database cannot be reached", body = domain::error::ApiErrorBody),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await.map_err(|err| {
        tracing::warn!(error = %err, "health check: database unreachable");
        AppError::new(ErrorCode::Unavailable)
    })?;
    let database = match state.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "postgres",
        sea_orm::DatabaseBackend::Sqlite => "sqlite",
        _ => "other",
    };
    Ok(Json(Health {
        status: "ok",
        database,
    }))
}
