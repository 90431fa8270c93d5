//! Server functions the pages call: run in-process during server rendering, and over HTTP
//! (under `/rpc/`) once the page is hydrated. Each one is a thin call into `store`.

pub mod catalog;

/// The database handle the server puts into the Leptos context.
#[cfg(feature = "ssr")]
pub(crate) fn db() -> Result<crate::store::Db, crate::domain::error::AppError> {
    use crate::domain::error::{AppError, ErrorCode};
    leptos::prelude::use_context::<crate::store::Db>().ok_or_else(|| {
        tracing::error!("no database connection in the Leptos context");
        AppError::new(ErrorCode::Internal)
    })
}
