//! The resident's rating form and re-rating of the department's answer, as plain HTML form
//! posts (they work without JavaScript). Problems go back to the application page.
use domain::ids::ApplicationNumber;

use super::back_with_problems;
use crate::auth::FormResident;
use crate::state::AppState;
use crate::usecases::ratings::{self, FeedbackDraft};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use domain::error::{AppError, ErrorCode};
use domain::rating::{Indicator, IndicatorScores, RatingDraft, Score};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The rating form as posted: `task_id`, `score`, `indicator_<name>` (1–5 or empty), `tags`
/// (repeated) and `comment`. The page's form is flat where the JSON API's `RatingDraft`
/// nests the indicators; [`RatingForm::draft`] turns one into the other and the same
/// validation judges both.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    task_id: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    indicator_efficiency: String,
    #[serde(default)]
    indicator_guide_accuracy: String,
    #[serde(default)]
    indicator_convenience: String,
    #[serde(default)]
    indicator_ease_of_use: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    comment: Option<String>,
}

impl RatingForm {
    fn indicator(&self, indicator: Indicator) -> &str {
        match indicator {
            Indicator::Efficiency => &self.indicator_efficiency,
            Indicator::GuideAccuracy => &self.indicator_guide_accuracy,
            Indicator::Convenience => &self.indicator_convenience,
            Indicator::EaseOfUse => &self.indicator_ease_of_use,
        }
    }

    pub fn draft(&self) -> RatingDraft {
        let mut indicators = IndicatorScores::default();
        for indicator in Indicator::ALL {
            let score = self.indicator(indicator).trim().parse::<u8>().ok();
            indicators.set(indicator, score.and_then(Score::new));
        }
        let score = self.score.trim();
        RatingDraft {
            task_id: self.task_id.trim().parse().ok(),
            // A score that is not a number is "not an option" (0 is out of range).
            score: (!score.is_empty()).then(|| score.parse::<u8>().unwrap_or(0)),
            indicators,
            tags: self.tags.clone(),
            comment: self.comment.clone(),
        }
    }

    /// What was typed, to give back with the problems; ticked tags as one comma-separated
    /// value.
    fn typed(&self) -> BTreeMap<String, String> {
        let mut values = BTreeMap::from([
            ("task_id".to_owned(), self.task_id.clone()),
            ("score".to_owned(), self.score.clone()),
            ("tags".to_owned(), self.tags.join(",")),
            (
                "comment".to_owned(),
                self.comment.clone().unwrap_or_default(),
            ),
        ]);
        for indicator in Indicator::ALL {
            values.insert(
                format!("indicator_{}", indicator.as_str()),
                self.indicator(indicator).to_owned(),
            );
        }
        values
    }
}

fn page(number: &ApplicationNumber) -> String {
    format!("/me/applications/{number}")
}

async fn done(
    state: &AppState,
    parts: &Parts,
    number: &ApplicationNumber,
    form: &str,
    typed: BTreeMap<String, String>,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("{}?rated=1#rating", page(number))).into_response(),
        Err(error) if error.code == ErrorCode::NotFound => {
            Redirect::to("/me/applications").into_response()
        }
        Err(error) => back_with_problems(state, parts, &page(number), form, typed, error).await,
    }
}

pub async fn rate(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<ApplicationNumber>,
    parts: Parts,
    Form(form): Form<RatingForm>,
) -> Response {
    let result = ratings::rate(&state, resident.resident_id, &number, form.draft())
        .await
        .map(|_| ());
    done(&state, &parts, &number, "rating", form.typed(), result).await
}

pub async fn feedback(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<ApplicationNumber>,
    parts: Parts,
    Form(draft): Form<FeedbackDraft>,
) -> Response {
    let result = ratings::give_feedback(&state, resident.resident_id, &number, &draft).await;
    let typed = BTreeMap::from([
        (
            "feedback".to_owned(),
            draft.feedback.clone().unwrap_or_default(),
        ),
        (
            "comment".to_owned(),
            draft.comment.clone().unwrap_or_default(),
        ),
    ]);
    done(
        &state,
        &parts,
        &number,
        "rectification_feedback",
        typed,
        result,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> RatingForm {
        serde_html_form::from_str(body).expect("the rating form parses")
    }

    #[test]
    fn the_flat_form_becomes_the_same_draft_as_the_json() {
        let draft = form(
            "task_id=7&score=2&indicator_efficiency=1&indicator_convenience=&tags=slow&tags=repeat_visits&comment=%E6%85%A2",
        )
        .draft();
        let json: RatingDraft = serde_json::from_str(
            r#"{"task_id":7,"score":2,"indicators":{"efficiency":1},"tags":["slow","repeat_visits"],"comment":"慢"}"#,
        )
        .expect("json");
        assert_eq!(draft, json);
    }

    #[test]
    fn a_score_that_is_not_a_number_is_out_of_range_and_a_blank_one_is_missing() {
        assert_eq!(form("score=abc").draft().score, Some(0));
        assert_eq!(form("score=").draft().score, None);
        assert_eq!(form("").draft().score, None);
    }

    #[test]
    fn ticked_tags_come_back_as_one_value() {
        let typed = form("score=1&tags=slow&tags=hard_to_use").typed();
        assert_eq!(typed["tags"], "slow,hard_to_use");
        assert_eq!(typed["score"], "1");
    }
}
