//! 短信验证码: a code sent to prove a mobile number, by the hash of what it proves.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `domain::one_time_code::Purpose` as text.
    pub purpose: String,
    pub mobile: String,
    pub code_hash: String,
    pub tries: i32,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
