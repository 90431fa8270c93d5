//! Segments and campaigns scoped to a department (issue 17, finding 3): a segment belongs to
//! the department of the head who made it (none: a supervisor's, city-wide); a campaign keeps
//! the rule it was submitted with and the approval threshold in force then, so that editing
//! the segment later changes nothing it sends, and starting to send checks the threshold
//! again. Existing segments take their creator's department.
//!
//! Also (finding 13): one account per mobile number, as a partial unique index over the
//! residents who have an account (register records without one may share a family phone).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time. No foreign key on the
        // added column (SQLite cannot add one); the store only ever writes a staff member's
        // own department there.
        let columns = [
            ("segment", big_integer_null("department_id")),
            ("campaign", json_null("frozen_rule")),
            ("campaign", big_integer_null("approval_above")),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).take())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_segment_department_id")
                    .table("segment")
                    .col("department_id")
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE segment SET department_id = \
                 (SELECT staff.department_id FROM staff WHERE staff.id = segment.created_by_staff_id)",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_resident_account_mobile ON resident (mobile) \
                 WHERE password_hash IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_resident_account_mobile")
                    .table("resident")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_segment_department_id")
                    .table("segment")
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            ("segment", "department_id"),
            ("campaign", "frozen_rule"),
            ("campaign", "approval_above"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Alias::new(column))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
