//! Server functions the pages call: run in-process during server rendering, and over HTTP
//! (under `/rpc/`) once the page is hydrated. Each one is a thin call into `store`.

pub mod account;
pub mod applications;
pub mod catalog;
pub mod console;
pub mod engagement;
pub mod figures;
pub mod inbox;
pub mod ratings;
pub mod surveys;

/// The database handle the server puts into the Leptos context.
#[cfg(feature = "ssr")]
pub(crate) fn db() -> Result<crate::store::Db, crate::domain::error::AppError> {
    use crate::domain::error::{AppError, ErrorCode};
    leptos::prelude::use_context::<crate::store::Db>().ok_or_else(|| {
        tracing::error!("no database connection in the Leptos context");
        AppError::new(ErrorCode::Internal)
    })
}

/// The deployment's satisfaction policy (the server provides it; defaults otherwise).
#[cfg(feature = "ssr")]
pub(crate) fn policy() -> crate::domain::satisfaction::SatisfactionPolicy {
    leptos::prelude::use_context().unwrap_or_default()
}

/// The request's session, as the server's session layer found it.
#[cfg(feature = "ssr")]
pub(crate) fn session() -> Option<crate::store::CurrentSession> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::store::CurrentSession>()
            .cloned()
    })
}

/// The signed-in resident, or "please sign in".
#[cfg(feature = "ssr")]
pub(crate) fn resident_id() -> Result<i64, crate::domain::error::AppError> {
    use crate::domain::error::{AppError, ErrorCode};
    session()
        .and_then(|s| s.resident_id)
        .ok_or(AppError::new(ErrorCode::Unauthenticated))
}

/// The request's staff session, as the server's session layer found it.
#[cfg(feature = "ssr")]
pub(crate) fn current_staff() -> Option<crate::store::CurrentStaff> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::store::CurrentStaff>()
            .cloned()
    })
}

/// The signed-in member of staff, or "please sign in".
#[cfg(feature = "ssr")]
pub(crate) fn staff() -> Result<crate::store::StaffActor, crate::domain::error::AppError> {
    use crate::domain::error::{AppError, ErrorCode};
    current_staff()
        .map(|s| s.actor)
        .ok_or(AppError::new(ErrorCode::Unauthenticated))
}
