//! The campaign forms of the console (事项找人): creating a campaign, and a campaign's next
//! step (submit — sent at once when due —, approve, cancel).

use super::{back, fields_of};
use crate::auth::FormStaff;
use crate::http::form::Fields;
use crate::state::AppState;
use crate::usecases;
use crate::usecases::campaigns::{self as campaign_steps, CampaignStep};
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use domain::campaign::CampaignDraft;
use domain::error::AppError;
use domain::validation::{FieldError, Problem};
use std::collections::BTreeMap;

fn problem(field: &str, problem: Problem) -> AppError {
    AppError::invalid(vec![FieldError::new(field, problem)])
}

/// A `datetime-local` value (China time) as an instant; blank is none.
fn china_time(text: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map(|local| Some(local.and_utc() - chrono::Duration::hours(8)))
        .map_err(|_| problem("scheduled_at", Problem::InvalidDate))
}

fn time(text: &str, field: &str) -> Result<Option<NaiveTime>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(text, "%H:%M")
        .map(Some)
        .map_err(|_| problem(field, Problem::InvalidFormat))
}

fn campaign_draft(fields: &Fields) -> Result<CampaignDraft, AppError> {
    let segment_id = fields
        .value("segment_id")
        .trim()
        .parse::<i64>()
        .map_err(|_| problem("segment_id", Problem::Required))?;
    let frequency_cap = fields
        .value("frequency_cap")
        .trim()
        .parse::<u8>()
        .map_err(|_| problem("frequency_cap", Problem::OutOfRange { min: 1, max: 14 }))?;
    Ok(CampaignDraft {
        name: fields.value("name"),
        service_code: fields.value("service_code"),
        segment_id,
        message: fields.value("message"),
        scheduled_at: china_time(&fields.value("scheduled_at"))?,
        frequency_cap,
        quiet_from: time(&fields.value("quiet_from"), "quiet_from")?,
        quiet_until: time(&fields.value("quiet_until"), "quiet_until")?,
    })
}

pub async fn create_campaign(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let result = match campaign_draft(&fields) {
        Ok(draft) => usecases::campaigns::create(&state, &staff.actor, &draft)
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    };
    back(
        &state,
        &staff.session_id,
        "/admin/campaigns",
        "campaign",
        fields.kept(),
        result.err(),
    )
    .await
}

/// `submit`, `approve` or `cancel`.
pub async fn campaign_step(
    State(state): State<AppState>,
    staff: FormStaff,
    Path((id, step)): Path<(i64, String)>,
) -> Response {
    let result = match CampaignStep::parse(&step) {
        Some(step) => campaign_steps::take_step(&state, &staff.actor, id, step)
            .await
            .map(|_| ()),
        None => Err(AppError::not_found()),
    };
    back(
        &state,
        &staff.session_id,
        "/admin/campaigns",
        "campaign",
        BTreeMap::new(),
        result.err(),
    )
    .await
}
