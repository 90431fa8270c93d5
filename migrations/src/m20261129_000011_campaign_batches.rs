//! Campaigns are sent by a background job: the audience is evaluated once, set-based, into
//! `campaign_recipient` when sending starts, then sent a batch of recipients at a time. The
//! campaign keeps how far the sending has got (the last resident id of the last batch sent),
//! which is also how instances take turns (each batch moves it with a conditional UPDATE).

use crate::helpers::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("campaign")
                    .add_column(big_integer_null("sent_through"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("campaign_recipient")
                    .col(big_integer("campaign_id"))
                    .col(big_integer("resident_id"))
                    .primary_key(Index::create().col("campaign_id").col("resident_id"))
                    .foreign_key(&mut fk_cascade(
                        "campaign_recipient",
                        "campaign_id",
                        "campaign",
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("campaign_recipient").take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("campaign")
                    .drop_column(Alias::new("sent_through"))
                    .take(),
            )
            .await
    }
}
