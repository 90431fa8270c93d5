//! 积压预测 in the console: for each service of the viewer's scope (a head's department, a
//! supervisor's every department), the running tasks due in the next working days, the recent
//! pace, how many will run past their deadline at that pace and the decisions a working day
//! that would prevent it, with the model's assumptions stated beside the table.

use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::forecast::{BacklogForecast, ForecastRow, HORIZON};
use domain::link::encode_query_value;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::forecast::get_backlog_forecast;

#[component]
pub fn ForecastPage() -> impl IntoView {
    let i18n = use_i18n();
    let forecast = Resource::new(|| (), |_| get_backlog_forecast());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), forecast.title).to_owned() />
        <h1>{t!(i18n, forecast.title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match forecast.await {
                    Ok(forecast) => view! { <ForecastView forecast /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `$weeks`, `$days` and `$n` of a sentence filled in.
fn filled(text: &str, forecast: &BacklogForecast) -> String {
    text.replace("$weeks", &forecast.history_weeks.to_string())
        .replace("$days", &HORIZON.to_string())
        .replace("$n", &forecast.history_working_days.to_string())
}

#[component]
fn ForecastView(forecast: BacklogForecast) -> impl IntoView {
    let i18n = use_i18n();
    let expected: u32 = forecast
        .rows
        .iter()
        .map(|r| r.outlook.will_be_overdue)
        .sum();
    let falling_behind = expected > 0;
    let window = match (forecast.days.first(), forecast.days.last()) {
        (Some(first), Some(last)) => format!("{first} – {last}"),
        _ => String::new(),
    };
    let text = {
        let forecast = forecast.clone();
        move |sentence: &str| filled(sentence, &forecast)
    };
    let pace = text.clone();
    let intro = text;
    let rows = forecast.rows;
    let empty = rows.is_empty();
    view! {
        <p>{move || intro(td_string!(i18n.get_locale(), forecast.intro))}</p>
        <p data-testid="forecast-window">
            {t!(i18n, forecast.window)} " " <time>{window}</time>
        </p>
        <p class="notice" class:notice--warning=falling_behind data-testid="forecast-summary">
            {move || td_string!(i18n.get_locale(), forecast.summary).replace("$n", &expected.to_string())}
        </p>
        {if empty {
            view! { <p data-testid="forecast-empty">{t!(i18n, forecast.empty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
                    <table class="data-table" data-testid="forecast-table">
                        <caption>{t!(i18n, forecast.caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, forecast.service)}</th>
                                <th scope="col">{t!(i18n, forecast.overdue_now)}</th>
                                <th scope="col">{t!(i18n, forecast.due_in_window)}</th>
                                <th scope="col">{t!(i18n, forecast.pace)}</th>
                                <th scope="col">{t!(i18n, forecast.will_be_overdue)}</th>
                                <th scope="col">{t!(i18n, forecast.needed)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <h2>{t!(i18n, forecast.assumptions)}</h2>
        <ul data-testid="forecast-assumptions">
            <li>{move || pace(td_string!(i18n.get_locale(), forecast.assumption_pace))}</li>
            <li>{t!(i18n, forecast.assumption_arrivals)}</li>
            <li>{t!(i18n, forecast.assumption_order)}</li>
        </ul>
    }
}

/// One service: its figures, the overdue count a link to those cases in the queue.
#[component]
fn Row(row: ForecastRow) -> impl IntoView {
    let i18n = use_i18n();
    let queue = format!(
        "/admin/queue?service={}&department={}",
        encode_query_value(&row.service_code),
        row.department_id
    );
    let overdue = format!("{queue}&due=overdue");
    let suffices = row.outlook.pace_suffices();
    let late = row.outlook.will_be_overdue;
    let at_risk = late > 0;
    view! {
        <tr data-testid="forecast-row" data-service=row.service_code.clone() class:row--due-soon=at_risk>
            <th scope="row">
                <a href=queue><Localized text=row.service /></a>
                <br />
                <small><Localized text=row.department /></small>
            </th>
            <td data-testid="forecast-overdue"><a href=overdue>{row.counts.overdue}</a></td>
            <td>{row.counts.due_in_window()}</td>
            <td>{format!("{:.1}", row.outlook.pace)}</td>
            <td data-testid="forecast-late">{late}</td>
            <td data-testid="forecast-needed">
                {row.outlook.needed}
                " "
                <small>
                    {move || if suffices {
                        td_string!(i18n.get_locale(), forecast.keeps_up)
                    } else {
                        td_string!(i18n.get_locale(), forecast.falls_behind)
                    }}
                </small>
            </td>
        </tr>
    }
}
