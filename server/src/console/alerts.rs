//! The console's form that acknowledges an alert with a note; back to the alerts page with
//! the outcome (and the note typed, when it was refused).

use super::{back, form_of};
use crate::auth::FormStaff;
use crate::state::AppState;
use crate::usecases::alerts::{self, AcknowledgeAlert};
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use std::collections::BTreeMap;

const PAGE: &str = "/admin/alerts";

/// `POST /admin/forms/alerts/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    form: Result<Form<AcknowledgeAlert>, FormRejection>,
) -> Response {
    let mut values = BTreeMap::from([("alert".to_owned(), id.to_string())]);
    let result = match form_of(form) {
        Ok(request) => {
            let note = request.note.clone();
            let result = alerts::acknowledge(&state, &staff.actor, id, request).await;
            if result.is_err() {
                values.insert("note".to_owned(), note);
            }
            result
        }
        Err(err) => Err(err),
    };
    back(
        &state,
        &staff.session_id,
        PAGE,
        "alert",
        values,
        result.err(),
    )
    .await
}
