//! Applying: the form generated from the service's definition, prefilled ("fill once"),
//! with the materials to upload. The same page edits a draft and answers a supplement
//! request. Saving keeps a draft (resumable on any device); submitting checks everything.
//! In elderly mode the same form is asked one question per page ([`steps`]).
use domain::ids::ResidentId;

mod steps;

/// The files a material may be handed in as (the server checks them again).
const FILE_TYPES: &str = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

use crate::ui::autosave::Autosave;
use crate::ui::components::facts::{Localized, PromisedDays};
use crate::ui::components::forms::{AnswerInput, ErrorSummary};
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::mode::use_elderly;
use domain::application::ApplicationForm;
use domain::catalog::MaterialForm;
use domain::error::ErrorCode;
use domain::form::{is_locked, material_key, needs_upload};
use domain::validation::FieldError;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::account::take_flash;
use server_fns::applications::{apply_form, edit_form};

/// `/apply/:code`: a new application (or the resident's draft of it); `?for=<member>` applies
/// on behalf of a consenting household member (代办).
#[component]
pub fn ApplyPage() -> impl IntoView {
    view! { <NewApplication bundle=false /> }
}

/// `/apply/bundle/:code`: a life-event package (一件事), one form for every department.
#[component]
pub fn ApplyBundlePage() -> impl IntoView {
    view! { <NewApplication bundle=true /> }
}

