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
    ),
    tags(
        (name = "catalog", description = "The service catalogue (政务服务事项)"),
        (name = "health", description = "Liveness and database reachability"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
