//! The resident portal's form posts. Each works as a plain HTML form (no JavaScript): it
//! does the work, then redirects (303) to the page that shows the result, with a form's
//! problems kept in the session's flash for that page. With JavaScript the router submits
//! the same forms by fetch and follows the redirect without a reload.

pub mod accounts;
pub mod applications;
pub mod inbox;
pub mod profile;
pub mod ratings;
pub mod recommendations;
pub mod surveys;

use crate::http::client::ip_of;
use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Utc;
use domain::error::AppError;
use std::collections::BTreeMap;
use store::{CurrentSession, Flash, sessions};

/// Form posts without files (the request body limit applies).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/verification-code", post(accounts::send_code))
        .route("/forms/register", post(accounts::register))
        .route("/forms/password-reset", post(accounts::reset_password))
        .route("/forms/sign-in", post(accounts::sign_in))
        .route("/forms/sign-out", post(accounts::sign_out))
        .route(
            "/forms/sign-out-everywhere",
            post(accounts::sign_out_everywhere),
        )
        .route(
            "/forms/applications/{number}/withdraw",
            post(applications::withdraw),
        )
        .route(
            "/forms/applications/{number}/take-back",
            post(applications::take_back),
        )
        .route(
            "/forms/applications/{number}/attachments/{id}/delete",
            post(applications::delete_attachment),
        )
        .route("/forms/applications/{number}/rating", post(ratings::rate))
        .route(
            "/forms/applications/{number}/rectification",
            post(ratings::feedback),
        )
        .route("/forms/surveys/{id}", post(surveys::answer))
        .route(
            "/forms/recommendations/opt-out",
            post(recommendations::opt_out),
        )
        .route(
            "/forms/recommendations/{id}/apply",
            post(recommendations::apply),
        )
        .route(
            "/forms/recommendations/{id}/confirm",
            post(recommendations::confirm),
        )
        .route(
            "/forms/recommendations/{id}/dismiss",
            post(recommendations::dismiss),
        )
        .route("/forms/notifications/read", post(inbox::mark_read))
        .route("/forms/profile", post(profile::update))
        .route("/forms/profile/consent", post(profile::consent))
}

/// Form posts that carry files (a larger body limit, checked per file as well).
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route("/forms/apply/{code}", post(applications::apply))
        .route(
            "/forms/apply-bundle/{code}",
            post(applications::apply_bundle),
        )
        .route("/forms/applications/{number}", post(applications::edit))
}

/// 303 to `to`, keeping a form's values and problems for the page there. A browser without a
/// session gets a short anonymous one to carry them.
pub async fn back_with_problems(
    state: &AppState,
    parts: &Parts,
    to: &str,
    form: &str,
    values: BTreeMap<String, String>,
    error: AppError,
) -> Response {
    let flash = Flash {
        form: form.to_owned(),
        values,
        errors: error.errors.clone(),
        error: Some(error.code),
    };
    back_with_flash(state, parts, to, &flash).await
}

/// 303 to `to` with `flash` for the page there (problems, or what was typed and a notice).
pub async fn back_with_flash(state: &AppState, parts: &Parts, to: &str, flash: &Flash) -> Response {
    let session = parts.extensions.get::<CurrentSession>();
    let headers = &parts.headers;
    let ip = ip_of(parts);
    // The query makes the address new, so a router that is already there reloads the page.
    let to = format!(
        "{to}{}retry={}",
        if to.contains('?') { '&' } else { '?' },
        Utc::now().timestamp_millis()
    );
    match session {
        Some(session) => {
            if let Err(err) = sessions::set_flash(&state.db, &session.id, flash).await {
                tracing::warn!(error = %err, "cannot keep the form's problems");
            }
            Redirect::to(&to).into_response()
        }
        None => {
            let cookies = crate::auth::session::SessionCookies::of(headers, &state.settings);
            match crate::auth::session::start(&state.db, None, Some(flash), headers, ip, Utc::now())
                .await
            {
                Ok((token, _)) => (
                    [(
                        header::SET_COOKIE,
                        cookies.start_resident(&token, crate::auth::session::Lifetime::Browser),
                    )],
                    Redirect::to(&to),
                )
                    .into_response(),
                Err(err) => {
                    tracing::warn!(error = %err, "cannot start a session for the form's problems");
                    Redirect::to(&to).into_response()
                }
            }
        }
    }
}
