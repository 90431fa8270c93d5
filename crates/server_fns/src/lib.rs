//! Server functions the pages call: run in-process during server rendering, and over HTTP
//! (under `/rpc/`) once the page is hydrated. Each one is a thin call into `store`.

pub mod account;
pub mod alerts;
pub mod applications;
pub mod campaigns;
pub mod catalog;
pub mod console;
pub mod figures;
pub mod forecast;
pub mod notifications;
pub mod ratings;
pub mod recommendations;
pub mod report;
pub mod segments;
pub mod simulation;
pub mod surveys;

/// The database handle the server puts into the Leptos context.
#[cfg(feature = "ssr")]
pub(crate) fn db() -> Result<store::Db, domain::error::AppError> {
    use domain::error::{AppError, ErrorCode};
    leptos::prelude::use_context::<store::Db>().ok_or_else(|| {
        tracing::error!("no database connection in the Leptos context");
        AppError::new(ErrorCode::Internal)
    })
}

/// The deployment's satisfaction policy (the server provides it; defaults otherwise).
#[cfg(feature = "ssr")]
pub(crate) fn policy() -> domain::rating_policy::RatingPolicy {
    leptos::prelude::use_context().unwrap_or_default()
}

/// The request's session, as the server's session layer found it.
#[cfg(feature = "ssr")]
pub(crate) fn session() -> Option<store::CurrentSession> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<store::CurrentSession>().cloned())
}

/// The signed-in resident, or "please sign in".
#[cfg(feature = "ssr")]
pub(crate) fn resident_id() -> Result<domain::ids::ResidentId, domain::error::AppError> {
    use domain::error::{AppError, ErrorCode};
    session()
        .and_then(|s| s.resident_id)
        .ok_or(AppError::new(ErrorCode::Unauthenticated))
}

/// The request's staff session, as the server's session layer found it.
#[cfg(feature = "ssr")]
pub(crate) fn current_staff() -> Option<store::CurrentStaff> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<store::CurrentStaff>().cloned())
}

/// The signed-in member of staff, or "please sign in".
#[cfg(feature = "ssr")]
pub(crate) fn staff() -> Result<store::StaffActor, domain::error::AppError> {
    use domain::error::{AppError, ErrorCode};
    current_staff()
        .map(|s| s.actor)
        .ok_or(AppError::new(ErrorCode::Unauthenticated))
}
