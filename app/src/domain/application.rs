//! The application (办件) life cycle: which state changes exist and who may make them.
//!
//! draft → submitted → accepted → (supplement_requested ⇄ submitted) → approved | rejected →
//! completed, and withdrawn by the resident before a decision. The server checks every change
//! against [`ApplicationStatus::can_become`] before it records it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ApplicationStatus {
    Draft,
    Submitted,
    Accepted,
    SupplementRequested,
    Approved,
    Rejected,
    Completed,
    Withdrawn,
}

/// Who asks for a state change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Resident,
    Staff,
    System,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::Accepted,
        ApplicationStatus::SupplementRequested,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
        ApplicationStatus::Completed,
        ApplicationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::SupplementRequested => "supplement_requested",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Completed => "completed",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// A decision has been made or the case is over: nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Rejected
                | ApplicationStatus::Completed
                | ApplicationStatus::Withdrawn
        )
    }

    /// Whether the SLA clock runs in this state (it pauses while a supplement is requested).
    pub fn clock_runs(self) -> bool {
        matches!(self, ApplicationStatus::Accepted)
    }

    /// Whether `actor` may move an application from `self` to `next`.
    pub fn can_become(self, next: ApplicationStatus, actor: Actor) -> bool {
        use ApplicationStatus::*;
        match (self, next) {
            (Draft, Submitted) | (SupplementRequested, Submitted) => actor == Actor::Resident,
            (Draft | Submitted | Accepted | SupplementRequested, Withdrawn) => {
                actor == Actor::Resident
            }
            (Submitted, Accepted)
            | (Submitted, Rejected)
            | (Submitted, SupplementRequested)
            | (Accepted, SupplementRequested)
            | (Accepted, Approved)
            | (Accepted, Rejected) => actor == Actor::Staff,
            (Approved, Completed) => matches!(actor, Actor::Staff | Actor::System),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::*;
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for status in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ApplicationStatus::parse("lost"), None);
    }

    #[test]
    fn the_happy_path_is_allowed_to_the_right_actors() {
        assert!(Draft.can_become(Submitted, Actor::Resident));
        assert!(Submitted.can_become(Accepted, Actor::Staff));
        assert!(Accepted.can_become(SupplementRequested, Actor::Staff));
        assert!(SupplementRequested.can_become(Submitted, Actor::Resident));
        assert!(Accepted.can_become(Approved, Actor::Staff));
        assert!(Approved.can_become(Completed, Actor::Staff));
        assert!(Approved.can_become(Completed, Actor::System));
    }

    #[test]
    fn residents_cannot_decide_and_staff_cannot_submit_or_withdraw() {
        assert!(!Submitted.can_become(Accepted, Actor::Resident));
        assert!(!Accepted.can_become(Approved, Actor::Resident));
        assert!(!Draft.can_become(Submitted, Actor::Staff));
        assert!(!Submitted.can_become(Withdrawn, Actor::Staff));
    }

    #[test]
    fn nothing_leaves_a_final_state() {
        for from in ApplicationStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for to in ApplicationStatus::ALL {
                for actor in [Actor::Resident, Actor::Staff, Actor::System] {
                    assert!(
                        !from.can_become(to, actor),
                        "{from:?} -> {to:?} by {actor:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn withdrawal_only_before_a_decision() {
        assert!(Accepted.can_become(Withdrawn, Actor::Resident));
        assert!(!Approved.can_become(Withdrawn, Actor::Resident));
        assert!(!Rejected.can_become(Withdrawn, Actor::Resident));
    }

    #[test]
    fn the_clock_pauses_for_a_supplement() {
        assert!(Accepted.clock_runs());
        assert!(!SupplementRequested.clock_runs());
        assert!(!Submitted.clock_runs());
    }
}
