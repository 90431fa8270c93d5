//! Proving a mobile number (issue 17, finding 2): one-time codes, the text messages sent
//! (the outbox: the embedded gateway's only delivery, and the record of every message), and
//! claims of a register record that wait for an identity check at a service window.
//!
//! A claim is not an account yet: its mobile and password hash stay beside the record's own
//! until a clerk confirms the person, so a pending claim can neither sign in nor take a
//! number from an account that has it.

use crate::helpers::{create, created_at, drop, id, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["one_time_code", "sms_outbox"];

const CLAIM_COLUMNS: [&str; 3] = ["claim_mobile", "claim_password_hash", "claim_requested_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let code = Table::create()
            .table("one_time_code")
            .if_not_exists()
            .col(id())
            .col(string_len("purpose", 16))
            .col(string_len("mobile", 11))
            // SHA-256 of purpose, number and code: the code itself is never stored.
            .col(string_len("code_hash", 64))
            .col(integer("tries").default(0))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("used_at"))
            .col(created_at())
            .take();
        let outbox = Table::create()
            .table("sms_outbox")
            .if_not_exists()
            .col(id())
            .col(string_len("mobile", 11))
            // The whole text on the embedded gateway (the developer reads codes here); with a
            // real gateway the code is blanked out before the row is written.
            .col(text("body"))
            // "outbox" or "http"; "failed" rows keep the gateway's answer in `error`.
            .col(string_len("gateway", 16))
            .col(string_len_null("error", 255))
            .col(created_at())
            .take();
        create(
            manager,
            vec![code, outbox],
            vec![
                index("one_time_code", &["mobile", "purpose"]),
                index("one_time_code", &["expires_at"]),
                index("sms_outbox", &["mobile", "created_at"]),
            ],
        )
        .await?;
        let columns = [
            string_len_null(CLAIM_COLUMNS[0], 11),
            string_len_null(CLAIM_COLUMNS[1], 255),
            timestamp_with_time_zone_null(CLAIM_COLUMNS[2]),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("resident")
                        .add_column(&mut column)
                        .take(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_resident_claim_mobile ON resident (claim_mobile) \
                 WHERE claim_mobile IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_resident_claim_mobile")
                    .table("resident")
                    .to_owned(),
            )
            .await?;
        for column in CLAIM_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("resident")
                        .drop_column(Alias::new(column))
                        .take(),
                )
                .await?;
        }
        drop(manager, TABLES).await
    }
}
