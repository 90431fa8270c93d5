//! Updating the profile (the password again for a new mobile number) and proxy consents.
use domain::ids::ResidentId;

use super::back_with_problems;
use crate::auth::FormResident;
use crate::state::AppState;
use crate::usecases::profile;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::profile::ProfileUpdate;
use serde::Deserialize;
use std::collections::BTreeMap;

pub async fn update(
    State(state): State<AppState>,
    resident: FormResident,
    parts: Parts,
    Form(form): Form<ProfileUpdate>,
) -> Response {
    match profile::update(&state, resident.resident_id, &form).await {
        // The device follows the account's elderly mode as just saved.
        Ok(()) => (
            [(
                header::SET_COOKIE,
                crate::http::mode::mode_cookie(form.elderly_mode),
            )],
            Redirect::to("/me/profile?saved=1"),
        )
            .into_response(),
        Err(error) => {
            let values = BTreeMap::from([
                ("mobile".to_owned(), form.mobile.clone()),
                ("email".to_owned(), form.email.clone()),
                ("address".to_owned(), form.address.clone()),
            ]);
            back_with_problems(&state, &parts, "/me/profile", "profile", values, error).await
        }
    }
}

#[derive(Deserialize)]
pub struct Consent {
    member: ResidentId,
    /// "grant" or "revoke"
    action: String,
}

pub async fn consent(
    State(state): State<AppState>,
    resident: FormResident,
    Form(form): Form<Consent>,
) -> Response {
    let grant = form.action == "grant";
    if let Err(err) =
        profile::set_proxy_consent(&state, resident.resident_id, form.member, grant).await
    {
        tracing::debug!(error = %err, "consent change refused");
    }
    Redirect::to("/me/profile").into_response()
}
