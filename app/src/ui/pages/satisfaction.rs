//! 服务满意度: the public satisfaction figures of a month, per department and per service,
//! for anyone without signing in. Cards, not a wide table, so a 360 px phone never scrolls
//! sideways; anything built from fewer than 10 ratings says so instead of showing a number.

use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::figures::{PublicRow, PublicSatisfaction, percent};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::figures::get_public_satisfaction;

#[component]
pub fn SatisfactionPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let figures = Resource::new(
        move || query.with(|q| q.get("month").filter(|m| !m.trim().is_empty())),
        get_public_satisfaction,
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), figures.public_title).to_owned() />
        <div class="page">
            <h1>{t!(i18n, figures.public_title)}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(figures) => view! { <Satisfaction figures /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Satisfaction(figures: PublicSatisfaction) -> impl IntoView {
    let i18n = use_i18n();
    let min = figures.min_ratings;
    let month = figures.month.clone();
    view! {
        <p>
            {move || td_string!(i18n.get_locale(), figures.public_intro).replace("$n", &min.to_string())}
        </p>
        <form method="get" action="/satisfaction" class="filter-bar" data-testid="satisfaction-month">
            <div class="field">
                <label for="s-month">{t!(i18n, figures.month)}</label>
                <select id="s-month" name="month">
                    {figures.months.iter().map(|m| view! {
                        <option value=m.clone() selected=*m == month>{m.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, figures.show)}</button>
        </form>
        <p>{t!(i18n, figures.period)} " " <strong data-testid="satisfaction-month-label">{figures.month.clone()}</strong></p>

        <h2>{t!(i18n, figures.by_department)}</h2>
        <ul class="service-list" data-testid="public-departments">
            {figures.departments.into_iter().map(|row| view! { <Card row min /> }).collect_view()}
        </ul>

        <h2>{t!(i18n, figures.by_service)}</h2>
        {if figures.services.is_empty() {
            view! { <p>{t!(i18n, figures.public_no_services)}</p> }.into_any()
        } else {
            view! {
                <ul class="service-list" data-testid="public-services">
                    {figures.services.into_iter().map(|row| view! { <Card row min /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <p class="field__hint">{t!(i18n, figures.rate_note)}</p>
    }
}

/// One department or service: its figures, or that there are too few ratings to publish.
#[component]
fn Card(row: PublicRow, min: u64) -> impl IntoView {
    let i18n = use_i18n();
    let f = row.figures;
    view! {
        <li class="service-card" data-code=row.code.clone() data-suppressed=f.suppressed.then_some("true")>
            <h3 class="service-card__name"><Localized text=row.name /></h3>
            {row.department.map(|d| view! { <p class="service-card__department"><Localized text=d /></p> })}
            {if f.suppressed {
                view! {
                    <p data-testid="suppressed">
                        {move || td_string!(i18n.get_locale(), figures.suppressed).replace("$n", &min.to_string())}
                    </p>
                }.into_any()
            } else {
                view! {
                    <dl class="facts">
                        <div>
                            <dt>{t!(i18n, figures.satisfaction_rate)}</dt>
                            <dd data-figure="satisfaction_rate">{percent(f.satisfaction_rate)}</dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, figures.ratings)}</dt>
                            <dd data-figure="ratings">{f.ratings.map(|n| n.to_string()).unwrap_or_default()}</dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, figures.bad_review_rate)}</dt>
                            <dd data-figure="bad_review_rate">{percent(f.bad_review_rate)}</dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, figures.on_time_rate)}</dt>
                            <dd data-figure="on_time_rate">{percent(f.on_time_rate)}</dd>
                        </div>
                    </dl>
                }.into_any()
            }}
        </li>
    }
}
