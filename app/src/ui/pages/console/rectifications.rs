//! Bad reviews in the console (差评整改): the department's list with deadlines (overdue ones
//! first, marked with a word), and one case: the rating behind it (the rater's name only for
//! supervisors), the answer or appeal form for the department, the decision form for a
//! supervisor, and the resident's re-rating. Plain forms that work without JavaScript.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::{Day, When};
use domain::rectification::{
    Classification, Decision, RectificationCase, RectificationList, RectificationStatus,
};
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::console::take_staff_flash;
use server_fns::ratings::{get_rectification, get_rectifications};

#[component]
pub fn RectificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status")).filter(|s| !s.is_empty());
    let list = Resource::new(status, get_rectifications);
    view! {
        <Title text=move || td_string!(i18n.get_locale(), rectify.list_title).to_owned() />
        <h1>{t!(i18n, rectify.list_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <List list /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn List(list: RectificationList) -> impl IntoView {
    let i18n = use_i18n();
    let current = list.status;
    view! {
        <nav class="filter-tabs" aria-label=move || td_string!(i18n.get_locale(), rectify.filter_label)>
            <a href="/admin/rectifications" aria-current=current.is_none().then_some("page")>{t!(i18n, rectify.waiting)}</a>
            {list.counts.iter().copied().map(|(status, count)| {
                let href = format!("/admin/rectifications?status={}", status.as_str());
                view! {
                    <a href=href data-status=status.as_str() aria-current=(current == Some(status)).then_some("page")>
                        {move || status.label(i18n.get_locale())} " (" {count} ")"
                    </a>
                }
            }).collect_view()}
        </nav>
        {(list.overdue > 0).then(|| view! {
            <p class="notice notice--warning" data-testid="rectifications-overdue">
                {move || td_string!(i18n.get_locale(), rectify.overdue_count).replace("$count", &list.overdue.to_string())}
            </p>
        })}
        {if list.rows.is_empty() {
            view! { <p>{t!(i18n, rectify.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="record-list" data-testid="rectification-list">
                    {list.rows.into_iter().map(|row| {
                        let status = row.status;
                        let score = row.score;
                        let number = row.application_number.as_ref().map(ToString::to_string);
                        let data_number = number.clone();
                        view! {
                            <li class="rectification-row" class:rectification-row--overdue=row.overdue data-status=status.as_str() data-id=row.id data-number=data_number>
                                <p>
                                    <a href=format!("/admin/rectifications/{}", row.id)><Localized text=row.service.clone() /></a>
                                    {number.map(|number| view! { " · " {number} })}
                                </p>
                                <p>
                                    <span class="chip">{move || status.label(i18n.get_locale())}</span> " "
                                    <span class="chip chip--bad">{move || score.label(i18n.get_locale())}</span>
                                    {row.overdue.then(|| view! { " " <span class="urgency urgency--overdue" data-urgency="overdue">{t!(i18n, console.overdue)}</span> })}
                                </p>
                                <p class="field__hint">
                                    <Localized text=row.department.clone() /> " · " {t!(i18n, rectify.due)} " " <When at=row.due_at />
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
pub fn RectificationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    };
    // `at` changes after every form post: the page reads the case (and the outcome) again.
    let data = Resource::new(
        move || (id(), query.with(|q| q.get("at"))),
        |(id, _)| async move {
            let flash = take_staff_flash("rectification".into())
                .await
                .ok()
                .flatten();
            (get_rectification(id).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), rectify.case_title).to_owned() />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(case), flash) => view! { <Case case flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Case(case: RectificationCase, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = flash.clone().map(|f| f.values).unwrap_or_default();
    let kept = move |key: &str| typed.get(key).cloned().unwrap_or_default();
    let status = case.status;
    let score = case.score;
    let action = format!("/admin/forms/rectifications/{}", case.id);
    let indicators: Vec<_> = domain::rating::Indicator::ALL
        .into_iter()
        .filter_map(|i| case.indicators.get(i).map(|s| (i, s)))
        .collect();
    view! {
        <article class="rectification-case" data-status=status.as_str()>
            <p class="breadcrumbs"><a href="/admin/rectifications">{t!(i18n, rectify.list_title)}</a></p>
            <h1>{t!(i18n, rectify.case_title)} " · " <Localized text=case.service.clone() /></h1>
            <p>
                <span class="chip" data-testid="rectification-status">{move || status.label(i18n.get_locale())}</span>
                {case.overdue.then(|| view! { " " <span class="urgency urgency--overdue" data-urgency="overdue">{t!(i18n, console.overdue)}</span> })}
                {case.excluded.then(|| view! { " " <span class="chip">{t!(i18n, rectify.excluded)}</span> })}
            </p>
            <FlashNotice flash=flash.clone() />
            <section class="section" aria-labelledby="rectification-rating">
                <h2 id="rectification-rating">{t!(i18n, rectify.rating)}</h2>
                <dl class="facts">
                    {case.application_number.clone().map(|number| view! {
                        <div><dt>{t!(i18n, rectify.application)}</dt><dd><a href=format!("/admin/cases/{number}")>{number.to_string()}</a></dd></div>
                    })}
                    <div><dt>{t!(i18n, rectify.department)}</dt><dd><Localized text=case.department.clone() /></dd></div>
                    {case.handled_by.clone().map(|name| view! { <div><dt>{t!(i18n, rectify.handled_by)}</dt><dd>{name}</dd></div> })}
                    <div><dt>{t!(i18n, ratings.indicator_overall)}</dt><dd data-testid="rectification-score">{move || score.label(i18n.get_locale())} " (" {score.value()} ")"</dd></div>
                    {indicators.into_iter().map(|(indicator, s)| view! {
                        <div><dt>{move || indicator.label(i18n.get_locale())}</dt><dd>{move || s.label(i18n.get_locale())}</dd></div>
                    }).collect_view()}
                    {(!case.tags.is_empty()).then(|| {
                        let tags = case.tags.clone();
                        view! { <div><dt>{t!(i18n, ratings.tags_legend)}</dt><dd>{move || tags.iter().map(|t| t.label(i18n.get_locale())).collect::<Vec<_>>().join("、")}</dd></div> }
                    })}
                    {case.comment.clone().map(|c| view! { <div><dt>{t!(i18n, ratings.comment_label)}</dt><dd data-testid="rating-comment">{c}</dd></div> })}
                    <div><dt>{t!(i18n, rectify.rated_at)}</dt><dd><When at=case.rated_at /></dd></div>
                    <div><dt>{t!(i18n, rectify.rater)}</dt><dd data-testid="rater">{match case.rater.clone() {
                        Some(name) => name.into_any(),
                        None => view! { {t!(i18n, rectify.rater_hidden)} }.into_any(),
                    }}</dd></div>
                    <div><dt>{t!(i18n, rectify.due)}</dt><dd data-testid="rectification-due"><When at=case.due_at /></dd></div>
                </dl>
            </section>
            {case.instruction.clone().map(|text| view! {
                <section class="section notice notice--warning" aria-labelledby="rectification-instruction">
                    <h2 id="rectification-instruction">{t!(i18n, rectify.instruction)}</h2>
                    <p data-testid="instruction">{text}</p>
                </section>
            })}
            {case.answer.clone().map(|answer| view! {
                <section class="section" aria-labelledby="rectification-answer">
                    <h2 id="rectification-answer">{t!(i18n, ratings.answer_label)}</h2>
                    <dl class="facts">
                        {case.classification.map(|c| view! { <div><dt>{t!(i18n, ratings.classification_label)}</dt><dd>{move || c.label(i18n.get_locale())}</dd></div> })}
                        <div><dt>{t!(i18n, ratings.answer_label)}</dt><dd>{answer}</dd></div>
                        {case.fix_due_on.map(|day| view! { <div><dt>{t!(i18n, ratings.fix_due_label)}</dt><dd><Day day /></dd></div> })}
                        {case.answered_by.clone().map(|by| view! { <div><dt>{t!(i18n, rectify.answered_by)}</dt><dd>{by}</dd></div> })}
                        {case.answered_at.map(|at| view! { <div><dt>{t!(i18n, ratings.answered_at_label)}</dt><dd><When at /></dd></div> })}
                    </dl>
                </section>
            })}
            {case.appeal_reason.clone().map(|reason| view! {
                <section class="section" aria-labelledby="rectification-appeal">
                    <h2 id="rectification-appeal">{t!(i18n, rectify.appeal)}</h2>
                    <dl class="facts">
                        <div><dt>{t!(i18n, rectify.appeal_reason)}</dt><dd>{reason}</dd></div>
                        {case.appeal_status.clone().map(|s| view! { <div><dt>{t!(i18n, rectify.appeal_status)}</dt><dd data-testid="appeal-status">{s}</dd></div> })}
                        {case.appeal_note.clone().map(|n| view! { <div><dt>{t!(i18n, rectify.decision_note)}</dt><dd>{n}</dd></div> })}
                    </dl>
                </section>
            })}
            {(case.feedback.is_some() || case.resolution.is_some()).then(|| view! {
                <section class="section" aria-labelledby="rectification-feedback">
                    <h2 id="rectification-feedback">{t!(i18n, rectify.resident_feedback)}</h2>
                    <dl class="facts">
                        {case.feedback.map(|f| view! { <div><dt>{t!(i18n, rectify.resident_feedback)}</dt><dd data-testid="resident-feedback">{move || f.label(i18n.get_locale())}</dd></div> })}
                        {case.resident_comment.clone().map(|c| view! { <div><dt>{t!(i18n, ratings.comment_label)}</dt><dd>{c}</dd></div> })}
                        {case.resolution.clone().map(|r| view! { <div><dt>{t!(i18n, ratings.resolution_label)}</dt><dd>{r}</dd></div> })}
                    </dl>
                </section>
            })}
            {case.can_answer.then(|| {
                let kept_class = kept("classification");
                view! {
                    <section class="section" aria-labelledby="answer-form-title">
                        <h2 id="answer-form-title">{t!(i18n, rectify.answer_title)}</h2>
                        <form method="post" action=action.clone() class="stack" data-testid="answer-form">
                            <input type="hidden" name="intent" value="answer" />
                            <fieldset class="field" id="field-classification">
                                <legend>{t!(i18n, ratings.classification_label)}</legend>
                                {[Classification::OnTheSpot, Classification::ByDeadline, Classification::Explained].into_iter().map(|c| {
                                    let id = format!("classification-{}", c.as_str());
                                    let checked = kept_class == c.as_str();
                                    view! {
                                        <div class="field field--check">
                                            <input type="radio" id=id.clone() name="classification" value=c.as_str() required checked=checked />
                                            <label for=id>{move || c.label(i18n.get_locale())}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <div class="field">
                                <label for="field-fix_due_on">{t!(i18n, ratings.fix_due_label)}</label>
                                <input type="date" id="field-fix_due_on" name="fix_due_on" value=kept("fix_due_on") />
                                <p class="field__hint">{t!(i18n, rectify.fix_due_hint)}</p>
                            </div>
                            <div class="field">
                                <label for="field-answer">{t!(i18n, ratings.answer_label)}</label>
                                <textarea id="field-answer" name="answer" rows="4" maxlength="2000" required>{kept("answer")}</textarea>
                                <p class="field__hint">{t!(i18n, rectify.answer_hint)}</p>
                            </div>
                            <button type="submit" class="button button--primary">{t!(i18n, rectify.send_answer)}</button>
                        </form>
                    </section>
                }
            })}
            {case.can_appeal.then(|| view! {
                <section class="section" aria-labelledby="appeal-form-title">
                    <h2 id="appeal-form-title">{t!(i18n, rectify.appeal)}</h2>
                    <form method="post" action=action.clone() class="stack" data-testid="appeal-form">
                        <input type="hidden" name="intent" value="appeal" />
                        <p class="field__hint">
                            {t!(i18n, rectify.appeal_hint)} " " {case.appeal_due_at.map(|at| view! { <When at /> })}
                        </p>
                        <div class="field">
                            <label for="field-reason">{t!(i18n, rectify.appeal_reason)}</label>
                            <textarea id="field-reason" name="reason" rows="3" maxlength="2000" required>{kept("reason")}</textarea>
                        </div>
                        <button type="submit" class="button">{t!(i18n, rectify.send_appeal)}</button>
                    </form>
                </section>
            })}
            {case.can_decide.then(|| {
                let choices: Vec<Decision> = if status == RectificationStatus::Appealed {
                    vec![Decision::Uphold, Decision::Reject]
                } else {
                    vec![Decision::Resolve, Decision::Return]
                };
                view! {
                    <section class="section" aria-labelledby="decide-form-title">
                        <h2 id="decide-form-title">{t!(i18n, rectify.decide_title)}</h2>
                        <form method="post" action=action.clone() class="stack" data-testid="decide-form">
                            <div class="field">
                                <label for="field-note">{t!(i18n, rectify.decision_note)}</label>
                                <textarea id="field-note" name="note" rows="3" maxlength="2000" required>{kept("note")}</textarea>
                            </div>
                            <div class="button-row">
                                {choices.into_iter().map(|d| view! {
                                    <button type="submit" name="intent" value=d.as_str() class="button" data-decision=d.as_str()>
                                        {move || decision_label(d, i18n.get_locale())}
                                    </button>
                                }).collect_view()}
                            </div>
                        </form>
                    </section>
                }
            })}
        </article>
    }
}

fn decision_label(decision: Decision, locale: Locale) -> &'static str {
    match decision {
        Decision::Uphold => td_string!(locale, rectify.uphold),
        Decision::Reject => td_string!(locale, rectify.reject),
        Decision::Resolve => td_string!(locale, rectify.resolve),
        Decision::Return => td_string!(locale, rectify.return_to_department),
    }
}
