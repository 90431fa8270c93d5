//! The one error shape of the HTTP boundary: `{"code": "...", "message": "..."}` with the
//! right status, the message in the request's language.
//!
//! Handlers return [`ApiError`]; it travels in the response's extensions to
//! [`json_errors`], which knows the request's language and writes the body. Errors produced
//! by layers (timeout, body limit) and unknown API paths get the same shape there.

use super::locale::request_locale;
use axum::Json;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::error::{AppError, ErrorCode};
use serde::de::DeserializeOwned;

/// An [`AppError`] on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response.extensions_mut().insert(self.0);
        response
    }
}

/// Writes the JSON body of every error: handler errors always, and under `/api/` the bare
/// error statuses of the layers, the router and axum's extractors (unknown path, wrong
/// method, timeout, body too large, unreadable body).
pub async fn json_errors(request: Request, next: Next) -> Response {
    let locale = request_locale(request.headers());
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let error = response.extensions_mut().remove::<AppError>().or_else(|| {
        let has_body_type = response.headers().contains_key(header::CONTENT_TYPE);
        if !is_api {
            return None;
        }
        let code = match response.status() {
            StatusCode::NOT_FOUND if !has_body_type => Some(ErrorCode::NotFound),
            StatusCode::METHOD_NOT_ALLOWED => Some(ErrorCode::MethodNotAllowed),
            StatusCode::REQUEST_TIMEOUT => Some(ErrorCode::Timeout),
            StatusCode::PAYLOAD_TOO_LARGE => Some(ErrorCode::PayloadTooLarge),
            // A body axum could not read (wrong JSON types, wrong content type).
            StatusCode::BAD_REQUEST
            | StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::UNSUPPORTED_MEDIA_TYPE => Some(ErrorCode::InvalidParameter),
            _ => None,
        };
        code.map(AppError::new)
    });
    match error {
        Some(error) => {
            let status = response.status();
            let mut answer = (status, Json(error.body(locale))).into_response();
            if let Some(seconds) = error.retry_after {
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
            answer
        }
        None => response,
    }
}

/// A query string parsed into `T`; a bad one is an [`ApiError`] naming the parameter at fault.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|err| {
                tracing::debug!(error = %err, "bad query string");
                let field = err.path().to_string();
                if field.is_empty() || field == "." {
                    AppError::new(ErrorCode::InvalidParameter).into()
                } else {
                    AppError::with_field(ErrorCode::InvalidParameter, field).into()
                }
            })
    }
}
