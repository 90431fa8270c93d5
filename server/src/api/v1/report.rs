//! The monthly report over JSON and as CSV: `GET /api/v1/staff/reports/{month}` and
//! `GET /api/v1/staff/reports/{month}/csv`, for department heads (their department) and
//! supervisors (every department, or one with `department=<id>`).

use crate::auth::Staff;
use crate::http::error::{ApiError, ApiQuery};
use crate::http::locale::request_locale;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::error::ApiErrorBody;
use domain::report::{MonthlyReport, ReportQuery};

async fn report(
    state: &AppState,
    actor: &store::StaffActor,
    month: &str,
    query: ReportQuery,
) -> Result<MonthlyReport, ApiError> {
    Ok(store::report::monthly(
        &state.db,
        actor,
        Some(month),
        query,
        &state.settings.satisfaction,
        Utc::now(),
    )
    .await?)
}

/// The report of one month: volumes, on-time rate, satisfaction and ranking, bad reviews
/// and their rectifications, common problems, alerts and campaigns.
#[utoipa::path(
    get,
    path = "/api/v1/staff/reports/{month}",
    tag = "management",
    params(("month" = String, Path, description = "The month, `2026-11`; the current month gives the figures so far"), ReportQuery),
    responses(
        (status = 200, description = "The month's report in the viewer's scope; a rate built from fewer than 10 cases is left out (null)", body = MonthlyReport),
        (status = 400, description = "`invalid_parameter`: `month` is not a month like `2026-11`, or has not begun (`field: month`); or `department` is not a number", body = ApiErrorBody),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not see reports (department heads and supervisors may)", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn monthly(
    State(state): State<AppState>,
    Staff(actor): Staff,
    Path(month): Path<String>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Json<MonthlyReport>, ApiError> {
    Ok(Json(report(&state, &actor, &month, query).await?))
}

/// The same report as CSV, one figure per row (month, section, department, item, measure,
/// value), names in the request's language.
#[utoipa::path(
    get,
    path = "/api/v1/staff/reports/{month}/csv",
    tag = "management",
    params(("month" = String, Path, description = "The month, `2026-11`"), ReportQuery),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark, as an attachment `minsheng-report-2026-11.csv`", content_type = "text/csv", body = String),
        (status = 400, description = "`invalid_parameter`: `month` is not a month like `2026-11`, or has not begun (`field: month`)", body = ApiErrorBody),
        (status = 401, description = "`unauthenticated`: no staff session (cookie `ms_staff`)", body = ApiErrorBody),
        (status = 403, description = "`forbidden`: the role may not see reports (department heads and supervisors may)", body = ApiErrorBody),
        (status = 429, description = "`too_many_requests`: the client's request rate is over the limit", body = ApiErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = ApiErrorBody),
    )
)]
pub async fn monthly_csv(
    State(state): State<AppState>,
    Staff(actor): Staff,
    headers: HeaderMap,
    Path(month): Path<String>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let report = report(&state, &actor, &month, query).await?;
    let disposition = format!(
        "attachment; filename=\"minsheng-report-{}.csv\"",
        report.month
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        report.to_csv(request_locale(&headers)),
    )
        .into_response())
}
