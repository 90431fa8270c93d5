//! The one error type that crosses every boundary: server functions, the JSON API and pages.
//!
//! An error carries a stable [`ErrorCode`] that clients may match on; the human message is
//! looked up in the reader's language when the error is shown, never stored in it.

use super::validation::FieldError;
use i18n::Locale;
use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    /// No such page, service or record (or not one the caller may see).
    NotFound,
    /// A parameter has the wrong type or format.
    InvalidParameter,
    /// The search text is longer than the catalogue accepts.
    QueryTooLong,
    /// The path exists but not with this HTTP method.
    MethodNotAllowed,
    /// The request body is larger than the limit.
    PayloadTooLarge,
    /// The request took longer than the server allows.
    Timeout,
    /// The database cannot be reached; try again later.
    Unavailable,
    /// Something failed on the server; it has been logged.
    Internal,
    /// The request needs a signed-in resident.
    Unauthenticated,
    /// Signed in, but this is not yours to see or change.
    Forbidden,
    /// The account name or password is wrong (never says which).
    InvalidCredentials,
    /// Too many failed sign-ins; wait for the cool-down.
    TooManyAttempts,
    /// Too many requests from one address or account in a short time (the API, server
    /// functions, segment previews); `retry_after` says when to try again.
    TooManyRequests,
    /// One or more fields are wrong; `errors` lists each.
    ValidationFailed,
    /// The application's state does not allow this (e.g. withdrawing after a decision).
    InvalidStateChange,
    /// Someone else changed it first; reload and try again.
    Conflict,
    /// This task has been rated already (一事一评).
    AlreadyRated,
    /// The time allowed for this (rating, re-rating, appealing) has passed.
    WindowClosed,
    /// A form or API call sent from another site (cross-site request forgery); refused.
    CrossSiteRequest,
    /// Registration could not go ahead. One answer whatever the reason (the ID number has an
    /// account, the name is not the register's, the number is taken), so that registering is
    /// no oracle for what the population register holds.
    RegistrationRefused,
    /// The account claims a register record and waits for an identity check at a service
    /// window (身份核验) before it can be used.
    IdentityCheckPending,
    /// The member of staff's account is disabled.
    AccountDisabled,
    /// The resident's files of the last 24 hours reached the daily volume; `retry_after`
    /// says when there is room again.
    UploadLimitReached,
}

impl ErrorCode {
    /// HTTP status for this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::InvalidParameter | ErrorCode::QueryTooLong => 400,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Timeout => 408,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden
            | ErrorCode::CrossSiteRequest
            | ErrorCode::IdentityCheckPending
            | ErrorCode::AccountDisabled => 403,
            ErrorCode::TooManyAttempts
            | ErrorCode::TooManyRequests
            | ErrorCode::UploadLimitReached => 429,
            ErrorCode::ValidationFailed | ErrorCode::RegistrationRefused => 422,
            ErrorCode::InvalidStateChange
            | ErrorCode::Conflict
            | ErrorCode::AlreadyRated
            | ErrorCode::WindowClosed => 409,
        }
    }

    /// The message for a person, in `locale`.
    pub fn message(self, locale: Locale) -> &'static str {
        use i18n::td_string;
        match self {
            ErrorCode::NotFound => td_string!(locale, errors.not_found),
            ErrorCode::InvalidParameter => td_string!(locale, errors.invalid_parameter),
            ErrorCode::QueryTooLong => td_string!(locale, errors.query_too_long),
            ErrorCode::MethodNotAllowed => td_string!(locale, errors.method_not_allowed),
            ErrorCode::PayloadTooLarge => td_string!(locale, errors.payload_too_large),
            ErrorCode::Timeout => td_string!(locale, errors.timeout),
            ErrorCode::Unavailable => td_string!(locale, errors.unavailable),
            ErrorCode::Internal => td_string!(locale, errors.internal),
            ErrorCode::Unauthenticated => td_string!(locale, errors.unauthenticated),
            ErrorCode::Forbidden => td_string!(locale, errors.forbidden),
            ErrorCode::InvalidCredentials => td_string!(locale, errors.invalid_credentials),
            ErrorCode::TooManyAttempts => td_string!(locale, errors.too_many_attempts),
            ErrorCode::TooManyRequests => td_string!(locale, errors.too_many_requests),
            ErrorCode::ValidationFailed => td_string!(locale, errors.validation_failed),
            ErrorCode::InvalidStateChange => td_string!(locale, errors.invalid_state_change),
            ErrorCode::Conflict => td_string!(locale, errors.conflict),
            ErrorCode::AlreadyRated => td_string!(locale, errors.already_rated),
            ErrorCode::WindowClosed => td_string!(locale, errors.window_closed),
            ErrorCode::CrossSiteRequest => td_string!(locale, errors.cross_site_request),
            ErrorCode::RegistrationRefused => td_string!(locale, errors.registration_refused),
            ErrorCode::IdentityCheckPending => {
                td_string!(locale, errors.identity_check_pending)
            }
            ErrorCode::AccountDisabled => td_string!(locale, errors.account_disabled),
            ErrorCode::UploadLimitReached => td_string!(locale, errors.upload_limit_reached),
        }
    }
}

