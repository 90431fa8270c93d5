//! Surveys (满意度调查) for the pages: the console's list, builder and results (the store
//! checks `ManageSurveys` and the department), and the resident's open surveys.

use domain::error::AppError;
use domain::survey::{
    ResidentSurvey, ResidentSurveyItem, SurveyEditor, SurveyListItem, SurveyResults,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "staff/surveys", input = GetUrl)]
pub async fn get_surveys() -> Result<Vec<SurveyListItem>, AppError> {
    store::surveys::list(&super::db()?, &super::staff()?, chrono::Utc::now()).await
}

/// The builder; `id` None for a new survey.
#[server(prefix = "/rpc", endpoint = "staff/survey-editor", input = GetUrl)]
pub async fn get_survey_editor(id: Option<i64>) -> Result<SurveyEditor, AppError> {
    store::surveys::editor(&super::db()?, &super::staff()?, id, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "staff/survey-results", input = GetUrl)]
pub async fn get_survey_results(id: i64) -> Result<SurveyResults, AppError> {
    store::surveys::results(&super::db()?, &super::staff()?, id, chrono::Utc::now()).await
}

/// The open surveys the signed-in resident may answer.
#[server(prefix = "/rpc", endpoint = "me/surveys", input = GetUrl)]
pub async fn my_surveys() -> Result<Vec<ResidentSurveyItem>, AppError> {
    store::surveys::open_for_resident(&super::db()?, super::resident_id()?, chrono::Utc::now())
        .await
}

/// One open survey for the signed-in resident (404 when not theirs to answer).
#[server(prefix = "/rpc", endpoint = "me/survey", input = GetUrl)]
pub async fn my_survey(id: i64) -> Result<ResidentSurvey, AppError> {
    store::surveys::for_resident(&super::db()?, super::resident_id()?, id, chrono::Utc::now()).await
}
