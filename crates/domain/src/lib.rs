//! Minsheng's domain types and rules, shared by the server and the browser.
//!
//! Plain data and plain functions: no I/O here, so every rule can be unit tested and the same
//! type travels over the network with serde. With the `ssr` feature the types also describe
//! themselves for the OpenAPI document (utoipa) and the database error maps to [`error::AppError`].

pub mod account;
pub mod alert;
pub mod application;
pub mod campaign;
pub mod catalog;
pub mod catalog_admin;
pub mod chart;
pub mod console;
pub mod csv;
pub mod deadline;
pub mod error;
pub mod figures;
pub mod forecast;
pub mod form;
pub mod id_number;
pub mod ids;
pub mod link;
pub mod mode;
pub mod notification;
pub mod one_time_code;
pub mod personal;
pub mod profile;
pub mod rating;
pub mod rating_policy;
pub mod recommendation;
pub mod rectification;
pub mod region;
pub mod report;
pub mod rule;
pub mod segment;
pub mod simulation;
pub mod staff;
pub mod stored;
pub mod survey;
pub mod text;
pub mod validation;
pub mod working_days;
