//! Services find people (事项找人): segments, campaigns, recommendations, detected life
//! events, opt-outs, and the resident's notification inbox that push streams feed.

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "segment",
    "campaign",
    "recommendation",
    "life_event_occurrence",
    "recommendation_opt_out",
    "notification",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let segment = Table::create()
            .table("segment")
            .if_not_exists()
            .col(id())
            .col(string_len("name", 200))
            .col(text_null("description"))
            // the rule: a typed expression tree (all / any / not over conditions)
            .col(json("rule"))
            .col(reference("created_by_staff_id"))
            .col(created_at())
            .col(updated_at())
            .foreign_key(&mut fk("segment", "created_by_staff_id", "staff"))
            .take();
        let campaign = Table::create()
            .table("campaign")
            .if_not_exists()
            .col(id())
            .col(string_len("name", 200))
            .col(optional_reference("service_id"))
            .col(optional_reference("bundle_id"))
            .col(reference("segment_id"))
            // with placeholders such as {name} and {reason}
            .col(text("message"))
            // draft, pending_approval, approved, sending, sent, cancelled
            .col(string_len("status", 24))
            .col(timestamp_with_time_zone_null("scheduled_at"))
            // no resident gets more than this many pushes a week across campaigns
            .col(integer("frequency_cap").default(3))
            .col(time_null("quiet_from"))
            .col(time_null("quiet_until"))
            .col(big_integer_null("audience_count"))
            .col(reference("created_by_staff_id"))
            .col(optional_reference("approved_by_staff_id"))
            .col(timestamp_with_time_zone_null("sent_at"))
            .col(created_at())
            .foreign_key(&mut fk("campaign", "service_id", "service"))
            .foreign_key(&mut fk("campaign", "bundle_id", "bundle"))
            .foreign_key(&mut fk("campaign", "segment_id", "segment"))
            .foreign_key(&mut fk("campaign", "created_by_staff_id", "staff"))
            .foreign_key(&mut fk("campaign", "approved_by_staff_id", "staff"))
            .take();
        let recommendation = Table::create()
            .table("recommendation")
            .if_not_exists()
            .col(id())
            .col(reference("resident_id"))
            .col(optional_reference("service_id"))
            .col(optional_reference("bundle_id"))
            // what caused it: a campaign, a life event, or eligibility
            .col(optional_reference("campaign_id"))
            .col(optional_reference("life_event_id"))
            // the explained match, rendered in the resident's language when shown
            .col(json("reason"))
            // new, delivered, read, clicked, applied, dismissed
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone_null("delivered_at"))
            .col(timestamp_with_time_zone_null("read_at"))
            .col(timestamp_with_time_zone_null("clicked_at"))
            .col(timestamp_with_time_zone_null("applied_at"))
            .col(timestamp_with_time_zone_null("dismissed_at"))
            .col(created_at())
            .foreign_key(&mut fk("recommendation", "resident_id", "resident"))
            .foreign_key(&mut fk("recommendation", "service_id", "service"))
            .foreign_key(&mut fk("recommendation", "bundle_id", "bundle"))
            .foreign_key(&mut fk("recommendation", "campaign_id", "campaign"))
            .foreign_key(&mut fk("recommendation", "life_event_id", "life_event"))
            .take();
        // A detected life event; the unique key makes delivery exactly-once across instances.
        let occurrence = Table::create()
            .table("life_event_occurrence")
            .if_not_exists()
            .col(id())
            .col(reference("resident_id"))
            .col(reference("life_event_id"))
            .col(date("occurred_on"))
            .col(created_at())
            .foreign_key(&mut fk("life_event_occurrence", "resident_id", "resident"))
            .foreign_key(&mut fk(
                "life_event_occurrence",
                "life_event_id",
                "life_event",
            ))
            .take();
        let opt_out = Table::create()
            .table("recommendation_opt_out")
            .if_not_exists()
            .col(reference("resident_id"))
            .col(reference("category_id"))
            .col(created_at())
            .primary_key(Index::create().col("resident_id").col("category_id"))
            .foreign_key(&mut fk_cascade(
                "recommendation_opt_out",
                "resident_id",
                "resident",
            ))
            .foreign_key(&mut fk_cascade(
                "recommendation_opt_out",
                "category_id",
                "service_category",
            ))
            .take();
        let notification = Table::create()
            .table("notification")
            .if_not_exists()
            .col(id())
            .col(reference("resident_id"))
            // application_event, recommendation, rating_invitation, survey, …
            .col(string_len("kind", 32))
            .col(string_len("title", 200))
            .col(text("body"))
            .col(string_len_null("link", 255))
            .col(json_null("payload"))
            .col(timestamp_with_time_zone_null("read_at"))
            .col(created_at())
            .foreign_key(&mut fk_cascade("notification", "resident_id", "resident"))
            .take();
        create(
            manager,
            vec![
                segment,
                campaign,
                recommendation,
                occurrence,
                opt_out,
                notification,
            ],
            vec![
                index("recommendation", &["resident_id", "status"]),
                index("recommendation", &["campaign_id", "status"]),
                unique_index(
                    "life_event_occurrence",
                    &["resident_id", "life_event_id", "occurred_on"],
                ),
                index("notification", &["resident_id", "created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, TABLES).await
    }
}
