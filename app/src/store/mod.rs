//! Server-only persistence: SeaORM entities (one file per table) and the queries each concept
//! needs. Compiled only with the `ssr` feature, so none of it reaches the WASM bundle.

pub mod catalog;
pub mod entities;

pub use sea_orm::DatabaseConnection as Db;
