//! Resident accounts: server-side sessions (any instance can serve any request), sign-in
//! throttling shared by all instances, and the contact e-mail of the profile.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["session", "sign_in_throttle"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let session = Table::create()
            .table("session")
            .if_not_exists()
            // SHA-256 of the cookie's token, hex: a copy of the table opens no session
            .col(string_len("id", 64).primary_key())
            .col(optional_reference("resident_id"))
            .col(optional_reference("staff_id"))
            // one-time messages for the next page (form errors after a redirect)
            .col(json_null("flash"))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone("last_seen_at").default(Expr::current_timestamp()))
            // the earlier of the idle limit and the absolute limit
            .col(timestamp_with_time_zone("expires_at"))
            .col(string_len_null("ip", 64))
            .col(string_len_null("user_agent", 255))
            .foreign_key(&mut fk_cascade("session", "resident_id", "resident"))
            .foreign_key(&mut fk_cascade("session", "staff_id", "staff"))
            .take();
        // One row per throttled key ("account:<id>" or "ip:<address>").
        let throttle = Table::create()
            .table("sign_in_throttle")
            .if_not_exists()
            .col(string_len("key", 160).primary_key())
            .col(timestamp_with_time_zone("window_started_at"))
            .col(integer("failures"))
            .col(timestamp_with_time_zone_null("locked_until"))
            .take();
        create(
            manager,
            vec![session, throttle],
            vec![
                index("session", &["resident_id"]),
                index("session", &["staff_id"]),
                index("session", &["expires_at"]),
                index("notification", &["resident_id", "read_at"]),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("resident")
                    .add_column(string_len_null("email", 255))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("resident").drop_column("email").take())
            .await?;
        drop(manager, TABLES).await
    }
}
