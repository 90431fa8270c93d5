//! Applying in elderly mode: one question per page, with a Back link and "第 2 步，共 5 步",
//! then a page to check every answer before submitting. Each step is a plain form that saves
//! the draft and goes on to the next step (`_next`), so it works without JavaScript; the
//! first step of a new application creates the draft.

use crate::ui::components::facts::Localized;
use crate::ui::components::forms::{AnswerInput, ErrorSummary, input_id};
use domain::application::ApplicationForm;
use domain::form::{Step, material_key, steps};
use domain::validation::FieldError;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// The address of step `n` (1-based) of this form.
fn step_href(form: &ApplicationForm, n: usize) -> String {
    match &form.number {
        Some(number) => format!("/me/applications/{number}/edit?step={n}"),
        None => {
            let path = if form.is_bundle {
                format!("/apply/bundle/{}", form.service_code)
            } else {
                format!("/apply/{}", form.service_code)
            };
            match &form.on_behalf_of {
                Some(member) => format!("{path}?for={}&step={n}", member.member_id),
                None => format!("{path}?step={n}"),
            }
        }
    }
}

#[component]
pub fn StepView(
    form: ApplicationForm,
    errors: Vec<FieldError>,
    action: String,
    label_of: Callback<(String, bool), String>,
    step: Option<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let all = steps(&form.fields, &form.materials);
    let total = all.len();
    // Without a step: the first, or the check when there are problems to show.
    let n = step
        .unwrap_or(if errors.is_empty() { 1 } else { total })
        .clamp(1, total);
    let current = all[n - 1];
    let back = if n == 1 {
        format!("/services/{}", form.service_code)
    } else {
        step_href(&form, n - 1)
    };
    // A new application has no number until this post saves it; the server fills it in.
    let next = format!("/me/applications/{{number}}/edit?step={}", n + 1);
    let title = form.title.clone();
    let problem_of = |key: &str| {
        errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| e.problem.clone())
    };
    let body = match current {
        Step::Question(index) => {
            let field = form.fields[index].clone();
            let value = form.answers.get(&field.key).cloned().unwrap_or_default();
            let problem = problem_of(&field.key);
            view! { <AnswerInput field value problem /> }.into_any()
        }
        Step::Material(index) => {
            let material = form.materials[index].clone();
            let key = material_key(index);
            let id = input_id(&key);
            let files: Vec<String> = form
                .attachments
                .iter()
                .filter(|a| a.material == Some(index))
                .map(|a| a.file_name.clone())
                .collect();
            view! {
                <div class="field field--file">
                    <label for=id.clone()><Localized text=material.name.clone() /></label>
                    <p class="field__hint">{t!(i18n, apply.file_rules)}</p>
                    {(!files.is_empty()).then(|| view! {
                        <ul class="file-list">{files.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                    })}
                    <input id=id type="file" name=key accept=super::FILE_TYPES />
                </div>
            }
            .into_any()
        }
        Step::Check => {
            let rows = all
                .iter()
                .enumerate()
                .filter_map(|(k, step)| {
                    let change = step_href(&form, k + 1);
                    match *step {
                        Step::Question(index) => {
                            let field = form.fields[index].clone();
                            let answer = form.answers.get(&field.key).cloned().unwrap_or_default();
                            Some((input_id(&field.key), field.label, Some(answer), None, change))
                        }
                        Step::Material(index) => {
                            let files = form.attachments.iter().filter(|a| a.material == Some(index)).count();
                            Some((input_id(&material_key(index)), form.materials[index].name.clone(), None, Some(files), change))
                        }
                        Step::Check => None,
                    }
                })
                .map(|(id, label, answer, files, change)| view! {
                    <div id=id>
                        <dt><Localized text=label /></dt>
                        <dd>
                            {match (answer, files) {
                                (Some(answer), _) if !answer.trim().is_empty() => view! { <span>{answer}</span> }.into_any(),
                                (_, Some(files)) if files > 0 => view! { <span>{t!(i18n, elderly.files_uploaded, count = move || files)}</span> }.into_any(),
                                _ => view! { <span>{t!(i18n, elderly.not_answered)}</span> }.into_any(),
                            }}
                            " " <a href=change>{t!(i18n, elderly.change)}</a>
                        </dd>
                    </div>
                })
                .collect_view();
            view! {
                <h2>{t!(i18n, elderly.check_heading)}</h2>
                <dl class="answers answers--check" data-testid="check-answers">{rows}</dl>
            }
            .into_any()
        }
    };
    let is_check = current == Step::Check;
    view! {
        <Title text=move || title.pick(english()).to_owned() />
        <article class="apply apply--steps" data-service-code=form.service_code.clone()>
            <p class="breadcrumb"><a href=back data-testid="step-back">{t!(i18n, elderly.back)}</a></p>
            <p class="step-progress" data-testid="step-progress">
                {t!(i18n, elderly.step_of, n = move || n, total = move || total)}
            </p>
            <h1><Localized text=form.title.clone() /></h1>
            {form.on_behalf_of.clone().map(|member| view! {
                <p class="notice notice--warning" data-testid="on-behalf">
                    {t!(i18n, apply.applying_for)} " " <strong>{member.name}</strong>
                </p>
            })}
            {is_check.then(|| view! { <ErrorSummary errors=errors.clone() label_of /> })}
            <form method="post" action=action enctype="multipart/form-data" class="stack" novalidate>
                {form.idempotency_key.clone().map(|key| view! { <input type="hidden" name="_key" value=key /> })}
                {form.on_behalf_of.clone().map(|m| view! { <input type="hidden" name="_for" value=m.member_id.to_string() /> })}
                {body}
                {if is_check {
                    view! {
                        <button type="submit" name="_intent" value="submit" class="button button--primary">
                            {t!(i18n, elderly.submit)}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <input type="hidden" name="_next" value=next />
                        <button type="submit" name="_intent" value="save" class="button button--primary">
                            {t!(i18n, elderly.next)}
                        </button>
                    }.into_any()
                }}
            </form>
        </article>
    }
}
