//! Domain types and rules, shared by the server and the browser.
//!
//! Plain data and plain functions: no I/O here, so every rule can be unit tested and the same
//! type travels over the network with serde.

pub mod application;
pub mod catalog;
pub mod error;
pub mod id_number;
pub mod region;
pub mod staff;
pub mod text;
pub mod working_days;
