//! One function per thing a person does. Each reads the clock and the calendar it needs,
//! runs the change (its transaction lives in `store`), and publishes the pushes the change
//! causes before it returns, so no edge can forget them. The edges — the JSON API under
//! `api/`, the plain form posts under `portal/` and `console/` — only parse the request, call
//! the use case and map its result to their answer; no edge imports another.
//!
//! Moved here so far: rating and re-rating (`ratings`), working a bad review
//! (`rectifications`), and a campaign's steps (`campaigns`).

pub mod campaigns;
pub mod ratings;
pub mod rectifications;
