//! Working a bad review (差评整改): the department answers or appeals, a supervisor decides.

use crate::http::form;
use crate::state::AppState;
use chrono::{NaiveDate, Utc};
use domain::error::{AppError, ErrorCode};
use domain::rectification::{Classification, Decision};
use domain::validation::{FieldError, Problem};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::rectifications::{self, Response as Answer};
use store::{StaffActor, calendar};

/// What the console's form or the API asks of a rectification, as sent: `intent` says which,
/// and the fields are checked when the command runs, so that a form gets its problems back
/// field by field. JSON: `{"intent": "answer", "classification": "on_the_spot", "answer":
/// "…"}`, `{"intent": "appeal", "reason": "…"}`, `{"intent": "uphold" | "reject" | "resolve" |
/// "return", "note": "…"}`; the form posts the same names. (One flat type rather than an
/// internally tagged enum: serde_html_form hands every value over as a list, which serde's
/// tagged enums cannot read.)
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct RectificationCommand {
    /// answer, appeal (the department), or uphold, reject, resolve, return (a supervisor).
    #[serde(default)]
    pub intent: String,
    /// For answer: on_the_spot, by_deadline (with `fix_due_on`) or explained.
    #[serde(default)]
    pub classification: Option<String>,
    /// For answer: what the department did or will do.
    #[serde(default)]
    pub answer: Option<String>,
    /// For answer by_deadline: `YYYY-MM-DD`.
    #[serde(default)]
    pub fix_due_on: Option<String>,
    /// For appeal: why the review is mistaken.
    #[serde(default)]
    pub reason: Option<String>,
    /// For a supervisor's decision.
    #[serde(default)]
    pub note: Option<String>,
}

impl RectificationCommand {
    /// The fields as they were sent, to give back to a form with its problems.
    pub fn typed(&self) -> BTreeMap<String, String> {
        form::texts([
            ("classification", &self.classification),
            ("answer", &self.answer),
            ("fix_due_on", &self.fix_due_on),
            ("reason", &self.reason),
            ("note", &self.note),
        ])
    }
}

/// What the department does, checked; or a supervisor's decision.
enum Step {
    Respond(Answer),
    Decide { decision: Decision, note: String },
}

fn invalid(field: &str, problem: Problem) -> AppError {
    AppError::invalid(vec![FieldError::new(field, problem)])
}

fn step_of(command: RectificationCommand) -> Result<Step, AppError> {
    match command.intent.as_str() {
        "answer" => {
            let classification =
                Classification::parse(command.classification.as_deref().unwrap_or_default())
                    .ok_or_else(|| invalid("classification", Problem::Required))?;
            let fix_due_on = match command.fix_due_on.as_deref().unwrap_or_default().trim() {
                "" => None,
                day => Some(
                    NaiveDate::parse_from_str(day, "%Y-%m-%d")
                        .map_err(|_| invalid("fix_due_on", Problem::InvalidDate))?,
                ),
            };
            Ok(Step::Respond(Answer::Answer {
                classification,
                text: command.answer.unwrap_or_default(),
                fix_due_on,
            }))
        }
        "appeal" => Ok(Step::Respond(Answer::Appeal {
            reason: command.reason.unwrap_or_default(),
        })),
        other => match Decision::parse(other) {
            Some(decision) => Ok(Step::Decide {
                decision,
                note: command.note.unwrap_or_default(),
            }),
            None => Err(AppError::with_field(ErrorCode::InvalidParameter, "intent")),
        },
    }
}

/// Does what the command asks of rectification `id`, then pushes what changed to the
/// resident's open pages.
pub async fn act(
    state: &AppState,
    actor: &StaffActor,
    id: i64,
    command: RectificationCommand,
) -> Result<(), AppError> {
    let step = step_of(command)?;
    let calendar = calendar::load(&state.db).await?;
    let policy = &state.settings.satisfaction;
    let now = Utc::now();
    let pushes = match step {
        Step::Respond(response) => {
            rectifications::respond(&state.db, &calendar, policy, actor, id, response, now).await?
        }
        Step::Decide { decision, note } => {
            rectifications::decide(
                &state.db, &calendar, policy, actor, id, decision, &note, now,
            )
            .await?
        }
    };
    state.push.publish(pushes).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Result<RectificationCommand, serde_html_form::de::Error> {
        serde_html_form::from_str(body)
    }

    #[test]
    fn a_form_and_json_give_the_same_command() {
        let from_form =
            form("intent=answer&classification=by_deadline&answer=ok&fix_due_on=2026-12-31");
        let from_json: RectificationCommand = serde_json::from_str(
            r#"{"intent":"answer","classification":"by_deadline","answer":"ok","fix_due_on":"2026-12-31"}"#,
        )
        .expect("json");
        assert_eq!(from_form.expect("form"), from_json);
    }

    #[test]
    fn a_missing_classification_is_a_field_problem_not_a_parse_failure() {
        let command = form("intent=answer&answer=ok").expect("parses");
        let Err(error) = step_of(command) else {
            panic!("an answer without a classification must not pass");
        };
        assert_eq!(error.errors[0].field, "classification");
    }

    #[test]
    fn a_bad_date_is_named() {
        let command =
            form("intent=answer&classification=by_deadline&fix_due_on=31.12.2026").expect("parses");
        let Err(error) = step_of(command) else {
            panic!("a bad date must not pass");
        };
        assert_eq!(error.errors[0].field, "fix_due_on");
    }

    #[test]
    fn an_unknown_or_missing_intent_is_named() {
        for body in ["intent=delete", "note=x"] {
            let Err(error) = step_of(form(body).expect("parses")) else {
                panic!("{body} must not pass");
            };
            assert_eq!(error.code, ErrorCode::InvalidParameter);
            assert_eq!(error.field.as_deref(), Some("intent"));
        }
    }

    #[test]
    fn what_was_typed_comes_back_without_empty_fields() {
        let command = form("intent=appeal&reason=not+ours&note=").expect("parses");
        assert_eq!(command.intent, "appeal");
        assert_eq!(
            command.typed(),
            BTreeMap::from([("reason".to_owned(), "not ours".to_owned())])
        );
    }
}
