//! The portal's front door: search, then the catalogue by topic, life event and department,
//! and the services most applied for. In elderly mode, fewer and larger choices: the services
//! older residents use most, my applications, messages and help.

use crate::ui::components::facts::Localized;
use crate::ui::components::service_card::ServiceCard;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::mode::{ModeSwitch, use_elderly};
use domain::catalog::CatalogFacets;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::catalog::{get_facets, get_popular_services, get_services_for_older_residents};

#[component]
pub fn HomePage() -> impl IntoView {
    if use_elderly() {
        view! { <ElderlyHome /> }.into_any()
    } else {
        view! { <StandardHome /> }.into_any()
    }
}

#[component]
fn StandardHome() -> impl IntoView {
    let i18n = use_i18n();
    let facets = Resource::new(|| (), |_| get_facets());
    let popular = Resource::new(|| (), |_| get_popular_services());
    view! {
        <Title text="" />
        <section class="hero">
            <h1 class="hero__title">{t!(i18n, home.search_heading)}</h1>
            <p class="hero__tagline">{t!(i18n, app.tagline)}</p>
            <SearchBox />
            <div class="hero__mode"><ModeSwitch /></div>
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

/// Elderly mode's home: one large heading, search, the services older residents use most as
/// large tiles, and large links to my applications, messages and help.
#[component]
fn ElderlyHome() -> impl IntoView {
    let i18n = use_i18n();
    let services = Resource::new(|| (), |_| get_services_for_older_residents());
    view! {
        <Title text="" />
        <section class="hero">
            <h1 class="hero__title">{t!(i18n, elderly.home_heading)}</h1>
            <p>{t!(i18n, elderly.home_intro)}</p>
            <SearchBox />
        </section>
        <nav class="section" aria-labelledby="elderly-shortcuts">
            <h2 id="elderly-shortcuts" class="visually-hidden">{t!(i18n, app.main_nav)}</h2>
            <ul class="big-tiles" role="list">
                <li><a class="big-tile" href="/me/applications">
                    <span class="big-tile__name">{t!(i18n, elderly.my_applications)}</span>
                    <span class="big-tile__hint">{t!(i18n, elderly.my_applications_hint)}</span>
                </a></li>
                <li><a class="big-tile" href="/me/messages">
                    <span class="big-tile__name">{t!(i18n, elderly.messages)}</span>
                    <span class="big-tile__hint">{t!(i18n, elderly.messages_hint)}</span>
                </a></li>
                <li><a class="big-tile" href="#help" rel="external">
                    <span class="big-tile__name">{t!(i18n, elderly.help)}</span>
                    <span class="big-tile__hint">{t!(i18n, elderly.help_hint)}</span>
                </a></li>
            </ul>
        </nav>
        <section class="section" aria-labelledby="elderly-services-heading">
            <h2 id="elderly-services-heading">{t!(i18n, elderly.common_services)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match services.await {
                        Ok(services) => view! {
                            <ul class="big-tiles" role="list" data-testid="elderly-services">
                                {services.into_iter().map(|service| view! {
                                    <li><a class="big-tile" href=format!("/services/{}", service.code)>
                                        <span class="big-tile__name"><Localized text=service.name /></span>
                                    </a></li>
                                }).collect_view()}
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
    let tiles = |items: Vec<(String, domain::text::LocalizedText, i64)>, param: &'static str| {
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
