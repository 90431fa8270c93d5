//! The staff console: the form definition an application was submitted with (so a later
//! change of the service's form leaves it as it was), the queue's index across departments,
//! and the audit log made append-only in the database itself.

use crate::helpers::*;
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The SQLite triggers that refuse changes to the audit log (the demo's reset re-creates the
/// second after emptying the table).
pub const APPEND_ONLY_SQLITE: [&str; 2] = [
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
];

const APPEND_ONLY_POSTGRES: [&str; 2] = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("application")
                    // `{fields, materials}` as submitted; null for drafts (they follow the
                    // service's current form)
                    .add_column(json_null("form_definition"))
                    .take(),
            )
            .await?;
        for index in [
            index("task", &["status", "due_at"]),
            index("audit_log", &["target_kind", "target_id"]),
            index("audit_log", &["created_at"]),
        ] {
            manager.create_index(index).await?;
        }
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => &APPEND_ONLY_POSTGRES,
            _ => &APPEND_ONLY_SQLITE,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
                    .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_no_delete")
                    .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table("application")
                    .drop_column("form_definition")
                    .take(),
            )
            .await
    }
}
