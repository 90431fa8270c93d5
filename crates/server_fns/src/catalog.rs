//! Catalogue data for the resident pages.

use domain::catalog::{CatalogFacets, ServiceDetail, ServicePage, ServiceQuery, ServiceSummary};
use domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// How far back "popular" looks.
#[cfg(feature = "ssr")]
const POPULAR_WINDOW_DAYS: i64 = 90;

#[server(prefix = "/rpc", endpoint = "catalog/facets", input = GetUrl)]
pub async fn get_facets() -> Result<CatalogFacets, AppError> {
    store::catalog::facets(&super::db()?).await
}

#[server(prefix = "/rpc", endpoint = "catalog/popular", input = GetUrl)]
pub async fn get_popular_services() -> Result<Vec<ServiceSummary>, AppError> {
    let since = chrono::Utc::now() - chrono::Duration::days(POPULAR_WINDOW_DAYS);
    store::catalog::popular_services(&super::db()?, since, None, 8).await
}

/// The services residents aged 60 and over apply for most: elderly mode's home page.
#[server(prefix = "/rpc", endpoint = "catalog/popular-with-older-residents", input = GetUrl)]
pub async fn get_services_for_older_residents() -> Result<Vec<ServiceSummary>, AppError> {
    use domain::rule::{age_cutoff, china_today};
    let now = chrono::Utc::now();
    let since = now - chrono::Duration::days(POPULAR_WINDOW_DAYS * 4);
    let born_by = age_cutoff(china_today(now), 60);
    store::catalog::popular_services(&super::db()?, since, Some(born_by), 6).await
}

#[server(prefix = "/rpc", endpoint = "catalog/search", input = GetUrl)]
pub async fn search_services(query: ServiceQuery) -> Result<ServicePage, AppError> {
    store::catalog::search_services(&super::db()?, &query).await
}

#[server(prefix = "/rpc", endpoint = "catalog/service", input = GetUrl)]
pub async fn get_service(code: String) -> Result<ServiceDetail, AppError> {
    store::catalog::service_detail(&super::db()?, &code).await
}
