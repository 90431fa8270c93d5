//! Answering a survey with a plain form (`/forms/surveys/{id}`): radio buttons, check boxes
//! and text areas named by question key. Thanks on success; problems back to the form with
//! what was chosen; a second response says it was answered already and changes nothing.

use super::back_with_problems;
use crate::auth::FormResident;
use crate::http::form::Fields;
use crate::state::AppState;
use crate::usecases;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use chrono::Utc;
use domain::error::ErrorCode;
use domain::survey::answers_from_form;
use store::surveys;

pub async fn answer(
    State(state): State<AppState>,
    resident: FormResident,
    Path(id): Path<i64>,
    parts: Parts,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    // A body that is not a form reads as no answers, which the survey refuses question by
    // question.
    let fields = form.map(|Form(fields)| fields).unwrap_or_default();
    let page = format!("/me/surveys/{id}");
    let now = Utc::now();
    let outcome = match surveys::for_resident(&state.db, resident.resident_id, id, now).await {
        Ok(survey) if survey.answered => Err(surveys::already_answered()),
        Ok(survey) => {
            let answers = answers_from_form(&survey.questions, fields.pairs());
            usecases::surveys::respond(&state, resident.resident_id, id, &answers).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("{page}?done=1")).into_response(),
        Err(error) if surveys::is_already_answered(&error) => {
            Redirect::to(&format!("{page}?answered=1")).into_response()
        }
        Err(error) if error.code == ErrorCode::NotFound => {
            Redirect::to("/me/surveys").into_response()
        }
        Err(error) => {
            // What was chosen comes back into the form (check boxes one per line).
            back_with_problems(&state, &parts, &page, "survey", fields.kept(), error).await
        }
    }
}
