//! The whole application as one axum router: which edge answers which address (pages and
//! server functions, the JSON API, the portal's and the console's form posts, static files),
//! with tracing, compression, body limits, timeouts and the session around all of it.

use crate::config::Settings;
use crate::http::{
    client, csrf, error, language, mode, page_cache, rate_limit, secure_headers, static_files,
};
use crate::state::AppState;
use crate::{api, auth, console, portal};
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{MatchedPath, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::OnceLock;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::{Span, field};

/// The app's page routes, found once per process. Leptos finds them by running the app with
/// resource loading switched off for the whole process, so a page render that starts during
/// that run waits forever (leptos-rs/leptos#4773): a second router built while a first one
/// serves pages (the integration tests, several servers in one process) must not run it again.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application as one axum router.
pub fn router(state: AppState, settings: &Settings) -> Router {
    let routes = page_routes();
    let db = state.db.clone();
    let policy = settings.satisfaction;
    let context = move || {
        provide_context(db.clone());
        provide_context(policy);
        // The nonce the security-headers layer put in the Content-Security-Policy.
        if let Some(nonce) = use_context::<Parts>()
            .as_ref()
            .and_then(secure_headers::nonce_of)
        {
            provide_context(nonce);
        }
    };
    let options = state.leptos_options.clone();
    // The bundle, its chunks and the style sheet, with their precompressed copies.
    let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let pkg = Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            static_files::service(&pkg_dir),
        )
        .layer(axum::middleware::from_fn(static_files::cache_control));
    // One count per instance (`http::rate_limit`).
    let rate_limits = rate_limit::RateLimits::new(settings.rate_limits);

    // Forms and API calls that carry files: each file within the upload limit, a few per form.
    let upload_cap = settings.upload_max_bytes.saturating_mul(5) + 1024 * 1024;
    let uploads = portal::upload_router()
        .merge(api::v1::upload_router())
        .layer(DefaultBodyLimit::max(upload_cap))
        .layer(RequestBodyLimitLayer::new(upload_cap));

    Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/lang/{locale}", post(language::switch_language))
        .route("/mode/{mode}", post(mode::switch_mode))
        .nest("/api/v1", api::v1::router())
        .merge(portal::router())
        .merge(console::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .layer(RequestBodyLimitLayer::new(settings.body_limit_bytes))
        .merge(uploads)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Inside the session layer: only visitors without a session get a copy.
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(settings.page_cache_ttl, state.push.clone()),
            page_cache::serve,
        ))
        // The account's flood limit reads the session; the address's comes before it, so a
        // flood costs no session query.
        .layer(axum::middleware::from_fn_with_state(
            rate_limits.clone(),
            rate_limit::per_account,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            rate_limits,
            rate_limit::per_address,
        ))
        .with_state(state)
        // Outside the session layer: a file is the same for everyone, and asking for one
        // never costs a session lookup.
        .merge(pkg)
        // Before the session is read and anything runs: a forged form changes nothing.
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(csrf::SameSite {
                public_origin: settings.public_origin.clone(),
            }),
            csrf::refuse_cross_site,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        // Outside the limits, so that their refusals get the error shape too.
        .layer(axum::middleware::from_fn(error::json_errors))
        // Outside everything that answers, so that every answer has them.
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(secure_headers::Deployment {
                https_only: settings.https_only(),
            }),
            secure_headers::set_security_headers,
        ))
        // First of all: who the client is, and forwarding headers only from trusted proxies.
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(settings.trusted_proxies.clone()),
            client::find_client,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let path = request.extensions().get::<MatchedPath>().map_or_else(
                        || request.uri().path().to_owned(),
                        |p| p.as_str().to_owned(),
                    );
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path,
                        status = field::Empty,
                        latency_ms = field::Empty,
                    )
                })
                .on_response(
                    |response: &axum::response::Response, latency: Duration, span: &Span| {
                        span.record("status", response.status().as_u16());
                        span.record("latency_ms", latency.as_secs_f64() * 1000.0);
                        tracing::info!("served");
                    },
                ),
        )
}
