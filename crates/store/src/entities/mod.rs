//! SeaORM entities for the tables the application reads and writes through the ORM.
//! The schema itself is defined by the `migrations` crate.

pub mod application;
pub mod application_event;
pub mod attachment;
pub mod audit_log;
pub mod bundle;
pub mod bundle_service;
pub mod calendar_day;
pub mod campaign;
pub mod campaign_recipient;
pub mod complaint;
pub mod department;
pub mod escalation;
pub mod life_event;
pub mod life_event_occurrence;
pub mod notification;
pub mod proxy_consent;
pub mod rating;
pub mod recommendation;
pub mod recommendation_opt_out;
pub mod rectification;
pub mod region;
pub mod resident;
pub mod resident_tag;
pub mod segment;
pub mod service;
pub mod service_category;
pub mod service_life_event;
pub mod session;
pub mod sign_in_throttle;
pub mod staff;
pub mod supplement;
pub mod survey;
pub mod survey_response;
pub mod tag;
pub mod task;
