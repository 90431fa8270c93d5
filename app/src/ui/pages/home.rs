//! The portal's front door: search, then the catalogue by topic, life event and department,
//! and the services most applied for.

use crate::domain::catalog::CatalogFacets;
use crate::i18n::*;
use crate::server_fns::catalog::{get_facets, get_popular_services};
use crate::ui::components::facts::Localized;
use crate::ui::components::service_card::ServiceCard;
use crate::ui::components::status::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let facets = Resource::new(|| (), |_| get_facets());
    let popular = Resource::new(|| (), |_| get_popular_services());
    view! {
        <Title text="" />
        <section class="hero">
            <h1 class="hero__title">{t!(i18n, home.search_heading)}</h1>
            <p class="hero__tagline">{t!(i18n, app.tagline)}</p>
            <SearchBox />
        </section>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match facets.await {
                    Ok(facets) => view! { <Facets facets /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="section" aria-labelledby="popular-heading">
            <h2 id="popular-heading">{t!(i18n, home.popular_heading)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match popular.await {
                        Ok(services) => view! {
                            <ul class="service-list" role="list">
                                {services.into_iter().map(|service| view! { <ServiceCard service /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A plain GET form to the results page: it works before (and without) the WASM.
#[component]
fn SearchBox() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="search-box" method="get" action="/services" role="search">
            <label class="visually-hidden" for="home-q">{t!(i18n, home.search_label)}</label>
            <input
                id="home-q"
                name="q"
                type="search"
                maxlength="50"
                autocomplete="off"
                placeholder=move || td_string!(i18n.get_locale(), home.search_placeholder)
            />
            <button type="submit" class="button button--primary">{t!(i18n, home.search_button)}</button>
        </form>
    }
}

#[component]
fn Facets(facets: CatalogFacets) -> impl IntoView {
    let i18n = use_i18n();
    let tiles = |items: Vec<(String, crate::domain::text::LocalizedText, i64)>,
                 param: &'static str| {
        items
            .into_iter()
            .map(|(code, name, count)| {
                let href = format!("/services?{param}={code}");
                view! {
                    <li>
                        <a class="tile" href=href>
                            <span class="tile__name"><Localized text=name /></span>
                            <span class="tile__count">{t!(i18n, home.service_count, count = move || count)}</span>
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    let categories = facets
        .categories
        .into_iter()
        .map(|c| (c.code, c.name, c.service_count))
        .collect();
    let life_events = facets
        .life_events
        .into_iter()
        .map(|e| (e.code, e.name, e.service_count))
        .collect();
    let departments = facets
        .departments
        .into_iter()
        .map(|d| (d.code, d.name, d.service_count))
        .collect();
    view! {
        <section class="section" aria-labelledby="categories-heading">
            <h2 id="categories-heading">{t!(i18n, home.categories_heading)}</h2>
            <ul class="tiles" role="list">{tiles(categories, "category")}</ul>
        </section>
        <section class="section" aria-labelledby="life-events-heading">
            <h2 id="life-events-heading">{t!(i18n, home.life_events_heading)}</h2>
            <ul class="tiles tiles--events" role="list">{tiles(life_events, "life_event")}</ul>
        </section>
        <section class="section" aria-labelledby="departments-heading">
            <h2 id="departments-heading">{t!(i18n, home.departments_heading)}</h2>
            <ul class="tiles tiles--departments" role="list">{tiles(departments, "department")}</ul>
        </section>
    }
}
