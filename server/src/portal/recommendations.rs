//! The "for you" page's plain forms (`/forms/recommendations/…`): apply (recorded, then the
//! prefilled form), confirm a benefit granted without applying (免申即享: the submitted
//! application, or the prefilled form when the record cannot complete it), not interested,
//! and no more of a category. Another resident's recommendation is not found.

use crate::auth::FormResident;
use crate::state::AppState;
use crate::usecases::recommendations::{self, OptOut};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use domain::error::ErrorCode;
use domain::recommendation::apply_link;

const PAGE: &str = "/for-you";

pub async fn apply(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
) -> Response {
    match recommendations::follow(&state, resident.resident_id, id).await {
        Ok(code) => Redirect::to(&apply_link(&code, id)).into_response(),
        Err(_) => Redirect::to(PAGE).into_response(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
) -> Response {
    match recommendations::confirm(&state, resident.resident_id, id).await {
        Ok(number) => Redirect::to(&format!("/me/applications/{number}")).into_response(),
        // The record cannot complete the form: the prefilled draft, to finish by hand.
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            match recommendations::follow(&state, resident.resident_id, id).await {
                Ok(code) => Redirect::to(&apply_link(&code, id)).into_response(),
                Err(_) => Redirect::to(PAGE).into_response(),
            }
        }
        Err(_) => Redirect::to(PAGE).into_response(),
    }
}

pub async fn dismiss(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
) -> Response {
    if let Err(err) = recommendations::dismiss(&state, resident.resident_id, id).await {
        tracing::debug!(error = ?err, "dismissing a recommendation failed");
    }
    Redirect::to(PAGE).into_response()
}

pub async fn opt_out(
    State(state): State<AppState>,
    resident: FormResident,
    form: Result<Form<OptOut>, FormRejection>,
) -> Response {
    // Not a form the page sends: nothing to opt out of.
    let Ok(Form(request)) = form else {
        return Redirect::to(PAGE).into_response();
    };
    if let Err(err) = recommendations::opt_out(&state, resident.resident_id, &request).await {
        tracing::debug!(error = ?err, "opting out of a category failed");
    }
    Redirect::to(PAGE).into_response()
}
