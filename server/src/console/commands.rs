//! Turning what a console form or an API call sends into a case action, and carrying it out
//! (the pushes it produces go to the residents' open pages on every instance).

use crate::state::AppState;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use serde::Deserialize;
use store::applications::Outcome;
use store::workflow::{self, StaffAction};
use store::{StaffActor, calendar};

/// A case action as the JSON API takes it: `{"action": "reject", "reason": "…",
/// "version": 3}`. `version` is the task version the caller saw.
#[derive(Clone, Debug, Deserialize)]
pub struct CaseCommand {
    #[serde(flatten)]
    pub action: ActionBody,
    #[serde(default)]
    pub task_id: Option<i64>,
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionBody {
    Accept,
    RequestSupplement {
        #[serde(default)]
        materials: Vec<usize>,
        #[serde(default)]
        note: String,
    },
    Approve {
        #[serde(default)]
        comment: Option<String>,
    },
    Reject {
        #[serde(default)]
        reason: String,
    },
    Complete,
    Assign {
        to: i64,
    },
    Comment {
        #[serde(default)]
        text: String,
        #[serde(default)]
        internal: bool,
    },
}

impl From<ActionBody> for StaffAction {
    fn from(body: ActionBody) -> Self {
        match body {
            ActionBody::Accept => StaffAction::Accept,
            ActionBody::RequestSupplement { materials, note } => {
                StaffAction::RequestSupplement { materials, note }
            }
            ActionBody::Approve { comment } => StaffAction::Approve { comment },
            ActionBody::Reject { reason } => StaffAction::Reject { reason },
            ActionBody::Complete => StaffAction::Complete,
            ActionBody::Assign { to } => StaffAction::Assign { to },
            ActionBody::Comment { text, internal } => StaffAction::Comment { text, internal },
        }
    }
}

/// The same from an HTML form (`application/x-www-form-urlencoded`), where the missing
/// materials arrive as repeated `materials` fields and the internal flag as a checkbox.
pub fn from_form(pairs: &[(String, String)]) -> Result<CaseCommand, AppError> {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let invalid = |field: &str| AppError::with_field(ErrorCode::InvalidParameter, field);
    let number = |field: &str| -> Result<Option<i64>, AppError> {
        let value = get(field);
        if value.trim().is_empty() {
            return Ok(None);
        }
        value.trim().parse().map(Some).map_err(|_| invalid(field))
    };
    let action = match get("action").as_str() {
        "accept" => ActionBody::Accept,
        "request_supplement" => ActionBody::RequestSupplement {
            materials: pairs
                .iter()
                .filter(|(k, _)| k == "materials")
                .map(|(_, v)| v.parse().map_err(|_| invalid("materials")))
                .collect::<Result<_, _>>()?,
            note: get("note"),
        },
        "approve" => ActionBody::Approve {
            comment: Some(get("comment")).filter(|c| !c.trim().is_empty()),
        },
        "reject" => ActionBody::Reject {
            reason: get("reason"),
        },
        "complete" => ActionBody::Complete,
        "assign" => ActionBody::Assign {
            to: number("to")?.ok_or_else(|| invalid("to"))?,
        },
        "comment" => ActionBody::Comment {
            text: get("text"),
            internal: matches!(get("internal").as_str(), "on" | "true" | "1"),
        },
        _ => return Err(invalid("action")),
    };
    Ok(CaseCommand {
        action,
        task_id: number("task_id")?,
        version: number("version")?
            .map(|v| i32::try_from(v).map_err(|_| invalid("version")))
            .transpose()?,
    })
}

/// Carries out a case action and sends the residents' pushes.
pub async fn run(
    state: &AppState,
    actor: &StaffActor,
    number: &str,
    command: CaseCommand,
) -> Result<Outcome, AppError> {
    let calendar = calendar::load(&state.db).await?;
    let action = StaffAction::from(command.action);
    let kind = action.case_action();
    let outcome = workflow::act(
        &state.db,
        &calendar,
        actor,
        number,
        command.task_id,
        action,
        command.version,
        Utc::now(),
    )
    .await
    .inspect_err(|err| {
        tracing::info!(number, action = kind.as_str(), staff_id = actor.member.id, error = %err, "case action refused");
    })?;
    tracing::info!(
        number,
        action = kind.as_str(),
        staff_id = actor.member.id,
        "case action"
    );
    state.push.publish(outcome.pushes.clone()).await;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_supplement_form_becomes_a_command_with_every_material() {
        let command = from_form(&pairs(&[
            ("action", "request_supplement"),
            ("task_id", "7"),
            ("version", "3"),
            ("materials", "0"),
            ("materials", "2"),
            ("note", "请补充"),
        ]))
        .unwrap();
        assert_eq!(command.task_id, Some(7));
        assert_eq!(command.version, Some(3));
        assert!(matches!(
            command.action,
            ActionBody::RequestSupplement { ref materials, ref note } if materials == &vec![0, 2] && note == "请补充"
        ));
    }

    #[test]
    fn unknown_actions_and_bad_numbers_are_refused() {
        assert!(from_form(&pairs(&[("action", "delete")])).is_err());
        assert!(from_form(&pairs(&[("action", "accept"), ("version", "x")])).is_err());
        assert!(from_form(&pairs(&[("action", "assign")])).is_err());
    }
}
