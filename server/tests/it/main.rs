//! Minsheng's integration tests: one binary (linking the whole server once, not once per
//! area), a module per area of the product. Each test starts the real router on a random port
//! over a database of its own, and runs twice, on SQLite and on PostgreSQL
//! ([`on_both_backends!`]); each database is a copy of a template that holds the demo data set
//! and is built once per test run (see `helpers/databases.rs`).

// The whole crate is test code (its helpers too, which are not `#[test]` functions): a
// panic is how a test fails.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod helpers;

mod accounts;
mod alerts;
mod applications;
mod campaigns;
mod catalog_admin;
mod catalog_api;
mod console;
mod cross_site;
mod demo_data;
mod elderly_mode;
mod figures;
mod forecast;
mod http_edge;
mod identity;
mod life_events;
mod page_cache;
mod pages;
mod ratings;
mod report;
mod rules;
mod segments;
mod simulation;
mod survey_segments;
mod surveys;
