//! The console's form for working a bad review: the department answers or appeals, a
//! supervisor decides. One post address; `intent` says which.

use super::{back, pairs, value};
use crate::auth::FormStaff;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use domain::error::{AppError, ErrorCode};
use domain::rectification::{Classification, Decision};
use std::collections::BTreeMap;
use store::rectifications::{self, Response as Answer};
use store::{StaffActor, calendar};

/// What a console form (or the API) asks of a rectification.
pub enum Command {
    Respond(Answer),
    Decide { decision: Decision, note: String },
}

impl Command {
    /// `intent` = answer (with `classification`, `answer`, `fix_due_on`), appeal (`reason`),
    /// or uphold / reject / resolve / return (`note`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Command, AppError> {
        let intent = value(pairs, "intent");
        match intent.as_str() {
            "answer" => {
                let classification = Classification::parse(&value(pairs, "classification"))
                    .ok_or_else(|| {
                        AppError::invalid(vec![domain::validation::FieldError::new(
                            "classification",
                            domain::validation::Problem::Required,
                        )])
                    })?;
                let fix_due_on = value(pairs, "fix_due_on");
                let fix_due_on = match fix_due_on.trim() {
                    "" => None,
                    day => Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
                        AppError::invalid(vec![domain::validation::FieldError::new(
                            "fix_due_on",
                            domain::validation::Problem::InvalidDate,
                        )])
                    })?),
                };
                Ok(Command::Respond(Answer::Answer {
                    classification,
                    text: value(pairs, "answer"),
                    fix_due_on,
                }))
            }
            "appeal" => Ok(Command::Respond(Answer::Appeal {
                reason: value(pairs, "reason"),
            })),
            other => match Decision::parse(other) {
                Some(decision) => Ok(Command::Decide {
                    decision,
                    note: value(pairs, "note"),
                }),
                None => Err(AppError::with_field(ErrorCode::InvalidParameter, "intent")),
            },
        }
    }

    /// Does it, then pushes what changed to the resident's open pages.
    pub async fn run(self, state: &AppState, actor: &StaffActor, id: i64) -> Result<(), AppError> {
        let calendar = calendar::load(&state.db).await?;
        let policy = &state.settings.satisfaction;
        let now = Utc::now();
        let pushes = match self {
            Command::Respond(response) => {
                rectifications::respond(&state.db, &calendar, policy, actor, id, response, now)
                    .await?
            }
            Command::Decide { decision, note } => {
                rectifications::decide(
                    &state.db, &calendar, policy, actor, id, decision, &note, now,
                )
                .await?
            }
        };
        state.push.publish(pushes).await;
        Ok(())
    }
}

pub async fn act(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let to = format!("/admin/rectifications/{id}");
    let result = match Command::from_pairs(&pairs) {
        Ok(command) => command.run(&state, &staff.actor, id).await,
        Err(err) => Err(err),
    };
    let mut values = BTreeMap::from([("intent".to_owned(), value(&pairs, "intent"))]);
    if result.is_err() {
        // What was typed comes back into the form.
        for key in ["classification", "answer", "fix_due_on", "reason", "note"] {
            let typed = value(&pairs, key);
            if !typed.is_empty() {
                values.insert(key.to_owned(), typed);
            }
        }
    }
    back(
        &state,
        &staff.session_id,
        &to,
        "rectification",
        values,
        result.err(),
    )
    .await
}
