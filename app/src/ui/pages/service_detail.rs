//! One service: who it is for, what to bring, how long it takes, what it costs, how far it
//! is online, and the life events and bundles it belongs to.

use crate::ui::components::facts::{Fee, Localized, OnlineLevelText, PromisedDays};
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::catalog::{MaterialForm, ServiceDetail};
use i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fns::catalog::get_service;

#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let service = Resource::new(code, get_service);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match service.await {
                    Ok(service) => Either::Left(view! { <Detail service /> }),
                    Err(error) => Either::Right(view! { <ErrorNotice error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(service: ServiceDetail) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let title_text = service.summary.name.clone();
    let summary = service.summary;
    let apply_href = format!("/apply/{}", summary.code);
    let materials_empty = service.materials.is_empty();
    let life_events_empty = service.life_events.is_empty();
    let bundles_empty = service.bundles.is_empty();
    view! {
        <Title text=move || title_text.pick(english()).to_owned() />
        <article class="service-detail" data-service-code=summary.code.clone()>
            <p class="breadcrumb">
                <a href="/services">{t!(i18n, service.back_to_search)}</a>
            </p>
            <h1><Localized text=summary.name /></h1>
            <p class="service-detail__summary"><Localized text=summary.summary /></p>
            <p><a class="button button--primary" href=apply_href>{t!(i18n, service.apply_online)}</a></p>
            <dl class="key-facts">
                <div>
                    <dt>{t!(i18n, service.department_label)}</dt>
                    <dd>
                        <a href=format!("/services?department={}", summary.department.code)>
                            <Localized text=summary.department.name />
                        </a>
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.promised_label)}</dt>
                    <dd class="fact--time"><PromisedDays days=summary.promised_days /></dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.legal_label)}</dt>
                    <dd><PromisedDays days=service.legal_days /></dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.fee_label)}</dt>
                    <dd class="fact--fee">
                        <Fee cents=summary.fee_cents />
                        {service.fee_note.map(|note| view! { <span class="key-facts__note">{note}</span> })}
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.online_label)}</dt>
                    <dd class="fact--online"><OnlineLevelText level=summary.online_level /></dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.category_label)}</dt>
                    <dd>
                        <a href=format!("/services?category={}", service.category.code)>
                            <Localized text=service.category.name />
                        </a>
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, service.code_label)}</dt>
                    <dd><code>{summary.code.clone()}</code></dd>
                </div>
            </dl>

            <section class="section" aria-labelledby="audience-heading">
                <h2 id="audience-heading">{t!(i18n, service.audience_heading)}</h2>
                <p><Localized text=service.audience /></p>
            </section>

            <section class="section" aria-labelledby="materials-heading">
                <h2 id="materials-heading">{t!(i18n, service.materials_heading)}</h2>
                <Show when=move || materials_empty>
                    <p>{t!(i18n, service.materials_none)}</p>
                </Show>
                <ol class="materials">
                    {service.materials.into_iter().map(|material| {
                        let required = material.required;
                        let form = material.form;
                        view! {
                            <li class="material">
                                <span class="material__name"><Localized text=material.name /></span>
                                <span class=if required { "badge badge--required" } else { "badge" }>
                                    {move || if required { td_string!(i18n.get_locale(), service.required) } else { td_string!(i18n.get_locale(), service.optional) }}
                                </span>
                                <span class="material__form">
                                    {move || {
                                        let locale = i18n.get_locale();
                                        match form {
                                            MaterialForm::Original => td_string!(locale, service.form_original),
                                            MaterialForm::Copy => td_string!(locale, service.form_copy),
                                            MaterialForm::Electronic => td_string!(locale, service.form_electronic),
                                            MaterialForm::Exempt => td_string!(locale, service.form_exempt),
                                        }
                                    }}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>

            <section class="section" aria-labelledby="form-heading">
                <h2 id="form-heading">{t!(i18n, service.form_heading)}</h2>
                <ul class="form-fields">
                    {service.form_fields.into_iter().map(|field| {
                        let prefilled = field.prefill.is_some();
                        view! {
                            <li>
                                <Localized text=field.label />
                                <Show when=move || prefilled>
                                    " "<span class="badge badge--info">{t!(i18n, service.prefilled)}</span>
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>

            <Show when=move || !life_events_empty>
                <section class="section" aria-labelledby="events-heading">
                    <h2 id="events-heading">{t!(i18n, service.life_events_heading)}</h2>
                    <ul class="chips" role="list">
                        {service.life_events.clone().into_iter().map(|event| view! {
                            <li><a class="chip" href=format!("/services?life_event={}", event.code)><Localized text=event.name /></a></li>
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <Show when=move || !bundles_empty>
                <section class="section" aria-labelledby="bundles-heading">
                    <h2 id="bundles-heading">{t!(i18n, service.bundles_heading)}</h2>
                    <ul class="chips" role="list">
                        {service.bundles.clone().into_iter().map(|bundle| view! {
                            <li>
                                <a href=format!("/apply/bundle/{}", bundle.code)><Localized text=bundle.name /></a>
                                " · " {t!(i18n, service.apply_bundle)}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
        </article>
    }
}
