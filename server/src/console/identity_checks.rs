//! The window's identity check (身份核验) of an online claim of a register record: find the
//! claim by the ID number on the card, then confirm or refuse it.
use super::back;
use crate::auth::FormStaff;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use chrono::Utc;
use domain::error::AppError;
use domain::ids::ResidentId;
use serde::Deserialize;
use std::collections::BTreeMap;
use store::identity_checks::Decision;

use crate::state::AppState;

const PAGE: &str = "/admin/identity-checks";

#[derive(Deserialize)]
pub struct FindForm {
    #[serde(default)]
    id_number: String,
}

/// `POST /admin/forms/identity-checks/find`: the number typed goes to the page in the
/// session's flash (never in the address), where the page looks the claim up.
pub async fn find(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<FindForm>, FormRejection>,
) -> Response {
    let id_number = form.map(|Form(form)| form.id_number).unwrap_or_default();
    let values = BTreeMap::from([("id_number".to_owned(), id_number)]);
    back(
        &state,
        &staff.session_id,
        PAGE,
        "identity_check",
        values,
        None,
    )
    .await
}

/// `POST /admin/forms/identity-checks/{resident}/confirm|refuse`.
pub async fn decide(
    State(state): State<AppState>,
    staff: FormStaff,
    Path((id, decision)): Path<(ResidentId, String)>,
) -> Response {
    let result = match Decision::parse(&decision) {
        Some(decided) => {
            store::identity_checks::decide(&state.db, &staff.actor, id, decided, Utc::now()).await
        }
        None => Err(AppError::not_found()),
    };
    let values = BTreeMap::from([("decision".to_owned(), decision)]);
    back(
        &state,
        &staff.session_id,
        PAGE,
        "identity_decision",
        values,
        result.err(),
    )
    .await
}
