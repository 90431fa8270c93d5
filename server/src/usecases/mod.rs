//! One function per thing a person does. Each reads the clock and the calendar it needs,
//! runs the change (its transaction lives in `store`), and publishes the pushes the change
//! causes before it returns, so no edge can forget them. The edges — the JSON API under
//! `api/`, the plain form posts under `portal/` and `console/` — only parse the request, call
//! the use case and map its result to their answer; no edge imports another.
//!
//! Residents: `applications` (start, save, submit, take back, withdraw), `attachments`,
//! `ratings` (rate, re-rate, feedback), `recommendations`, `surveys` (answer), `profile`.
//! Staff: `tasks` (the actions on an application's task), `rectifications`, `alerts`
//! (acknowledge), `residents` (the record: reveal, tags), `catalog`, `segments`,
//! `campaigns`, `surveys` (write, schedule, close). Signing in and registering are `auth`'s.

pub mod alerts;
pub mod applications;
pub mod attachments;
pub mod campaigns;
pub mod catalog;
pub mod profile;
pub mod ratings;
pub mod recommendations;
pub mod rectifications;
pub mod residents;
pub mod segments;
pub mod surveys;
pub mod tasks;
