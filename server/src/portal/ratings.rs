//! The resident's rating form and re-rating of the department's answer, as plain HTML form
//! posts (they work without JavaScript). Problems go back to the application page.

use super::back_with_problems;
use crate::auth::FormResident;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::rating::{Indicator, IndicatorScores, RatingDraft, Score};
use std::collections::BTreeMap;
use store::{calendar, ratings};

fn pairs(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The rating form's fields: `task_id`, `score`, `indicator_<name>` (1–5 or empty), `tags`
/// (repeated) and `comment`.
pub fn draft_from(pairs: &[(String, String)]) -> RatingDraft {
    let number = |key: &str| first(pairs, key).and_then(|v| v.trim().parse::<u8>().ok());
    let mut indicators = IndicatorScores::default();
    for indicator in Indicator::ALL {
        let key = format!("indicator_{}", indicator.as_str());
        indicators.set(indicator, number(&key).and_then(Score::new));
    }
    RatingDraft {
        task_id: first(pairs, "task_id").and_then(|v| v.trim().parse().ok()),
        // A score that is not a number is "not an option" (0 is out of range).
        score: first(pairs, "score")
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().parse::<u8>().unwrap_or(0)),
        indicators,
        tags: pairs
            .iter()
            .filter(|(k, _)| k == "tags")
            .map(|(_, v)| v.clone())
            .collect(),
        comment: first(pairs, "comment").map(str::to_owned),
    }
}

fn page(number: &str) -> String {
    format!("/me/applications/{number}")
}

async fn done(
    state: &AppState,
    parts: &Parts,
    number: &str,
    form: &str,
    pairs: &[(String, String)],
    result: Result<Vec<domain::notification::Push>, AppError>,
) -> Response {
    match result {
        Ok(pushes) => {
            state.push.publish(pushes).await;
            Redirect::to(&format!("{}?rated=1#rating", page(number))).into_response()
        }
        Err(error) if error.code == ErrorCode::NotFound => {
            Redirect::to("/me/applications").into_response()
        }
        Err(error) => {
            let mut values: BTreeMap<String, String> =
                pairs.iter().filter(|(k, _)| k != "tags").cloned().collect();
            // Ticked tags come back as one comma-separated value.
            let tags: Vec<&str> = pairs
                .iter()
                .filter(|(k, _)| k == "tags")
                .map(|(_, v)| v.as_str())
                .collect();
            values.insert("tags".to_owned(), tags.join(","));
            back_with_problems(state, parts, &page(number), form, values, error).await
        }
    }
}

pub async fn rate(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<String>,
    parts: Parts,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = match calendar::load(&state.db).await {
        Ok(cal) => ratings::rate(
            &state.db,
            &cal,
            &state.settings.satisfaction,
            resident.resident_id,
            &number,
            draft_from(&pairs),
            Utc::now(),
        )
        .await
        .map(|rated| rated.pushes),
        Err(error) => Err(error),
    };
    done(&state, &parts, &number, "rating", &pairs, result).await
}

pub async fn feedback(
    State(state): State<AppState>,
    resident: FormResident,
    Path(number): Path<String>,
    parts: Parts,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let result = ratings::give_feedback(
        &state.db,
        resident.resident_id,
        &number,
        first(&pairs, "feedback"),
        first(&pairs, "comment"),
        Utc::now(),
    )
    .await;
    done(
        &state,
        &parts,
        &number,
        "rectification_feedback",
        &pairs,
        result,
    )
    .await
}
