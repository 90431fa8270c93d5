//! The survey forms of the console (department heads, supervisors). The builder arrives as
//! flat form fields with numbered question rows (`q_text.0`, `q_kind.0`, `q_required.0`,
//! `q_options.0` with one option per line, `q_key.0`; rows with nothing written are left
//! out) and becomes the same draft the JSON API takes. Scheduling takes `when` (`now` or
//! `at`), `at` and `closes_at` as `datetime-local` values in China time.

use super::{back, pairs, typed, value};
use crate::auth::FormStaff;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::error::AppError;
use domain::survey::{Audience, Question, QuestionKind, Schedule, SurveyDraft};
use domain::validation::{FieldError, Problem};
use std::collections::BTreeMap;
use store::surveys;

/// How many numbered rows a form may send (existing ones and blanks).
const MAX_ROWS: usize = 100;

fn checked(pairs: &[(String, String)], key: &str) -> bool {
    matches!(value(pairs, key).as_str(), "on" | "true" | "1")
}

fn date(pairs: &[(String, String)], key: &str, field: &str) -> Result<Option<NaiveDate>, AppError> {
    let text = value(pairs, key);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(vec![FieldError::new(field, Problem::InvalidDate)]))
}

/// A `datetime-local` value (China time) as an instant; blank is none.
fn china_time(pairs: &[(String, String)], key: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let text = value(pairs, key);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map(|local| Some(local.and_utc() - chrono::Duration::hours(8)))
        .map_err(|_| AppError::invalid(vec![FieldError::new(key, Problem::InvalidDate)]))
}

/// The draft a builder form describes.
pub fn survey_draft(pairs: &[(String, String)]) -> Result<SurveyDraft, AppError> {
    let mut questions = Vec::new();
    for row in 0..MAX_ROWS {
        let text = value(pairs, &format!("q_text.{row}"));
        let key = value(pairs, &format!("q_key.{row}"));
        let options = value(pairs, &format!("q_options.{row}"));
        if text.trim().is_empty() && key.trim().is_empty() && options.trim().is_empty() {
            continue;
        }
        questions.push(Question {
            key,
            kind: QuestionKind::parse(&value(pairs, &format!("q_kind.{row}")))
                .unwrap_or(QuestionKind::FivePoint),
            text,
            options: options.lines().map(str::to_owned).collect(),
            required: checked(pairs, &format!("q_required.{row}")),
        });
    }
    let audience = match value(pairs, "audience").as_str() {
        "everyone" => Some(Audience::Everyone),
        "service_users" => Some(Audience::ServiceUsers {
            service: value(pairs, "service"),
            from: date(pairs, "period_from", "audience.from")?,
            to: date(pairs, "period_to", "audience.to")?,
        }),
        _ => None,
    };
    Ok(SurveyDraft {
        title: value(pairs, "title"),
        description: Some(value(pairs, "description")),
        questions,
        audience,
    })
}

/// The schedule a scheduling form describes: now, or at the time given (required then).
pub fn schedule_of(pairs: &[(String, String)]) -> Result<Schedule, AppError> {
    let at = if value(pairs, "when") == "at" {
        match china_time(pairs, "at")? {
            Some(at) => Some(at),
            None => {
                return Err(AppError::invalid(vec![FieldError::new(
                    "at",
                    Problem::Required,
                )]));
            }
        }
    } else {
        None
    };
    Ok(Schedule {
        at,
        closes_at: china_time(pairs, "closes_at")?,
    })
}

/// To the survey's page when saved; back to the builder with what was typed otherwise.
async fn saved_or_back(
    state: &AppState,
    staff: &FormStaff,
    form_page: &str,
    saved: Result<i64, AppError>,
    pairs: &[(String, String)],
) -> Response {
    match saved {
        Ok(id) => {
            let to = format!("/admin/surveys/{id}");
            back(
                state,
                &staff.session_id,
                &to,
                "survey",
                BTreeMap::new(),
                None,
            )
            .await
        }
        Err(err) => {
            back(
                state,
                &staff.session_id,
                form_page,
                "survey",
                typed(pairs),
                Some(err),
            )
            .await
        }
    }
}

