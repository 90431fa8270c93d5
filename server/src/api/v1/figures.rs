//! Satisfaction figures over JSON: the public figures of a month (no sign-in; anything built
//! from fewer than 10 ratings left out) and the staff figures of a period in the viewer's
//! scope.

use crate::auth::Staff;
use crate::http::error::{ApiError, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use domain::error::ApiErrorBody;
use domain::figures::{FiguresQuery, MonthQuery, PublicSatisfaction, StaffFigures};
use store::figures;

/// The public satisfaction figures of a month, per department and per service rated in it.
#[utoipa::path(
    get,
    path = "/api/v1/satisfaction",
    tag = "satisfaction",
    params(MonthQuery),
    responses(
        (status = 200, description = "The month's figures; a figure built from fewer than 10 ratings is suppressed (`suppressed: true`, every number left out)", body = PublicSatisfaction),
        (status = 400, description = "`month` is not a month like `2026-11`", body = ApiErrorBody),
    )
)]
pub async fn public(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<Json<PublicSatisfaction>, ApiError> {
    Ok(Json(
        figures::public_satisfaction(&state.db, query, Utc::now()).await?,
    ))
}

/// The console's figures: `month=2026-11` or `month=last12`, or `from=…&to=…` (China
/// dates), and for supervisors and administrators `department=<id>`.
pub async fn staff(
    State(state): State<AppState>,
    Staff(actor): Staff,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> Result<Json<StaffFigures>, ApiError> {
    Ok(Json(
        figures::staff_figures(
            &state.db,
            &actor,
            query,
            &state.settings.satisfaction,
            Utc::now(),
        )
        .await?,
    ))
}
