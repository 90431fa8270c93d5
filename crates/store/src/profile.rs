//! The resident's profile: reading it with the household and consents, updating contact
//! details and preferences, granting and revoking a household member's proxy consent (代办).
use domain::ids::ResidentId;

use super::entities::{proxy_consent, region, resident};
use chrono::{DateTime, Datelike, Utc};
use domain::error::AppError;
use domain::profile::{HouseholdMember, Profile, ValidProfileUpdate};
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub(crate) fn age_on(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> u32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    Ord::max(age, 0) as u32
}

pub async fn profile(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    now: DateTime<Utc>,
) -> Result<Profile, AppError> {
    let me = resident::Entity::find_by_id(resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let region = region::Entity::find_by_id(me.region_id).one(db).await?;
    let members = match me.household_id {
        Some(household) => {
            resident::Entity::find()
                .filter(resident::Column::HouseholdId.eq(household))
                .filter(resident::Column::Id.ne(resident_id))
                .order_by_asc(resident::Column::BirthDate)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let consents = proxy_consent::Entity::find()
        .filter(
            proxy_consent::Column::ResidentId
                .eq(resident_id)
                .or(proxy_consent::Column::ProxyResidentId.eq(resident_id)),
        )
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    let today = domain::deadline::china_date(now);
    let household = members
        .into_iter()
        .map(|m| HouseholdMember {
            consents_to_me: consents
                .iter()
                .any(|c| c.resident_id == m.id && c.proxy_resident_id == Some(resident_id)),
            i_consent: consents
                .iter()
                .any(|c| c.resident_id == resident_id && c.proxy_resident_id == Some(m.id)),
            age: age_on(m.birth_date, today),
            relation: m.household_relation,
            member_id: m.id,
            name: m.name,
        })
        .collect();
    Ok(Profile {
        name: me.name,
        id_number: me.id_number,
        mobile: me.mobile,
        email: me.email,
        address: me.address,
        region: region.map(|r| r.name).unwrap_or_default(),
        language: me.language,
        elderly_mode: me.elderly_mode,
        notify_consent: me.notify_consent,
        household,
    })
}

pub async fn update(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    update: ValidProfileUpdate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let me = resident::Entity::find_by_id(resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    // One account per mobile (a unique index backs this against a race).
    let taken = resident::Entity::find()
        .filter(resident::Column::Mobile.eq(&update.mobile))
        .filter(resident::Column::PasswordHash.is_not_null())
        .filter(resident::Column::Id.ne(resident_id))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(AppError::invalid(vec![FieldError::new(
            "mobile",
            Problem::AlreadyRegistered,
        )]));
    }
    let mut active: resident::ActiveModel = me.into();
    active.mobile = Set(Some(update.mobile));
    active.email = Set(update.email);
    active.address = Set(update.address);
    active.language = Set(update.language);
    active.elderly_mode = Set(update.elderly_mode);
    active.notify_consent = Set(update.notify_consent);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(())
}

/// Lets a member of the resident's household apply on their behalf, or stops it. Anyone
/// outside the household is "not found".
pub async fn set_proxy_consent(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    member_id: ResidentId,
    granted: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let me = resident::Entity::find_by_id(resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let member = resident::Entity::find_by_id(member_id).one(db).await?;
    let same_household = matches!((me.household_id, member.as_ref().and_then(|m| m.household_id)), (Some(a), Some(b)) if a == b);
    if !same_household || member_id == resident_id {
        return Err(AppError::not_found());
    }
    let current = proxy_consent::Entity::find()
        .filter(proxy_consent::Column::ResidentId.eq(resident_id))
        .filter(proxy_consent::Column::ProxyResidentId.eq(member_id))
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    match (granted, current) {
        (true, None) => {
            proxy_consent::ActiveModel {
                resident_id: Set(resident_id),
                proxy_resident_id: Set(Some(member_id)),
                granted_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        (false, Some(_)) => {
            proxy_consent::Entity::update_many()
                .col_expr(proxy_consent::Column::RevokedAt, Expr::value(now))
                .filter(proxy_consent::Column::ResidentId.eq(resident_id))
                .filter(proxy_consent::Column::ProxyResidentId.eq(member_id))
                .filter(proxy_consent::Column::RevokedAt.is_null())
                .exec(db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::age_on;
    use chrono::NaiveDate;

    #[test]
    fn age_counts_whole_years() {
        let birth = NaiveDate::from_ymd_opt(1966, 11, 28).unwrap();
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()),
            59
        );
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            60
        );
    }
}
