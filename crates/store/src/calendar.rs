//! The working-day calendar as the database holds it.

use super::entities::calendar_day;
use domain::error::AppError;
use domain::working_days::WorkingCalendar;
use sea_orm::{ConnectionTrait, EntityTrait};

pub async fn load(db: &impl ConnectionTrait) -> Result<WorkingCalendar, AppError> {
    let days = calendar_day::Entity::find().all(db).await?;
    Ok(WorkingCalendar::new(
        days.into_iter().map(|day| (day.day, day.kind)),
    ))
}
