//! The twelve months' trend as two small line charts (tasks received and decided; the
//! on-time and satisfaction rates) with their figures as a table under `<details>`. The SVG
//! is plain markup rendered on the server, readable at 360 px; the two lines differ in
//! dash and marker shape as well as colour, and a rate left out for too few cases leaves a
//! gap rather than a guess.

use domain::chart::{Frame, SMALL, path, points, round_max, tick_label, ticks};
use domain::figures::percent;
use domain::report::MonthFigures;
use i18n::*;
use leptos::prelude::*;

/// One line of a chart: its values (None where not shown) and which of the two looks.
#[derive(Clone)]
struct Line {
    values: Vec<Option<f64>>,
    second: bool,
}

/// The month's number for the axis ("2026-03" → "3").
fn month_number(month: &str) -> String {
    month
        .rsplit('-')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// A chart of up to two lines over the months, labelled by the element `labelled_by`.
#[component]
fn Chart(
    labelled_by: &'static str,
    lines: Vec<Line>,
    max: f64,
    months: Vec<String>,
    unit: &'static str,
) -> impl IntoView {
    let frame: Frame = SMALL;
    let view_box = format!("0 0 {} {}", frame.width, frame.height);
    let count = months.len();
    let axis_x = frame.left;
    let axis_bottom = frame.height - frame.bottom;
    let grid = ticks(max)
        .into_iter()
        .map(|tick| {
            let y = format!("{:.1}", frame.y(tick, max));
            let label = format!("{}{unit}", tick_label(tick));
            view! {
                <line class="chart__grid" x1=format!("{axis_x:.1}") x2=format!("{:.1}", frame.width - frame.right) y1=y.clone() y2=y.clone() />
                <text class="chart__tick" x=format!("{:.1}", axis_x - 4.0) y=y dy="0.35em" text-anchor="end">{label}</text>
            }
        })
        .collect_view();
    let month_labels = months
        .iter()
        .enumerate()
        .map(|(index, month)| {
            view! {
                <text class="chart__tick" x=format!("{:.1}", frame.x(index, count)) y=format!("{:.1}", axis_bottom + 16.0) text-anchor="middle">
                    {month_number(month)}
                </text>
            }
        })
        .collect_view();
    let drawn = lines
        .into_iter()
        .map(|line| {
            let class = if line.second { "chart__line chart__line--second" } else { "chart__line" };
            let d = path(&line.values, max, &frame);
            let marks = points(&line.values, max, &frame)
                .into_iter()
                .map(|(x, y)| {
                    if line.second {
                        view! { <rect class="chart__mark chart__mark--second" x=format!("{:.1}", x - 3.5) y=format!("{:.1}", y - 3.5) width="7" height="7" /> }.into_any()
                    } else {
                        view! { <circle class="chart__mark" cx=format!("{x:.1}") cy=format!("{y:.1}") r="3.5" /> }.into_any()
                    }
                })
                .collect_view();
            view! {
                <path class=class d=d />
                {marks}
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=view_box role="img" aria-labelledby=labelled_by focusable="false">
            {grid}
            <line class="chart__axis" x1=format!("{axis_x:.1}") x2=format!("{:.1}", frame.width - frame.right) y1=format!("{axis_bottom:.1}") y2=format!("{axis_bottom:.1}") />
            {month_labels}
            {drawn}
        </svg>
    }
}

/// The legend's sample of a line: the same dash and marker as in the chart.
#[component]
fn Sample(second: bool) -> impl IntoView {
    view! {
        <svg class="chart-legend__sample" viewBox="0 0 28 12" aria-hidden="true" focusable="false">
            {if second {
                view! {
                    <path class="chart__line chart__line--second" d="M1 6 L27 6" />
                    <rect class="chart__mark chart__mark--second" x="10.5" y="2.5" width="7" height="7" />
                }.into_any()
            } else {
                view! {
                    <path class="chart__line" d="M1 6 L27 6" />
                    <circle class="chart__mark" cx="14" cy="6" r="3.5" />
                }.into_any()
            }}
        </svg>
    }
}

/// The trend section of the monthly report.
#[component]
pub fn TrendCharts(trend: Vec<MonthFigures>) -> impl IntoView {
    let i18n = use_i18n();
    let months: Vec<String> = trend.iter().map(|m| m.month.clone()).collect();
    let received: Vec<Option<f64>> = trend.iter().map(|m| Some(m.received as f64)).collect();
    let decided: Vec<Option<f64>> = trend.iter().map(|m| Some(m.decided as f64)).collect();
    let busiest = trend
        .iter()
        .map(|m| m.received.max(m.decided))
        .max()
        .unwrap_or(0);
    let as_percent = |rate: Option<f64>| rate.map(|r| r * 100.0);
    let on_time: Vec<Option<f64>> = trend.iter().map(|m| as_percent(m.on_time_rate())).collect();
    let satisfaction: Vec<Option<f64>> = trend
        .iter()
        .map(|m| as_percent(m.satisfaction_rate()))
        .collect();
    let range = match (months.first(), months.last()) {
        (Some(first), Some(last)) => format!("{first} – {last}"),
        _ => String::new(),
    };
    view! {
        <section aria-labelledby="report-trend-title" data-testid="report-trend">
            <h2 id="report-trend-title">{t!(i18n, report.trend_title)}</h2>
            <p class="field__hint">{range}</p>
            <div class="charts">
                <figure class="chart-figure" data-testid="trend-volumes">
                    <figcaption id="trend-volumes-caption">{t!(i18n, report.trend_volumes)}</figcaption>
                    <Chart
                        labelled_by="trend-volumes-caption"
                        lines=vec![Line { values: received, second: false }, Line { values: decided, second: true }]
                        max=round_max(busiest as f64)
                        months=months.clone()
                        unit=""
                    />
                    <ul class="chart-legend">
                        <li><Sample second=false /> {t!(i18n, report.received)}</li>
                        <li><Sample second=true /> {t!(i18n, report.decided)}</li>
                    </ul>
                </figure>
                <figure class="chart-figure" data-testid="trend-rates">
                    <figcaption id="trend-rates-caption">{t!(i18n, report.trend_rates)}</figcaption>
                    <Chart
                        labelled_by="trend-rates-caption"
                        lines=vec![Line { values: on_time, second: false }, Line { values: satisfaction, second: true }]
                        max=100.0
                        months=months
                        unit="%"
                    />
                    <ul class="chart-legend">
                        <li><Sample second=false /> {t!(i18n, report.on_time_rate)}</li>
                        <li><Sample second=true /> {t!(i18n, figures.satisfaction_rate)}</li>
                    </ul>
                </figure>
            </div>
            <details class="chart-data">
                <summary>{t!(i18n, report.trend_table)}</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-trend-title">
                    <table class="data-table" data-testid="trend-table">
                        <thead><tr>
                            <th scope="col">{t!(i18n, report.month)}</th>
                            <th scope="col">{t!(i18n, report.received)}</th>
                            <th scope="col">{t!(i18n, report.decided)}</th>
                            <th scope="col">{t!(i18n, report.on_time_rate)}</th>
                            <th scope="col">{t!(i18n, figures.ratings)}</th>
                            <th scope="col">{t!(i18n, figures.satisfaction_rate)}</th>
                        </tr></thead>
                        <tbody>
                            {trend.into_iter().map(|m| view! {
                                <tr data-month=m.month.clone()>
                                    <th scope="row">{m.month.clone()}</th>
                                    <td data-figure="received">{m.received}</td>
                                    <td data-figure="decided">{m.decided}</td>
                                    <td data-figure="on_time_rate">{percent(m.on_time_rate())}</td>
                                    <td data-figure="ratings">{m.ratings}</td>
                                    <td data-figure="satisfaction_rate">{percent(m.satisfaction_rate())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