/// An error with its stable code and, for a bad parameter, which one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppError {
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a refusal that ends: how many seconds to wait (`Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// What went wrong underneath (a database error): kept for the error chain and the log,
    /// never sent to a client.
    #[serde(skip)]
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Two errors are the same when a client would see the same: the cause underneath is not
/// compared.
impl PartialEq for AppError {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.field == other.field
            && self.errors == other.errors
            && self.retry_after == other.retry_after
    }
}

impl Eq for AppError {}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.code)?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl AppError {
    pub const fn new(code: ErrorCode) -> Self {
        Self {
            code,
            field: None,
            errors: Vec::new(),
            retry_after: None,
            source: None,
        }
    }

    pub fn with_field(code: ErrorCode, field: impl Into<String>) -> Self {
        Self {
            code,
            field: Some(field.into()),
            errors: Vec::new(),
            retry_after: None,
            source: None,
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self {
            code: ErrorCode::ValidationFailed,
            field: errors.first().map(|e| e.field.clone()),
            errors,
            retry_after: None,
            source: None,
        }
    }

    pub const fn not_found() -> Self {
        Self::new(ErrorCode::NotFound)
    }

    /// The same error, to be tried again after `seconds` (at least one).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The same error, with what caused it underneath.
    pub fn caused_by(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    pub fn body(&self, locale: Locale) -> ApiErrorBody {
        ApiErrorBody {
            code: self.code,
            message: self.code.message(locale).to_owned(),
            field: self.field.clone(),
            errors: self
                .errors
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    code: e.problem.code().to_owned(),
                    message: e.problem.message(locale),
                })
                .collect(),
            retry_after: self.retry_after,
        }
    }
}

/// One field's problem in an API error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldErrorBody {
    pub field: String,
    /// Stable code, e.g. `required`, `invalid_id_number`.
    pub code: String,
    pub message: String,
}

/// The JSON body of every error response of the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    /// For people, in the language the request asked for (`Accept-Language`).
    pub message: String,
    /// The parameter at fault, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field at fault, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
    /// For `too_many_attempts`: seconds to wait before trying again (also `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::new(ErrorCode::InvalidParameter)
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                AppError::new(ErrorCode::Unavailable)
            }
            _ => AppError::new(ErrorCode::Internal),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// The one place a database error is logged; it stays the error's source.
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        let code = match err {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => {
                tracing::warn!(error = %err, "database unavailable");
                ErrorCode::Unavailable
            }
            DbErr::RecordNotFound(_) => ErrorCode::NotFound,
            _ if statement_timed_out(&err) => {
                tracing::warn!(error = %err, "statement cancelled at the statement timeout");
                ErrorCode::Timeout
            }
            _ => {
                tracing::error!(error = %err, "database error");
                ErrorCode::Internal
            }
        };
        AppError::new(code).caused_by(err)
    }
}

/// PostgreSQL cancelled the statement (SQLSTATE 57014, `query_canceled`): it ran past the
/// pool's `statement_timeout`.
#[cfg(feature = "ssr")]
fn statement_timed_out(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Query(RuntimeErr::SqlxError(sqlx)) | DbErr::Exec(RuntimeErr::SqlxError(sqlx)) => {
            sqlx.as_database_error()
                .and_then(|db| db.code())
                .is_some_and(|code| code == "57014")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        let codes = [
            ErrorCode::NotFound,
            ErrorCode::InvalidParameter,
            ErrorCode::QueryTooLong,
            ErrorCode::MethodNotAllowed,
            ErrorCode::PayloadTooLarge,
            ErrorCode::Timeout,
            ErrorCode::Unavailable,
            ErrorCode::Internal,
            ErrorCode::Unauthenticated,
            ErrorCode::Forbidden,
            ErrorCode::InvalidCredentials,
            ErrorCode::TooManyAttempts,
            ErrorCode::TooManyRequests,
            ErrorCode::ValidationFailed,
            ErrorCode::InvalidStateChange,
            ErrorCode::Conflict,
            ErrorCode::AlreadyRated,
            ErrorCode::WindowClosed,
            ErrorCode::CrossSiteRequest,
            ErrorCode::RegistrationRefused,
            ErrorCode::IdentityCheckPending,
            ErrorCode::AccountDisabled,
            ErrorCode::UploadLimitReached,
        ];
        for code in codes {
            let zh = code.message(Locale::zh_CN);
            let en = code.message(Locale::en);
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, en, "{code:?} is not translated");
            assert!((400..600).contains(&code.status()));
        }
    }

    #[test]
    fn the_cause_stays_underneath_and_never_reaches_the_client() {
        let cause = std::io::Error::other("disk on fire at /var/lib/minsheng");
        let err = AppError::new(ErrorCode::Internal).caused_by(cause);
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("disk on fire at /var/lib/minsheng"));
        let sent = serde_json::to_string(&err).unwrap();
        assert!(!sent.contains("disk"), "{sent}");
        assert_eq!(err, AppError::new(ErrorCode::Internal));
    }

    #[test]
    fn the_body_names_the_code_and_field() {
        let err = AppError::with_field(ErrorCode::QueryTooLong, "q");
        let body = err.body(Locale::en);
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["code"], "query_too_long");
        assert_eq!(json["field"], "q");
        assert!(json["message"].as_str().unwrap().contains("50"));
    }
}
