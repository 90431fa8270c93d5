//! Accounts and sessions: register, sign in, sign out, who am I, the profile.

use crate::auth::{Resident, accounts, session};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases;
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::account::{Registration, SignIn, Viewer};
use domain::error::ApiErrorBody;
use domain::profile::{Profile, ProfileUpdate};
use store::{CurrentSession, accounts as account_store, profile};

fn with_session(
    state: &AppState,
    parts: &Parts,
    token: &str,
    lifetime: session::Lifetime,
    status: StatusCode,
    viewer: Viewer,
) -> Response {
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    (
        status,
        [(header::SET_COOKIE, cookies.start_resident(token, lifetime))],
        Json(viewer),
    )
        .into_response()
}

/// Register a resident account (and sign in).
#[utoipa::path(
    post, path = "/api/v1/accounts", tag = "accounts", request_body = Registration,
    responses(
        (status = 201, description = "Registered and signed in; the session cookie is set", body = Viewer),
        (status = 422, description = "A field is wrong or already registered", body = ApiErrorBody),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    Json(form): Json<Registration>,
) -> Result<Response, ApiError> {
    let started = accounts::register(&state, &form, &parts).await?;
    let viewer = account_store::viewer(&state.db, started.resident_id).await?;
    Ok(with_session(
        &state,
        &parts,
        &started.token,
        session::Lifetime::Browser,
        StatusCode::CREATED,
        viewer,
    ))
}

/// Sign in with mobile number or ID number and password.
#[utoipa::path(
    post, path = "/api/v1/session", tag = "accounts", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; a new session cookie is set", body = Viewer),
        (status = 401, description = "Wrong account or password", body = ApiErrorBody),
        (status = 429, description = "Too many failed sign-ins: cooling down", body = ApiErrorBody),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    Json(form): Json<SignIn>,
) -> Result<Response, ApiError> {
    let started = accounts::sign_in(&state, &form, &parts).await?;
    let viewer = account_store::viewer(&state.db, started.resident_id).await?;
    Ok(with_session(
        &state,
        &parts,
        &started.token,
        session::Lifetime::chosen(form.keep_signed_in),
        StatusCode::OK,
        viewer,
    ))
}

/// Sign out: the session ends on the server.
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Some(current) = parts.extensions.get::<CurrentSession>() {
        session::destroy(&state.db, &current.id).await?;
    }
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookies.end_resident())],
    )
        .into_response())
}

/// Sign out everywhere: every session of the resident ends, on every device.
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "accounts",
    responses(
        (status = 204, description = "Every session ended; the session cookie is cleared"),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
    )
)]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    Resident(resident_id): Resident,
    parts: Parts,
) -> Result<Response, ApiError> {
    accounts::sign_out_everywhere(&state, resident_id).await?;
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookies.end_resident())],
    )
        .into_response())
}

/// The signed-in resident.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Viewer), (status = 401, body = ApiErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Viewer>, ApiError> {
    Ok(Json(account_store::viewer(&state.db, id).await?))
}

/// The resident's profile with household and consents.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "accounts",
    responses((status = 200, body = Profile), (status = 401, body = ApiErrorBody)))]
pub async fn get_profile(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(profile::profile(&state.db, id, Utc::now()).await?))
}

/// Change contact details and preferences (a new mobile number needs `current_password`).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "accounts", request_body = ProfileUpdate,
    responses((status = 200, body = Profile), (status = 422, body = ApiErrorBody)))]
pub async fn put_profile(
    State(state): State<AppState>,
    Resident(id): Resident,
    Json(form): Json<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    usecases::profile::update(&state, id, &form).await?;
    Ok(Json(profile::profile(&state.db, id, Utc::now()).await?))
}

/// Which staff department looked at the resident's record or applications, and when (the
/// last 100).
pub async fn record_accesses(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Vec<domain::console::RecordAccess>>, ApiError> {
    Ok(Json(store::audit::accesses_of(&state.db, id).await?))
}
