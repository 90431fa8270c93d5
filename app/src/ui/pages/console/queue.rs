//! The department work queue: filters (status, service, due, assigned to me, department for
//! those who see all), counts per status, the tasks sorted by due date, and paging. The filter
//! form is a plain GET form, so every view of the queue is a link.

use super::UrgencyTag;
use super::home::StatusCounts;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::status_chip::StatusChip;
use crate::ui::components::time::When;
use domain::application::ApplicationStatus;
use domain::console::{QueueFilter, QueuePage, Urgency};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use server_fns::console::get_queue;

/// The filter the address asks for; anything unreadable is ignored.
pub fn filter_from(query: &ParamsMap) -> QueueFilter {
    QueueFilter {
        status: query
            .get("status")
            .and_then(|s| ApplicationStatus::parse(&s)),
        service: query.get("service").filter(|s| !s.is_empty()),
        due: match query.get("due").as_deref() {
            Some("overdue") => Some(Urgency::Overdue),
            Some("due_soon") => Some(Urgency::DueSoon),
            _ => None,
        },
        mine: matches!(query.get("mine").as_deref(), Some("true" | "on" | "1")),
        department: query.get("department").and_then(|d| d.parse().ok()),
        page: query.get("page").and_then(|p| p.parse().ok()),
    }
}

/// The address of the queue with `filter` (for paging links).
pub fn href_of(filter: &QueueFilter) -> String {
    use domain::link::encode_query_value;
    let mut pairs: Vec<String> = Vec::new();
    if let Some(status) = filter.status {
        pairs.push(format!("status={}", status.as_str()));
    }
    if let Some(service) = &filter.service {
        pairs.push(format!("service={}", encode_query_value(service)));
    }
    match filter.due {
        Some(Urgency::Overdue) => pairs.push("due=overdue".to_owned()),
        Some(Urgency::DueSoon) => pairs.push("due=due_soon".to_owned()),
        _ => {}
    }
    if filter.mine {
        pairs.push("mine=true".to_owned());
    }
    if let Some(department) = filter.department {
        pairs.push(format!("department={department}"));
    }
    if let Some(page) = filter.page.filter(|p| *p > 1) {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        "/admin/queue".to_owned()
    } else {
        format!("/admin/queue?{}", pairs.join("&"))
    }
}

#[component]
pub fn QueuePageView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(
        move || query.with(filter_from),
        |filter| get_queue(Some(filter)),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.queue_title).to_owned() />
        <h1>{t!(i18n, console.queue_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Queue page /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(page: QueuePage) -> impl IntoView {
    let i18n = use_i18n();
    let filter = page.filter.clone();
    let status = filter
        .status
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let due = match filter.due {
        Some(Urgency::Overdue) => "overdue",
        Some(Urgency::DueSoon) => "due_soon",
        _ => "",
    };
    let service = filter.service.clone().unwrap_or_default();
    let department = filter.department.map(|d| d.to_string()).unwrap_or_default();
    let previous = (page.page > 1).then(|| {
        href_of(&QueueFilter {
            page: Some(page.page - 1),
            ..filter.clone()
        })
    });
    let next = (page.page < page.pages).then(|| {
        href_of(&QueueFilter {
            page: Some(page.page + 1),
            ..filter.clone()
        })
    });
    let has_departments = !page.departments.is_empty();
    view! {
        <form method="get" action="/admin/queue" class="filter-bar" data-testid="queue-filters">
            <div class="field">
                <label for="q-status">{t!(i18n, console.status)}</label>
                <select id="q-status" name="status">
                    <option value="" selected=status.is_empty()>{t!(i18n, console.all_open)}</option>
                    {domain::console::TASK_STATUSES.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=status == s.as_str()>{move || s.label(i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-service">{t!(i18n, console.service)}</label>
                <select id="q-service" name="service">
                    <option value="" selected=service.is_empty()>{t!(i18n, console.all_services)}</option>
                    {page.services.iter().cloned().map(|c| {
                        let selected = c.value == service;
                        view! { <option value=c.value selected=selected><Localized text=c.label /></option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-due">{t!(i18n, console.due)}</label>
                <select id="q-due" name="due">
                    <option value="" selected=due.is_empty()>{t!(i18n, console.any_due)}</option>
                    <option value="overdue" selected=due == "overdue">{t!(i18n, console.overdue)}</option>
                    <option value="due_soon" selected=due == "due_soon">{t!(i18n, console.due_soon)}</option>
                </select>
            </div>
            {has_departments.then(|| view! {
                <div class="field">
                    <label for="q-department">{t!(i18n, console.department)}</label>
                    <select id="q-department" name="department">
                        <option value="" selected=department.is_empty()>{t!(i18n, console.all_departments)}</option>
                        {page.departments.iter().cloned().map(|c| {
                            let selected = c.value == department;
                            view! { <option value=c.value selected=selected><Localized text=c.label /></option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field field--check">
                <input type="checkbox" id="q-mine" name="mine" value="true" checked=filter.mine />
                <label for="q-mine">{t!(i18n, console.assigned_to_me)}</label>
            </div>
            <button type="submit" class="button">{t!(i18n, console.apply_filters)}</button>
        </form>
        <StatusCounts counts=page.counts />
        <p data-testid="queue-total">{t!(i18n, console.total_tasks)} " " <strong>{page.total}</strong></p>
        {if page.rows.is_empty() {
            view! { <p class="notice">{t!(i18n, console.queue_empty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
                    <table class="data-table" data-testid="queue">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, console.number)}</th>
                                <th scope="col">{t!(i18n, console.service)}</th>
                                <th scope="col">{t!(i18n, console.resident)}</th>
                                <th scope="col">{t!(i18n, console.status)}</th>
                                <th scope="col">{t!(i18n, console.submitted)}</th>
                                <th scope="col">{t!(i18n, console.due)}</th>
                                <th scope="col">{t!(i18n, console.assignee)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| {
                                let class = match row.urgency {
                                    Urgency::Overdue => "row--overdue",
                                    Urgency::DueSoon => "row--due-soon",
                                    Urgency::Normal => "",
                                };
                                view! {
                                    <tr class=class data-number=row.number.to_string()>
                                        <td><a href=format!("/admin/cases/{}", row.number)>{row.number.to_string()}</a></td>
                                        <td><Localized text=row.service /> {has_departments.then(|| view! { <br /><small><Localized text=row.department /></small> })}</td>
                                        <td>{row.resident_name}</td>
                                        <td><StatusChip status=row.status /></td>
                                        <td>{row.submitted_at.map(|at| view! { <When at /> })}</td>
                                        <td>{row.due_at.map(|at| view! { <When at /> })} " " <UrgencyTag urgency=row.urgency /></td>
                                        <td>{row.assigned_to}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <nav class="pager" aria-label=move || td_string!(i18n.get_locale(), console.pages)>
            {previous.map(|href| view! { <a href=href rel="prev">{t!(i18n, console.previous_page)}</a> })}
            <span>{t!(i18n, console.page)} " " {page.page} " / " {page.pages}</span>
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, console.next_page)}</a> })}
        </nav>
    }
}
