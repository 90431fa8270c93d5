//! Surveys in the console (满意度调查; department heads for their department, supervisors for
//! all): the list, the builder, and one survey with its state, scheduling, closing and
//! results per question. The builder is a plain form with numbered question rows and two
//! blank rows to add more (save, and two more appear), so it works without JavaScript.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::console::Choice;
use domain::survey::{
    Audience, Figures, Group, GroupFigures, Question, QuestionKind, QuestionResult, SurveyEditor,
    SurveyListItem, SurveyRecord, SurveyResults, SurveyStatus,
};
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::console::take_staff_flash;
use server_fns::surveys::{get_survey_editor, get_survey_results, get_surveys};
use std::collections::BTreeMap;

/// Blank question rows below the existing ones (three for a new survey).
const BLANK_ROWS: usize = 2;

pub fn status_label(status: SurveyStatus, locale: Locale) -> &'static str {
    match status {
        SurveyStatus::Draft => td_string!(locale, surveys.status_draft),
        SurveyStatus::Scheduled => td_string!(locale, surveys.status_scheduled),
        SurveyStatus::Open => td_string!(locale, surveys.status_open),
        SurveyStatus::Closed => td_string!(locale, surveys.status_closed),
    }
}

fn kind_label(kind: QuestionKind, locale: Locale) -> &'static str {
    match kind {
        QuestionKind::FivePoint => td_string!(locale, surveys.kind_five_point),
        QuestionKind::SingleChoice => td_string!(locale, surveys.kind_single_choice),
        QuestionKind::MultipleChoice => td_string!(locale, surveys.kind_multiple_choice),
        QuestionKind::FreeText => td_string!(locale, surveys.kind_free_text),
    }
}

/// The label of a point of the five-point scale (1 非常不满意 … 5 非常满意).
pub fn scale_label(point: i64, locale: Locale) -> &'static str {
    match point {
        1 => td_string!(locale, surveys.scale_1),
        2 => td_string!(locale, surveys.scale_2),
        3 => td_string!(locale, surveys.scale_3),
        4 => td_string!(locale, surveys.scale_4),
        _ => td_string!(locale, surveys.scale_5),
    }
}

