//! The resident's surveys (满意度调查): the open ones they are invited to and have not
//! answered, and one survey's form: radio buttons for scales and single choices, check boxes
//! for multiple choices, a text area for free text. A plain form (works without
//! JavaScript); after it, thanks; a survey answered already says so.

use crate::ui::components::forms::{ErrorSummary, input_id};
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use crate::ui::pages::console::surveys::scale_label;
use domain::survey::{Question, QuestionKind, ResidentSurvey, ResidentSurveyItem};
use domain::validation::{Flash, Problem};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::account::take_flash;
use server_fns::surveys::{my_survey, my_surveys};

#[component]
pub fn MySurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_surveys());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), surveys.my_title).to_owned() />
        <h1>{t!(i18n, surveys.my_title)}</h1>
        <p>{t!(i18n, surveys.my_intro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! {
                        <p class="notice" data-testid="my-surveys-empty">{t!(i18n, surveys.my_empty)}</p>
                    }
                    .into_any(),
                    Ok(items) => view! {
                        <ul class="application-list" data-testid="my-surveys">
                            {items.into_iter().map(|item| view! { <li><SurveyCard item /></li> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyCard(item: ResidentSurveyItem) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/me/surveys/{}", item.id);
    let count = item.questions;
    view! {
        <article class="application-card" data-survey-id=item.id>
            <h2 class="application-card__title"><a href=href.clone()>{item.title.clone()}</a></h2>
            {item.description.clone().map(|d| view! { <p>{d}</p> })}
            <p class="application-card__meta">
                {move || td_string!(i18n.get_locale(), surveys.question_count).replace("$count", &count.to_string())}
                {item.closes_at.map(|at| view! { " · " {t!(i18n, surveys.closes)} <When at /> })}
            </p>
            <p><a class="button button--primary" href=href>{t!(i18n, surveys.answer)}</a></p>
        </article>
    }
}

#[component]
pub fn MySurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let key = move || {
        (
            id(),
            query.with(|q| (q.get("retry"), q.get("done"), q.get("answered"))),
        )
    };
    let data = Resource::new(key, |(id, _)| async move {
        let flash = take_flash("survey".into()).await.ok().flatten();
        let survey = match id {
            Some(id) => my_survey(id).await,
            None => Err(domain::error::AppError::not_found()),
        };
        (survey, flash)
    });
    let done = move || query.with(|q| q.get("done").is_some());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), surveys.my_title).to_owned() />
        <p class="breadcrumbs"><a href="/me/surveys">{t!(i18n, surveys.my_back)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(survey), flash) => view! { <SurveyAnswer survey flash just_done=done() /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyAnswer(survey: ResidentSurvey, flash: Option<Flash>, just_done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let heading = view! {
        <h1>{survey.title.clone()}</h1>
        {survey.description.clone().map(|d| view! { <p>{d}</p> })}
    };
    if survey.answered {
        let notice = if just_done {
            view! { <div class="notice notice--success" role="status" data-testid="survey-thanks"><p>{t!(i18n, surveys.thanks)}</p></div> }.into_any()
        } else {
            view! { <div class="notice" role="status" data-testid="survey-answered"><p>{t!(i18n, surveys.already_answered)}</p></div> }.into_any()
        };
        return view! { {heading} {notice} }.into_any();
    }
    let flash = flash.unwrap_or_default();
    let typed = flash.values.clone();
    let errors = flash.errors.clone();
    let texts: Vec<(String, String)> = survey
        .questions
        .iter()
        .map(|q| (q.key.clone(), q.text.clone()))
        .collect();
    let label_of = Callback::new(move |(key, _english): (String, bool)| {
        texts
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, text)| text.clone())
            .unwrap_or(key)
    });
    let general = flash
        .error
        .filter(|_| errors.is_empty())
        .map(|code| code.message(i18n.get_locale_untracked()).to_owned());
    view! {
        {heading}
        {survey.closes_at.map(|at| view! { <p>{t!(i18n, surveys.closes)} <When at /></p> })}
        {match general {
            Some(general) => view! { <ErrorSummary errors=errors.clone() label_of general /> }.into_any(),
            None => view! { <ErrorSummary errors=errors.clone() label_of /> }.into_any(),
        }}
        <form method="post" action=format!("/forms/surveys/{}", survey.id) class="stack" data-testid="survey-answer">
            {survey.questions.into_iter().enumerate().map(|(i, question)| {
                let problem = errors.iter().find(|e| e.field == question.key).map(|e| e.problem.clone());
                let value = typed.get(&question.key).cloned().unwrap_or_default();
                view! { <QuestionInput number=i + 1 question value problem /> }
            }).collect_view()}
            <button type="submit" class="button button--primary">{t!(i18n, surveys.submit)}</button>
        </form>
    }
    .into_any()
}

/// One question as a fieldset: its text as the legend, its problem, and its inputs. `value`
/// is what was sent before (check boxes: one value per line).
#[component]
fn QuestionInput(
    number: usize,
    question: Question,
    value: String,
    problem: Option<Problem>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = input_id(&question.key);
    let error_id = format!("{id}-error");
    let key = question.key.clone();
    let required = question.required;
    let sent: Vec<String> = value.lines().map(str::to_owned).collect();
    let choice = move |value: String, label: Signal<String>, multiple: bool| {
        let option_id = format!("{id}-{value}", id = input_id(&key));
        let checked = sent.contains(&value);
        let kind = if multiple { "checkbox" } else { "radio" };
        view! {
            <div class="field field--check">
                <input type=kind id=option_id.clone() name=key.clone() value=value checked=checked />
                <label for=option_id>{label}</label>
            </div>
        }
    };
    let inputs = match question.kind {
        QuestionKind::FivePoint => (1..=5i64)
            .rev()
            .map(|point| {
                choice(
                    point.to_string(),
                    Signal::derive(move || {
                        format!("{point} {}", scale_label(point, i18n.get_locale()))
                    }),
                    false,
                )
            })
            .collect_view()
            .into_any(),
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let multiple = question.kind == QuestionKind::MultipleChoice;
            question
                .options
                .iter()
                .enumerate()
                .map(|(i, option)| {
                    let option = option.clone();
                    choice(
                        i.to_string(),
                        Signal::derive(move || option.clone()),
                        multiple,
                    )
                })
                .collect_view()
                .into_any()
        }
        QuestionKind::FreeText => {
            let text_id = format!("{id}-text");
            view! {
                <label for=text_id.clone() class="visually-hidden">{question.text.clone()}</label>
                <textarea id=text_id name=question.key.clone() rows="4" maxlength="2000" aria-describedby=format!("{id}-hint")>{value.clone()}</textarea>
                <p class="field__hint" id=format!("{id}-hint")>{t!(i18n, surveys.text_hint)}</p>
            }
            .into_any()
        }
    };
    let has_problem = problem.is_some();
    view! {
        <fieldset class="fieldset" class:field--invalid=has_problem id=id.clone() data-key=question.key.clone() data-kind=question.kind.as_str()
            aria-describedby=has_problem.then(|| error_id.clone())>
            <legend>
                {number} ". " {question.text.clone()}
                {required.then(|| view! { <span class="field__hint">{t!(i18n, surveys.required_mark)}</span> })}
            </legend>
            {problem.map(|p| view! {
                <p class="field__error" id=error_id.clone()>
                    <span class="visually-hidden">{td_string!(i18n.get_locale_untracked(), forms.error_prefix)}</span>
                    {p.message(i18n.get_locale_untracked())}
                </p>
            })}
            {inputs}
        </fieldset>
    }
}
