//! The resident's applications: start, save answers, attach files, submit, take back to
//! correct, withdraw, follow.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::auth::Resident;
use crate::files::{self, FileKind};
use crate::http::error::ApiError;
use crate::http::upload;
use crate::state::AppState;
use crate::usecases::applications::NewDraft;
use crate::usecases::{self, attachments};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::application::{ApplicationDetail, ApplicationForm, ApplicationSummary};
use domain::error::{ApiErrorBody, AppError, ErrorCode};
use domain::form::Answers;
use serde::Deserialize;
use store::applications;
use store::applications::Subject;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewApplication {
    /// The service's catalogue code (or give `bundle_code`).
    #[serde(default)]
    pub service_code: Option<String>,
    /// A life-event package's code (一件事): one form, a task per department.
    #[serde(default)]
    pub bundle_code: Option<String>,
    /// A household member who consented that the resident applies for them (代办).
    #[serde(default)]
    pub on_behalf_of: Option<ResidentId>,
    #[serde(default)]
    pub answers: Answers,
}

/// Every application of the signed-in resident, newest first.
#[utoipa::path(get, path = "/api/v1/me/applications", tag = "applications",
    responses((status = 200, body = Vec<ApplicationSummary>), (status = 401, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Vec<ApplicationSummary>>, ApiError> {
    Ok(Json(applications::list_mine(&state.db, id).await?))
}

/// Start an application (a draft). Send an `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, path = "/api/v1/me/applications", tag = "applications", request_body = NewApplication,
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 64 characters; a retry with the same key returns the same draft")),
    responses((status = 201, body = ApplicationForm), (status = 404, description = "No such published service", body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Resident(id): Resident,
    headers: HeaderMap,
    Json(new): Json<NewApplication>,
) -> Result<Response, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 64);
    let subject = match (&new.service_code, &new.bundle_code) {
        (Some(code), None) => Subject::Service(code),
        (None, Some(code)) => Subject::Bundle(code),
        _ => {
            return Err(AppError::with_field(ErrorCode::InvalidParameter, "service_code").into());
        }
    };
    let draft = NewDraft {
        subject,
        answers: &new.answers,
        key,
        on_behalf_of: new.on_behalf_of,
    };
    let number = usecases::applications::start(&state, id, draft).await?;
    let form = applications::edit_form(&state.db, id, &number, false).await?;
    Ok((StatusCode::CREATED, Json(form)).into_response())
}

/// One application with its timeline and department tasks.
#[utoipa::path(get, path = "/api/v1/me/applications/{number}", tag = "applications",
    params(("number" = String, Path, description = "e.g. MS-20261127-000123")),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = ApiErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    Ok(Json(applications::detail(&state.db, id, &number).await?))
}

/// The form of a draft (or of a supplement), with the problems its answers have now.
#[utoipa::path(get, path = "/api/v1/me/applications/{number}/form", tag = "applications",
    params(("number" = String, Path)),
    responses((status = 200, body = ApplicationForm), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn form(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationForm>, ApiError> {
    Ok(Json(
        applications::edit_form(&state.db, id, &number, true).await?,
    ))
}

/// Save a draft's answers.
#[utoipa::path(put, path = "/api/v1/me/applications/{number}/answers", tag = "applications",
    params(("number" = String, Path)), request_body = Answers,
    responses((status = 200, body = ApplicationForm), (status = 409, description = "No longer a draft", body = ApiErrorBody)))]
pub async fn save_answers(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
    Json(answers): Json<Answers>,
) -> Result<Json<ApplicationForm>, ApiError> {
    usecases::applications::save_answers(&state, id, &number, &answers).await?;
    Ok(Json(
        applications::edit_form(&state.db, id, &number, true).await?,
    ))
}

/// Attach files: multipart parts named `material_<index>` (PDF, JPEG or PNG by content).
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/attachments", tag = "applications",
    params(("number" = String, Path)),
    responses(
        (status = 201, body = ApplicationForm),
        (status = 422, description = "A file is too large, not a PDF/JPEG/PNG, active, or beyond the application's 30 files", body = ApiErrorBody),
        (status = 429, description = "The applicant's files of the last 24 hours reached 200 MB (`upload_limit_reached`); `Retry-After` says when there is room", body = ApiErrorBody),
    ))]
pub async fn attach(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    // The application must be the resident's and still editable before any file is kept.
    applications::edit_form(&state.db, id, &number, false).await?;
    let posted = upload::read(multipart, state.settings.upload_max_bytes).await?;
    let mut problems = posted.problems;
    problems.extend(attachments::attach(&state, id, &number, posted.files).await?);
    if !problems.is_empty() {
        return Err(AppError::invalid(problems).into());
    }
    let form = applications::edit_form(&state.db, id, &number, false).await?;
    Ok((StatusCode::CREATED, Json(form)).into_response())
}

/// Remove a file from a draft or a supplement being prepared.
#[utoipa::path(delete, path = "/api/v1/me/applications/{number}/attachments/{id}", tag = "applications",
    params(("number" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn detach(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path((number, attachment)): Path<(ApplicationNumber, i64)>,
) -> Result<StatusCode, ApiError> {
    usecases::applications::remove_attachment(&state, id, &number, attachment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submit a draft, or resubmit after a supplement request. Repeating it changes nothing.
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/submit", tag = "applications",
    params(("number" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 422, description = "Answers or materials missing or wrong", body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    usecases::applications::submit(&state, id, &number).await?;
    Ok(Json(applications::detail(&state.db, id, &number).await?))
}

/// Withdraw before a decision.
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/withdraw", tag = "applications",
    params(("number" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 409, description = "Already decided", body = ApiErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    usecases::applications::withdraw(&state, id, &number).await?;
    Ok(Json(applications::detail(&state.db, id, &number).await?))
}

/// Take a just-submitted application back as a draft to correct it: within ten minutes of
/// submitting and before the department has acted on it (`correctable_until` in the detail).
#[utoipa::path(post, path = "/api/v1/me/applications/{number}/take-back", tag = "applications",
    params(("number" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 409, description = "Ten minutes have passed (window_closed) or the department has acted on it (invalid_state_change)", body = ApiErrorBody)))]
pub async fn take_back(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(number): Path<ApplicationNumber>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    usecases::applications::take_back(&state, id, &number).await?;
    Ok(Json(applications::detail(&state.db, id, &number).await?))
}

/// Download an attachment of one of the resident's applications.
#[utoipa::path(get, path = "/api/v1/me/attachments/{id}", tag = "applications",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = ApiErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    Resident(id): Resident,
    Path(attachment): Path<i64>,
) -> Result<Response, ApiError> {
    let found = applications::downloadable_attachment(&state.db, id, attachment).await?;
    attachment_response(&state, found).await
}

/// A stored file as a download that no browser renders in place.
pub async fn attachment_response(
    state: &AppState,
    found: store::entities::attachment::Model,
) -> Result<Response, ApiError> {
    let attachment = found.id;
    let bytes = files::read(&state.settings.upload_dir, &found.sha256)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, attachment, "attachment file missing");
            AppError::new(ErrorCode::NotFound)
        })?;
    // Named by the system from the checked type, never as it came: a PDF named `.hta`
    // must not download as one.
    let kind = FileKind::of_content_type(&found.content_type).ok_or_else(|| {
        tracing::error!(attachment, content_type = %found.content_type, "attachment of no known type");
        AppError::new(ErrorCode::NotFound)
    })?;
    let name = files::download_name(attachment, kind);
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"material-{attachment}.{}\"; filename*=UTF-8''{}",
        kind.extension(),
        encoded.replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, found.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
