//! Minsheng (民生): the Leptos application shared by the server (SSR) and the browser (hydrate).
//!
//! - [`domain`]: types and rules of the domain, the same on both sides of the network.
//! - [`store`]: database entities and queries (server only, `ssr` feature).
//! - [`server_fns`]: the calls pages make; in-process on the server, HTTP in the browser.
//! - [`ui`]: the shell, pages and components.
#![recursion_limit = "256"]

pub mod domain;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use ui::{App, shell};
