//! Minsheng (民生): the pages of the Leptos application, shared by the server (SSR) and the
//! browser (hydrate).
//!
//! The calls pages make (in-process on the server, HTTP in the browser) are the `server_fns`
//! crate's; this crate cannot reach the store.
//! - [`ui`]: the shell, pages and components.
//!
//! The domain's types and rules are the `domain` crate, the texts the `i18n` crate, and the
//! database the `store` crate, which only the server build (`ssr`) links: no page code in the
//! WASM can reach it.
#![recursion_limit = "256"]

pub mod ui;

pub use ui::{App, shell};