#[component]
fn NewApplication(bundle: bool) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let code = params.with(|p| p.get("code").unwrap_or_default());
        let member = query.with(|q| q.get("for").and_then(|m| m.parse::<ResidentId>().ok()));
        (code, member)
    };
    let form = Resource::new(key, move |(code, member)| apply_form(code, bundle, member));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <FormView form extra=Vec::new() saved=false /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/me/applications/:number/edit`: a draft, or the answer to a supplement request.
#[component]
pub fn EditApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let key = move || {
        query.with(|q| {
            (
                number(),
                q.get("check").is_some(),
                q.get("retry"),
                q.get("saved").is_some(),
            )
        })
    };
    let form = Resource::new(key, |(number, check, _, _)| edit_form(number.into(), check));
    let flash = Resource::new(key, |_| take_flash("application".into()));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let extra = flash.await.ok().flatten().map(|f| f.errors).unwrap_or_default();
                let saved = key().3;
                match form.await {
                    Ok(form) => view! { <FormView form extra saved /> }.into_any(),
                    // Submitted meanwhile (in another tab, or a background save that lost the
                    // race with the submit button): the application itself, not an error.
                    Err(error) if error.code == ErrorCode::InvalidStateChange => {
                        view! { <Redirect path=format!("/me/applications/{}", number()) /> }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FormView(form: ApplicationForm, extra: Vec<FieldError>, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let mut errors = form.errors.clone();
    for e in extra {
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
    let action = match (&form.number, form.is_bundle) {
        (Some(number), _) => format!("/forms/applications/{number}"),
        (None, false) => format!("/forms/apply/{}", form.service_code),
        (None, true) => format!("/forms/apply-bundle/{}", form.service_code),
    };
    let apply_path = if form.is_bundle {
        format!("/apply/bundle/{}", form.service_code)
    } else {
        format!("/apply/{}", form.service_code)
    };
    let labels: Vec<(String, domain::text::LocalizedText)> = form
        .fields
        .iter()
        .map(|f| (f.key.clone(), f.label.clone()))
        .chain(
            form.materials
                .iter()
                .enumerate()
                .map(|(i, m)| (material_key(i), m.name.clone())),
        )
        .collect();
    let label_of = Callback::new(move |(key, english): (String, bool)| {
        labels
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| l.pick(english).to_owned())
            .unwrap_or(key)
    });
    if use_elderly() {
        // `step=check` is the last page, where every answer is checked (after taking back).
        let step = use_query_map().with_untracked(|q| {
            q.get("step").and_then(|s| match s.as_str() {
                "check" => Some(usize::MAX),
                n => n.parse::<usize>().ok(),
            })
        });
        return view! { <steps::StepView form errors action label_of step /> }.into_any();
    }
    let autosave = Autosave::new(action.clone());
    let problem_of = |key: &str| {
        errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| e.problem.clone())
    };
    let title = form.title.clone();
    let is_supplement = form.supplement.is_some();
    let requested: Vec<usize> = form
        .supplement
        .as_ref()
        .map(|s| s.materials.clone())
        .unwrap_or_default();
    let identity: Vec<_> = form
        .fields
        .iter()
        .filter(|f| is_locked(f))
        .cloned()
        .collect();
    let questions: Vec<_> = form
        .fields
        .iter()
        .filter(|f| !is_locked(f))
        .cloned()
        .collect();
    view! {
        <Title text=move || title.pick(english()).to_owned() />
        <article class="apply" data-service-code=form.service_code.clone()>
            {(!form.is_bundle).then(|| view! {
                <p class="breadcrumb"><a href=format!("/services/{}", form.service_code)>{t!(i18n, apply.back_to_service)}</a></p>
            })}
            <h1><Localized text=form.title.clone() /></h1>
            <p class="apply__meta">
                <Localized text=form.department.clone() /> " · " {t!(i18n, apps.promise_after_acceptance)} " "
                <PromisedDays days=form.promised_days />
                {form.number.clone().map(|n| view! { " · " <span class="apply__number">{n.to_string()}</span> })}
            </p>
            {form.is_bundle.then(|| view! { <p class="notice">{t!(i18n, apply.bundle_note)}</p> })}
            {form.on_behalf_of.clone().map(|member| view! {
                <p class="notice notice--warning" data-testid="on-behalf">
                    {t!(i18n, apply.applying_for)} " " <strong>{member.name}</strong>
                </p>
            })}
            {(form.number.is_none() && form.on_behalf_of.is_none() && !form.can_apply_for.is_empty()).then(|| {
                let members = form.can_apply_for.clone();
                let apply_path = apply_path.clone();
                view! {
                    <nav class="notice" aria-label=move || td_string!(i18n.get_locale(), apply.for_member)>
                        <p>{t!(i18n, apply.for_member)}</p>
                        <ul class="inline-list">
                            {members.into_iter().map(|m| view! {
                                <li><a href=format!("{apply_path}?for={}", m.member_id)>{m.name}</a></li>
                            }).collect_view()}
                        </ul>
                    </nav>
                }
            })}
            {saved.then(|| view! { <div class="notice notice--success" role="status"><p>{t!(i18n, apply.saved)}</p></div> })}
            <ErrorSummary errors=errors.clone() label_of />
            {form.supplement.clone().map(|s| view! {
                <section class="notice notice--warning">
                    <h2>{t!(i18n, apps.supplement_title)}</h2>
                    <p class="supplement__note">{s.note}</p>
                </section>
            })}
            <p class="field__hint">{t!(i18n, apply.prefilled_hint)}</p>
            <form
                method="post"
                action=move || autosave.action.get()
                enctype="multipart/form-data"
                class="stack"
                novalidate
                on:change=move |ev| autosave.save(ev)
                on:submit=move |_| autosave.cancel()
            >
                {form.idempotency_key.clone().map(|key| view! { <input type="hidden" name="_key" value=key /> })}
                {form.on_behalf_of.clone().map(|m| view! { <input type="hidden" name="_for" value=m.member_id.to_string() /> })}
                <fieldset class="fieldset">
                    <legend>{t!(i18n, apply.applicant)}</legend>
                    <dl class="answers">
                        {identity.into_iter().map(|f| {
                            let value = form.answers.get(&f.key).cloned().unwrap_or_default();
                            view! { <div><dt><Localized text=f.label /></dt><dd>{value}</dd></div> }
                        }).collect_view()}
                    </dl>
                </fieldset>
                <fieldset class="fieldset">
                    <legend>{t!(i18n, apply.questions)}</legend>
                    {questions.into_iter().map(|field| {
                        let value = form.answers.get(&field.key).cloned().unwrap_or_default();
                        let problem = problem_of(&field.key);
                        view! { <AnswerInput field value problem /> }
                    }).collect_view()}
                </fieldset>
                <fieldset class="fieldset">
                    <legend>{t!(i18n, apply.materials)}</legend>
                    <p class="field__hint">{t!(i18n, apply.file_rules)}</p>
                    {form.materials.iter().cloned().enumerate().map(|(index, material)| {
                        let key = material_key(index);
                        let problem = problem_of(&key);
                        let files: Vec<_> = form.attachments.iter().filter(|a| a.material == Some(index)).cloned().collect();
                        let exempt = material.form == MaterialForm::Exempt;
                        let asked = requested.contains(&index);
                        let required = needs_upload(&material);
                        let number = form.number.clone();
                        let input_id = format!("field-{key}");
                        let error_id = format!("{input_id}-error");
                        view! {
                            <div class="field field--file" class:field--invalid=problem.is_some() class:field--asked=asked>
                                <label for=input_id.clone()>
                                    <Localized text=material.name.clone() />
                                    {(!required && !exempt).then(|| view! { {t!(i18n, forms.optional)} })}
                                    {asked.then(|| view! { " " <span class="chip chip--supplement_requested">{t!(i18n, apply.asked_again)}</span> })}
                                </label>
                                {problem.clone().map(|p| view! {
                                    <p class="field__error" id=error_id.clone()>{move || p.message(i18n.get_locale())}</p>
                                })}
                                {(!files.is_empty()).then(|| view! {
                                    <ul class="file-list">
                                        {files.into_iter().map(|a| {
                                            let remove = number.clone().map(|n| format!("/forms/applications/{n}/attachments/{}/delete", a.id));
                                            view! {
                                                <li>
                                                    <a href=format!("/api/v1/me/attachments/{}", a.id) download>{a.file_name.clone()}</a>
                                                    {remove.map(|href| view! {
                                                        " " <button type="submit" class="link-button" formaction=href formmethod="post">
                                                            {t!(i18n, apply.remove_file)}
                                                        </button>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })}
                                {if exempt {
                                    view! { <p class="field__hint">{t!(i18n, apply.exempt)}</p> }.into_any()
                                } else {
                                    view! {
                                        <input
                                            id=input_id
                                            type="file"
                                            name=key
                                            accept=FILE_TYPES
                                            aria-invalid=problem.is_some().then_some("true")
                                            aria-describedby=problem.is_some().then_some(error_id)
                                        />
                                    }
                                    .into_any()
                                }}
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="field__hint" role="status" aria-live="polite" data-testid="autosave">
                    {move || autosave.saved_at.get().map(|at| format!("{} {at}", td_string!(i18n.get_locale(), apply.autosaved)))}
                </p>
                <div class="actions">
                    <button type="submit" name="_intent" value="submit" class="button button--primary">
                        {if is_supplement { t!(i18n, apply.resubmit).into_any() } else { t!(i18n, apply.submit).into_any() }}
                    </button>
                    <button type="submit" name="_intent" value="save" class="button">{t!(i18n, apply.save)}</button>
                </div>
            </form>
        </article>
    }
    .into_any()
}
