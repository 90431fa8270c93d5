//! Stored alerts (预警 · 告警, issue 19): one row per occurrence of a rule firing about a
//! department, a service or a grid, with its level and evidence, acknowledged with a note and
//! closed when the rule stops firing. The history stays.
//!
//! `open_key` (rule, subject) is set while the alert is open and cleared when it closes; its
//! unique index lets every instance raise an alert with `INSERT … ON CONFLICT DO NOTHING`
//! and only the first one succeed. (Several NULLs never conflict, on both back ends.)

use crate::helpers::{create, id, index, optional_reference, unique_index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alert = Table::create()
            .table("alert")
            .if_not_exists()
            .col(id())
            .col(string_len("rule", 32))
            .col(string_len("subject_kind", 16))
            .col(big_integer("subject_id"))
            // Whose head sees it; NULL: supervisors only (a grid).
            .col(optional_reference("department_id"))
            .col(string_len("level", 16))
            .col(json("evidence"))
            .col(string_len_null("open_key", 80))
            .col(timestamp_with_time_zone("raised_at"))
            .col(timestamp_with_time_zone("checked_at"))
            .col(timestamp_with_time_zone_null("acknowledged_at"))
            .col(optional_reference("acknowledged_by_staff_id"))
            .col(text_null("acknowledgement_note"))
            .col(timestamp_with_time_zone_null("closed_at"))
            .take();
        create(
            manager,
            vec![alert],
            vec![
                unique_index("alert", &["open_key"]),
                index("alert", &["department_id", "raised_at"]),
                index("alert", &["closed_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::helpers::drop(manager, &["alert"]).await
    }
}
