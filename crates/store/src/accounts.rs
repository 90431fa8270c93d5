//! Resident accounts in the database: registering (claiming one's record in the population
//! register, or a new record), finding an account to sign in, the signed-in viewer, and the
//! account's choice of elderly mode (长辈版).
use domain::ids::ResidentId;

use super::entities::{region, resident};
use super::notifications::unread_count;
use chrono::{DateTime, Utc};
use domain::account::{AccountName, ValidRegistration, Viewer};
use domain::error::AppError;
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

/// Registers an account. A resident already in the register (same ID number) claims their
/// record when the name matches; otherwise a new record is made. Returns the resident's id.
pub async fn register(
    db: &sea_orm::DatabaseConnection,
    valid: &ValidRegistration,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<ResidentId, AppError> {
    let txn = db.begin().await?;
    let mobile_taken = resident::Entity::find()
        .filter(resident::Column::Mobile.eq(&valid.mobile))
        .filter(resident::Column::PasswordHash.is_not_null())
        .filter(resident::Column::IdNumber.ne(valid.id_number.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if mobile_taken {
        return Err(AppError::invalid(vec![FieldError::new(
            "mobile",
            Problem::AlreadyRegistered,
        )]));
    }
    let existing = resident::Entity::find()
        .filter(resident::Column::IdNumber.eq(valid.id_number.as_str()))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(record) if record.password_hash.is_some() => {
            return Err(AppError::invalid(vec![FieldError::new(
                "id_number",
                Problem::AlreadyRegistered,
            )]));
        }
        Some(record) if record.name != valid.name => {
            return Err(AppError::invalid(vec![FieldError::new(
                "name",
                Problem::IdentityMismatch,
            )]));
        }
        Some(record) => {
            let id = record.id;
            let mut active = record.into_active_model();
            active.mobile = Set(Some(valid.mobile.clone()));
            active.password_hash = Set(Some(password_hash));
            active.updated_at = Set(now);
            active.update(&txn).await?;
            id
        }
        None => {
            // Not yet in the register: the district itself until an address is given.
            let district = region::Entity::find()
                .filter(region::Column::ParentId.is_null())
                .order_by_asc(region::Column::Id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::new(domain::error::ErrorCode::Internal))?;
            resident::ActiveModel {
                id_number: Set(valid.id_number.as_str().to_owned()),
                name: Set(valid.name.clone()),
                gender: Set(valid.id_number.gender().as_str().to_owned()),
                birth_date: Set(valid.id_number.birth_date()),
                mobile: Set(Some(valid.mobile.clone())),
                password_hash: Set(Some(password_hash)),
                region_id: Set(district.id),
                address: Set(String::new()),
                language: Set("zh-CN".to_owned()),
                elderly_mode: Set(false),
                notify_consent: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    txn.commit().await?;
    Ok(id)
}

/// The account a sign-in names: its id and password hash, if it has registered.
pub async fn find_account(
    db: &impl ConnectionTrait,
    name: &AccountName,
) -> Result<Option<(ResidentId, String)>, AppError> {
    let query = resident::Entity::find().filter(resident::Column::PasswordHash.is_not_null());
    let query = match name {
        AccountName::Mobile(mobile) => query.filter(resident::Column::Mobile.eq(mobile.as_str())),
        AccountName::IdNumber(id) => query.filter(resident::Column::IdNumber.eq(id.as_str())),
    };
    Ok(query
        .one(db)
        .await?
        .and_then(|r| r.password_hash.map(|hash| (r.id, hash))))
}

pub async fn password_hash(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Option<String>, AppError> {
    Ok(resident::Entity::find_by_id(resident_id)
        .one(db)
        .await?
        .and_then(|r| r.password_hash))
}

pub async fn viewer(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Viewer, AppError> {
    let record = resident::Entity::find_by_id(resident_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(domain::error::ErrorCode::Unauthenticated))?;
    let now = Utc::now();
    Ok(Viewer {
        resident_id,
        offer_elderly_mode: offer_elderly_mode(&record, now),
        name: record.name,
        elderly_mode: record.elderly_mode,
        unread_notifications: unread_count(db, resident_id).await?,
    })
}

/// Residents aged 60 and over are offered elderly mode once: until they answer either way.
fn offer_elderly_mode(record: &resident::Model, now: DateTime<Utc>) -> bool {
    let sixty = domain::rule::age_cutoff(domain::rule::china_today(now), 60);
    !record.elderly_mode && record.elderly_mode_offered_at.is_none() && record.birth_date <= sixty
}

/// The resident chose a mode (the switch, or an answer to the offer): the account remembers
/// it, and that they were asked.
pub async fn choose_elderly_mode(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    elderly: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    resident::Entity::update_many()
        .col_expr(resident::Column::ElderlyMode, Expr::value(elderly))
        .col_expr(
            resident::Column::ElderlyModeOfferedAt,
            Expr::value(Some(now)),
        )
        .col_expr(resident::Column::UpdatedAt, Expr::value(now))
        .filter(resident::Column::Id.eq(resident_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the account is in elderly mode (brought to a device when it signs in).
pub async fn prefers_elderly_mode(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<bool, AppError> {
    let elderly: Option<bool> = resident::Entity::find_by_id(resident_id)
        .select_only()
        .column(resident::Column::ElderlyMode)
        .into_tuple()
        .one(db)
        .await?;
    Ok(elderly.unwrap_or(false))
}
