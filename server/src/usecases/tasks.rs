//! Working a task (办件环节): what staff do to their department's part of an application —
//! accept, ask for a supplement, approve, reject, complete, hand over, note.
use domain::ids::{ApplicationNumber, StaffId, TaskId};

use crate::http::form;
use crate::state::AppState;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::applications::Outcome;
use store::workflow::{self, StaffAction};
use store::{StaffActor, calendar};

/// A staff action as the API and the case page's forms send it: `action` says which, the
/// other fields belong to it. JSON: `{"action": "reject", "reason": "…", "version": 3}`,
/// `{"action": "request_supplement", "materials": [0, 2], "note": "…"}`; the form posts the
/// same names, the missing materials as repeated `materials` fields. (One flat type rather
/// than an internally tagged enum: serde_html_form hands every value over as a list, which
/// serde's tagged enums cannot read.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct TaskActionRequest {
    /// accept, request_supplement, approve, reject, complete, assign or comment.
    #[serde(default)]
    pub action: String,
    /// The task of a bundle's application this action is for (the caller's own by default).
    #[serde(default)]
    pub task_id: Option<TaskId>,
    /// The task version the caller saw; a stale one is a conflict.
    #[serde(default)]
    pub version: Option<i32>,
    /// For request_supplement: indexes of the missing materials.
    #[serde(default)]
    pub materials: Vec<usize>,
    /// For request_supplement: what is needed.
    #[serde(default)]
    pub note: Option<String>,
    /// For approve.
    #[serde(default)]
    pub comment: Option<String>,
    /// For reject.
    #[serde(default)]
    pub reason: Option<String>,
    /// For assign: the colleague's staff id.
    #[serde(default)]
    pub to: Option<StaffId>,
    /// For comment.
    #[serde(default)]
    pub text: Option<String>,
    /// For comment: never shown to the resident.
    #[serde(default)]
    pub internal: bool,
}

impl TaskActionRequest {
    /// The action it asks for, checked.
    pub fn action(self) -> Result<StaffAction, AppError> {
        let invalid = |field: &str| AppError::with_field(ErrorCode::InvalidParameter, field);
        Ok(match self.action.as_str() {
            "accept" => StaffAction::Accept,
            "request_supplement" => StaffAction::RequestSupplement {
                materials: self.materials,
                note: self.note.unwrap_or_default(),
            },
            "approve" => StaffAction::Approve {
                comment: self.comment.filter(|c| !c.trim().is_empty()),
            },
            "reject" => StaffAction::Reject {
                reason: self.reason.unwrap_or_default(),
            },
            "complete" => StaffAction::Complete,
            "assign" => StaffAction::Assign {
                to: self.to.ok_or_else(|| invalid("to"))?,
            },
            "comment" => StaffAction::Comment {
                text: self.text.unwrap_or_default(),
                internal: self.internal,
            },
            _ => return Err(invalid("action")),
        })
    }

    /// The texts as they were typed, to give back to a form with its problems.
    pub fn typed(&self) -> BTreeMap<String, String> {
        form::texts([
            ("note", &self.note),
            ("reason", &self.reason),
            ("comment", &self.comment),
            ("text", &self.text),
        ])
    }
}

/// Carries out a staff action on application `number` and sends the residents' pushes.
pub async fn act(
    state: &AppState,
    actor: &StaffActor,
    number: &ApplicationNumber,
    request: TaskActionRequest,
) -> Result<Outcome, AppError> {
    let (task_id, version) = (request.task_id, request.version);
    let action = request.action()?;
    let kind = action.case_action();
    let calendar = calendar::load(&state.db).await?;
    let outcome = workflow::act(
        &state.db,
        &calendar,
        actor,
        number,
        task_id,
        action,
        version,
        Utc::now(),
    )
    .await
    .inspect_err(|err| {
        tracing::info!(%number, action = kind.as_str(), staff_id = %actor.member.id, error = %err, "staff action refused");
    })?;
    tracing::info!(
        %number,
        action = kind.as_str(),
        staff_id = %actor.member.id,
        "staff action"
    );
    state.push.publish(outcome.pushes.clone()).await;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> TaskActionRequest {
        serde_html_form::from_str(body).expect("a form body")
    }

    #[test]
    fn a_supplement_form_and_json_give_the_same_action_with_every_material() {
        let from_form = form(
            "action=request_supplement&task_id=7&version=3&materials=0&materials=2&note=请补充&to=",
        );
        let from_json: TaskActionRequest = serde_json::from_str(
            r#"{"action":"request_supplement","task_id":7,"version":3,"materials":[0,2],"note":"请补充"}"#,
        )
        .expect("json");
        assert_eq!(from_form, from_json);
        assert_eq!(
            (from_form.task_id, from_form.version),
            (Some(TaskId(7)), Some(3))
        );
        assert_eq!(
            from_form.action().expect("valid"),
            StaffAction::RequestSupplement {
                materials: vec![0, 2],
                note: "请补充".to_owned()
            }
        );
    }

    #[test]
    fn an_internal_note_is_a_checkbox_and_an_empty_comment_is_none() {
        assert_eq!(
            form("action=comment&text=called&internal=true")
                .action()
                .expect("valid"),
            StaffAction::Comment {
                text: "called".to_owned(),
                internal: true
            }
        );
        assert_eq!(
            form("action=approve&comment=+").action().expect("valid"),
            StaffAction::Approve { comment: None }
        );
    }

    #[test]
    fn unknown_actions_and_a_handover_without_a_colleague_are_named() {
        for (body, field) in [
            ("action=delete", "action"),
            ("", "action"),
            ("action=assign&to=", "to"),
        ] {
            let error = form(body).action().expect_err(body);
            assert_eq!(error.code, ErrorCode::InvalidParameter);
            assert_eq!(error.field.as_deref(), Some(field), "{body}");
        }
    }

    #[test]
    fn a_number_that_is_not_one_is_not_a_form_this_page_sends() {
        assert!(serde_html_form::from_str::<TaskActionRequest>("action=accept&version=x").is_err());
    }

    #[test]
    fn what_was_typed_comes_back_without_empty_fields() {
        let request = form("action=reject&reason=blurred+scan&note=");
        assert_eq!(
            request.typed(),
            BTreeMap::from([("reason".to_owned(), "blurred scan".to_owned())])
        );
    }
}
