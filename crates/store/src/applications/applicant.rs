//! Whom an application is for: the resident, or a household member who consented (代办).
use domain::ids::ResidentId;

use super::resident_of;
use crate::entities::{proxy_consent, resident};
use domain::application::OnBehalf;
use domain::error::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Whom a new application is for: the resident, or a household member who consented that the
/// resident applies on their behalf (代办). Anyone else is "not found".
pub(super) async fn applicant_for(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    on_behalf_of: Option<ResidentId>,
) -> Result<resident::Model, AppError> {
    let Some(member) = on_behalf_of.filter(|m| *m != resident_id) else {
        return resident_of(db, resident_id).await;
    };
    let consent = proxy_consent::Entity::find()
        .filter(proxy_consent::Column::ResidentId.eq(member))
        .filter(proxy_consent::Column::ProxyResidentId.eq(resident_id))
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if consent.is_none() {
        return Err(AppError::not_found());
    }
    resident::Entity::find_by_id(member)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Household members who let the resident apply for them.
pub(super) async fn can_apply_for(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Vec<OnBehalf>, AppError> {
    let rows: Vec<(ResidentId, String)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::Name)
        .inner_join(proxy_consent::Entity)
        .filter(proxy_consent::Column::ProxyResidentId.eq(resident_id))
        .filter(proxy_consent::Column::RevokedAt.is_null())
        .order_by_asc(resident::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name)| OnBehalf { member_id, name })
        .collect())
}
