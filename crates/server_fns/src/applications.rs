//! The resident's applications for the pages.
use domain::ids::{ApplicationNumber, ResidentId};

use domain::application::{ApplicationDetail, ApplicationForm, ApplicationSummary};
use domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/rpc", endpoint = "me/applications", input = GetUrl)]
pub async fn my_applications() -> Result<Vec<ApplicationSummary>, AppError> {
    store::applications::list_mine(&super::db()?, super::resident_id()?).await
}

#[server(prefix = "/rpc", endpoint = "me/application", input = GetUrl)]
pub async fn get_application(number: ApplicationNumber) -> Result<ApplicationDetail, AppError> {
    store::applications::detail(&super::db()?, super::resident_id()?, &number).await
}

/// The form to apply for a service (or, `bundle`, a life-event package), for the resident or
/// a consenting household member: a resumed draft or a new, prefilled one.
#[server(prefix = "/rpc", endpoint = "me/apply", input = GetUrl)]
pub async fn apply_form(
    code: String,
    bundle: bool,
    for_member: Option<ResidentId>,
) -> Result<ApplicationForm, AppError> {
    use store::applications::{Subject, open_form};
    let subject = if bundle {
        Subject::Bundle(&code)
    } else {
        Subject::Service(&code)
    };
    open_form(&super::db()?, super::resident_id()?, subject, for_member).await
}

/// The form of a draft or of a supplement request; `check` lists its problems.
#[server(prefix = "/rpc", endpoint = "me/application-form", input = GetUrl)]
pub async fn edit_form(
    number: ApplicationNumber,
    check: bool,
) -> Result<ApplicationForm, AppError> {
    store::applications::edit_form(&super::db()?, super::resident_id()?, &number, check).await
}
