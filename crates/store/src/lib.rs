//! Minsheng's persistence, server only: SeaORM entities (one file per table) and the queries
//! each concept needs. The browser build never links this crate.
use domain::ids::ResidentId;

pub mod accounts;
pub mod alerts;
pub mod applications;
pub mod audit;
pub mod calendar;
pub mod campaigns;
pub mod catalog;
pub mod catalog_admin;
pub mod entities;
pub mod figures;
pub mod forecast;
pub mod identity_checks;
pub mod json;
pub mod life_events;
pub mod like;
pub mod notifications;
pub mod one_time_codes;
pub mod profile;
pub mod queue;
pub mod ratings;
pub mod recommendations;
pub mod rectifications;
pub mod report;
pub mod resident_records;
pub mod rules;
pub mod segments;
pub mod sessions;
pub mod simulation;
pub mod sms_outbox;
mod sql;
pub mod staff_accounts;
pub mod surveys;
pub mod throttle;
pub mod workflow;

pub use sea_orm::DatabaseConnection as Db;

/// The session of a request, put into the request's extensions by the server's session
/// layer; server functions and pages read it from there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentSession {
    /// The session row's id (SHA-256 of the cookie token).
    pub id: String,
    /// The signed-in resident; None for a session that only carries a flash.
    pub resident_id: Option<ResidentId>,
    pub flash: Option<Flash>,
}

pub use domain::validation::Flash;

/// A member of staff acting through a request: who, and from which address (for the audit
/// log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffActor {
    pub member: domain::staff::StaffMember,
    pub ip: Option<String>,
}

/// The staff session of a request (a separate cookie from the resident's), put into the
/// request's extensions by the server's session layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentStaff {
    pub session_id: String,
    pub actor: StaffActor,
    pub flash: Option<Flash>,
}
