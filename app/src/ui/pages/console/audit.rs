//! The audit log for supervisors and administrators: search by actor, resident, action and
//! date range; export the result as CSV.

use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::console::{AuditPage, AuditQuery};
use domain::link::encode_query_value;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use server_fns::console::get_audit_page;

fn query_from(q: &ParamsMap) -> AuditQuery {
    AuditQuery {
        actor: q.get("actor").filter(|s| !s.trim().is_empty()),
        resident: q.get("resident").and_then(|s| s.trim().parse().ok()),
        action: q.get("action").filter(|s| !s.trim().is_empty()),
        from: q.get("from").and_then(|s| s.parse().ok()),
        to: q.get("to").and_then(|s| s.parse().ok()),
        page: q.get("page").and_then(|s| s.parse().ok()),
    }
}

fn search_of(query: &AuditQuery, page: Option<u32>) -> String {
    let mut pairs = Vec::new();
    if let Some(actor) = &query.actor {
        pairs.push(format!("actor={}", encode_query_value(actor)));
    }
    if let Some(resident) = query.resident {
        pairs.push(format!("resident={resident}"));
    }
    if let Some(action) = &query.action {
        pairs.push(format!("action={}", encode_query_value(action)));
    }
    if let Some(from) = query.from {
        pairs.push(format!("from={from}"));
    }
    if let Some(to) = query.to {
        pairs.push(format!("to={to}"));
    }
    if let Some(page) = page {
        pairs.push(format!("page={page}"));
    }
    pairs.join("&")
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(
        move || query.with(query_from),
        |query| get_audit_page(Some(query)),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.audit_title).to_owned() />
        <h1>{t!(i18n, console.audit_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Audit page /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Audit(page: AuditPage) -> impl IntoView {
    let i18n = use_i18n();
    let q = page.query.clone();
    let csv = format!("/api/v1/staff/audit.csv?{}", search_of(&q, None));
    let empty = page.entries.is_empty();
    let previous =
        (page.page > 1).then(|| format!("/admin/audit?{}", search_of(&q, Some(page.page - 1))));
    let next = (page.page < page.pages)
        .then(|| format!("/admin/audit?{}", search_of(&q, Some(page.page + 1))));
    view! {
        <form method="get" action="/admin/audit" class="filter-bar" data-testid="audit-filters">
            <div class="field">
                <label for="a-actor">{t!(i18n, console.audit_actor)}</label>
                <input id="a-actor" name="actor" type="text" value=q.actor.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="a-resident">{t!(i18n, console.audit_resident)}</label>
                <input id="a-resident" name="resident" type="text" inputmode="numeric" value=q.resident.map(|r| r.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="a-action">{t!(i18n, console.audit_action)}</label>
                <input id="a-action" name="action" type="text" value=q.action.clone().unwrap_or_default() />
                <p class="field__hint">{t!(i18n, console.audit_action_hint)}</p>
            </div>
            <div class="field">
                <label for="a-from">{t!(i18n, console.audit_from)}</label>
                <input id="a-from" name="from" type="date" value=q.from.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="a-to">{t!(i18n, console.audit_to)}</label>
                <input id="a-to" name="to" type="date" value=q.to.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <button type="submit" class="button">{t!(i18n, console.apply_filters)}</button>
        </form>
        <p>
            {t!(i18n, console.total_entries)} " " <strong data-testid="audit-total">{page.total}</strong> " · "
            <a href=csv download rel="external" data-testid="audit-csv">{t!(i18n, console.export_csv)}</a>
        </p>
        {empty.then(|| view! { <p data-testid="audit-empty">{t!(i18n, console.audit_empty)}</p> })}
        <div class="table-scroll" tabindex="0" role="region" hidden=empty aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="audit">
                <thead><tr>
                    <th scope="col">{t!(i18n, console.time)}</th>
                    <th scope="col">{t!(i18n, console.audit_actor)}</th>
                    <th scope="col">{t!(i18n, console.department)}</th>
                    <th scope="col">{t!(i18n, console.audit_action)}</th>
                    <th scope="col">{t!(i18n, console.target)}</th>
                    <th scope="col">{t!(i18n, console.reason)}</th>
                    <th scope="col">"IP"</th>
                </tr></thead>
                <tbody>
                    {page.entries.into_iter().map(|e| { let action = e.action.clone(); view! {
                        <tr data-action=action>
                            <td><When at=e.at /></td>
                            <td>{e.actor.unwrap_or_default()} " (" {e.actor_username.unwrap_or_default()} ", " {e.role.unwrap_or_default()} ")"</td>
                            <td>{e.department.map(|d| view! { <Localized text=d /> })}</td>
                            <td><code>{e.action}</code></td>
                            <td>{e.target_kind} " " {e.target_id.map(|i| i.to_string())}
                                {e.resident_id.map(|r| view! { " · " <a href=format!("/admin/residents/{r}")>{t!(i18n, console.resident)} " " {r.to_string()}</a> })}
                            </td>
                            <td>{e.reason.unwrap_or_default()}</td>
                            <td>{e.ip.unwrap_or_default()}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || td_string!(i18n.get_locale(), console.pages)>
            {previous.map(|href| view! { <a href=href rel="prev">{t!(i18n, console.previous_page)}</a> })}
            <span>{t!(i18n, console.page)} " " {page.page} " / " {page.pages}</span>
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, console.next_page)}</a> })}
        </nav>
    }
}