/// "全体居民", or "2026-11-01 至 2026-11-30 办理过“…”的居民".
#[component]
fn AudienceText(
    audience: Audience,
    service_name: Option<domain::text::LocalizedText>,
    #[prop(optional)] segment_name: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let locale = i18n.get_locale();
        match &audience {
            Audience::Everyone => td_string!(locale, surveys.audience_everyone).to_owned(),
            Audience::ServiceUsers { service, from, to } => {
                let name = service_name
                    .as_ref()
                    .map(|n| n.pick(locale == Locale::en).to_owned())
                    .unwrap_or_else(|| service.clone());
                let day = |d: &Option<chrono::NaiveDate>| {
                    d.map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                };
                td_string!(locale, surveys.audience_users_of)
                    .replace("$service", &name)
                    .replace("$from", &day(from))
                    .replace("$to", &day(to))
            }
            Audience::Segment { segment } => {
                let name = segment_name
                    .clone()
                    .unwrap_or_else(|| format!("#{segment}"));
                td_string!(locale, surveys.audience_in_segment).replace("$segment", &name)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The list

#[component]
pub fn SurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            let flash = take_staff_flash("survey_list".into()).await.ok().flatten();
            (get_surveys().await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), surveys.title).to_owned() />
        <h1>{t!(i18n, surveys.title)}</h1>
        <p><a class="button button--primary" href="/admin/surveys/new">{t!(i18n, surveys.new_survey)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(items), flash) => view! { <FlashNotice flash /> <SurveyTable items /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyTable(items: Vec<SurveyListItem>) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="notice" data-testid="surveys-empty">{t!(i18n, surveys.empty)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="surveys">
                <thead><tr>
                    <th scope="col">{t!(i18n, surveys.col_title)}</th>
                    <th scope="col">{t!(i18n, surveys.col_audience)}</th>
                    <th scope="col">{t!(i18n, surveys.department)}</th>
                    <th scope="col">{t!(i18n, surveys.col_status)}</th>
                    <th scope="col">{t!(i18n, surveys.col_opens)}</th>
                    <th scope="col">{t!(i18n, surveys.col_closes)}</th>
                    <th scope="col">{t!(i18n, surveys.col_responses)}</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|s| {
                        let status = s.status;
                        view! {
                            <tr data-survey-id=s.id data-status=status.as_str()>
                                <td><a href=format!("/admin/surveys/{}", s.id)>{s.title.clone()}</a></td>
                                <td><AudienceText audience=s.audience.clone() service_name=s.service_name.clone() segment_name=s.segment_name.clone().unwrap_or_default() /></td>
                                <td>{match s.department.clone() {
                                    Some(d) => view! { <Localized text=d /> }.into_any(),
                                    None => view! { {t!(i18n, surveys.all_departments)} }.into_any(),
                                }}</td>
                                <td>{move || status_label(status, i18n.get_locale())}</td>
                                <td>{s.scheduled_at.map(|at| view! { <When at /> })}</td>
                                <td>{s.closes_at.map(|at| view! { <When at /> })}</td>
                                <td data-testid="survey-responses">{s.responses}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------
// The builder

/// The form's values after a problem: what was typed; otherwise the stored survey's.
#[derive(Clone)]
struct Typed(Option<BTreeMap<String, String>>);

impl Typed {
    fn or(&self, key: &str, stored: impl Into<String>) -> String {
        match &self.0 {
            Some(values) => values.get(key).cloned().unwrap_or_default(),
            None => stored.into(),
        }
    }

    fn checked(&self, key: &str, stored: bool) -> bool {
        match &self.0 {
            Some(values) => values.get(key).is_some_and(|v| v == "on" || v == "true"),
            None => stored,
        }
    }

    /// How many numbered rows `prefix.<n>` the last post sent with something in them.
    fn rows(&self, prefix: &str) -> usize {
        self.0
            .as_ref()
            .map(|values| {
                values
                    .iter()
                    .filter(|(k, v)| k.starts_with(&format!("{prefix}.")) && !v.trim().is_empty())
                    .filter_map(|(k, _)| k.rsplit('.').next()?.parse::<usize>().ok())
                    .map(|n| n + 1)
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    }
}

/// `/admin/surveys/:id`: the builder for `new`, otherwise the survey.
#[component]
pub fn SurveyRoutePage() -> impl IntoView {
    let params = use_params_map();
    let is_new = move || params.with(|p| p.get("id")).as_deref() == Some("new");
    view! {
        <Show when=is_new fallback=|| view! { <SurveyPage /> }>
            <SurveyEditorPage />
        </Show>
    }
}

/// `/admin/surveys/new` and `/admin/surveys/:id/edit`.
#[component]
pub fn SurveyEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new(
        move || (id(), query.with(|q| q.get("at"))),
        |(id, _)| async move {
            let flash = take_staff_flash("survey".into()).await.ok().flatten();
            (get_survey_editor(id).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), surveys.title).to_owned() />
        <p class="breadcrumbs"><a href="/admin/surveys">{t!(i18n, surveys.back_to_list)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(editor), flash) => view! { <SurveyForm editor flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyForm(editor: SurveyEditor, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = Typed(
        flash
            .as_ref()
            .filter(|f| f.error.is_some())
            .map(|f| f.values.clone()),
    );
    let record = editor.record.clone();
    let action = match &record {
        Some(r) => format!("/admin/forms/surveys/{}", r.id),
        None => "/admin/forms/surveys".to_owned(),
    };
    let mut draft = record.as_ref().map(|r| r.draft.clone()).unwrap_or_default();
    // "Survey it" on a saved segment opens a new survey with that segment chosen.
    if record.is_none()
        && let Some(segment) = use_query_map()
            .with_untracked(|q| q.get("segment"))
            .and_then(|s| s.parse::<i64>().ok())
    {
        draft.audience = Some(Audience::Segment { segment });
    }
    let questions = draft.questions.clone();
    let rows = if typed.0.is_some() {
        typed.rows("q_text")
    } else {
        questions.len()
    }
    .max(if record.is_none() { 1 } else { 0 })
        + BLANK_ROWS;
    let (audience, service, from, to) = match &draft.audience {
        Some(Audience::ServiceUsers { service, from, to }) => (
            "service_users",
            service.clone(),
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_default(),
        ),
        Some(Audience::Everyone) => ("everyone", String::new(), String::new(), String::new()),
        Some(Audience::Segment { .. }) => ("segment", String::new(), String::new(), String::new()),
        None => ("service_users", String::new(), String::new(), String::new()),
    };
    let segment = match &draft.audience {
        Some(Audience::Segment { segment }) => segment.to_string(),
        _ => String::new(),
    };
    let audience = typed.or("audience", audience);
    let service = typed.or("service", service);
    let segment = typed.or("segment", segment);
    let heading = match &record {
        Some(r) => r.draft.title.clone(),
        None => td_string!(i18n.get_locale_untracked(), surveys.new_survey).to_owned(),
    };
    view! {
        <h1>{heading}</h1>
        <FlashNotice flash=flash.clone().filter(|f| f.error.is_some()) />
        <form method="post" action=action class="stack" data-testid="survey-form">
            <div class="field">
                <label for="survey-title">{t!(i18n, surveys.field_title)}</label>
                <input id="survey-title" name="title" type="text" maxlength="200" required=true value=typed.or("title", draft.title.clone()) />
            </div>
            <div class="field">
                <label for="survey-description">{t!(i18n, surveys.field_description)}</label>
                <textarea id="survey-description" name="description" rows="3">{typed.or("description", draft.description.clone().unwrap_or_default())}</textarea>
            </div>
            <fieldset class="fieldset" data-testid="survey-audience">
                <legend>{t!(i18n, surveys.audience)}</legend>
                <div class="field field--check">
                    <input type="radio" id="audience-service-users" name="audience" value="service_users" checked=audience == "service_users" />
                    <label for="audience-service-users">{t!(i18n, surveys.audience_service_users)}</label>
                </div>
                <div class="field">
                    <label for="survey-service">{t!(i18n, surveys.audience_service)}</label>
                    <ServiceSelect choices=editor.services.clone() selected=service />
                </div>
                <div class="field">
                    <label for="survey-from">{t!(i18n, surveys.period_from)}</label>
                    <input id="survey-from" name="period_from" type="date" value=typed.or("period_from", from) />
                </div>
                <div class="field">
                    <label for="survey-to">{t!(i18n, surveys.period_to)}</label>
                    <input id="survey-to" name="period_to" type="date" value=typed.or("period_to", to) />
                </div>
                <p class="field__hint">{t!(i18n, surveys.audience_hint)}</p>
                <div class="field field--check">
                    <input type="radio" id="audience-everyone" name="audience" value="everyone" checked=audience == "everyone" />
                    <label for="audience-everyone">{t!(i18n, surveys.audience_everyone)}</label>
                </div>
                <div class="field field--check">
                    <input type="radio" id="audience-segment" name="audience" value="segment" checked=audience == "segment" />
                    <label for="audience-segment">{t!(i18n, surveys.audience_segment)}</label>
                </div>
                <div class="field">
                    <label for="survey-segment">{t!(i18n, surveys.audience_segment_choice)}</label>
                    <p class="field__hint" id="survey-segment-hint">{t!(i18n, surveys.audience_segment_hint)}</p>
                    <select id="survey-segment" name="segment" aria-describedby="survey-segment-hint">
                        <option value="" selected=segment.is_empty()>"—"</option>
                        {editor.segments.clone().into_iter().map(|c| {
                            let is = c.value == segment;
                            view! { <option value=c.value selected=is><Localized text=c.label /></option> }
                        }).collect_view()}
                    </select>
                </div>
            </fieldset>
            <fieldset class="fieldset" data-testid="survey-questions">
                <legend>{t!(i18n, surveys.questions)}</legend>
                <p class="field__hint">{t!(i18n, surveys.questions_hint)}</p>
                {(0..rows).map(|row| {
                    let stored = questions.get(row).cloned();
                    view! { <QuestionRow row stored typed=typed.clone() /> }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary">{t!(i18n, surveys.save)}</button>
        </form>
    }
}

#[component]
fn ServiceSelect(choices: Vec<Choice>, selected: String) -> impl IntoView {
    view! {
        <select id="survey-service" name="service">
            <option value="" selected=selected.is_empty()>"—"</option>
            {choices.into_iter().map(|c| {
                let is = c.value == selected;
                let code = c.value.clone();
                view! { <option value=c.value selected=is>{code} " " <Localized text=c.label /></option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn QuestionRow(row: usize, stored: Option<Question>, typed: Typed) -> impl IntoView {
    let i18n = use_i18n();
    let key = |name: &str| format!("{name}.{row}");
    let q = stored.unwrap_or(Question {
        key: String::new(),
        kind: QuestionKind::FivePoint,
        text: String::new(),
        options: Vec::new(),
        required: true,
    });
    // A blank row of a new form: a required five-point question is the usual one.
    let kind = typed.or(&key("q_kind"), q.kind.as_str());
    let number = row + 1;
    view! {
        <div class="catalog-row" data-row=row>
            <div class="field">
                <label for=key("q-text")>
                    {move || td_string!(i18n.get_locale(), surveys.question_n).replace("$n", &number.to_string())}
                    " · " {t!(i18n, surveys.question_text)}
                </label>
                <input id=key("q-text") name=key("q_text") type="text" maxlength="500" value=typed.or(&key("q_text"), q.text.clone()) />
            </div>
            <div class="field">
                <label for=key("q-kind")>{t!(i18n, surveys.question_kind)}</label>
                <select id=key("q-kind") name=key("q_kind")>
                    {QuestionKind::ALL.into_iter().map(|k| {
                        let is = k.as_str() == kind;
                        view! { <option value=k.as_str() selected=is>{move || kind_label(k, i18n.get_locale())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field field--check">
                <input type="checkbox" id=key("q-required") name=key("q_required") checked=typed.checked(&key("q_required"), q.required) />
                <label for=key("q-required")>{t!(i18n, surveys.required)}</label>
            </div>
            <div class="field">
                <label for=key("q-options")>{t!(i18n, surveys.options)}</label>
                <textarea id=key("q-options") name=key("q_options") rows="3">{typed.or(&key("q_options"), q.options.join("\n"))}</textarea>
            </div>
            <div class="field">
                <label for=key("q-key")>{t!(i18n, surveys.question_key)}</label>
                <input id=key("q-key") name=key("q_key") type="text" maxlength="64" value=typed.or(&key("q_key"), q.key.clone()) />
            </div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------
// One survey: state, scheduling and results

#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new(
        move || (id(), query.with(|q| q.get("at"))),
        |(id, _)| async move {
            let flash = take_staff_flash("survey".into()).await.ok().flatten();
            let results = match id {
                Some(id) => get_survey_results(id).await,
                None => Err(domain::error::AppError::not_found()),
            };
            (results, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), surveys.title).to_owned() />
        <p class="breadcrumbs"><a href="/admin/surveys">{t!(i18n, surveys.back_to_list)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(results), flash) => view! { <SurveyView results flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyView(results: SurveyResults, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let SurveyResults {
        survey,
        audience_size,
        responses,
        questions,
        by_district,
        by_age_band,
    } = results;
    let scales: Vec<String> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::FivePoint)
        .map(|q| q.text.clone())
        .collect();
    let status = survey.status;
    let rate = if audience_size > 0 {
        format!("{:.1}%", responses as f64 * 100.0 / audience_size as f64)
    } else {
        "—".to_owned()
    };
    view! {
        <h1>{survey.draft.title.clone()}</h1>
        <FlashNotice flash=flash.clone().filter(|f| f.error.is_some()) />
        {flash.as_ref().filter(|f| f.error.is_none()).map(|_| view! {
            <div class="notice notice--success" role="status" data-testid="console-done"><p>{t!(i18n, surveys.done)}</p></div>
        })}
        <SurveyFacts survey=survey.clone() />
        <SurveyActions survey=survey.clone() />
        <section class="section" aria-labelledby="survey-results">
            <h2 id="survey-results">{t!(i18n, surveys.results)}</h2>
            <dl class="facts" data-testid="survey-totals">
                <div><dt>{t!(i18n, surveys.audience_size)}</dt><dd data-testid="audience-size">{audience_size}</dd></div>
                <div><dt>{t!(i18n, surveys.responses)}</dt><dd data-testid="response-count">{responses}</dd></div>
                <div><dt>{t!(i18n, surveys.response_rate)}</dt><dd>{rate}</dd></div>
            </dl>
            {questions.into_iter().enumerate().map(|(i, q)| view! { <QuestionFigures number=i + 1 result=q /> }).collect_view()}
        </section>
        {(responses > 0).then(|| view! {
            <section class="section" aria-labelledby="survey-groups">
                <h2 id="survey-groups">{t!(i18n, surveys.by_group)}</h2>
                <p class="field__hint">{t!(i18n, surveys.by_group_hint)}</p>
                <GroupTable testid="survey-by-district" rows=by_district scales=scales.clone() district=true />
                <GroupTable testid="survey-by-age" rows=by_age_band scales district=false />
            </section>
        })}
        {(status == SurveyStatus::Closed).then(|| view! { <p class="notice">{t!(i18n, surveys.closed_notice)}</p> })}
    }
}

#[component]
fn SurveyFacts(survey: SurveyRecord) -> impl IntoView {
    let i18n = use_i18n();
    let status = survey.status;
    view! {
        <dl class="facts" data-testid="survey-state" data-status=status.as_str()>
            <div><dt>{t!(i18n, surveys.col_status)}</dt><dd data-testid="survey-status">{move || status_label(status, i18n.get_locale())}</dd></div>
            <div><dt>{t!(i18n, surveys.col_audience)}</dt><dd>
                {survey.draft.audience.clone().map(|audience| view! { <AudienceText audience service_name=survey.service_name.clone() segment_name=survey.segment_name.clone().unwrap_or_default() /> })}
            </dd></div>
            <div><dt>{t!(i18n, surveys.department)}</dt><dd>{match survey.department.clone() {
                Some(d) => view! { <Localized text=d /> }.into_any(),
                None => view! { {t!(i18n, surveys.all_departments)} }.into_any(),
            }}</dd></div>
            <div><dt>{t!(i18n, surveys.created_by)}</dt><dd>{survey.created_by.clone()} " · " <When at=survey.created_at /></dd></div>
            {survey.scheduled_at.map(|at| view! { <div><dt>{t!(i18n, surveys.col_opens)}</dt><dd><When at /></dd></div> })}
            {survey.closes_at.map(|at| view! { <div><dt>{t!(i18n, surveys.col_closes)}</dt><dd><When at /></dd></div> })}
        </dl>
        {survey.draft.description.clone().map(|d| view! { <p>{d}</p> })}
    }
}

/// Edit and schedule a draft, reschedule or call off a scheduled survey, close an open one.
#[component]
fn SurveyActions(survey: SurveyRecord) -> impl IntoView {
    let i18n = use_i18n();
    let status = survey.status;
    let id = survey.id;
    let schedule = status.can_schedule().then(|| view! {
        <form method="post" action=format!("/admin/forms/surveys/{id}/schedule") class="stack" data-testid="survey-schedule">
            <fieldset class="fieldset">
                <legend>{t!(i18n, surveys.schedule_title)}</legend>
                <div class="field field--check">
                    <input type="radio" id="when-now" name="when" value="now" checked=true />
                    <label for="when-now">{t!(i18n, surveys.schedule_now)}</label>
                </div>
                <div class="field field--check">
                    <input type="radio" id="when-at" name="when" value="at" />
                    <label for="when-at">{t!(i18n, surveys.schedule_at)}</label>
                </div>
                <div class="field">
                    <label for="survey-opens-at">{t!(i18n, surveys.opens_at)}</label>
                    <input id="survey-opens-at" name="at" type="datetime-local" />
                </div>
                <div class="field">
                    <label for="survey-closes-at">{t!(i18n, surveys.closes_at)}</label>
                    <input id="survey-closes-at" name="closes_at" type="datetime-local" aria-describedby="survey-time-hint" />
                </div>
                <p class="field__hint" id="survey-time-hint">{t!(i18n, surveys.time_hint)}</p>
                <button type="submit" class="button button--primary">{t!(i18n, surveys.schedule)}</button>
            </fieldset>
        </form>
    });
    view! {
        {status.can_edit().then(|| view! {
            <p><a class="button" href=format!("/admin/surveys/{id}/edit")>{t!(i18n, surveys.edit)}</a></p>
        })}
        {schedule}
        {status.can_close().then(|| view! {
            <form method="post" action=format!("/admin/forms/surveys/{id}/close") class="inline-form">
                <button type="submit" class="button button--danger">{t!(i18n, surveys.close)}</button>
            </form>
        })}
    }
}

/// One question's figures: a bar per point or option (a `<meter>`, with the count in
/// words), the mean of a scale, the written answers newest first.
#[component]
fn QuestionFigures(number: usize, result: QuestionResult) -> impl IntoView {
    let i18n = use_i18n();
    let answered = result.answered;
    let kind = result.kind;
    let body = match result.figures {
        Figures::Scale { counts, mean } => {
            let mean = mean.map(|m| format!("{m:.2}"));
            view! {
                {mean.map(|m| view! { <p>{t!(i18n, surveys.mean)} ": " <strong data-testid="survey-mean">{m}</strong></p> })}
                <ul class="survey-bars">
                    {counts.into_iter().enumerate().rev().map(|(i, count)| {
                        let point = i as i64 + 1;
                        view! { <Bar label=Signal::derive(move || format!("{point} {}", scale_label(point, i18n.get_locale()))) count total=answered value=point.to_string() /> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
        Figures::Choices { counts } => view! {
            <ul class="survey-bars">
                {counts.into_iter().enumerate().map(|(i, c)| {
                    let option = c.option.clone();
                    view! { <Bar label=Signal::derive(move || option.clone()) count=c.count total=answered value=i.to_string() /> }
                }).collect_view()}
            </ul>
        }
        .into_any(),
        Figures::Texts { answers } => {
            if answers.is_empty() {
                view! { <p>{t!(i18n, surveys.no_texts)}</p> }.into_any()
            } else {
                view! {
                    <ul class="record-list" data-testid="survey-texts">
                        {answers.into_iter().map(|a| view! {
                            <li><p>{a.text}</p><p class="message__time"><When at=a.at /></p></li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="section" data-testid="survey-question" data-key=result.key.clone() data-kind=kind.as_str()>
            <h3>{number} ". " {result.text.clone()}</h3>
            <p class="field__hint">
                {move || kind_label(kind, i18n.get_locale())} " · "
                {move || td_string!(i18n.get_locale(), surveys.answered).replace("$count", &answered.to_string())}
            </p>
            {body}
        </section>
    }
}

/// A labelled bar: the share of those who answered, and the count.
#[component]
fn Bar(label: Signal<String>, count: i64, total: i64, value: String) -> impl IntoView {
    let share = if total > 0 {
        count as f64 * 100.0 / total as f64
    } else {
        0.0
    };
    view! {
        <li data-value=value data-count=count>
            <span>{label}</span> " "
            <meter min="0" max=total.max(1).to_string() value=count.to_string()>{format!("{share:.0}%")}</meter>
            " " <strong>{count}</strong> {format!(" ({share:.0}%)")}
        </li>
    }
}

/// Responses and five-point means by district or by age band.
#[component]
fn GroupTable(
    testid: &'static str,
    rows: Vec<GroupFigures>,
    /// The five-point questions' texts, in order.
    scales: Vec<String>,
    district: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let caption = move || {
        if district {
            td_string!(i18n.get_locale(), surveys.by_district)
        } else {
            td_string!(i18n.get_locale(), surveys.by_age)
        }
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid=testid>
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">{caption}</th>
                    <th scope="col">{t!(i18n, surveys.responses)}</th>
                    {scales.into_iter().map(|text| view! {
                        <th scope="col">{move || td_string!(i18n.get_locale(), surveys.mean_of).replace("$question", &text)}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let label = row.group.clone();
                        view! {
                            <tr>
                                <th scope="row">{move || match &label {
                                    Group::District { name, .. } => name.pick(english()).to_owned(),
                                    Group::AgeBand { band } => band.label(english()).to_owned(),
                                }}</th>
                                <td>{row.responses.label()}</td>
                                {row.means.into_iter().map(|mean| view! {
                                    <td>{mean.map_or_else(|| "—".to_owned(), |m| format!("{m:.2}"))}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
