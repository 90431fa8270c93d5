//! Applying (new form, draft, supplement), taking back to correct, withdrawing, removing a
//! file.
use domain::ids::{ApplicationNumber, ResidentId};

use super::back_with_problems;
use crate::auth::FormResident;
use crate::http::request::local_path;
use crate::http::upload::{self, Posted};
use crate::state::AppState;
use crate::usecases::applications::{self, NewDraft};
use crate::usecases::attachments;
use axum::extract::{Multipart, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::error::{AppError, ErrorCode};
use std::collections::BTreeMap;
use store::applications::Subject;

/// The first post of a new application for a service: saves the draft (and its files),
/// then submits it when asked.
pub async fn apply(
    State(state): State<AppState>,
    resident: FormResident,
    Path(code): Path<String>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let page = format!("/apply/{code}");
    start(
        &state,
        &parts,
        resident,
        Subject::Service(&code),
        &page,
        multipart,
    )
    .await
}

/// The first post of a life-event package (一件事): one form for every department.
pub async fn apply_bundle(
    State(state): State<AppState>,
    resident: FormResident,
    Path(code): Path<String>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let page = format!("/apply/bundle/{code}");
    start(
        &state,
        &parts,
        resident,
        Subject::Bundle(&code),
        &page,
        multipart,
    )
    .await
}

async fn start(
    state: &AppState,
    parts: &Parts,
    resident: FormResident,
    subject: Subject<'_>,
    page: &str,
    multipart: Multipart,
) -> Response {
    let posted = match upload::read(multipart, state.settings.upload_max_bytes).await {
        Ok(posted) => posted,
        Err(error) => return error_page(state, parts, page, error).await,
    };
    let draft = NewDraft {
        subject,
        answers: &posted.answers,
        key: posted.key.as_deref(),
        on_behalf_of: posted.on_behalf_of,
    };
    let saved = applications::start(state, resident.resident_id, draft).await;
    match saved {
        Ok(number) => finish(state, parts, resident.resident_id, &number, posted).await,
        Err(error) => error_page(state, parts, page, error).await,
    }
}

/// A later post of a draft, or the answer to a supplement request.
pub async fn edit(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<ApplicationNumber>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let edit_page = format!("/me/applications/{number}/edit");
    let posted = match upload::read(multipart, state.settings.upload_max_bytes).await {
        Ok(posted) => posted,
        Err(error) => return error_page(&state, &parts, &edit_page, error).await,
    };
    let saved =
        applications::save_answers(&state, resident.resident_id, &number, &posted.answers).await;
    match saved {
        Ok(()) => finish(&state, &parts, resident.resident_id, &number, posted).await,
        // Submitted already (a second click): show it.
        Err(AppError {
            code: ErrorCode::InvalidStateChange,
            ..
        }) => Redirect::to(&format!("/me/applications/{number}")).into_response(),
        Err(error) => error_page(&state, &parts, &edit_page, error).await,
    }
}

/// Attaches the files, then submits if asked; problems go back to the form.
async fn finish(
    state: &AppState,
    parts: &Parts,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    posted: Posted,
) -> Response {
    let edit_page = format!("/me/applications/{number}/edit");
    let Posted {
        intent,
        files,
        mut problems,
        next,
        ..
    } = posted;
    match attachments::attach(state, resident_id, number, files).await {
        Ok(file_problems) => problems.extend(file_problems),
        // Already submitted (the same form posted twice): show the application.
        Err(error) if error.code == ErrorCode::InvalidStateChange => {
            return Redirect::to(&format!("/me/applications/{number}")).into_response();
        }
        Err(error) => return error_page(state, parts, &edit_page, error).await,
    }
    if !problems.is_empty() {
        return error_page(state, parts, &edit_page, AppError::invalid(problems)).await;
    }
    if intent != "submit" {
        // The next step of elderly mode's form (a path on this site), or the form again.
        let next = next
            .map(|next| next.replace("{number}", number.as_str()))
            .filter(|next| local_path(Some(next)).is_some());
        return Redirect::to(&next.unwrap_or_else(|| format!("{edit_page}?saved=1")))
            .into_response();
    }
    match applications::submit(state, resident_id, number).await {
        Ok(()) => Redirect::to(&format!("/me/applications/{number}?submitted=1")).into_response(),
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            // The edit page shows the problems itself, from what was saved.
            Redirect::to(&format!("{edit_page}?check=1")).into_response()
        }
        Err(error) => error_page(state, parts, &edit_page, error).await,
    }
}

async fn error_page(state: &AppState, parts: &Parts, to: &str, error: AppError) -> Response {
    if error.code == ErrorCode::NotFound {
        return Redirect::to("/me/applications").into_response();
    }
    back_with_problems(state, parts, to, "application", BTreeMap::new(), error).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<ApplicationNumber>,
    parts: Parts,
) -> Response {
    let page = format!("/me/applications/{number}");
    match applications::withdraw(&state, resident.resident_id, &number).await {
        Ok(()) => Redirect::to(&page).into_response(),
        Err(error) => error_page(&state, &parts, &page, error).await,
    }
}

/// Takes a just-submitted application back as a draft and opens it to correct (in elderly
/// mode at the page that checks every answer).
pub async fn take_back(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<ApplicationNumber>,
    parts: Parts,
) -> Response {
    let page = format!("/me/applications/{number}");
    match applications::take_back(&state, resident.resident_id, &number).await {
        Ok(()) => Redirect::to(&format!("{page}/edit?step=check")).into_response(),
        Err(error) => error_page(&state, &parts, &page, error).await,
    }
}

pub async fn delete_attachment(
    State(state): State<AppState>,
    resident: FormResident,
    Path((number, id)): Path<(ApplicationNumber, i64)>,
    parts: Parts,
) -> Response {
    let page = format!("/me/applications/{number}/edit");
    match applications::remove_attachment(&state, resident.resident_id, &number, id).await {
        Ok(()) => Redirect::to(&page).into_response(),
        Err(error) => error_page(&state, &parts, &page, error).await,
    }
}
