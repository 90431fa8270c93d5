//! Marking messages read.

use crate::auth::FormResident;
use crate::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use store::notifications;

#[derive(Deserialize)]
pub struct Read {
    /// One message; none marks all read.
    id: Option<i64>,
}

pub async fn mark_read(
    State(state): State<AppState>,
    resident: FormResident,
    Form(read): Form<Read>,
) -> Response {
    if let Err(err) =
        notifications::mark_read(&state.db, resident.resident_id, read.id, Utc::now()).await
    {
        tracing::debug!(error = %err, "mark read refused");
    }
    Redirect::to("/me/messages").into_response()
}
