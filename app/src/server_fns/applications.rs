//! The resident's applications for the pages.

use crate::domain::application::{ApplicationDetail, ApplicationForm, ApplicationSummary};
use crate::domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "me/applications", input = GetUrl)]
pub async fn my_applications() -> Result<Vec<ApplicationSummary>, AppError> {
    crate::store::applications::list_mine(&super::db()?, super::resident_id()?).await
}

#[server(prefix = "/rpc", endpoint = "me/application", input = GetUrl)]
pub async fn get_application(number: String) -> Result<ApplicationDetail, AppError> {
    crate::store::applications::detail(&super::db()?, super::resident_id()?, &number).await
}

/// The form to apply for a service: a resumed draft or a new, prefilled one.
#[server(prefix = "/rpc", endpoint = "me/apply", input = GetUrl)]
pub async fn apply_form(code: String) -> Result<ApplicationForm, AppError> {
    crate::store::applications::open_form(&super::db()?, super::resident_id()?, &code).await
}

/// The form of a draft or of a supplement request; `check` lists its problems.
#[server(prefix = "/rpc", endpoint = "me/application-form", input = GetUrl)]
pub async fn edit_form(number: String, check: bool) -> Result<ApplicationForm, AppError> {
    crate::store::applications::edit_form(&super::db()?, super::resident_id()?, &number, check)
        .await
}
