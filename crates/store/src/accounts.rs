//! Resident accounts in the database: registering (claiming one's record in the population
//! register, or a new record), finding an account to sign in, new passwords, the signed-in
//! viewer, and the account's choice of elderly mode (长辈版). Claims waiting for an identity
//! check are in `identity_checks`.
use domain::ids::ResidentId;

use super::entities::{region, resident};
use super::notifications::unread_count;
use chrono::{DateTime, Utc};
use domain::account::{AccountName, ValidRegistration, Viewer};
use domain::error::{AppError, ErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

/// How a registration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    /// An account the resident can sign in to: a new record, or their register record
    /// claimed with the mobile number the register holds for them.
    Account(ResidentId),
    /// A claim of a register record that holds another number or none: it waits for a
    /// clerk to check the person at a service window.
    AwaitingCheck(ResidentId),
}

/// Registers an account for a resident whose mobile number is proved (by a one-time code).
///
/// A resident already in the register (same ID number, same name) claims their record: at
/// once when the register holds this mobile number for them, otherwise as a claim waiting
/// for an identity check (a later claim replaces an earlier one; a claim made with the
/// register's number replaces any). Not in the register: a new record. Any other case —
/// the ID number has an account, the name is not the register's, the number belongs to
/// another account or claim — is one refusal that does not say which.
pub async fn register(
    db: &sea_orm::DatabaseConnection,
    valid: &ValidRegistration,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Registered, AppError> {
    let refused = || AppError::new(ErrorCode::RegistrationRefused);
    let txn = db.begin().await?;
    let number_taken = resident::Entity::find()
        .filter(holds_number(&valid.mobile))
        .filter(resident::Column::IdNumber.ne(valid.id_number.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if number_taken {
        return Err(refused());
    }
    let existing = resident::Entity::find()
        .filter(resident::Column::IdNumber.eq(valid.id_number.as_str()))
        .one(&txn)
        .await?;
    let registered = match existing {
        Some(record) if record.password_hash.is_some() || record.name != valid.name => {
            return Err(refused());
        }
        Some(record) => {
            let id = record.id;
            let holds_this_number = record.mobile.as_deref() == Some(valid.mobile.as_str());
            let mut active = record.into_active_model();
            if holds_this_number {
                active.password_hash = Set(Some(password_hash));
                active.claim_mobile = Set(None);
                active.claim_password_hash = Set(None);
                active.claim_requested_at = Set(None);
            } else {
                active.claim_mobile = Set(Some(valid.mobile.clone()));
                active.claim_password_hash = Set(Some(password_hash));
                active.claim_requested_at = Set(Some(now));
            }
            active.updated_at = Set(now);
            active.update(&txn).await?;
            if holds_this_number {
                Registered::Account(id)
            } else {
                Registered::AwaitingCheck(id)
            }
        }
        None => {
            // Not yet in the register: the district itself until an address is given.
            let district = region::Entity::find()
                .filter(region::Column::ParentId.is_null())
                .order_by_asc(region::Column::Id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::new(ErrorCode::Internal))?;
            let id = resident::ActiveModel {
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
            .id;
            Registered::Account(id)
        }
    };
    txn.commit().await?;
    Ok(registered)
}

/// What a sign-in names: an account, or a claim still waiting for its identity check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub resident_id: ResidentId,
    pub password_hash: String,
    pub awaiting_check: bool,
}

/// The account (or waiting claim) a sign-in names, by its mobile number or ID number.
pub async fn find_account(
    db: &impl ConnectionTrait,
    name: &AccountName,
) -> Result<Option<Account>, AppError> {
    let has_account = resident::Column::PasswordHash.is_not_null();
    let condition = match name {
        AccountName::Mobile(mobile) => holds_number(mobile),
        AccountName::IdNumber(id) => Condition::all()
            .add(resident::Column::IdNumber.eq(id.as_str()))
            .add(
                Condition::any()
                    .add(has_account)
                    .add(resident::Column::ClaimPasswordHash.is_not_null()),
            ),
    };
    let found = resident::Entity::find().filter(condition).one(db).await?;
    Ok(found.and_then(
        |record| match (record.password_hash, record.claim_password_hash) {
            (Some(hash), _) => Some(Account {
                resident_id: record.id,
                password_hash: hash,
                awaiting_check: false,
            }),
            (None, Some(hash)) => Some(Account {
                resident_id: record.id,
                password_hash: hash,
                awaiting_check: true,
            }),
            (None, None) => None,
        },
    ))
}

/// The account that has this mobile number, if one has.
pub async fn account_with_mobile(
    db: &impl ConnectionTrait,
    mobile: &str,
) -> Result<Option<ResidentId>, AppError> {
    Ok(resident::Entity::find()
        .filter(resident::Column::Mobile.eq(mobile))
        .filter(resident::Column::PasswordHash.is_not_null())
        .one(db)
        .await?
        .map(|record| record.id))
}

/// The records that hold `mobile`: an account with it, or a claim waiting with it. One
/// number, one of them (a registration, a claim and a profile's new number are refused it).
fn holds_number(mobile: &str) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(resident::Column::Mobile.eq(mobile))
                .add(resident::Column::PasswordHash.is_not_null()),
        )
        .add(resident::Column::ClaimMobile.eq(mobile))
}

/// Whether the number is an account's or a waiting claim's: such a number gets no
/// registration code.
pub async fn mobile_is_taken(db: &impl ConnectionTrait, mobile: &str) -> Result<bool, AppError> {
    Ok(resident::Entity::find()
        .filter(holds_number(mobile))
        .one(db)
        .await?
        .is_some())
}

/// A new password for an account (reset or changed with a one-time code).
pub async fn set_password(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let changed = resident::Entity::update_many()
        .col_expr(resident::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(resident::Column::UpdatedAt, Expr::value(now))
        .filter(resident::Column::Id.eq(resident_id))
        .filter(resident::Column::PasswordHash.is_not_null())
        .exec(db)
        .await?;
    if changed.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::NotFound))
    }
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
