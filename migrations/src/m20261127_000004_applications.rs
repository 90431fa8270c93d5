//! Applications (办件): the resident's request, the tasks each department works, every event
//! on the timeline, supplement requests (补正) and attachments.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "application",
    "task",
    "application_event",
    "supplement",
    "attachment",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let application = Table::create()
            .table("application")
            .if_not_exists()
            .col(id())
            // human-readable, e.g. MS-20261127-000123
            .col(string_len_uniq("number", 32))
            // whom the application is for
            .col(reference("resident_id"))
            // a proxy applicant (household member or community worker), when not the resident
            .col(optional_reference("submitted_by_resident_id"))
            .col(optional_reference("submitted_by_staff_id"))
            // exactly one of service_id and bundle_id
            .col(optional_reference("service_id"))
            .col(optional_reference("bundle_id"))
            // draft, submitted, accepted, supplement_requested, approved, rejected, completed, withdrawn
            .col(string_len("status", 32))
            // the form as it was when applied for, and the answers
            .col(integer("form_version").default(1))
            .col(json("form_data"))
            // a client-chosen key that makes submission idempotent
            .col(string_len_null("idempotency_key", 64))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(timestamp_with_time_zone_null("accepted_at"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .col(timestamp_with_time_zone_null("due_at"))
            // optimistic concurrency: every write increments it
            .col(integer("version").default(1))
            .col(created_at())
            .col(updated_at())
            .foreign_key(&mut fk("application", "resident_id", "resident"))
            .foreign_key(&mut fk(
                "application",
                "submitted_by_resident_id",
                "resident",
            ))
            .foreign_key(&mut fk("application", "submitted_by_staff_id", "staff"))
            .foreign_key(&mut fk("application", "service_id", "service"))
            .foreign_key(&mut fk("application", "bundle_id", "bundle"))
            .take();
        let task = Table::create()
            .table("task")
            .if_not_exists()
            .col(id())
            .col(reference("application_id"))
            .col(reference("department_id"))
            .col(reference("service_id"))
            .col(string_len("status", 32))
            .col(optional_reference("assigned_staff_id"))
            .col(timestamp_with_time_zone_null("accepted_at"))
            .col(timestamp_with_time_zone_null("due_at"))
            // while a supplement is requested the clock pauses
            .col(timestamp_with_time_zone_null("paused_at"))
            .col(integer("paused_working_days").default(0))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .col(text_null("decision_reason"))
            .col(integer("version").default(1))
            .col(created_at())
            .col(updated_at())
            .foreign_key(&mut fk_cascade("task", "application_id", "application"))
            .foreign_key(&mut fk("task", "department_id", "department"))
            .foreign_key(&mut fk("task", "service_id", "service"))
            .foreign_key(&mut fk("task", "assigned_staff_id", "staff"))
            .take();
        let event = Table::create()
            .table("application_event")
            .if_not_exists()
            .col(id())
            .col(reference("application_id"))
            .col(optional_reference("task_id"))
            // submitted, accepted, supplement_requested, approved, comment, assigned …
            .col(string_len("kind", 32))
            .col(string_len_null("from_status", 32))
            .col(string_len_null("to_status", 32))
            // resident, staff or system
            .col(string_len("actor_kind", 16))
            .col(optional_reference("actor_resident_id"))
            .col(optional_reference("actor_staff_id"))
            .col(text_null("comment"))
            // internal notes are never shown to the resident
            .col(boolean("internal").default(false))
            .col(created_at())
            .foreign_key(&mut fk_cascade(
                "application_event",
                "application_id",
                "application",
            ))
            .foreign_key(&mut fk("application_event", "task_id", "task"))
            .foreign_key(&mut fk(
                "application_event",
                "actor_resident_id",
                "resident",
            ))
            .foreign_key(&mut fk("application_event", "actor_staff_id", "staff"))
            .take();
        let supplement = Table::create()
            .table("supplement")
            .if_not_exists()
            .col(id())
            .col(reference("task_id"))
            .col(reference("requested_by_staff_id"))
            // the materials asked for
            .col(json("materials"))
            .col(text("note"))
            .col(timestamp_with_time_zone("requested_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone_null("responded_at"))
            .foreign_key(&mut fk_cascade("supplement", "task_id", "task"))
            .foreign_key(&mut fk("supplement", "requested_by_staff_id", "staff"))
            .take();
        let attachment = Table::create()
            .table("attachment")
            .if_not_exists()
            .col(id())
            .col(reference("resident_id"))
            .col(optional_reference("application_id"))
            .col(string_len_null("material_name", 200))
            .col(string_len("file_name", 255))
            .col(string_len("content_type", 100))
            .col(big_integer("size_bytes"))
            // files are stored by content hash, outside the web root
            .col(string_len("sha256", 64))
            .col(created_at())
            .foreign_key(&mut fk("attachment", "resident_id", "resident"))
            .foreign_key(&mut fk_cascade(
                "attachment",
                "application_id",
                "application",
            ))
            .take();
        create(
            manager,
            vec![application, task, event, supplement, attachment],
            vec![
                index("application", &["resident_id", "created_at"]),
                index("application", &["status"]),
                index("application", &["service_id", "created_at"]),
                unique_index("application", &["resident_id", "idempotency_key"]),
                index("task", &["department_id", "status", "due_at"]),
                index("task", &["application_id"]),
                index("task", &["assigned_staff_id", "status"]),
                index("application_event", &["application_id", "created_at"]),
                index("supplement", &["task_id"]),
                index("attachment", &["application_id"]),
                index("attachment", &["sha256"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
