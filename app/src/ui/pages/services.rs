//! Search results: filter by words, department, topic and life event.
//!
//! The filters are a plain GET form, so the page works without JavaScript. Once hydrated, the
//! router takes over the form: results change without a full reload, and a change of any
//! select applies at once.

use crate::ui::components::service_card::ServiceCard;
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::catalog::{CatalogFacets, ServicePage, ServiceQuery};
use domain::link::encode_query_value;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use server_fns::catalog::{get_facets, search_services};

#[component]
pub fn ServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| ServiceQuery {
            q: p.get("q"),
            department: p.get("department"),
            category: p.get("category"),
            life_event: p.get("life_event"),
            page: p.get("page").and_then(|v| v.parse().ok()),
        })
    });
    let facets = Resource::new(|| (), |_| get_facets());
    let results = Resource::new(move || query.get(), search_services);

    view! {
        <Title text=move || td_string!(i18n.get_locale(), services.title) />
        <h1>{t!(i18n, services.heading)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match facets.await {
                    Ok(facets) => view! { <Filters facets query=query.get() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <Show when=move || query.with(|q| q.q.as_deref().is_some_and(crate::ui::mode::names_elderly_mode))>
            <ElderlyModeResult />
        </Show>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(page) => view! { <Results page query=query.get() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Searching 长辈版 / 关怀版 / 亲情版 / 关爱版 / 大字版 finds the mode itself.
/// A filter takes effect as soon as it is chosen: its form is submitted (and the router
/// navigates). A handler of the bundle, not an inline `onchange`, which the
/// Content-Security-Policy refuses; without JavaScript the form's button does it.
fn submit_own_form(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|select| select.closest("form").ok().flatten())
            .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(form) = form {
            let _ = form.request_submit();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
fn ElderlyModeResult() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="notice" data-testid="elderly-mode-result" aria-labelledby="elderly-mode-result">
            <h2 id="elderly-mode-result">{t!(i18n, elderly.found_in_search)}</h2>
            <p>{t!(i18n, elderly.found_in_search_hint)}</p>
            <div class="notice__action"><crate::ui::mode::ModeSwitch /></div>
        </section>
    }
}

#[component]
fn Filters(facets: CatalogFacets, query: ServiceQuery) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let select = move |name: &'static str,
                       id: &'static str,
                       selected: Option<String>,
                       options: Vec<(String, domain::text::LocalizedText)>| {
        let options = options
            .into_iter()
            .map(|(code, label)| {
                let is_selected = selected.as_deref() == Some(code.as_str());
                view! {
                    <option value=code selected=is_selected>
                        {move || label.pick(english()).to_owned()}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select id=id name=name on:change=submit_own_form>
                <option value="">{t!(i18n, services.all)}</option>
                {options}
            </select>
        }
    };
    let departments = facets
        .departments
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let categories = facets
        .categories
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let life_events = facets
        .life_events
        .into_iter()
        .map(|e| (e.code, e.name))
        .collect();
    let filtered = query.is_filtered();
    view! {
        <Form method="GET" action="/services" attr:class="filters" attr:role="search">
            <div class="field field--search">
                <label for="services-q">{t!(i18n, home.search_label)}</label>
                <div class="search-box">
                    <input
                        id="services-q"
                        name="q"
                        type="search"
                        maxlength="50"
                        autocomplete="off"
                        value=query.q.clone().unwrap_or_default()
                        placeholder=move || td_string!(i18n.get_locale(), home.search_placeholder)
                    />
                    <button type="submit" class="button button--primary">{t!(i18n, home.search_button)}</button>
                </div>
            </div>
            <div class="filters__selects">
                <div class="field">
                    <label for="filter-department">{t!(i18n, services.department)}</label>
                    {select("department", "filter-department", query.department.clone(), departments)}
                </div>
                <div class="field">
                    <label for="filter-category">{t!(i18n, services.category)}</label>
                    {select("category", "filter-category", query.category.clone(), categories)}
                </div>
                <div class="field">
                    <label for="filter-life-event">{t!(i18n, services.life_event)}</label>
                    {select("life_event", "filter-life-event", query.life_event.clone(), life_events)}
                </div>
            </div>
            <noscript>
                <button type="submit" class="button">{t!(i18n, services.apply_filters)}</button>
            </noscript>
            <Show when=move || filtered>
                <a class="filters__clear" href="/services">{t!(i18n, services.clear_filters)}</a>
            </Show>
        </Form>
    }
}

#[component]
fn Results(page: ServicePage, query: ServiceQuery) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let pages = page.page_count();
    let current = page.page;
    let link = move |to: u32| {
        let mut params = Vec::new();
        let q = query.normalized();
        for (key, value) in [
            ("q", q.q),
            ("department", q.department),
            ("category", q.category),
            ("life_event", q.life_event),
        ] {
            if let Some(value) = value {
                params.push(format!("{key}={}", encode_query_value(&value)));
            }
        }
        if to > 1 {
            params.push(format!("page={to}"));
        }
        if params.is_empty() {
            "/services".to_owned()
        } else {
            format!("/services?{}", params.join("&"))
        }
    };
    let empty = page.items.is_empty();
    let prev = (current > 1).then(|| link(current - 1));
    let next = (current < pages).then(|| link(current + 1));
    view! {
        <p class="results__count" role="status" aria-live="polite">
            {t!(i18n, services.results_count, count = move || total)}
        </p>
        <Show when=move || empty>
            <p class="notice">{t!(i18n, services.no_results)}</p>
        </Show>
        <ul class="service-list" role="list">
            {page.items.into_iter().map(|service| view! { <ServiceCard service /> }).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label=move || td_string!(i18n.get_locale(), services.pagination)>
                {prev.map(|href| view! { <a rel="prev" href=href>{t!(i18n, services.previous_page)}</a> })}
                <span>{t!(i18n, services.page_of, page = move || current, pages = move || pages)}</span>
                {next.map(|href| view! { <a rel="next" href=href>{t!(i18n, services.next_page)}</a> })}
            </nav>
        })}
    }
}
