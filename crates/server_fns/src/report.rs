//! Server function of the monthly report page (heads: their department; supervisors: all,
//! or one department).

use domain::error::AppError;
use domain::report::MonthlyReport;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// `month` is `2026-11`; None for the last complete month.
#[server(prefix = "/rpc", endpoint = "staff/report", input = GetUrl)]
pub async fn get_monthly_report(
    month: Option<String>,
    department: Option<i64>,
) -> Result<MonthlyReport, AppError> {
    store::report::monthly(
        &super::db()?,
        &super::staff()?,
        month.as_deref(),
        domain::report::ReportQuery { department },
        &super::policy(),
        chrono::Utc::now(),
    )
    .await
}
