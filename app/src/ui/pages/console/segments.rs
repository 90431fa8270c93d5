//! 事项找人 in the console (department heads, supervisors): the segment builder and the
//! campaigns.
//!
//! The builder is a GET form: its fields are the page's query, so the preview (count,
//! districts, age bands, a masked sample) is the page itself and works without JavaScript
//! ("更新预览"); once hydrated every change updates the query, and with it the preview, as
//! the supervisor edits. Saving posts the same fields with a name.

use super::FlashNotice;
use super::rule_fields::{ProblemList, RuleFields};
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::campaign::{CampaignStatus, CampaignView};
use domain::segment::{BuilderOptions, FORM_FIELDS, SegmentPreview, rule_from_form};
use domain::validation::FieldError;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::campaigns::get_campaigns;
use server_fns::console::take_staff_flash;
use server_fns::segments::{preview_segment, segment_options};

/// Once hydrated: a change in the builder puts its fields into the address (no reload), so
/// the preview follows the edit.
fn follow_edit(ev: leptos::ev::Event, navigate: &dyn Fn(&str, leptos_router::NavigateOptions)) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let Ok(query) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        let query: String = query.to_string().into();
        navigate(
            &format!("/admin/segments?{query}"),
            leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, navigate);
}

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let value = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let filled = move || {
        query.with(|q| {
            FORM_FIELDS
                .iter()
                .any(|f| *f != "combine" && q.get(f).is_some_and(|v| !v.trim().is_empty()))
        })
    };
    let options = Resource::new(|| (), |_| segment_options());
    let rule = move || {
        if filled() {
            Some(rule_from_form(|key| value(key)))
        } else {
            None
        }
    };
    let preview = Resource::new(rule, |rule| async move {
        match rule {
            None => None,
            Some(Ok(rule)) => Some(preview_segment(rule).await.map_err(|e| (e, Vec::new()))),
            Some(Err(errors)) => Some(Err((
                domain::error::AppError::invalid(errors.clone()),
                errors,
            ))),
        }
    });
    let flash = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move { take_staff_flash("segment".into()).await.ok().flatten() },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), engage.segments_title).to_owned() />
        <h1>{t!(i18n, engage.segments_title)}</h1>
        <p>{t!(i18n, engage.segments_intro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move { view! { <FlashNotice flash=flash.await /> } })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) => view! {
                        <div class="segment-builder">
                            <Builder options=options.clone() value=Callback::new(move |key: String| value(&key)) />
                            <section class="segment-preview" aria-live="polite" data-testid="segment-preview">
                                <h2>{t!(i18n, engage.preview)}</h2>
                                <Suspense fallback=Loading>
                                    {move || Suspend::new(async move {
                                        match preview.await {
                                            None => view! { <p>{t!(i18n, engage.preview_hint)}</p> }.into_any(),
                                            Some(Ok(preview)) => view! { <Preview preview /> }.into_any(),
                                            Some(Err((_, errors))) if !errors.is_empty() => view! { <RuleProblems errors /> }.into_any(),
                                            Some(Err((error, _))) => view! { <ErrorNotice error /> }.into_any(),
                                        }
                                    })}
                                </Suspense>
                            </section>
                            <SaveForm value=Callback::new(move |key: String| value(&key)) />
                            <SavedSegments options />
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RuleProblems(errors: Vec<FieldError>) -> impl IntoView {
    view! {
        <div class="notice notice--error" role="alert" data-testid="segment-problems">
            <ProblemList errors />
        </div>
    }
}

#[component]
fn Builder(options: BuilderOptions, value: Callback<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <form
            method="get"
            action="/admin/segments"
            class="stack segment-form"
            data-testid="segment-builder"
            on:change=move |ev| follow_edit(ev, &navigate)
        >
            <RuleFields options value prefix="" />
            <button type="submit" class="button">{t!(i18n, engage.update_preview)}</button>
        </form>
    }
}

