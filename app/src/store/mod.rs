//! Server-only persistence: SeaORM entities (one file per table) and the queries each concept
//! needs. Compiled only with the `ssr` feature, so none of it reaches the WASM bundle.

pub mod accounts;
pub mod applications;
pub mod calendar;
pub mod catalog;
pub mod entities;
pub mod notifications;
pub mod profile;
pub mod sessions;
pub mod workflow;

pub use sea_orm::DatabaseConnection as Db;

/// The session of a request, put into the request's extensions by the server's session
/// layer; server functions and pages read it from there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentSession {
    /// The session row's id (SHA-256 of the cookie token).
    pub id: String,
    /// The signed-in resident; None for a session that only carries a flash.
    pub resident_id: Option<i64>,
    pub flash: Option<Flash>,
}

pub use crate::domain::validation::Flash;
