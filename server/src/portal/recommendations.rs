//! The "for you" page's plain forms (`/forms/recommendations/…`): apply (recorded, then the
//! prefilled form), confirm a benefit granted without applying (免申即享: the submitted
//! application, or the prefilled form when the record cannot complete it), not interested,
//! and no more of a category. Another resident's recommendation is not found.

use crate::auth::FormResident;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use domain::error::ErrorCode;
use domain::recommendation::apply_link;
use store::{calendar, recommendations};

const PAGE: &str = "/for-you";

pub async fn apply(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
) -> Response {
    match recommendations::click(&state.db, resident.resident_id, id, Utc::now()).await {
        Ok(code) => Redirect::to(&apply_link(&code, id)).into_response(),
        Err(_) => Redirect::to(PAGE).into_response(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
) -> Response {
    let now = Utc::now();
    let calendar = match calendar::load(&state.db).await {
        Ok(calendar) => calendar,
        Err(_) => return Redirect::to(PAGE).into_response(),
    };
    match recommendations::confirm(&state.db, &calendar, resident.resident_id, id, now).await {
        Ok(granted) => {
            state.push.publish(granted.pushes).await;
            Redirect::to(&format!("/me/applications/{}", granted.number)).into_response()
        }
        // The record cannot complete the form: the prefilled draft, to finish by hand.
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            match recommendations::click(&state.db, resident.resident_id, id, now).await {
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
    if let Err(err) =
        recommendations::dismiss(&state.db, resident.resident_id, id, Utc::now()).await
    {
        tracing::debug!(error = ?err, "dismissing a recommendation failed");
    }
    Redirect::to(PAGE).into_response()
}

pub async fn opt_out(
    State(state): State<AppState>,
    resident: FormResident,
    body: Bytes,
) -> Response {
    let category = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "category")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if let Err(err) =
        recommendations::opt_out(&state.db, resident.resident_id, &category, Utc::now()).await
    {
        tracing::debug!(error = ?err, "opting out of a category failed");
    }
    Redirect::to(PAGE).into_response()
}
