//! The ratings closed loop (好差评闭环): what a rectification needs beyond its first shape (the
//! resident's feedback window and words, the appeal's reason, window and decision, a
//! supervisor's resolution of an escalated case) and what a survey needs to be scheduled,
//! closed and kept by a department.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn rectification_columns() -> Vec<ColumnDef> {
    vec![
        // the resident may re-rate the answer until then; silence closes it after
        timestamp_with_time_zone_null("feedback_due_at"),
        text_null("resident_comment"),
        // an appeal must be lodged within 3 working days of the bad review
        timestamp_with_time_zone_null("appeal_due_at"),
        text_null("appeal_reason"),
        text_null("appeal_note"),
        // a supervisor's resolution of an escalated rectification
        text_null("resolution"),
        big_integer_null("resolved_by_staff_id"),
        timestamp_with_time_zone_null("escalated_at"),
    ]
}

fn survey_columns() -> Vec<ColumnDef> {
    vec![
        // the department that owns the survey; none for a supervisor's survey of all
        big_integer_null("department_id"),
        timestamp_with_time_zone_null("closes_at"),
        // everyone, service_users or segment
        string_len("audience", 16)
            .default("service_users")
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for (table, columns) in [
            ("rectification", rectification_columns()),
            ("survey", survey_columns()),
        ] {
            for mut column in columns {
                manager
                    .alter_table(Table::alter().table(table).add_column(&mut column).take())
                    .await?;
            }
        }
        for index in [
            index("rectification", &["status", "due_at"]),
            index("rating", &["task_id"]),
            index("survey", &["status", "scheduled_at"]),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in [
            ("rectification", rectification_columns()),
            ("survey", survey_columns()),
        ] {
            for column in columns {
                let name = column.get_column_name();
                manager
                    .alter_table(
                        Table::alter()
                            .table(table)
                            .drop_column(Alias::new(name))
                            .take(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
