//! The service catalogue: topics, life events, services with their materials and form, and
//! bundles (一件事) of several departments' services.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "service_category",
    "life_event",
    "service",
    "service_life_event",
    "bundle",
    "bundle_service",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let category = Table::create()
            .table("service_category")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(string_len_null("name_en", 200))
            .col(integer("sort_order").default(0))
            .take();
        let life_event = Table::create()
            .table("life_event")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(string_len_null("name_en", 200))
            .col(text_null("description"))
            .col(integer("sort_order").default(0))
            .take();
        let service = Table::create()
            .table("service")
            .if_not_exists()
            .col(id())
            // 事项编码
            .col(string_len_uniq("code", 32))
            .col(reference("department_id"))
            .col(reference("category_id"))
            .col(string_len("name", 200))
            .col(string_len_null("name_en", 300))
            .col(text("summary"))
            .col(text_null("summary_en"))
            .col(text("audience"))
            .col(text_null("audience_en"))
            // 承诺时限 and 法定时限, in working days
            .col(integer("promised_days"))
            .col(integer("legal_days"))
            .col(big_integer("fee_cents").default(0))
            .col(string_len_null("fee_note", 255))
            // 网办深度 1..4
            .col(small_integer("online_level"))
            .col(json("materials"))
            .col(json("form_fields"))
            .col(integer("form_version").default(1))
            // eligibility rule in the segment rule language
            .col(json_null("eligibility"))
            // 免申即享
            .col(boolean("auto_grant").default(false))
            // draft, published, unpublished
            .col(string_len("status", 16))
            .col(integer("sort_order").default(0))
            .col(timestamp_with_time_zone_null("published_at"))
            .col(created_at())
            .col(updated_at())
            .foreign_key(&mut fk("service", "department_id", "department"))
            .foreign_key(&mut fk("service", "category_id", "service_category"))
            .take();
        let service_life_event = Table::create()
            .table("service_life_event")
            .if_not_exists()
            .col(reference("service_id"))
            .col(reference("life_event_id"))
            .primary_key(Index::create().col("service_id").col("life_event_id"))
            .foreign_key(&mut fk_cascade(
                "service_life_event",
                "service_id",
                "service",
            ))
            .foreign_key(&mut fk_cascade(
                "service_life_event",
                "life_event_id",
                "life_event",
            ))
            .take();
        let bundle = Table::create()
            .table("bundle")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 200))
            .col(string_len_null("name_en", 300))
            .col(text("summary"))
            .col(text_null("summary_en"))
            .col(optional_reference("life_event_id"))
            // the combined form: shared fields asked once
            .col(json_null("form_fields"))
            .col(string_len("status", 16))
            .col(created_at())
            .foreign_key(&mut fk("bundle", "life_event_id", "life_event"))
            .take();
        let bundle_service = Table::create()
            .table("bundle_service")
            .if_not_exists()
            .col(reference("bundle_id"))
            .col(reference("service_id"))
            .col(integer("sort_order").default(0))
            .primary_key(Index::create().col("bundle_id").col("service_id"))
            .foreign_key(&mut fk_cascade("bundle_service", "bundle_id", "bundle"))
            .foreign_key(&mut fk("bundle_service", "service_id", "service"))
            .take();
        create(
            manager,
            vec![
                category,
                life_event,
                service,
                service_life_event,
                bundle,
                bundle_service,
            ],
            vec![
                index("service", &["status", "sort_order"]),
                index("service", &["department_id"]),
                index("service", &["category_id"]),
                index("service_life_event", &["life_event_id"]),
                index("bundle_service", &["service_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
