//! The console's first page: what is pressing in the viewer's scope.

use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::console::StatusCount;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::console::get_console_home;

#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let home = Resource::new(|| (), |_| get_console_home());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.home_title).to_owned() />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! {
                        <h1>{t!(i18n, console.home_title)}</h1>
                        <p data-testid="console-me">
                            {home.me.name.clone()} " · " {move || home.me.role.label(i18n.get_locale())}
                            {home.me.department.clone().map(|d| view! { " · " <Localized text=d /> })}
                        </p>
                        <super::figures::SatisfactionAlerts alerts=home.satisfaction_alerts.clone() link=true />
                        <ul class="stat-grid" data-testid="pressing">
                            <li class="stat stat--overdue">
                                <a href="/admin/queue?due=overdue">
                                    <span class="stat__figure" data-testid="overdue-count">{home.overdue}</span>
                                    <span class="stat__label">{t!(i18n, console.overdue)}</span>
                                </a>
                            </li>
                            <li class="stat stat--due-soon">
                                <a href="/admin/queue?due=due_soon">
                                    <span class="stat__figure" data-testid="due-soon-count">{home.due_soon}</span>
                                    <span class="stat__label">{t!(i18n, console.due_soon)}</span>
                                </a>
                            </li>
                            <li class="stat">
                                <a href="/admin/queue?mine=true">
                                    <span class="stat__figure">{home.assigned_to_me}</span>
                                    <span class="stat__label">{t!(i18n, console.assigned_to_me)}</span>
                                </a>
                            </li>
                            {home.me.may(domain::staff::Permission::ViewRatings).then(|| view! {
                                <li class="stat">
                                    <a href="/admin/rectifications">
                                        <span class="stat__figure" data-testid="rectifications-waiting">{home.rectifications_waiting}</span>
                                        <span class="stat__label">{t!(i18n, rectify.home_open)}</span>
                                    </a>
                                </li>
                                <li class="stat stat--overdue">
                                    <a href="/admin/rectifications?status=open">
                                        <span class="stat__figure" data-testid="rectifications-overdue">{home.rectifications_overdue}</span>
                                        <span class="stat__label">{t!(i18n, rectify.home_overdue)}</span>
                                    </a>
                                </li>
                            })}
                            {home.me.may(domain::staff::Permission::ViewForecasts).then(|| view! {
                                <li class="stat" class:stat--overdue=home.open_alarms != 0>
                                    <a href="/admin/alerts">
                                        <span class="stat__figure" data-testid="alerts-open">{home.open_alerts}</span>
                                        <span class="stat__label">{t!(i18n, alerts.home_open)}</span>
                                    </a>
                                </li>
                            })}
                        </ul>
                        <h2>{t!(i18n, console.by_status)}</h2>
                        <StatusCounts counts=home.counts />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Counts per status, each a link to the queue filtered by it.
#[component]
pub fn StatusCounts(counts: Vec<StatusCount>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="status-counts" data-testid="status-counts">
            {counts.into_iter().map(|c| {
                let status = c.status;
                view! {
                    <li data-status=status.as_str()>
                        <a href=format!("/admin/queue?status={}", status.as_str())>
                            {move || status.label(i18n.get_locale())} " " <strong>{c.count}</strong>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
