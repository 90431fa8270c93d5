//! The 事项找人 forms of the console: saving a segment from the builder's fields, creating a
//! campaign, and a campaign's next step (submit — sent at once when due —, approve, cancel).

use super::{back, pairs, typed, value};
use crate::auth::FormStaff;
use crate::state::AppState;
use crate::usecases::campaigns::{self as campaign_steps, CampaignStep};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use domain::campaign::CampaignDraft;
use domain::error::AppError;
use domain::segment::{FORM_FIELDS, SegmentDraft, rule_from_form};
use domain::validation::{FieldError, Problem};
use std::collections::BTreeMap;
use store::{campaigns, segments};

/// The builder's query for the fields the form sent, to go back to the same preview.
fn builder_query(pairs: &[(String, String)]) -> String {
    let kept: Vec<(&str, String)> = FORM_FIELDS
        .iter()
        .map(|key| (*key, value(pairs, key)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

pub async fn save_segment(
    State(state): State<AppState>,
    staff: FormStaff,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = match rule_from_form(|key| value(&pairs, key)) {
        Ok(rule) => {
            let draft = SegmentDraft {
                name: value(&pairs, "name"),
                description: value(&pairs, "description"),
                rule,
            };
            segments::create(&state.db, &staff.actor, &draft, Utc::now())
                .await
                .map(|_| ())
        }
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let to = format!("/admin/segments?{}", builder_query(&pairs));
    back(
        &state,
        &staff.session_id,
        &to,
        "segment",
        typed(&pairs),
        result.err(),
    )
    .await
}

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

fn campaign_draft(pairs: &[(String, String)]) -> Result<CampaignDraft, AppError> {
    let segment_id = value(pairs, "segment_id")
        .trim()
        .parse::<i64>()
        .map_err(|_| problem("segment_id", Problem::Required))?;
    let frequency_cap = value(pairs, "frequency_cap")
        .trim()
        .parse::<u8>()
        .map_err(|_| problem("frequency_cap", Problem::OutOfRange { min: 1, max: 14 }))?;
    Ok(CampaignDraft {
        name: value(pairs, "name"),
        service_code: value(pairs, "service_code"),
        segment_id,
        message: value(pairs, "message"),
        scheduled_at: china_time(&value(pairs, "scheduled_at"))?,
        frequency_cap,
        quiet_from: time(&value(pairs, "quiet_from"), "quiet_from")?,
        quiet_until: time(&value(pairs, "quiet_until"), "quiet_until")?,
    })
}

pub async fn create_campaign(
    State(state): State<AppState>,
    staff: FormStaff,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = match campaign_draft(&pairs) {
        Ok(draft) => campaigns::create(&state.db, &staff.actor, &draft, Utc::now())
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    };
    back(
        &state,
        &staff.session_id,
        "/admin/campaigns",
        "campaign",
        typed(&pairs),
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
