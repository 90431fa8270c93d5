//! Ask for a one-time code, register, sign in, reset the password, sign out.

use super::{back_with_flash, back_with_problems};
use crate::auth::{accounts, one_time_codes, session};
use crate::http::client::ip_of;
use crate::http::request::safe_next;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{PasswordReset, Registration, SignIn};
use domain::one_time_code::{self, CodeRequest, Purpose};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use store::{CurrentSession, Flash};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Fields of a form that asks for a code which never go back into a page.
const SECRET_FIELDS: [&str; 4] = ["password", "current_password", "id_number", "code"];

/// `POST /forms/verification-code`, the second submit button of the register, password and
/// profile forms (the whole form travels along): sends the code to the form's `mobile`
/// for its `purpose`, then back to the page with what was typed kept (never a password, ID
/// number or code) and the notice that it went out.
pub async fn send_code(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |key: &str| form.get(key).cloned().unwrap_or_default();
    let purpose = match field("purpose").as_str() {
        "reset_password" => Purpose::ResetPassword,
        "change_mobile" => Purpose::ChangeMobile,
        _ => Purpose::Register,
    };
    let (page, flash_form) = match purpose {
        Purpose::Register => ("/register", "register"),
        Purpose::ResetPassword => ("/password-reset", "password_reset"),
        Purpose::ChangeMobile => ("/me/profile", "profile"),
    };
    // Register and reset go on to the form's second step; the profile has one step.
    let next = match purpose {
        Purpose::ChangeMobile => page.to_owned(),
        _ => format!("{page}?step=code"),
    };
    let back_to = if field("step") == "code" {
        next.as_str()
    } else {
        page
    };
    let mut values: BTreeMap<String, String> = form
        .iter()
        .filter(|(key, _)| !SECRET_FIELDS.contains(&key.as_str()) && *key != "purpose")
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let request = CodeRequest {
        mobile: field("mobile"),
        purpose: Some(purpose),
    };
    let resident = parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|s| s.resident_id);
    match one_time_codes::send(&state, &request, ip_of(&parts).as_deref(), resident).await {
        Ok(sent) => {
            values.insert(one_time_code::SENT_TO.to_owned(), sent.sent_to);
            let flash = Flash {
                form: flash_form.to_owned(),
                values,
                errors: Vec::new(),
                error: None,
            };
            back_with_flash(&state, &parts, &next, &flash).await
        }
        Err(error) => back_with_problems(&state, &parts, back_to, flash_form, values, error).await,
    }
}

pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    Query(next): Query<Next>,
    Form(form): Form<Registration>,
) -> Response {
    let headers = &parts.headers;
    match accounts::register(&state, &form, &parts).await {
        Ok(accounts::Registered::SignedIn(started)) => signed_in(
            &state,
            headers,
            &started.token,
            session::Lifetime::Browser,
            &safe_next(next.next.as_deref()),
        ),
        Ok(accounts::Registered::AwaitingCheck) => {
            Redirect::to("/register/identity-check").into_response()
        }
        Err(error) => {
            // Never the password or the ID number back into a page.
            let values = BTreeMap::from([
                ("name".to_owned(), form.name.clone()),
                ("mobile".to_owned(), form.mobile.clone()),
            ]);
            back_with_problems(
                &state,
                &parts,
                "/register?step=code",
                "register",
                values,
                error,
            )
            .await
        }
    }
}

/// `POST /forms/password-reset`: the new password is set and this browser, like every
/// other, is signed out; the sign-in page says so.
pub async fn reset_password(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PasswordReset>,
) -> Response {
    match accounts::reset_password(&state, &form, &parts).await {
        Ok(()) => {
            let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
            (
                [(header::SET_COOKIE, cookies.end_resident())],
                Redirect::to("/sign-in?reset=1"),
            )
                .into_response()
        }
        Err(error) => {
            let values = BTreeMap::from([("mobile".to_owned(), form.mobile.clone())]);
            let page = "/password-reset?step=code";
            back_with_problems(&state, &parts, page, "password_reset", values, error).await
        }
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    Query(next): Query<Next>,
    Form(form): Form<SignIn>,
) -> Response {
    let headers = &parts.headers;
    let next = safe_next(next.next.as_deref());
    match accounts::sign_in(&state, &form, &parts).await {
        Ok(started) => {
            let lifetime = session::Lifetime::chosen(form.keep_signed_in);
            let mut response = signed_in(&state, headers, &started.token, lifetime, &next);
            // An account in elderly mode brings it to this device.
            match store::accounts::prefers_elderly_mode(&state.db, started.resident_id).await {
                Ok(true) => {
                    response
                        .headers_mut()
                        .append(header::SET_COOKIE, crate::http::mode::mode_cookie(true));
                }
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "elderly mode of the account unknown"),
            }
            response
        }
        Err(error) => {
            let values = BTreeMap::from([("account".to_owned(), form.account.clone())]);
            let back = format!(
                "/sign-in?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            back_with_problems(&state, &parts, &back, "sign_in", values, error).await
        }
    }
}

fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    lifetime: session::Lifetime,
    next: &str,
) -> Response {
    let cookies = session::SessionCookies::of(headers, &state.settings);
    (
        [(header::SET_COOKIE, cookies.start_resident(token, lifetime))],
        Redirect::to(next),
    )
        .into_response()
}

pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> Response {
    if let Some(current) = parts.extensions.get::<CurrentSession>()
        && let Err(err) = session::destroy(&state.db, &current.id).await
    {
        tracing::warn!(error = %err, "sign-out could not delete the session");
    }
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    (
        [(header::SET_COOKIE, cookies.end_resident())],
        Redirect::to("/"),
    )
        .into_response()
}

/// `POST /forms/sign-out-everywhere`: every session of the resident ends; this browser is
/// signed out and sent to the sign-in page.
pub async fn sign_out_everywhere(State(state): State<AppState>, parts: Parts) -> Response {
    let Some(resident_id) = parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|current| current.resident_id)
    else {
        return Redirect::to("/sign-in").into_response();
    };
    if let Err(err) = accounts::sign_out_everywhere(&state, resident_id).await {
        tracing::warn!(error = %err, "signing out everywhere failed");
        return Redirect::to("/me/profile").into_response();
    }
    let cookies = session::SessionCookies::of(&parts.headers, &state.settings);
    (
        [(header::SET_COOKIE, cookies.end_resident())],
        Redirect::to("/sign-in"),
    )
        .into_response()
}
