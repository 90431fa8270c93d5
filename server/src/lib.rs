//! Minsheng's server: one binary that renders the resident pages (leptos_axum), answers the
//! JSON API under `/api/v1`, and loads the demo data set into an empty database.
//!
//! - [`cli`]: the command line `main.rs` runs (serve, demo data, cases, staff accounts).
//! - [`config`]: settings from the environment, each with its default.
//! - [`db`]: connecting to SQLite or PostgreSQL and migrating the schema.
//! - [`routes`]: the one router: every edge at its address, the layers around them.
//! - [`http`]: what the edges share: the one error shape, language, forms, uploads.
//! - [`usecases`]: one function per thing a person does, called by every edge that offers it.
//! - [`api`]: the JSON API handlers and the OpenAPI document generated from them.
//! - [`portal`]: the resident pages' form posts (work without JavaScript).
//! - [`console`]: the staff console's form posts (work without JavaScript).
//! - [`auth`]: sessions, passwords and sign-in throttling.
//! - [`jobs`]: periodic work (lapsed rectifications, scheduled surveys), safe on many instances.
//! - [`push`]: live events to open pages, across instances through PostgreSQL.
//! - [`files`]: attachment storage by content hash.
//! - [`demo`]: the deterministic demo data set and the large benchmark data set.
//! - [`telemetry`]: structured logs.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod console;
pub mod db;
pub mod demo;
pub mod files;
pub mod http;
pub mod jobs;
pub mod portal;
pub mod push;
pub mod routes;
pub mod sms;
pub mod state;
pub mod telemetry;
pub mod usecases;
