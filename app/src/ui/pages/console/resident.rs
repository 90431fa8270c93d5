//! Resident 360 (客户管理): basic information with ID and mobile masked (a reveal form asks
//! for the reason, which is recorded), household, tags (add and remove with a reason),
//! preferences and consents, applications, ratings, complaints and recommendations. Also the
//! search that leads there.
use domain::ids::ResidentId;

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::status_chip::StatusChip;
use crate::ui::components::time::When;
use domain::console::{ResidentHit, ResidentRecord};
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::console::{find_residents, get_resident_record, take_staff_flash};

#[component]
pub fn ResidentSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The search form posts; what was searched comes back in the session's flash, once.
    let search = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            let flash = take_staff_flash("resident_search".to_owned()).await?;
            let q = flash
                .and_then(|f| f.values.get("q").cloned())
                .unwrap_or_default();
            let hits = find_residents(q.clone()).await?;
            Ok::<_, domain::error::AppError>((q, hits))
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.residents_title).to_owned() />
        <h1>{t!(i18n, console.residents_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (q, hits) = match search.await {
                    Ok(found) => found,
                    Err(error) => return view! { <SearchForm q=String::new() /> <ErrorNotice error /> }.into_any(),
                };
                let searched = !q.is_empty();
                view! {
                    <SearchForm q />
                    {match hits {
                        hits if hits.is_empty() && searched => view! { <p>{t!(i18n, console.no_residents)}</p> }.into_any(),
                        hits if hits.is_empty() => ().into_any(),
                        hits => view! { <HitList hits /> }.into_any(),
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn SearchForm(q: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action="/admin/forms/residents/search" class="filter-bar" role="search">
            <div class="field">
                <label for="resident-q">{t!(i18n, console.resident_search_label)}</label>
                <input id="resident-q" name="q" type="search" value=q maxlength="50" />
            </div>
            <button type="submit" class="button">{t!(i18n, home.search_button)}</button>
        </form>
    }
}

#[component]
fn HitList(hits: Vec<ResidentHit>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="data-table" data-testid="resident-hits">
            <thead><tr>
                <th scope="col">{t!(i18n, console.name)}</th>
                <th scope="col">{t!(i18n, console.id_number)}</th>
                <th scope="col">{t!(i18n, console.mobile)}</th>
                <th scope="col">{t!(i18n, console.region)}</th>
            </tr></thead>
            <tbody>
                {hits.into_iter().map(|h| view! {
                    <tr>
                        <td><a href=format!("/admin/residents/{}", h.id)>{h.name}</a></td>
                        <td>{h.id_number.to_string()}</td>
                        <td>{h.mobile.map(|m| m.to_string())}</td>
                        <td>{h.region}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn ResidentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<ResidentId>().ok())
            .unwrap_or(ResidentId(0))
    };
    let data = Resource::new(
        move || (id(), query.with(|q| q.get("at"))),
        |(id, _)| async move {
            // One flash per redirect; the forms on this page use different names.
            let mut flash = None;
            for form in ["reveal", "tag", "untag"] {
                if let Ok(Some(found)) = take_staff_flash(form.into()).await {
                    flash = Some(found);
                    break;
                }
            }
            (get_resident_record(id).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.record_title).to_owned() />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(record), flash) => view! { <Record record flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Record(record: ResidentRecord, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let revealed = |key: &str| flash.as_ref().and_then(|f| f.values.get(key).cloned());
    let id_number = revealed("revealed_id_number").unwrap_or_else(|| record.id_number.to_string());
    let mobile =
        revealed("revealed_mobile").or_else(|| record.mobile.as_ref().map(|m| m.to_string()));
    let id_revealed = revealed("revealed_id_number").is_some();
    let mobile_revealed = revealed("revealed_mobile").is_some();
    let shown_flash = flash
        .clone()
        .filter(|f| f.error.is_some() || f.form != "reveal");
    let base = format!("/admin/forms/residents/{}", record.id);
    let yes_no = move |b: bool| {
        move || {
            if b {
                td_string!(i18n.get_locale(), console.yes)
            } else {
                td_string!(i18n.get_locale(), console.no)
            }
        }
    };
    view! {
        <article class="record" data-resident=record.id.to_string()>
            <p class="breadcrumbs"><a href="/admin/residents">{t!(i18n, console.residents_title)}</a></p>
            <h1>{record.name.clone()}</h1>
            <FlashNotice flash=shown_flash />
            <section class="section">
                <h2>{t!(i18n, console.basic_info)}</h2>
                <dl class="facts">
                    <div><dt>{t!(i18n, console.gender_age)}</dt><dd>{record.gender.clone()} " · " {record.age}</dd></div>
                    <div>
                        <dt>{t!(i18n, console.id_number)}</dt>
                        <dd data-testid="record-id-number" data-revealed=id_revealed.to_string()>{id_number}</dd>
                    </div>
                    <div>
                        <dt>{t!(i18n, console.mobile)}</dt>
                        <dd data-testid="record-mobile" data-revealed=mobile_revealed.to_string()>{mobile}</dd>
                    </div>
                    {record.email.clone().map(|e| view! { <div><dt>{t!(i18n, console.email)}</dt><dd>{e}</dd></div> })}
                    <div><dt>{t!(i18n, console.address)}</dt><dd>{record.region.clone()} " " {record.address.clone().unwrap_or_default()}</dd></div>
                    <div><dt>{t!(i18n, console.registered)}</dt><dd>{yes_no(record.registered)}</dd></div>
                </dl>
                {record.can_reveal.then(|| view! {
                    <form method="post" action=format!("{base}/reveal") class="stack action-form" data-testid="reveal-form">
                        <fieldset class="fieldset">
                            <legend>{t!(i18n, console.reveal_title)}</legend>
                            <div class="field">
                                <label for="reveal-field">{t!(i18n, console.reveal_which)}</label>
                                <select id="reveal-field" name="field">
                                    <option value="id_number">{t!(i18n, console.id_number)}</option>
                                    <option value="mobile">{t!(i18n, console.mobile)}</option>
                                </select>
                            </div>
                            <div class="field">
                                <label for="reveal-reason">{t!(i18n, console.reveal_reason)}</label>
                                <input id="reveal-reason" name="reason" type="text" maxlength="500" required />
                                <p class="field__hint">{t!(i18n, console.reveal_hint)}</p>
                            </div>
                            <button type="submit" class="button">{t!(i18n, console.reveal)}</button>
                        </fieldset>
                    </form>
                })}
            </section>
            <section class="section">
                <h2>{t!(i18n, console.preferences)}</h2>
                <dl class="facts">
                    <div><dt>{t!(i18n, console.language)}</dt><dd>{record.language.clone()}</dd></div>
                    <div><dt>{t!(i18n, console.elderly_mode)}</dt><dd>{yes_no(record.elderly_mode)}</dd></div>
                    <div><dt>{t!(i18n, console.notify_consent)}</dt><dd>{yes_no(record.notify_consent)}</dd></div>
                </dl>
            </section>
            <section class="section">
                <h2>{t!(i18n, console.household)}</h2>
                {if record.household.is_empty() {
                    view! { <p>{t!(i18n, console.none)}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {record.household.iter().cloned().map(|m| view! {
                                <li><a href=format!("/admin/residents/{}", m.id)>{m.name}</a> " · " {m.relation.unwrap_or_default()} " · " {m.age}</li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            <section class="section">
                <h2>{t!(i18n, console.tags)}</h2>
                <ul class="tag-list" data-testid="tags">
                    {record.tags.iter().cloned().map(|tag| {
                        let remove = format!("{base}/tags/{}/remove", tag.code);
                        let field = format!("untag-reason-{}", tag.code);
                        view! {
                            <li data-tag=tag.code.clone()>
                                <strong><Localized text=tag.name /></strong>
                                {tag.reason.map(|r| view! { " · " {r} })}
                                " · " <When at=tag.added_at />
                                {record.can_edit_tags.then(|| view! {
                                    <form method="post" action=remove class="inline-form">
                                        <label for=field.clone() class="visually-hidden">{t!(i18n, console.tag_reason)}</label>
                                        <input id=field name="reason" type="text" maxlength="500" required placeholder=move || td_string!(i18n.get_locale(), console.tag_reason) />
                                        <button type="submit" class="button button--danger">{t!(i18n, console.remove_tag)}</button>
                                    </form>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(record.can_edit_tags && !record.available_tags.is_empty()).then(|| view! {
                    <form method="post" action=format!("{base}/tags") class="filter-bar" data-testid="add-tag">
                        <div class="field">
                            <label for="tag-code">{t!(i18n, console.add_tag)}</label>
                            <select id="tag-code" name="tag">
                                {record.available_tags.iter().cloned().map(|c| view! { <option value=c.value><Localized text=c.label /></option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="tag-reason">{t!(i18n, console.tag_reason)}</label>
                            <input id="tag-reason" name="reason" type="text" maxlength="500" required />
                        </div>
                        <button type="submit" class="button">{t!(i18n, console.add_tag)}</button>
                    </form>
                })}
            </section>
            <section class="section">
                <h2>{t!(i18n, console.applications)}</h2>
                <ul class="record-list" data-testid="record-applications">
                    {record.applications.iter().cloned().map(|a| view! {
                        <li>
                            <a href=format!("/admin/cases/{}", a.number)>{a.number.to_string()}</a>
                            " · " <Localized text=a.title /> " " <StatusChip status=a.status />
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="section">
                <h2>{t!(i18n, console.ratings)}</h2>
                {if record.ratings.is_empty() { view! { <p>{t!(i18n, console.none)}</p> }.into_any() } else { view! {
                    <ul>{record.ratings.iter().cloned().map(|r| view! {
                        <li><Localized text=r.service /> " · " {r.score} "/5 " {r.comment.unwrap_or_default()} " · " <When at=r.created_at /></li>
                    }).collect_view()}</ul>
                }.into_any() }}
            </section>
            <section class="section">
                <h2>{t!(i18n, console.complaints)}</h2>
                {if record.complaints.is_empty() { view! { <p>{t!(i18n, console.none)}</p> }.into_any() } else { view! {
                    <ul>{record.complaints.iter().cloned().map(|c| view! {
                        <li>{c.number} " · " {c.title} " · " {c.status} " · " <When at=c.created_at /></li>
                    }).collect_view()}</ul>
                }.into_any() }}
            </section>
            <section class="section">
                <h2>{t!(i18n, console.recommendations)}</h2>
                {if record.recommendations.is_empty() { view! { <p>{t!(i18n, console.none)}</p> }.into_any() } else { view! {
                    <ul>{record.recommendations.iter().cloned().map(|r| view! {
                        <li><Localized text=r.title /> " · " {r.status} " · " <Localized text=r.reason /> " · " <When at=r.created_at /></li>
                    }).collect_view()}</ul>
                }.into_any() }}
            </section>
        </article>
    }
}
