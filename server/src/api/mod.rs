//! The JSON API: thin handlers that parse, call a `store` function and map the result.

pub mod health;
pub mod openapi;
pub mod v1;
