//! The people: households and residents with their tags, staff accounts, and the consent a
//! resident gives to a proxy applicant (代办).

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "household",
    "resident",
    "tag",
    "resident_tag",
    "staff",
    "proxy_consent",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let household = Table::create()
            .table("household")
            .if_not_exists()
            .col(id())
            // the grid the household lives in
            .col(reference("region_id"))
            .col(string_len("address", 255))
            .col(created_at())
            .foreign_key(&mut fk("household", "region_id", "region"))
            .take();
        let resident = Table::create()
            .table("resident")
            .if_not_exists()
            .col(id())
            // 公民身份号码, 18 characters, checksum validated
            .col(string_len_uniq("id_number", 18))
            .col(string_len("name", 100))
            // male or female
            .col(string_len("gender", 8))
            .col(date("birth_date"))
            .col(string_len_null("mobile", 20))
            // set once the resident registers an online account
            .col(string_len_null("password_hash", 255))
            .col(optional_reference("household_id"))
            // head, spouse, child, parent, other
            .col(string_len_null("household_relation", 16))
            .col(reference("region_id"))
            .col(string_len("address", 255))
            // for "years of residence"
            .col(date_null("moved_in_on"))
            .col(string_len("language", 8).default("zh-CN"))
            .col(boolean("elderly_mode").default(false))
            // consent to proactive messages (事项找人)
            .col(boolean("notify_consent").default(true))
            .col(created_at())
            .col(updated_at())
            .foreign_key(&mut fk("resident", "household_id", "household"))
            .foreign_key(&mut fk("resident", "region_id", "region"))
            .take();
        let tag = Table::create()
            .table("tag")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 100))
            .col(string_len_null("name_en", 200))
            .col(text_null("description"))
            .take();
        let resident_tag = Table::create()
            .table("resident_tag")
            .if_not_exists()
            .col(reference("resident_id"))
            .col(reference("tag_id"))
            .col(string_len_null("reason", 255))
            .col(optional_reference("added_by_staff_id"))
            .col(created_at())
            .primary_key(Index::create().col("resident_id").col("tag_id"))
            .foreign_key(&mut fk_cascade("resident_tag", "resident_id", "resident"))
            .foreign_key(&mut fk_cascade("resident_tag", "tag_id", "tag"))
            .take();
        let staff = Table::create()
            .table("staff")
            .if_not_exists()
            .col(id())
            .col(string_len_uniq("username", 64))
            .col(string_len("name", 100))
            .col(string_len("password_hash", 255))
            // clerk, reviewer, department_head, supervisor, administrator
            .col(string_len("role", 32))
            // null for supervisors and administrators, who see every department
            .col(optional_reference("department_id"))
            .col(boolean("active").default(true))
            .col(created_at())
            .foreign_key(&mut fk("staff", "department_id", "department"))
            .take();
        let proxy_consent = Table::create()
            .table("proxy_consent")
            .if_not_exists()
            .col(id())
            // the resident who consents to being applied for
            .col(reference("resident_id"))
            // a household member ...
            .col(optional_reference("proxy_resident_id"))
            // ... or a community worker
            .col(optional_reference("proxy_staff_id"))
            .col(timestamp_with_time_zone("granted_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .foreign_key(&mut fk("proxy_consent", "resident_id", "resident"))
            .foreign_key(&mut fk("proxy_consent", "proxy_resident_id", "resident"))
            .foreign_key(&mut fk("proxy_consent", "proxy_staff_id", "staff"))
            .take();
        create(
            manager,
            vec![household, resident, tag, resident_tag, staff, proxy_consent],
            vec![
                index("household", &["region_id"]),
                index("resident", &["region_id"]),
                index("resident", &["birth_date"]),
                index("resident", &["household_id"]),
                index("resident", &["mobile"]),
                index("resident_tag", &["tag_id"]),
                index("staff", &["department_id"]),
                index("proxy_consent", &["resident_id"]),
                index("proxy_consent", &["proxy_resident_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
