//! SeaORM entities for the tables the application reads and writes through the ORM.
//! The schema itself is defined by the `migrations` crate.

pub mod bundle;
pub mod bundle_service;
pub mod department;
pub mod life_event;
pub mod service;
pub mod service_category;
pub mod service_life_event;
