//! Oversight: complaints (投诉举报), supervisors' escalations (督办) and the append-only
//! audit log of every staff read and write of personal data.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["complaint", "escalation", "audit_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let complaint = Table::create()
            .table("complaint")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("number", 32))
            .col(optional_reference("resident_id"))
            .col(optional_reference("department_id"))
            .col(optional_reference("region_id"))
            .col(string_len("category", 32))
            .col(string_len("title", 200))
            .col(text("content"))
            // open, accepted, answered, closed
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone_null("due_at"))
            .col(text_null("answer"))
            .col(timestamp_with_time_zone_null("closed_at"))
            .col(created_at())
            .foreign_key(&mut fk("complaint", "resident_id", "resident"))
            .foreign_key(&mut fk("complaint", "department_id", "department"))
            .foreign_key(&mut fk("complaint", "region_id", "region"))
            .take();
        let escalation = Table::create()
            .table("escalation")
            .if_not_exists()
            .col(id())
            .col(optional_reference("application_id"))
            .col(optional_reference("rectification_id"))
            .col(optional_reference("complaint_id"))
            .col(reference("department_id"))
            .col(reference("supervisor_staff_id"))
            .col(text("instruction"))
            .col(timestamp_with_time_zone("due_at"))
            // open, resolved
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone_null("resolved_at"))
            .col(created_at())
            .foreign_key(&mut fk("escalation", "application_id", "application"))
            .foreign_key(&mut fk("escalation", "rectification_id", "rectification"))
            .foreign_key(&mut fk("escalation", "complaint_id", "complaint"))
            .foreign_key(&mut fk("escalation", "department_id", "department"))
            .foreign_key(&mut fk("escalation", "supervisor_staff_id", "staff"))
            .take();
        // Append-only through the application: there is no update or delete path.
        let audit_log = Table::create()
            .table("audit_log")
            .if_not_exists()
            .col(id())
            .col(optional_reference("actor_staff_id"))
            .col(optional_reference("actor_resident_id"))
            .col(string_len_null("actor_role", 32))
            .col(optional_reference("actor_department_id"))
            // e.g. resident.view, resident.reveal_id_number, application.approve
            .col(string_len("action", 64))
            .col(string_len("target_kind", 32))
            .col(big_integer_null("target_id"))
            // whose personal data was touched, for the resident's own access list
            .col(optional_reference("resident_id"))
            .col(text_null("reason"))
            .col(string_len_null("ip", 64))
            .col(created_at())
            .take();
        create(
            manager,
            vec![complaint, escalation, audit_log],
            vec![
                index("complaint", &["department_id", "status"]),
                index("complaint", &["resident_id"]),
                index("escalation", &["department_id", "status"]),
                index("audit_log", &["resident_id", "created_at"]),
                index("audit_log", &["actor_staff_id", "created_at"]),
                index("audit_log", &["action", "created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
