//! Minsheng's server: one binary that renders the resident pages (leptos_axum), answers the
//! JSON API under `/api/v1`, and loads the demo data set into an empty database.
//!
//! - [`config`]: settings from the environment, each with its default.
//! - [`db`]: connecting to SQLite or PostgreSQL and migrating the schema.
//! - [`http`]: the router, middleware and the one error shape of the HTTP boundary.
//! - [`api`]: the JSON API handlers and the OpenAPI document generated from them.
//! - [`demo`]: the deterministic demo data set and the large benchmark data set.
//! - [`telemetry`]: structured logs.

pub mod api;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod state;
pub mod telemetry;
