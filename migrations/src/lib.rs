//! Minsheng's schema as migrations, applied at server start-up on SQLite or PostgreSQL.
//!
//! The whole domain of the glossary is laid out from the start, grouped by concept, so that
//! later features add columns rather than rework tables. Ids are 64-bit; times are stored
//! with their time zone (UTC); rules, forms and answers are JSON.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261127_000001_regions_and_departments;
mod m20261127_000002_catalog;
mod m20261127_000003_people;
mod m20261127_000004_applications;
mod m20261127_000005_satisfaction;
mod m20261127_000006_engagement;
mod m20261127_000007_oversight;
mod m20261128_000008_accounts;
mod m20261128_000009_console;
mod m20261128_000010_ratings_loop;
mod m20261129_000011_campaign_batches;
mod m20261129_000012_elderly_mode;
mod m20261204_000013_scoped_campaigns;
mod m20261204_000014_one_time_codes;
mod m20261208_000015_alerts;

pub use m20261128_000009_console::APPEND_ONLY_SQLITE;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_regions_and_departments::Migration),
            Box::new(m20261127_000002_catalog::Migration),
            Box::new(m20261127_000003_people::Migration),
            Box::new(m20261127_000004_applications::Migration),
            Box::new(m20261127_000005_satisfaction::Migration),
            Box::new(m20261127_000006_engagement::Migration),
            Box::new(m20261127_000007_oversight::Migration),
            Box::new(m20261128_000008_accounts::Migration),
            Box::new(m20261128_000009_console::Migration),
            Box::new(m20261128_000010_ratings_loop::Migration),
            Box::new(m20261129_000011_campaign_batches::Migration),
            Box::new(m20261129_000012_elderly_mode::Migration),
            Box::new(m20261204_000013_scoped_campaigns::Migration),
            Box::new(m20261204_000014_one_time_codes::Migration),
            Box::new(m20261208_000015_alerts::Migration),
        ]
    }
}
