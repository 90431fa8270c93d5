//! Register, sign in, sign out.

use super::back_with_problems;
use crate::auth::{accounts, session};
use crate::http::request::safe_next;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{Registration, SignIn};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::CurrentSession;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    Query(next): Query<Next>,
    Form(form): Form<Registration>,
) -> Response {
    let headers = &parts.headers;
    match accounts::register(&state, &form, &parts).await {
        Ok(started) => signed_in(
            &state,
            headers,
            &started.token,
            session::Lifetime::Browser,
            &safe_next(next.next.as_deref()),
        ),
        Err(error) => {
            // Never the password or the ID number back into a page.
            let values = BTreeMap::from([
                ("name".to_owned(), form.name.clone()),
                ("mobile".to_owned(), form.mobile.clone()),
            ]);
            back_with_problems(&state, &parts, "/register", "register", values, error).await
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