pub async fn create(State(state): State<AppState>, staff: FormStaff, body: Bytes) -> Response {
    let pairs = pairs(&body);
    let saved = match survey_draft(&pairs) {
        Ok(draft) => surveys::create(&state.db, &staff.actor, &draft, Utc::now())
            .await
            .map(|record| record.id),
        Err(err) => Err(err),
    };
    saved_or_back(&state, &staff, "/admin/surveys/new", saved, &pairs).await
}

pub async fn update(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let saved = match survey_draft(&pairs) {
        Ok(draft) => surveys::update(&state.db, &staff.actor, id, &draft, Utc::now())
            .await
            .map(|record| record.id),
        Err(err) => Err(err),
    };
    let page = format!("/admin/surveys/{id}/edit");
    saved_or_back(&state, &staff, &page, saved, &pairs).await
}

pub async fn schedule(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = match schedule_of(&pairs) {
        Ok(schedule) => surveys::schedule(&state.db, &staff.actor, id, &schedule, Utc::now())
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    };
    let to = format!("/admin/surveys/{id}");
    back(
        &state,
        &staff.session_id,
        &to,
        "survey",
        BTreeMap::new(),
        result.err(),
    )
    .await
}

pub async fn close(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
) -> Response {
    let result = surveys::close(&state.db, &staff.actor, id, Utc::now())
        .await
        .map(|_| ());
    let to = format!("/admin/surveys/{id}");
    back(
        &state,
        &staff.session_id,
        &to,
        "survey",
        BTreeMap::new(),
        result.err(),
    )
    .await
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
    fn numbered_rows_become_questions_and_blank_rows_are_dropped() {
        let draft = survey_draft(&pairs(&[
            ("title", "办理满意度"),
            ("audience", "service_users"),
            ("service", "MZ-0101"),
            ("period_from", "2026-11-01"),
            ("period_to", "2026-11-30"),
            ("q_text.0", "总体满意度"),
            ("q_kind.0", "five_point"),
            ("q_required.0", "on"),
            ("q_text.1", ""),
            ("q_kind.1", "five_point"),
            ("q_required.1", "on"),
            ("q_text.2", "从哪里办"),
            ("q_kind.2", "single_choice"),
            ("q_options.2", "窗口\r\n网上\n"),
        ]))
        .unwrap();
        assert_eq!(draft.questions.len(), 2);
        assert!(draft.questions[0].required);
        assert_eq!(draft.questions[1].kind, QuestionKind::SingleChoice);
        let valid = domain::survey::validate_survey(&draft).unwrap();
        assert_eq!(valid.questions[1].options, ["窗口", "网上"]);
        assert_eq!(valid.questions[1].key, "q2");
        assert!(matches!(
            valid.audience,
            Some(Audience::ServiceUsers {
                from: Some(_),
                to: Some(_),
                ..
            })
        ));
        let bad = survey_draft(&pairs(&[
            ("audience", "service_users"),
            ("period_from", "11/01"),
        ]));
        assert_eq!(bad.unwrap_err().errors[0].field, "audience.from");
    }

    #[test]
    fn a_schedule_reads_china_time() {
        let now = schedule_of(&pairs(&[("when", "now"), ("at", "2026-12-01T09:00")])).unwrap();
        assert_eq!(now.at, None);
        let later = schedule_of(&pairs(&[
            ("when", "at"),
            ("at", "2026-12-01T09:00"),
            ("closes_at", "2026-12-08T18:00"),
        ]))
        .unwrap();
        assert_eq!(
            later.at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-01T01:00:00+00:00")
        );
        assert_eq!(
            later.closes_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-08T10:00:00+00:00")
        );
        let missing = schedule_of(&pairs(&[("when", "at")])).unwrap_err();
        assert_eq!(missing.errors[0].field, "at");
    }
}
