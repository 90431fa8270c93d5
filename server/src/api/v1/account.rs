//! Accounts and sessions: one-time codes, register, sign in, reset the password, sign out,
//! who am I, the profile.

use crate::auth::{Resident, accounts, one_time_codes, session};
use crate::http::client::ip_of;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::usecases;
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::account::{AwaitingIdentityCheck, PasswordReset, Registration, SignIn, Viewer};
use domain::error::ApiErrorBody;
use domain::one_time_code::{CodeRequest, CodeSent};
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

/// Send a one-time code by text message, to register or to set a new password.
///
/// The answer is the same whether or not the number has an account (which would otherwise
/// be learnt here): a number with an account gets, instead of a registration code, a message
/// saying so; a reset for a number with no account sends nothing. A code for a new number of
/// one's account (`change_mobile`) needs the resident signed in.
#[utoipa::path(
    post, path = "/api/v1/verification-codes", tag = "accounts", request_body = CodeRequest,
    responses(
        (status = 202, description = "A message is on its way (or, see above, stands for one)", body = CodeSent),
        (status = 401, description = "`change_mobile` without a signed-in resident", body = ApiErrorBody),
        (status = 422, description = "The mobile number is missing or not a mainland mobile number", body = ApiErrorBody),
        (status = 429, description = "A code was sent a moment ago, or five this hour; `Retry-After` says when", body = ApiErrorBody),
        (status = 503, description = "The SMS gateway did not take the message", body = ApiErrorBody),
    )
)]
pub async fn send_code(
    State(state): State<AppState>,
    parts: Parts,
    Json(request): Json<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    let resident = parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|s| s.resident_id);
    let sent = one_time_codes::send(&state, &request, ip_of(&parts).as_deref(), resident).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Register a resident account with the code sent to the mobile number (and sign in).
///
/// Claiming a record of the population register needs the mobile number the register holds
/// for the person; with another number (or none in the register) the claim waits for an
/// identity check at a service window and nothing is signed in (202).
#[utoipa::path(
    post, path = "/api/v1/accounts", tag = "accounts", request_body = Registration,
    responses(
        (status = 201, description = "Registered and signed in; the session cookie is set", body = Viewer),
        (status = 202, description = "A claim of a register record, waiting for an identity check at a window", body = AwaitingIdentityCheck),
        (status = 422, description = "A field is wrong (`validation_failed`, the code included) or registration is refused (`registration_refused`, whatever the reason)", body = ApiErrorBody),
        (status = 429, description = "Too many registrations naming this ID number or from this address", body = ApiErrorBody),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    Json(form): Json<Registration>,
) -> Result<Response, ApiError> {
    let started = match accounts::register(&state, &form, &parts).await? {
        accounts::Registered::SignedIn(started) => started,
        accounts::Registered::AwaitingCheck => {
            let body = AwaitingIdentityCheck {
                awaiting_identity_check: true,
            };
            return Ok((StatusCode::ACCEPTED, Json(body)).into_response());
        }
    };
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

/// Set a new password with the code sent to the account's mobile number (purpose
/// `reset_password`); every session of the account ends.
#[utoipa::path(
    post, path = "/api/v1/password-reset", tag = "accounts", request_body = PasswordReset,
    responses(
        (status = 204, description = "The new password is set; every session of the account has ended"),
        (status = 422, description = "A field is wrong, or the code is wrong, expired or used up", body = ApiErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ApiErrorBody),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    parts: Parts,
    Json(form): Json<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    accounts::reset_password(&state, &form, &parts).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign in with mobile number or ID number and password.
#[utoipa::path(
    post, path = "/api/v1/session", tag = "accounts", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; a new session cookie is set", body = Viewer),
        (status = 401, description = "Wrong account or password", body = ApiErrorBody),
        (status = 403, description = "The right password of a claim still waiting for its identity check (`identity_check_pending`)", body = ApiErrorBody),
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
