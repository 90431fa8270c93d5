//! 月度报告 in the console (`/admin/reports/2026-11`): one month for leaders, laid out to
//! print on A4 — volumes and the on-time rate per department, satisfaction, the ranking,
//! bad reviews and their rectifications, common problems, the alerts at the month's end and
//! the campaigns sent, and the twelve months' trend as charts — with the same report as CSV. Rates built from fewer than 10 cases
//! are left out, as on the public page. Month links and the department filter are plain
//! links and a GET form, so it all works without JavaScript.

use super::alerts::{AlertHeading, evidence_text};
use super::figures::{DepartmentField, Problems, RankingView, SatisfactionAlerts};
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::{Day, When};
use domain::deadline::china_date;
use domain::figures::{Figures, percent};
use domain::rating_policy::MIN_PUBLIC_RATINGS;
use domain::report::{MonthlyReport, Volume, shown_rate};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::report::get_monthly_report;

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let report = Resource::new(
        move || {
            let month = params.with(|p| p.get("month"));
            let department = query.with(|q| {
                q.get("department")
                    .and_then(|d| d.trim().parse::<i64>().ok())
            });
            (month, department)
        },
        |(month, department)| get_monthly_report(month, department),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), report.title).to_owned() />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <ReportView report /> }.into_any(),
                    Err(error) => view! {
                        <h1>{t!(i18n, report.title)}</h1>
                        <ErrorNotice error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `?department=ID` for a supervisor's narrowed report, else nothing.
fn department_query(department: Option<i64>) -> String {
    department
        .map(|d| format!("?department={d}"))
        .unwrap_or_default()
}

#[component]
fn ReportView(report: MonthlyReport) -> impl IntoView {
    let i18n = use_i18n();
    let month = report.month.clone();
    let may_filter = !report.department_choices.is_empty();
    // Only a supervisor chooses the department; a head's report is always their own.
    let chosen_department = report.department_id.filter(|_| may_filter);
    let suffix = department_query(chosen_department);
    let csv = format!("/api/v1/staff/reports/{month}/csv{suffix}");
    let partial = report.partial;
    let scope = report.department.clone();
    let heading_month = month.clone();
    view! {
        <article class="report" data-testid="monthly-report" data-month=month.clone()>
            <header class="report__header">
                <h1>
                    {move || td_string!(i18n.get_locale(), report.heading).replace("$month", &heading_month)}
                </h1>
                <p data-testid="report-scope">
                    {match scope {
                        Some(name) => view! { <Localized text=name /> }.into_any(),
                        None => t!(i18n, report.all_departments).into_any(),
                    }}
                    " · " {t!(i18n, report.period)} " " <Day day=report.period.from /> " – " <Day day=report.period.to />
                    " · " {t!(i18n, report.generated)} " " <When at=report.generated_at />
                </p>
                {partial.then(|| view! { <p class="notice" data-testid="report-partial">{t!(i18n, report.partial)}</p> })}
            </header>

            <nav class="report__tools no-print" aria-label=move || td_string!(i18n.get_locale(), report.months_label)>
                <ul class="report__months">
                    {report.months.iter().map(|m| {
                        let current = *m == month;
                        view! {
                            <li>
                                <a href=format!("/admin/reports/{m}{suffix}") aria-current=current.then_some("page")>{m.clone()}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {may_filter.then(|| view! {
                    <form method="get" action=format!("/admin/reports/{month}") class="filter-bar">
                        <DepartmentField id="r-department" choices=report.department_choices.clone() current=chosen_department />
                        <button type="submit" class="button">{t!(i18n, figures.show)}</button>
                    </form>
                })}
                <p>
                    <a href=csv data-testid="report-csv">{t!(i18n, report.csv)}</a>
                    " · " {t!(i18n, report.print_hint)}
                </p>
            </nav>

            <section aria-labelledby="report-volumes-title">
                <h2 id="report-volumes-title">{t!(i18n, report.volumes_title)}</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-volumes-title">
                    <table class="data-table" data-testid="report-volumes">
                        <thead><tr>
                            <th scope="col">{t!(i18n, figures.department)}</th>
                            <th scope="col">{t!(i18n, report.received)}</th>
                            <th scope="col">{t!(i18n, report.decided)}</th>
                            <th scope="col">{t!(i18n, report.approved)}</th>
                            <th scope="col">{t!(i18n, report.rejected)}</th>
                            <th scope="col">{t!(i18n, report.on_time)}</th>
                            <th scope="col">{t!(i18n, report.on_time_rate)}</th>
                            <th scope="col">{t!(i18n, report.completed)}</th>
                        </tr></thead>
                        <tbody>
                            {report.volumes.into_iter().map(|d| view! {
                                <tr data-department=d.code.clone()>
                                    <th scope="row"><Localized text=d.name /></th>
                                    <VolumeCells volume=d.volume />
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr data-testid="report-volume-total">
                                <th scope="row">{t!(i18n, figures.total)}</th>
                                <VolumeCells volume=report.volume_total />
                            </tr>
                        </tfoot>
                    </table>
                </div>
                <p class="field__hint">{t!(i18n, report.on_time_note)}</p>
            </section>

            <super::trend::TrendCharts trend=report.trend />

            <section aria-labelledby="report-satisfaction-title">
                <h2 id="report-satisfaction-title">{t!(i18n, report.satisfaction_title)}</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-satisfaction-title">
                    <table class="data-table" data-testid="report-satisfaction">
                        <thead><tr>
                            <th scope="col">{t!(i18n, figures.department)}</th>
                            <th scope="col">{t!(i18n, figures.ratings)}</th>
                            <th scope="col">{t!(i18n, figures.satisfaction_rate)}</th>
                            <th scope="col">{t!(i18n, figures.bad)}</th>
                            <th scope="col">{t!(i18n, figures.rectifications)}</th>
                            <th scope="col">{t!(i18n, figures.closed)}</th>
                            <th scope="col">{t!(i18n, figures.closed_on_time)}</th>
                            <th scope="col">{t!(i18n, figures.open_overdue)}</th>
                        </tr></thead>
                        <tbody>
                            {report.satisfaction.into_iter().map(|d| view! {
                                <tr data-department=d.code.clone()>
                                    <th scope="row"><Localized text=d.name /></th>
                                    <SatisfactionCells figures=d.figures />
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">{t!(i18n, figures.total)}</th>
                                <SatisfactionCells figures=report.satisfaction_total />
                            </tr>
                        </tfoot>
                    </table>
                </div>
                <p class="field__hint">
                    {move || td_string!(i18n.get_locale(), report.small_numbers).replace("$n", &MIN_PUBLIC_RATINGS.to_string())}
                </p>
            </section>

            <RankingView ranking=report.ranking />
            <Problems problems=report.problems />

            <section aria-labelledby="report-alerts-title" data-testid="report-alerts">
                <h2 id="report-alerts-title">{t!(i18n, report.alerts_title)}</h2>
                {if report.alerts.is_empty() {
                    view! { <p>{t!(i18n, report.no_alerts)}</p> }.into_any()
                } else {
                    view! { <SatisfactionAlerts alerts=report.alerts link=false /> }.into_any()
                }}
                <h3>{t!(i18n, report.raised_title)}</h3>
                {if report.raised_alerts.is_empty() {
                    view! { <p data-testid="report-no-raised-alerts">{t!(i18n, report.no_raised)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="alert-list" data-testid="report-raised-alerts">
                            {report.raised_alerts.into_iter().map(|alert| view! { <RaisedAlert alert /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="report-campaigns-title">
                <h2 id="report-campaigns-title">{t!(i18n, report.campaigns_title)}</h2>
                {if report.campaigns.is_empty() {
                    view! { <p data-testid="report-no-campaigns">{t!(i18n, report.no_campaigns)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-campaigns-title">
                            <table class="data-table" data-testid="report-campaigns">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, report.campaign)}</th>
                                    <th scope="col">{t!(i18n, report.sent_on)}</th>
                                    <th scope="col">{t!(i18n, report.delivered)}</th>
                                    <th scope="col">{t!(i18n, report.read)}</th>
                                    <th scope="col">{t!(i18n, report.applied)}</th>
                                    <th scope="col">{t!(i18n, report.conversion_rate)}</th>
                                </tr></thead>
                                <tbody>
                                    {report.campaigns.into_iter().map(|c| {
                                        let rate = percent(c.conversion_rate());
                                        view! {
                                            <tr data-campaign=c.id>
                                                <th scope="row">{c.name} <br /><small><Localized text=c.service /></small></th>
                                                <td><Day day=china_date(c.sent_at) /></td>
                                                <td>{c.conversion.delivered}</td>
                                                <td>{c.conversion.read}</td>
                                                <td>{c.conversion.applied}</td>
                                                <td>{rate}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </article>
    }
}

/// One department's volume, in the order of the table's head.
#[component]
fn VolumeCells(volume: Volume) -> impl IntoView {
    view! {
        <td data-figure="received">{volume.received}</td>
        <td data-figure="decided">{volume.decided}</td>
        <td data-figure="approved">{volume.approved}</td>
        <td data-figure="rejected">{volume.rejected}</td>
        <td data-figure="on_time">{volume.on_time} " / " {volume.with_deadline}</td>
        <td data-figure="on_time_rate">{percent(volume.on_time_rate())}</td>
        <td data-figure="completed">{volume.completed}</td>
    }
}

/// One department's ratings and rectifications; the rate only from 10 ratings on.
#[component]
fn SatisfactionCells(figures: Figures) -> impl IntoView {
    view! {
        <td data-figure="ratings">{figures.ratings}</td>
        <td data-figure="satisfaction_rate">{percent(shown_rate(figures.satisfaction_rate, figures.ratings))}</td>
        <td data-figure="bad">{figures.bad}</td>
        <td data-figure="rectifications">{figures.rectifications}</td>
        <td data-figure="closed">{figures.closed}</td>
        <td data-figure="closed_on_time">{figures.closed_on_time}</td>
        <td data-figure="open_overdue">{figures.open_overdue}</td>
    }
}

/// An alert raised in the month: what, its figures when last looked at, and whether it is
/// closed.
#[component]
fn RaisedAlert(alert: domain::alert::Alert) -> impl IntoView {
    let i18n = use_i18n();
    let rule = alert.rule;
    let evidence = alert.evidence.clone();
    let closed = alert.closed_at;
    view! {
        <li data-testid="report-raised-alert" data-rule=rule.as_str() data-level=alert.level.as_str()>
            <AlertHeading alert=alert.clone() />
            <br />
            {move || evidence_text(rule, &evidence, i18n.get_locale())}
            <br />
            <small>
                {t!(i18n, alerts.raised)} " " <When at=alert.raised_at /> " · "
                {match closed {
                    Some(at) => view! { {t!(i18n, alerts.closed)} " " <When at /> }.into_any(),
                    None => view! { {t!(i18n, alerts.still_open)} }.into_any(),
                }}
            </small>
        </li>
    }
}
