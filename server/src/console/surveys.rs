//! The survey forms of the console (department heads, supervisors). The builder arrives as
//! flat form fields with numbered question rows (`q_text.0`, `q_kind.0`, `q_required.0`,
//! `q_options.0` with one option per line, `q_key.0`; rows with nothing written are left
//! out) and becomes the same draft the JSON API takes. Scheduling takes `when` (`now` or
//! `at`), `at` and `closes_at` as `datetime-local` values in China time.

use super::{back, fields_of};
use crate::auth::FormStaff;
use crate::http::form::Fields;
use crate::state::AppState;
use crate::usecases;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::error::AppError;
use domain::survey::{Audience, Question, QuestionKind, Schedule, SurveyDraft};
use domain::validation::{FieldError, Problem};
use std::collections::BTreeMap;

/// How many numbered rows a form may send (existing ones and blanks).
const MAX_ROWS: usize = 100;

fn date(fields: &Fields, key: &str, field: &str) -> Result<Option<NaiveDate>, AppError> {
    let text = fields.value(key);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(vec![FieldError::new(field, Problem::InvalidDate)]))
}

/// A `datetime-local` value (China time) as an instant; blank is none.
fn china_time(fields: &Fields, key: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let text = fields.value(key);
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
pub fn survey_draft(fields: &Fields) -> Result<SurveyDraft, AppError> {
    let mut questions = Vec::new();
    for row in 0..MAX_ROWS {
        let text = fields.value(&format!("q_text.{row}"));
        let key = fields.value(&format!("q_key.{row}"));
        let options = fields.value(&format!("q_options.{row}"));
        if text.trim().is_empty() && key.trim().is_empty() && options.trim().is_empty() {
            continue;
        }
        questions.push(Question {
            key,
            kind: QuestionKind::parse(&fields.value(&format!("q_kind.{row}")))
                .unwrap_or(QuestionKind::FivePoint),
            text,
            options: options.lines().map(str::to_owned).collect(),
            required: fields.checked(&format!("q_required.{row}")),
        });
    }
    let audience = match fields.value("audience").as_str() {
        "everyone" => Some(Audience::Everyone),
        "service_users" => Some(Audience::ServiceUsers {
            service: fields.value("service"),
            from: date(fields, "period_from", "audience.from")?,
            to: date(fields, "period_to", "audience.to")?,
        }),
        "segment" => Some(Audience::Segment {
            segment: fields.value("segment").trim().parse().unwrap_or(0),
        }),
        _ => None,
    };
    Ok(SurveyDraft {
        title: fields.value("title"),
        description: Some(fields.value("description")),
        questions,
        audience,
    })
}

/// The schedule a scheduling form describes: now, or at the time given (required then).
pub fn schedule_of(fields: &Fields) -> Result<Schedule, AppError> {
    let at = if fields.value("when") == "at" {
        match china_time(fields, "at")? {
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
        closes_at: china_time(fields, "closes_at")?,
    })
}

/// To the survey's page when saved; back to the builder with what was typed otherwise.
async fn saved_or_back(
    state: &AppState,
    staff: &FormStaff,
    form_page: &str,
    saved: Result<i64, AppError>,
    fields: &Fields,
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
                fields.kept(),
                Some(err),
            )
            .await
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let saved = match survey_draft(&fields) {
        Ok(draft) => usecases::surveys::create(&state, &staff.actor, &draft)
            .await
            .map(|record| record.id),
        Err(err) => Err(err),
    };
    saved_or_back(&state, &staff, "/admin/surveys/new", saved, &fields).await
}

pub async fn update(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let saved = match survey_draft(&fields) {
        Ok(draft) => usecases::surveys::update(&state, &staff.actor, id, &draft)
            .await
            .map(|record| record.id),
        Err(err) => Err(err),
    };
    let page = format!("/admin/surveys/{id}/edit");
    saved_or_back(&state, &staff, &page, saved, &fields).await
}

pub async fn schedule(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(id): Path<i64>,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let result = match schedule_of(&fields) {
        Ok(schedule) => usecases::surveys::schedule(&state, &staff.actor, id, &schedule)
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
    let result = usecases::surveys::close(&state, &staff.actor, id)
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

    fn fields(list: &[(&'static str, &'static str)]) -> Fields {
        list.iter().copied().collect()
    }

    #[test]
    fn numbered_rows_become_questions_and_blank_rows_are_dropped() {
        let draft = survey_draft(&fields(&[
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
        let bad = survey_draft(&fields(&[
            ("audience", "service_users"),
            ("period_from", "11/01"),
        ]));
        assert_eq!(bad.unwrap_err().errors[0].field, "audience.from");
    }

    #[test]
    fn a_schedule_reads_china_time() {
        let now = schedule_of(&fields(&[("when", "now"), ("at", "2026-12-01T09:00")])).unwrap();
        assert_eq!(now.at, None);
        let later = schedule_of(&fields(&[
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
        let missing = schedule_of(&fields(&[("when", "at")])).unwrap_err();
        assert_eq!(missing.errors[0].field, "at");
    }
}