#[component]
fn Preview(preview: SegmentPreview) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let count = preview.count;
    view! {
        <p class="segment-count">
            <span data-testid="segment-count" class="big-number">{count.label()}</span>" "
            {t!(i18n, engage.residents)}
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="segment-districts">
                <caption>{t!(i18n, engage.by_district)}</caption>
                <thead><tr><th scope="col">{t!(i18n, engage.district)}</th><th scope="col">{t!(i18n, engage.count)}</th></tr></thead>
                <tbody>
                    {preview.by_district.into_iter().map(|d| view! {
                        <tr><td>{move || d.name.pick(english()).to_owned()}</td><td>{d.count.label()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="segment-ages">
                <caption>{t!(i18n, engage.by_age)}</caption>
                <thead><tr><th scope="col">{t!(i18n, engage.age_band)}</th><th scope="col">{t!(i18n, engage.count)}</th></tr></thead>
                <tbody>
                    {preview.by_age_band.into_iter().map(|b| view! {
                        <tr><td>{move || b.band.label(english())}</td><td>{b.count.label()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="segment-sample">
                <caption>{t!(i18n, engage.sample)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, engage.name)}</th>
                    <th scope="col">{t!(i18n, engage.age_band)}</th>
                    <th scope="col">{t!(i18n, engage.region)}</th>
                </tr></thead>
                <tbody>
                    {preview.sample.into_iter().map(|m| view! {
                        <tr><td>{m.name.to_string()}</td><td>{move || m.age_band.label(english())}</td><td>{move || m.region.pick(english()).to_owned()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn SaveForm(value: Callback<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action="/admin/forms/segments" class="stack" data-testid="segment-save">
            <h2>{t!(i18n, engage.save_title)}</h2>
            {FORM_FIELDS.iter().map(|key| {
                view! { <input type="hidden" name=*key value=move || value.run((*key).to_owned()) /> }
            }).collect_view()}
            <div class="field">
                <label for="segment-name">{t!(i18n, engage.segment_name)}</label>
                <input id="segment-name" name="name" maxlength="100" required />
            </div>
            <div class="field">
                <label for="segment-description">{t!(i18n, engage.segment_description)}</label>
                <input id="segment-description" name="description" maxlength="500" />
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, engage.save)}</button>
        </form>
    }
}

#[component]
fn SavedSegments(options: BuilderOptions) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{t!(i18n, engage.saved_segments)}</h2>
            {if options.segments.is_empty() {
                view! { <p>{t!(i18n, engage.no_segments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list" data-testid="saved-segments">
                        {options.segments.into_iter().map(|s| {
                            let href = format!("/admin/campaigns?segment={}", s.id);
                            view! {
                                <li>
                                    <strong>{s.name.clone()}</strong>
                                    {(!s.description.is_empty()).then(|| view! { " · " {s.description.clone()} })}
                                    " · " <a href=href>{t!(i18n, engage.use_in_campaign)}</a>
                                    " · " <a href=format!("/admin/surveys/new?segment={}", s.id)>{t!(i18n, engage.survey_it)}</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn campaign_status(status: CampaignStatus, locale: Locale) -> &'static str {
    match status {
        CampaignStatus::Draft => td_string!(locale, engage.status_draft),
        CampaignStatus::PendingApproval => td_string!(locale, engage.status_pending_approval),
        CampaignStatus::Scheduled => td_string!(locale, engage.status_scheduled),
        CampaignStatus::Sending => td_string!(locale, engage.status_sending),
        CampaignStatus::Sent => td_string!(locale, engage.status_sent),
        CampaignStatus::Cancelled => td_string!(locale, engage.status_cancelled),
    }
}

/// The campaigns: a new one (segment, service, message, schedule, cap, quiet hours) and each
/// one's state, audience and conversion, with its next step.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let segment = move || query.with(|q| q.get("segment").unwrap_or_default());
    let options = Resource::new(|| (), |_| segment_options());
    let campaigns = Resource::new(move || query.with(|q| q.get("at")), |_| get_campaigns());
    let flash = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move { take_staff_flash("campaign".into()).await.ok().flatten() },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), engage.campaigns_title).to_owned() />
        <h1>{t!(i18n, engage.campaigns_title)}</h1>
        <p><a href="/admin/segments">{t!(i18n, engage.segments_title)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move { view! { <FlashNotice flash=flash.await /> } })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) => view! { <NewCampaign options chosen=segment() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <h2>{t!(i18n, engage.campaign_list)}</h2>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match campaigns.await {
                    Ok(list) if list.is_empty() => view! { <p>{t!(i18n, engage.no_campaigns)}</p> }.into_any(),
                    Ok(list) => view! { <CampaignTable list /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewCampaign(options: BuilderOptions, chosen: String) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    view! {
        <form method="post" action="/admin/forms/campaigns" class="stack" data-testid="campaign-new">
            <h2>{t!(i18n, engage.new_campaign)}</h2>
            <div class="field">
                <label for="campaign-name">{t!(i18n, engage.campaign_name)}</label>
                <input id="campaign-name" name="name" maxlength="100" required />
            </div>
            <div class="field">
                <label for="campaign-segment">{t!(i18n, engage.segment)}</label>
                <select id="campaign-segment" name="segment_id" required>
                    {options.segments.into_iter().map(|s| {
                        let id = s.id.to_string();
                        let is = id == chosen;
                        view! { <option value=id selected=is>{s.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="campaign-service">{t!(i18n, engage.service)}</label>
                <select id="campaign-service" name="service_code" required>
                    {options.services.into_iter().map(|(_, code, name)| {
                        view! { <option value=code>{move || name.pick(english()).to_owned()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="campaign-message">{t!(i18n, engage.message)}</label>
                <p class="hint" id="campaign-message-hint">{t!(i18n, engage.message_hint)}</p>
                <textarea id="campaign-message" name="message" rows="3" maxlength="500" aria-describedby="campaign-message-hint" required>
                    "{name}您好，{reason}，可以申请“{service}”。"
                </textarea>
            </div>
            <div class="field-row">
                <div class="field field--short">
                    <label for="campaign-cap">{t!(i18n, engage.frequency_cap)}</label>
                    <input id="campaign-cap" name="frequency_cap" type="number" min="1" max="14" value="3" />
                </div>
                <div class="field field--short">
                    <label for="campaign-quiet-from">{t!(i18n, engage.quiet_from)}</label>
                    <input id="campaign-quiet-from" name="quiet_from" type="time" />
                </div>
                <div class="field field--short">
                    <label for="campaign-quiet-until">{t!(i18n, engage.quiet_until)}</label>
                    <input id="campaign-quiet-until" name="quiet_until" type="time" />
                </div>
            </div>
            <div class="field">
                <label for="campaign-at">{t!(i18n, engage.scheduled_at)}</label>
                <input id="campaign-at" name="scheduled_at" type="datetime-local" />
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, engage.create_campaign)}</button>
        </form>
    }
}

#[component]
fn CampaignTable(list: Vec<CampaignView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="campaigns">
                <thead><tr>
                    <th scope="col">{t!(i18n, engage.campaign_name)}</th>
                    <th scope="col">{t!(i18n, engage.service)}</th>
                    <th scope="col">{t!(i18n, engage.segment)}</th>
                    <th scope="col">{t!(i18n, engage.status)}</th>
                    <th scope="col">{t!(i18n, engage.audience)}</th>
                    <th scope="col">{t!(i18n, engage.delivered)}</th>
                    <th scope="col">{t!(i18n, engage.read)}</th>
                    <th scope="col">{t!(i18n, engage.clicked)}</th>
                    <th scope="col">{t!(i18n, engage.applied_count)}</th>
                    <th scope="col">{t!(i18n, engage.dismissed)}</th>
                    <th scope="col">{t!(i18n, engage.actions)}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|c| {
                        let status = c.status;
                        let action = |what: &'static str| format!("/admin/forms/campaigns/{}/{what}", c.id);
                        view! {
                            <tr data-campaign-id=c.id data-status=status.as_str()>
                                <td>{c.name.clone()}</td>
                                <td>{c.service_name.clone()}</td>
                                <td>{c.segment_name.clone()}</td>
                                <td>
                                    {move || campaign_status(status, i18n.get_locale())}
                                    {c.sent_at.map(|at| view! { " · " <When at /> })}
                                </td>
                                <td data-testid="campaign-audience">{c.audience}</td>
                                <td>{c.conversion.delivered}</td>
                                <td>{c.conversion.read}</td>
                                <td>{c.conversion.clicked}</td>
                                <td data-testid="campaign-applied">{c.conversion.applied}</td>
                                <td>{c.conversion.dismissed}</td>
                                <td class="actions">
                                    {(status == CampaignStatus::Draft).then(|| view! {
                                        <form method="post" action=action("submit") class="inline-form">
                                            <button type="submit" class="button button--primary">{t!(i18n, engage.send)}</button>
                                        </form>
                                    })}
                                    {(status == CampaignStatus::PendingApproval).then(|| view! {
                                        <form method="post" action=action("approve") class="inline-form">
                                            <button type="submit" class="button button--primary">{t!(i18n, engage.approve)}</button>
                                        </form>
                                    })}
                                    {status.may_cancel().then(|| view! {
                                        <form method="post" action=action("cancel") class="inline-form">
                                            <button type="submit" class="button">{t!(i18n, engage.cancel)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
