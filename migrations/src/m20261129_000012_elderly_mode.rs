//! Elderly mode (长辈版): residents aged 60 and over are offered it once after signing in; the
//! moment they answered (either way) is kept so that they are not asked again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("resident")
                    .add_column(timestamp_with_time_zone_null("elderly_mode_offered_at"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("resident")
                    .drop_column(Alias::new("elderly_mode_offered_at"))
                    .take(),
            )
            .await
    }
}
