//! Campaigns are sent a batch of residents at a time by a background job: the campaign
//! keeps how far the sending has got (the last resident id of the last batch sent), which is
//! also how instances take turns (each batch moves it with a conditional UPDATE).

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
                    .add_column(&mut big_integer_null("sent_through"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
