//! Acknowledging an alert (预警): a head or supervisor says what will be done about it.
use crate::state::AppState;
use chrono::Utc;
use domain::error::AppError;
use serde::Deserialize;
use store::StaffActor;

/// `{"note": "…"}`, from the API or the console's form: what will be done, at most 500
/// characters.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgeAlert {
    #[serde(default)]
    pub note: String,
}

/// Acknowledges an open alert once (again after it became an alarm); audited.
pub async fn acknowledge(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    request: AcknowledgeAlert,
) -> Result<(), AppError> {
    store::alerts::acknowledge(&state.db, actor, id, &request.note, Utc::now()).await
}
