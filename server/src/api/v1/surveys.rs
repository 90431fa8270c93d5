//! Surveys (满意度调查) over JSON. Staff under `/api/v1/staff/surveys`: list, create, read
//! with results, edit a draft, schedule, close (`ManageSurveys`: a department head their
//! department's surveys, a supervisor all; another department's survey is 404). Residents
//! under `/api/v1/me/surveys`: the open surveys they may answer, one survey, and their
//! response (once: a second one is 409 `conflict` on the field `survey`).

use crate::auth::{Resident, Staff};
use crate::http::error::ApiError;
use crate::http::locale::request_locale;
use crate::state::AppState;
use crate::usecases;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::survey::{
    Answers, ResidentSurvey, ResidentSurveyItem, Schedule, SurveyDraft, SurveyListItem,
    SurveyRecord, SurveyResults, already_answered_message,
};
use serde::Deserialize;
use store::surveys;

pub async fn list(
    State(state): State<AppState>,
    Staff(actor): Staff,
) -> Result<Json<Vec<SurveyListItem>>, ApiError> {
    Ok(Json(surveys::list(&state.db, &actor, Utc::now()).await?))
}

/// A new survey, as a draft: 201 with the stored survey; 422 with every field at fault.
pub async fn create(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Json(draft): Json<SurveyDraft>,
) -> Result<(StatusCode, Json<SurveyRecord>), ApiError> {
    let record = usecases::surveys::create(&state, &actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// The survey with its audience size, response count and figures per question.
pub async fn results(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<SurveyResults>, ApiError> {
    Ok(Json(
        surveys::results(&state.db, &actor, id, Utc::now()).await?,
    ))
}

/// Replace a draft's content (409 once scheduled).
pub async fn update(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(draft): Json<SurveyDraft>,
) -> Result<Json<SurveyRecord>, ApiError> {
    Ok(Json(
        usecases::surveys::update(&state, &actor, id, &draft).await?,
    ))
}

/// Open at `at` (now when left out or past), close by itself at `closes_at` if given. A
/// survey due now opens at once and its invitations go out.
pub async fn schedule(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
    Json(schedule): Json<Schedule>,
) -> Result<Json<SurveyRecord>, ApiError> {
    Ok(Json(
        usecases::surveys::schedule(&state, &actor, id, &schedule).await?,
    ))
}

pub async fn close(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(id): Path<i64>,
) -> Result<Json<SurveyRecord>, ApiError> {
    Ok(Json(usecases::surveys::close(&state, &actor, id).await?))
}

/// The open surveys the resident is invited to and has not answered.
pub async fn mine(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<Vec<ResidentSurveyItem>>, ApiError> {
    Ok(Json(
        surveys::open_for_resident(&state.db, id, Utc::now()).await?,
    ))
}

/// One open survey of the resident's (404 when they are not in its audience).
pub async fn one(
    State(state): State<AppState>,
    Resident(resident): Resident,
    Path(id): Path<i64>,
) -> Result<Json<ResidentSurvey>, ApiError> {
    Ok(Json(
        surveys::for_resident(&state.db, resident, id, Utc::now()).await?,
    ))
}

#[derive(Deserialize)]
pub struct ResponseBody {
    /// Question key → a point (1–5), an option index, a list of option indices or a text.
    pub answers: Answers,
}

/// The resident's response: 201 with the survey (now `answered`); 422 with a problem per
/// question; 409 `conflict` (field `survey`) when answered already, nothing changed.
pub async fn respond(
    State(state): State<AppState>,
    Resident(resident): Resident,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<ResponseBody>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    match usecases::surveys::respond(&state, resident, id, &body.answers).await {
        Ok(()) => {
            let survey = surveys::for_resident(&state.db, resident, id, now).await?;
            Ok((StatusCode::CREATED, Json(survey)).into_response())
        }
        Err(error) if surveys::is_already_answered(&error) => {
            // The general "conflict" words are about applications; say what happened.
            let locale = request_locale(&headers);
            let mut body = error.body(locale);
            body.message = already_answered_message(locale).to_owned();
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
