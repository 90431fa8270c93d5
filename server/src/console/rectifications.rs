//! The console's form for working a bad review: the department answers or appeals, a
//! supervisor decides. One post address; `intent` says which.

use super::{back, form_of};
use crate::auth::FormStaff;
use crate::state::AppState;
use crate::usecases::rectifications::{self, RectificationCommand};
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use std::collections::BTreeMap;

pub async fn act(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    form: Result<Form<RectificationCommand>, FormRejection>,
) -> Response {
    let to = format!("/admin/rectifications/{id}");
    let (result, values) = match form_of(form) {
        Ok(command) => {
            let mut values = BTreeMap::from([("intent".to_owned(), command.intent.clone())]);
            let typed = command.typed();
            let result = rectifications::act(&state, &staff.actor, id, command).await;
            if result.is_err() {
                // What was typed comes back into the form.
                values.extend(typed);
            }
            (result, values)
        }
        Err(err) => (Err(err), BTreeMap::new()),
    };
    back(
        &state,
        &staff.session_id,
        &to,
        "rectification",
        values,
        result.err(),
    )
    .await
}
