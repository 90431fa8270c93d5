//! One application: status, due date, each department's task, the timeline of every event,
//! the answers and files, and what the resident can do next (supplement, withdraw). While
//! the page is open, changes arrive live and the page reloads its data in place.

use crate::ui::components::facts::{Localized, PromisedDays};
use crate::ui::components::rating::RatingSection;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::status_chip::StatusChip;
use crate::ui::components::time::{Day, When};
use crate::ui::components::timeline::TimelineItem;
use crate::ui::live::use_live;
use domain::application::{ApplicationDetail, ApplicationStatus};
use domain::form::is_locked;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::applications::get_application;
use server_fns::ratings::{get_rating_prompts, take_rating_flash};

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let live = use_live();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    // Reload when this application changes (pushed live).
    let version = move || {
        live.map(|l| {
            let (changed, count) = l.updated.get();
            if changed == number() { count } else { 0 }
        })
    };
    let detail = Resource::new(
        move || (number(), version()),
        |(number, _)| get_application(number.into()),
    );
    let submitted = move || query.with(|q| q.get("submitted").is_some());
    // The rating block reloads after a rating post (`rated`, `retry`) and on live changes.
    let rating_key = move || {
        (
            number(),
            version(),
            query.with(|q| (q.get("rated"), q.get("retry"))),
        )
    };
    let prompts = Resource::new(rating_key, |(number, _, _)| {
        get_rating_prompts(number.into())
    });
    let flash = Resource::new(rating_key, |_| take_rating_flash());
    let rated = move || query.with(|q| q.get("rated").is_some());
    let i18n = use_i18n();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail just_submitted=submitted() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten().unwrap_or_default();
                let prompts = prompts.await.unwrap_or_default();
                view! {
                    {rated().then(|| view! {
                        <div class="notice notice--success" role="status"><p>{t!(i18n, ratings.thanks)}</p></div>
                    })}
                    <RatingSection number=number() prompts flash />
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: ApplicationDetail, just_submitted: bool) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let summary = detail.summary.clone();
    let title = summary.title.clone();
    let number = summary.number.clone();
    let status = summary.status;
    let show_tasks = detail.tasks.len() > 1 || summary.is_bundle;
    let answers = detail.answers.clone();
    let fields: Vec<_> = detail
        .fields
        .iter()
        .filter(|f| answers.get(&f.key).is_some_and(|v| !v.is_empty()))
        .cloned()
        .collect();
    view! {
        <Title text=move || title.pick(english()).to_owned() />
        <article class="application" data-number=number.to_string() data-status=status.as_str()>
            <p class="breadcrumb"><a href="/me/applications">{t!(i18n, apps.back)}</a></p>
            <h1><Localized text=summary.title.clone() /></h1>
            {just_submitted.then(|| view! {
                <div class="notice notice--success" role="status">
                    <p>{t!(i18n, apps.submitted_notice)}</p>
                </div>
            })}
            <dl class="key-facts">
                <div>
                    <dt>{t!(i18n, apps.number)}</dt>
                    <dd class="application__number">{number.to_string()}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, apps.status)}</dt>
                    <dd><StatusChip status /></dd>
                </div>
                {summary.submitted_at.map(|at| view! {
                    <div><dt>{t!(i18n, apps.submitted_at)}</dt><dd><When at /></dd></div>
                })}
                <div>
                    <dt>{t!(i18n, apps.due)}</dt>
                    <dd class="application__due">
                        {match summary.due_on {
                            Some(day) => view! { <Day day /> }.into_any(),
                            None => view! {
                                {t!(i18n, apps.promise_after_acceptance)} " " <PromisedDays days=summary.promised_days />
                            }
                            .into_any(),
                        }}
                    </dd>
                </div>
                {detail.submitted_by.clone().map(|name| view! {
                    <div><dt>{t!(i18n, apps.submitted_by)}</dt><dd>{name}</dd></div>
                })}
                {summary.for_name.clone().map(|name| view! {
                    <div><dt>{t!(i18n, apps.applied_for)}</dt><dd>{name}</dd></div>
                })}
            </dl>
            {detail.supplement.clone().map(|s| {
                let materials = detail.materials.clone();
                let edit = format!("/me/applications/{number}/edit");
                view! {
                    <section class="notice notice--warning" aria-labelledby="supplement-title">
                        <h2 id="supplement-title">{t!(i18n, apps.supplement_title)}</h2>
                        <p class="supplement__note">{s.note.clone()}</p>
                        <ul>
                            {s.materials.iter().filter_map(|i| materials.get(*i)).map(|m| {
                                let name = m.name.clone();
                                view! { <li><Localized text=name /></li> }
                            }).collect_view()}
                        </ul>
                        <p><a class="button button--primary" href=edit>{t!(i18n, apps.respond_to_supplement)}</a></p>
                    </section>
                }
            })}
            {(status == ApplicationStatus::Draft).then(|| {
                let edit = format!("/me/applications/{number}/edit");
                view! { <p><a class="button button--primary" href=edit>{t!(i18n, apps.continue_draft)}</a></p> }
            })}
            {show_tasks.then(|| view! {
                <section class="section">
                    <h2>{t!(i18n, apps.tasks_title)}</h2>
                    <ul class="task-list">
                        {detail.tasks.iter().cloned().map(|task| view! {
                            <li class="task" data-status=task.status.as_str()>
                                <p class="task__department"><Localized text=task.department /></p>
                                <p class="task__service"><Localized text=task.service /></p>
                                <p><StatusChip status=task.status />
                                    {task.due_on.map(|day| view! { " " {t!(i18n, apps.due_on)} " " <Day day /> })}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section class="section">
                <h2>{t!(i18n, apps.timeline_title)}</h2>
                <ol class="timeline" data-testid="timeline">
                    {detail.timeline.iter().cloned().map(|event| view! { <TimelineItem event /> }).collect_view()}
                </ol>
            </section>
            {(!fields.is_empty()).then(|| view! {
                <section class="section">
                    <h2>{t!(i18n, apps.answers_title)}</h2>
                    <dl class="answers">
                        {fields.into_iter().map(|f| {
                            let value = answers.get(&f.key).cloned().unwrap_or_default();
                            let shown = if is_locked(&f) && f.key.ends_with("id_number") { domain::id_number::mask(&value) } else { value };
                            view! { <div><dt><Localized text=f.label /></dt><dd>{shown}</dd></div> }
                        }).collect_view()}
                    </dl>
                </section>
            })}
            {(!detail.attachments.is_empty()).then(|| view! {
                <section class="section">
                    <h2>{t!(i18n, apps.files_title)}</h2>
                    <ul class="file-list">
                        {detail.attachments.iter().cloned().map(|a| view! {
                            <li>
                                <a href=format!("/api/v1/me/attachments/{}", a.id) download>{a.file_name}</a>
                                {a.material_name.map(|m| view! { " · " {m} })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {detail.correctable_until.map(|until| view! {
                <section class="section" data-testid="take-back">
                    <form method="post" action=format!("/forms/applications/{number}/take-back") class="inline-form">
                        <button type="submit" class="button">{t!(i18n, apps.take_back)}</button>
                    </form>
                    <p class="field__hint">{t!(i18n, apps.take_back_hint)} " " <When at=until /></p>
                </section>
            })}
            {detail.can_withdraw.then(|| view! {
                <section class="section">
                    <form method="post" action=format!("/forms/applications/{number}/withdraw") class="inline-form">
                        <button type="submit" class="button button--danger">{t!(i18n, apps.withdraw)}</button>
                    </form>
                    <p class="field__hint">{t!(i18n, apps.withdraw_hint)}</p>
                </section>
            })}
        </article>
    }
}
