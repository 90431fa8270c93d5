//! A campaign (推送活动): its draft (with the dry-run count of its audience), then its steps:
//! submit, approve, cancel. A campaign due at once starts in its submit (its recipients
//! written); its batches, or those of a campaign due once approved, go out in the
//! background as the answer leaves.

use crate::jobs;
use crate::state::AppState;
use chrono::Utc;
use domain::campaign::{CampaignDraft, CampaignStatus, CampaignView};
use domain::error::AppError;
use store::{StaffActor, campaigns};

/// A new campaign, as a draft, with its audience counted.
pub async fn create(
    state: &AppState,
    actor: &StaffActor,
    draft: &CampaignDraft,
) -> Result<CampaignView, AppError> {
    campaigns::create(&state.db, actor, draft, Utc::now()).await
}

/// The step, as the console's form address or the API's path names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignStep {
    /// On the schedule, or to a supervisor when it reaches more than the approval threshold.
    Submit,
    /// A supervisor's approval of a campaign above the threshold.
    Approve,
    Cancel,
}

impl CampaignStep {
    pub fn parse(step: &str) -> Option<CampaignStep> {
        match step {
            "submit" => Some(CampaignStep::Submit),
            "approve" => Some(CampaignStep::Approve),
            "cancel" => Some(CampaignStep::Cancel),
            _ => None,
        }
    }
}

pub async fn take_step(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    step: CampaignStep,
) -> Result<CampaignView, AppError> {
    let now = Utc::now();
    let campaign = match step {
        CampaignStep::Submit => {
            let threshold = state.settings.campaign_approval_threshold;
            campaigns::submit(&state.db, actor, id, threshold, now).await?
        }
        CampaignStep::Approve => campaigns::approve(&state.db, actor, id, now).await?,
        CampaignStep::Cancel => campaigns::cancel(&state.db, actor, id, now).await?,
    };
    let started = campaign.status == CampaignStatus::Sending;
    if step != CampaignStep::Cancel && (started || campaign.is_due(now)) {
        jobs::send_campaigns_soon(&state.db, &state.push);
    }
    Ok(campaign)
}
