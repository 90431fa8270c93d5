//! 满意度数据 in the console: the figures of a period (a month, the last 12 months, or dates)
//! per department and service, the month's department ranking, common problems versus
//! individual cases, and the 30-day alerts. The period picker is a GET form, so it works
//! without JavaScript; department staff see their own department, supervisors all.

use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::console::Choice;
use domain::figures::{
    Figures, FiguresQuery, LAST_12_MONTHS, ProblemReport, Ranking, SatisfactionAlert, StaffFigures,
    duration_text, percent,
};
use domain::link::encode_query_value;
use domain::rating_policy::MIN_PUBLIC_RATINGS;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use server_fns::figures::get_staff_figures;

fn query_from(q: &ParamsMap) -> FiguresQuery {
    let text = |key: &str| q.get(key).filter(|s| !s.trim().is_empty());
    FiguresQuery {
        month: text("month"),
        from: text("from"),
        to: text("to"),
        department: q.get("department").and_then(|s| s.trim().parse().ok()),
    }
}

/// The page's query string with another department (or none).
fn search_with_department(query: &FiguresQuery, department: Option<i64>) -> String {
    let mut pairs = Vec::new();
    for (key, value) in [
        ("month", &query.month),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            pairs.push(format!("{key}={}", encode_query_value(value)));
        }
    }
    if let Some(id) = department {
        pairs.push(format!("department={id}"));
    }
    pairs.join("&")
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let figures = Resource::new(
        move || query.with(query_from),
        |query| get_staff_figures(Some(query)),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), figures.title).to_owned() />
        <h1>{t!(i18n, figures.title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(figures) => view! { <FiguresView figures /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FiguresView(figures: StaffFigures) -> impl IntoView {
    let i18n = use_i18n();
    let q = figures.query.clone();
    let by_dates = q.from.is_some() || q.to.is_some();
    // The month shown as chosen: the one asked for, else the period's own month.
    let chosen = q
        .month
        .clone()
        .filter(|_| !by_dates)
        .or_else(|| figures.period.month_key());
    let may_filter = !figures.department_choices.is_empty();
    let period_label = figures.period.label();
    let department_rows = figures.departments.clone();
    let filter_query = q.clone();
    view! {
        <form method="get" action="/admin/figures" class="filter-bar" data-testid="figures-period">
            <div class="field">
                <label for="f-month">{t!(i18n, figures.month)}</label>
                <select id="f-month" name="month">
                    {figures.months.iter().map(|m| {
                        let selected = chosen.as_deref() == Some(m.as_str());
                        view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                    }).collect_view()}
                    <option value=LAST_12_MONTHS selected=chosen.as_deref() == Some(LAST_12_MONTHS)>
                        {t!(i18n, figures.last_12_months)}
                    </option>
                </select>
            </div>
            <div class="field">
                <label for="f-from">{t!(i18n, figures.from)}</label>
                <input id="f-from" name="from" type="date" value=q.from.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="f-to">{t!(i18n, figures.to)}</label>
                <input id="f-to" name="to" type="date" value=q.to.clone().unwrap_or_default() />
                <p class="field__hint">{t!(i18n, figures.range_hint)}</p>
            </div>
            {may_filter.then(|| view! {
                <DepartmentField id="f-department" choices=figures.department_choices.clone() current=q.department />
            })}
            <button type="submit" class="button">{t!(i18n, figures.show)}</button>
        </form>
        <p>
            {t!(i18n, figures.period)} " " <strong data-testid="figures-period-label">{period_label}</strong>
            {figures.period.month_key().map(|_| format!(" ({} – {})", figures.period.from, figures.period.to))}
        </p>
        <SatisfactionAlerts alerts=figures.alerts.clone() link=false />

        <h2>{t!(i18n, figures.by_department)}</h2>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="figures-departments">
                <thead><FiguresHead service=false extra=may_filter /></thead>
                <tbody>
                    {department_rows.into_iter().map(|d| {
                        let filter = may_filter.then(|| format!("/admin/figures?{}", search_with_department(&filter_query, Some(d.id))));
                        view! {
                            <tr data-department=d.code.clone()>
                                <th scope="row"><Localized text=d.name /></th>
                                <FiguresCells figures=d.figures />
                                {filter.map(|href| view! { <td><a href=href>{t!(i18n, figures.filter_department)}</a></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr data-testid="figures-total">
                        <th scope="row">{t!(i18n, figures.total)}</th>
                        <FiguresCells figures=figures.total />
                        {may_filter.then(|| view! { <td></td> })}
                    </tr>
                </tfoot>
            </table>
        </div>
        <p class="field__hint">{t!(i18n, figures.rate_note)}</p>

        <h2>{t!(i18n, figures.by_service)}</h2>
        {if figures.services.is_empty() {
            view! { <p data-testid="figures-no-services">{t!(i18n, figures.no_data)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
                    <table class="data-table" data-testid="figures-services">
                        <thead><FiguresHead service=true extra=false /></thead>
                        <tbody>
                            {figures.services.into_iter().map(|s| view! {
                                <tr data-service=s.code.clone()>
                                    <th scope="row"><Localized text=s.name /> <br /><small><Localized text=s.department /></small></th>
                                    <FiguresCells figures=s.figures />
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}

        <RankingView ranking=figures.ranking />
        <Problems problems=figures.problems />
    }
}

/// The department filter of supervisors and administrators: every department, or one.
#[component]
pub(super) fn DepartmentField(
    id: &'static str,
    choices: Vec<Choice>,
    current: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = current.map(|d| d.to_string());
    view! {
        <div class="field">
            <label for=id>{t!(i18n, figures.department)}</label>
            <select id=id name="department">
                <option value="" selected=current.is_none()>{t!(i18n, figures.all_departments)}</option>
                {choices.into_iter().map(|c| {
                    let selected = current.as_deref() == Some(c.value.as_str());
                    view! { <option value=c.value selected=selected><Localized text=c.label /></option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn FiguresHead(service: bool, extra: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr>
            <th scope="col">{if service { t!(i18n, figures.service).into_any() } else { t!(i18n, figures.department).into_any() }}</th>
            <th scope="col">{t!(i18n, figures.ratings)}</th>
            <th scope="col">{t!(i18n, figures.satisfaction_rate)}</th>
            <th scope="col">{t!(i18n, figures.bad)}</th>
            <th scope="col">{t!(i18n, figures.bad_review_rate)}</th>
            <th scope="col">{t!(i18n, figures.rectifications)}</th>
            <th scope="col">{t!(i18n, figures.closed)}</th>
            <th scope="col">{t!(i18n, figures.closed_on_time)}</th>
            <th scope="col">{t!(i18n, figures.open_overdue)}</th>
            <th scope="col">{t!(i18n, figures.on_time_rate)}</th>
            <th scope="col">{t!(i18n, figures.average_time)}</th>
            {extra.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, figures.filter_department)}</span></th> })}
        </tr>
    }
}

/// One row's figures, in the order of `FiguresHead`.
#[component]
fn FiguresCells(figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let hours = figures.average_rectification_hours;
    view! {
        <td data-figure="ratings">{figures.ratings}</td>
        <td data-figure="satisfaction_rate">{percent(figures.satisfaction_rate)}</td>
        <td data-figure="bad">{figures.bad}</td>
        <td data-figure="bad_review_rate">{percent(figures.bad_review_rate)}</td>
        <td data-figure="rectifications">{figures.rectifications}</td>
        <td data-figure="closed">{figures.closed}</td>
        <td data-figure="closed_on_time">{figures.closed_on_time}</td>
        <td data-figure="open_overdue">{figures.open_overdue}</td>
        <td data-figure="on_time_rate">{percent(figures.on_time_rate)}</td>
        <td data-figure="average_time">{move || duration_text(hours, i18n.get_locale())}</td>
    }
}

#[component]
pub(super) fn RankingView(ranking: Ranking) -> impl IntoView {
    let i18n = use_i18n();
    let month = ranking.month.clone();
    let any_ranked = ranking.entries.iter().any(|e| e.rank.is_some());
    view! {
        <section aria-labelledby="ranking-title" data-testid="figures-ranking">
            <h2 id="ranking-title">
                {move || td_string!(i18n.get_locale(), figures.ranking_title).replace("$month", &month)}
            </h2>
            <p class="field__hint">
                {move || td_string!(i18n.get_locale(), figures.ranking_note).replace("$n", &MIN_PUBLIC_RATINGS.to_string())}
            </p>
            {(!any_ranked).then(|| view! { <p>{t!(i18n, figures.no_ranking)}</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
                <table class="data-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, figures.rank)}</th>
                        <th scope="col">{t!(i18n, figures.department)}</th>
                        <th scope="col">{t!(i18n, figures.satisfaction_rate)}</th>
                        <th scope="col">{t!(i18n, figures.ratings)}</th>
                    </tr></thead>
                    <tbody>
                        {ranking.entries.into_iter().map(|e| view! {
                            <tr data-rank=e.rank.map(|r| r.to_string()).unwrap_or_default()>
                                <td>{match e.rank {
                                    Some(rank) => rank.to_string().into_any(),
                                    None => t!(i18n, figures.unranked).into_any(),
                                }}</td>
                                <th scope="row"><Localized text=e.department /></th>
                                <td>{percent(e.satisfaction_rate)}</td>
                                <td>{e.ratings}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub(super) fn Problems(problems: ProblemReport) -> impl IntoView {
    let i18n = use_i18n();
    let count = |key: &'static str, n: u64| {
        move || {
            let locale = i18n.get_locale();
            let text = match key {
                "residents" => td_string!(locale, figures.residents_count),
                "answers" => td_string!(locale, figures.low_answers_count),
                _ => td_string!(locale, figures.bad_reviews_count),
            };
            text.replace("$n", &n.to_string())
        }
    };
    view! {
        <section aria-labelledby="problems-title" data-testid="figures-problems">
            <h2 id="problems-title">{t!(i18n, figures.problems_title)}</h2>
            <p class="field__hint">
                {move || td_string!(i18n.get_locale(), figures.problems_intro)
                    .replace("$n", &domain::figures::COMMON_PROBLEM_RESIDENTS.to_string())}
            </p>
            <p>
                {t!(i18n, figures.bad_reviews_total)} " " <strong data-testid="bad-reviews-total">{problems.bad_reviews}</strong>
                " · " {t!(i18n, figures.individual)} " " <strong data-testid="individual-count">{problems.individual}</strong>
            </p>
            {if problems.common.is_empty() {
                view! { <p data-testid="no-common-problems">{t!(i18n, figures.no_common_problems)}</p> }.into_any()
            } else {
                view! {
                    <ul class="stack" data-testid="common-problems">
                        {problems.common.into_iter().map(|p| {
                            let cause = p.cause;
                            view! {
                                <li data-service=p.service_code.clone() data-cause=cause.key().1>
                                    <strong>{move || cause.label(i18n.get_locale())}</strong>
                                    " · " <Localized text=p.service />
                                    " · " {count("ratings", p.ratings)}
                                    " (" {count("residents", p.residents)} ", " <Localized text=p.department /> ")"
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!problems.survey_common.is_empty()).then(|| view! {
                <h3>{t!(i18n, figures.survey_problems)}</h3>
                <ul class="stack" data-testid="survey-problems">
                    {problems.survey_common.into_iter().map(|p| view! {
                        <li data-service=p.service_code.clone() data-survey=p.survey_id>
                            <strong>{p.question}</strong>
                            " · " <Localized text=p.service />
                            " · " {p.survey_title}
                            " · " {count("answers", p.answers)}
                            " (" {count("residents", p.residents)} ")"
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// The warning that a department's rolling 30-day satisfaction fell below the alert line;
/// on the console home with a link to the figures.
#[component]
pub fn SatisfactionAlerts(alerts: Vec<SatisfactionAlert>, link: bool) -> impl IntoView {
    let i18n = use_i18n();
    (!alerts.is_empty()).then(|| {
        view! {
            <section class="notice notice--warning" role="status" aria-labelledby="satisfaction-alert-title" data-testid="satisfaction-alerts">
                <h2 id="satisfaction-alert-title">{t!(i18n, figures.alert_title)}</h2>
                <ul>
                    {alerts.into_iter().map(|a| {
                        let rate = percent(a.rate());
                        let threshold = format!("{}%", a.threshold_percent);
                        let ratings = a.ratings.to_string();
                        let department = a.department.clone();
                        view! {
                            <li data-department-id=a.department_id>
                                {move || {
                                    let locale = i18n.get_locale();
                                    td_string!(locale, figures.alert_text)
                                        .replace("$department", department.pick(locale == Locale::en))
                                        .replace("$rate", &rate)
                                        .replace("$ratings", &ratings)
                                        .replace("$threshold", &threshold)
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {link.then(|| view! { <p><a href="/admin/figures">{t!(i18n, figures.alert_link)}</a></p> })}
            </section>
        }
    })
}
