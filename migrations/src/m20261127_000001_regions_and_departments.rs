//! Space and organisation: regions (district → street → community → grid), departments, and
//! the working-day calendar that time limits count in.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["region", "department", "calendar_day"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let region = Table::create()
            .table("region")
            .if_not_exists()
            .col(id())
            .col(optional_reference("parent_id"))
            // city, district, street, community or grid
            .col(string_len("kind", 16))
            // 行政区划代码 / grid code
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(string_len_null("name_en", 200))
            // materialized path of ids, "/1/4/17/": a subtree is one prefix match
            .col(string_len("path", 255))
            .foreign_key(&mut fk("region", "parent_id", "region"))
            .take();
        let department = Table::create()
            .table("department")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(string_len_null("name_en", 200))
            .col(string_len_null("hotline", 32))
            .col(string_len_null("address", 255))
            .col(optional_reference("region_id"))
            .col(integer("sort_order").default(0))
            .col(created_at())
            .foreign_key(&mut fk("department", "region_id", "region"))
            .take();
        // Only the exceptions: public holidays on weekdays and make-up working days on
        // weekends. Every other weekday is a working day.
        let calendar_day = Table::create()
            .table("calendar_day")
            .if_not_exists()
            .col(date("day").primary_key())
            // holiday or workday
            .col(string_len("kind", 16))
            .col(string_len("name", 50))
            .take();
        create(
            manager,
            vec![region, department, calendar_day],
            vec![
                index("region", &["parent_id"]),
                index("region", &["path"]),
                index("region", &["kind"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
