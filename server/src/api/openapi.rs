//! The OpenAPI 3 document, generated from the handlers' annotations and the domain types.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Minsheng API",
        description = "The JSON API of Minsheng (民生), an open-source citizen-relationship platform. \
            Errors have one shape, `{\"code\", \"message\"}`; the message follows `Accept-Language` \
            (zh-CN or en).",
        license(name = "Apache-2.0")
    ),
    paths(
        super::health::healthz,
        super::v1::catalog::list_services,
        super::v1::catalog::get_service,
        super::v1::catalog::list_departments,
        super::v1::catalog::list_categories,
        super::v1::catalog::list_life_events,
        super::v1::account::send_code,
        super::v1::account::register,
        super::v1::account::reset_password,
        super::v1::account::sign_in,
        super::v1::account::sign_out,
        super::v1::account::sign_out_everywhere,
        super::v1::account::me,
        super::v1::account::get_profile,
        super::v1::account::put_profile,
        super::v1::applications::list,
        super::v1::applications::create,
        super::v1::applications::detail,
        super::v1::applications::form,
        super::v1::applications::save_answers,
        super::v1::applications::attach,
        super::v1::applications::detach,
        super::v1::applications::submit,
        super::v1::applications::withdraw,
        super::v1::applications::take_back,
        super::v1::applications::download,
        super::v1::inbox::list,
        super::v1::inbox::mark_read,
        super::v1::inbox::events,
        super::v1::figures::public,
        super::v1::forecast::backlog,
        super::v1::alerts::list,
        super::v1::alerts::acknowledge,
        super::v1::report::monthly,
        super::v1::report::monthly_csv,
        super::v1::simulation::simulate,
        super::v1::ratings::prompts,
        super::v1::ratings::rate,
        super::v1::ratings::feedback,
    ),
    tags(
        (name = "catalog", description = "The service catalogue (政务服务事项)"),
        (name = "health", description = "Liveness and database reachability"),
        (name = "accounts", description = "Resident accounts, sessions and the profile (cookie `ms_session`)"),
        (name = "applications", description = "Applying (一网通办) and following applications"),
        (name = "notifications", description = "The inbox and the live event stream"),
        (name = "satisfaction", description = "Public satisfaction figures (好差评数据), small numbers suppressed"),
        (name = "management", description = "Figures for heads and supervisors (监测 · 决策): the alerts, the backlog forecast, the policy simulation and the monthly report"),
        (name = "ratings", description = "Rating a handled case (好差评) and re-rating the department's answer to a bad review"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
