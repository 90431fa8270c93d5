//! Where a claim of a register record waits for its identity check (身份核验) and where a
//! window clerk confirms or refuses it, each step in the audit log. The clerk reaches a claim
//! only by the ID number of the card in front of them.
use super::audit::{self, Target};
use super::entities::resident::{self, Column};
use super::{StaffActor, accounts};
use chrono::{DateTime, Utc};
use domain::account::PendingClaim;
use domain::error::{AppError, ErrorCode};
use domain::id_number::IdNumber;
use domain::ids::ResidentId;
use domain::personal::MaskedMobile;
use domain::staff::Permission;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait, Value};

/// The waiting claim on the record of this ID number, if there is one (the look-up is
/// audited either way).
pub async fn claim_of(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id_number: &IdNumber,
    now: DateTime<Utc>,
) -> Result<Option<PendingClaim>, AppError> {
    actor.member.require(Permission::CheckIdentity)?;
    let record = resident::Entity::find()
        .filter(Column::IdNumber.eq(id_number.as_str()))
        .filter(Column::ClaimPasswordHash.is_not_null())
        .one(db)
        .await?;
    let target = record
        .as_ref()
        .map_or(Target::ResidentSearch, |r| Target::Resident(r.id));
    audit::record(
        db,
        actor,
        "identity_check.lookup",
        target,
        Some(&id_number.masked()),
        now,
    )
    .await?;
    Ok(record.and_then(|r| {
        Some(PendingClaim {
            resident_id: r.id,
            name: r.name,
            claimed_mobile: MaskedMobile::new(r.claim_mobile.as_deref()?),
            register_mobile: r.mobile.as_deref().map(MaskedMobile::new),
            requested_at: r.claim_requested_at?,
        })
    }))
}

/// What the clerk decides about a waiting claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The person is who the claim says: the claim becomes the record's account (its number
    /// and password), and the resident can sign in.
    Confirm,
    /// The person at the window is not who the claim says (or does not recognise the
    /// number): the claim is gone, the record unchanged.
    Refuse,
}

impl Decision {
    /// From the console form's address: `confirm` or `refuse`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "confirm" => Some(Decision::Confirm),
            "refuse" => Some(Decision::Refuse),
            _ => None,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Decision::Confirm => "identity_check.confirm",
            Decision::Refuse => "identity_check.refuse",
        }
    }
}

/// Confirms or refuses the claim waiting on the record, in one transaction with its line in
/// the audit log.
pub async fn decide(
    db: &sea_orm::DatabaseConnection,
    actor: &StaffActor,
    resident_id: ResidentId,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.member.require(Permission::CheckIdentity)?;
    let txn = db.begin().await?;
    let record = waiting(&txn, resident_id).await?;
    if decision == Decision::Confirm {
        let mobile = record
            .claim_mobile
            .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
        // The number may have become another account's since the claim was made.
        if accounts::account_with_mobile(&txn, &mobile)
            .await?
            .is_some()
        {
            return Err(AppError::new(ErrorCode::Conflict));
        }
        resident::Entity::update_many()
            .col_expr(Column::Mobile, Expr::col(Column::ClaimMobile))
            .col_expr(Column::PasswordHash, Expr::col(Column::ClaimPasswordHash))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(resident_id))
            .exec(&txn)
            .await?;
    }
    clear_claim(&txn, resident_id).await?;
    let target = Target::Resident(resident_id);
    audit::record(&txn, actor, decision.action(), target, None, now).await?;
    txn.commit().await?;
    tracing::info!(%resident_id, staff = %actor.member.id, ?decision, "identity check decided");
    Ok(())
}

async fn waiting(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<resident::Model, AppError> {
    resident::Entity::find_by_id(resident_id)
        .filter(Column::ClaimPasswordHash.is_not_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

async fn clear_claim(db: &impl ConnectionTrait, resident_id: ResidentId) -> Result<(), AppError> {
    let none = || Expr::value(Value::String(None));
    resident::Entity::update_many()
        .col_expr(Column::ClaimMobile, none())
        .col_expr(Column::ClaimPasswordHash, none())
        .col_expr(
            Column::ClaimRequestedAt,
            Expr::value(Value::ChronoDateTimeUtc(None)),
        )
        .filter(Column::Id.eq(resident_id))
        .exec(db)
        .await?;
    Ok(())
}
