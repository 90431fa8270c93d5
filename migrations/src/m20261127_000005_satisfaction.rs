//! Satisfaction (好差评): ratings of every service, the rectification a bad review opens,
//! and surveys with their responses.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["rating", "rectification", "survey", "survey_response"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rating = Table::create()
            .table("rating")
            .if_not_exists()
            .col(id())
            .col(reference("application_id"))
            // for a bundle, the department's task that is rated
            .col(optional_reference("task_id"))
            .col(reference("resident_id"))
            .col(reference("department_id"))
            .col(reference("service_id"))
            // the staff member who handled the case
            .col(optional_reference("staff_id"))
            // 5 非常满意 … 1 非常不满意
            .col(small_integer("score"))
            // the national indicator set: efficiency, guide accuracy, convenience, ease of use
            .col(json("indicators"))
            .col(json("tags"))
            .col(text_null("comment"))
            // an upheld appeal keeps the rating on record but out of the figures
            .col(boolean("excluded").default(false))
            .col(created_at())
            .foreign_key(&mut fk("rating", "application_id", "application"))
            .foreign_key(&mut fk("rating", "task_id", "task"))
            .foreign_key(&mut fk("rating", "resident_id", "resident"))
            .foreign_key(&mut fk("rating", "department_id", "department"))
            .foreign_key(&mut fk("rating", "service_id", "service"))
            .foreign_key(&mut fk("rating", "staff_id", "staff"))
            .take();
        let rectification = Table::create()
            .table("rectification")
            .if_not_exists()
            .col(id())
            .col(big_integer_uniq("rating_id"))
            .col(reference("department_id"))
            // open, answered, closed, escalated
            .col(string_len("status", 16))
            // on_the_spot, by_deadline, explained, appealed
            .col(string_len_null("classification", 16))
            .col(text_null("answer"))
            .col(optional_reference("answered_by_staff_id"))
            .col(timestamp_with_time_zone("due_at"))
            .col(timestamp_with_time_zone_null("answered_at"))
            // for "fixed by a deadline": the ledger entry's own due date
            .col(date_null("fix_due_on"))
            // pending, upheld, rejected
            .col(string_len_null("appeal_status", 16))
            .col(optional_reference("appeal_decided_by_staff_id"))
            // satisfied, basically_satisfied, unsatisfied
            .col(string_len_null("resident_feedback", 24))
            .col(timestamp_with_time_zone_null("closed_at"))
            .col(created_at())
            .foreign_key(&mut fk("rectification", "rating_id", "rating"))
            .foreign_key(&mut fk("rectification", "department_id", "department"))
            .foreign_key(&mut fk("rectification", "answered_by_staff_id", "staff"))
            .foreign_key(&mut fk(
                "rectification",
                "appeal_decided_by_staff_id",
                "staff",
            ))
            .take();
        let survey = Table::create()
            .table("survey")
            .if_not_exists()
            .col(id())
            .col(string_len("title", 200))
            .col(text_null("description"))
            // five-point, single choice, multiple choice, free text
            .col(json("questions"))
            // the audience: a segment, or everyone who used a service in a period
            .col(optional_reference("segment_id"))
            .col(optional_reference("service_id"))
            .col(date_null("period_from"))
            .col(date_null("period_to"))
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone_null("scheduled_at"))
            .col(reference("created_by_staff_id"))
            .col(created_at())
            .foreign_key(&mut fk("survey", "service_id", "service"))
            .foreign_key(&mut fk("survey", "created_by_staff_id", "staff"))
            .take();
        let response = Table::create()
            .table("survey_response")
            .if_not_exists()
            .col(id())
            .col(reference("survey_id"))
            .col(reference("resident_id"))
            .col(json("answers"))
            .col(created_at())
            .foreign_key(&mut fk_cascade("survey_response", "survey_id", "survey"))
            .foreign_key(&mut fk("survey_response", "resident_id", "resident"))
            .take();
        create(
            manager,
            vec![rating, rectification, survey, response],
            vec![
                unique_index("rating", &["application_id", "task_id"]),
                index("rating", &["department_id", "created_at"]),
                index("rating", &["service_id", "created_at"]),
                index("rating", &["resident_id"]),
                index("rectification", &["department_id", "status", "due_at"]),
                unique_index("survey_response", &["survey_id", "resident_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
