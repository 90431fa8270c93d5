//! One case in the console: the resident (masked, linked to their record), each department's
//! task with the actions the viewer may take now, the answers (ID and phone numbers masked),
//! the files, and the timeline with internal notes marked. Each action is a plain form that
//! carries the task version the page showed: a colleague's action in between comes back as
//! a conflict with the current state, never a silent overwrite.
use domain::ids::ApplicationNumber;

use super::{FlashNotice, UrgencyTag};
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::status_chip::StatusChip;
use crate::ui::components::time::When;
use crate::ui::components::timeline::TimelineItem;
use domain::catalog::Material;
use domain::console::{ApplicationForStaff, Colleague, TaskAction, TaskForStaff};
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::console::{get_application_for_staff, take_staff_flash};

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let number = move || params.with(|p| p.get("number")).unwrap_or_default();
    // `at` changes after every form post: the page reads the case (and the outcome) again.
    let data = Resource::new(
        move || (number(), query.with(|q| q.get("at"))),
        |(number, _)| async move {
            let flash = take_staff_flash("case".into()).await.ok().flatten();
            (get_application_for_staff(number.into()).await, flash)
        },
    );
    view! {
        <Title text=move || format!("{} · {}", number(), td_string!(i18n.get_locale(), console.case_title)) />
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
fn Case(case: ApplicationForStaff, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let detail = case.detail.clone();
    let number = detail.summary.number.clone();
    let materials = detail.materials.clone();
    let typed = flash.clone().map(|f| f.values).unwrap_or_default();
    view! {
        <article class="case" data-number=number.to_string()>
            <p class="breadcrumbs"><a href="/admin/queue">{t!(i18n, console.queue_title)}</a></p>
            <h1><Localized text=detail.summary.title.clone() /></h1>
            <p class="case__meta">
                <span class="case__number">{number.to_string()}</span> " "
                <StatusChip status=detail.summary.status />
                {detail.summary.submitted_at.map(|at| view! { " · " {t!(i18n, console.submitted)} " " <When at /> })}
            </p>
            <FlashNotice flash=flash />
            <section class="section" aria-labelledby="case-resident">
                <h2 id="case-resident">{t!(i18n, console.resident)}</h2>
                <dl class="facts">
                    <div><dt>{t!(i18n, console.name)}</dt><dd><a href=format!("/admin/residents/{}", case.resident_id) data-testid="resident-link">{case.resident_name.clone()}</a></dd></div>
                    <div><dt>{t!(i18n, console.id_number)}</dt><dd data-testid="masked-id">{case.resident_id_number.to_string()}</dd></div>
                    {case.resident_mobile.as_ref().map(|m| view! { <div><dt>{t!(i18n, console.mobile)}</dt><dd>{m.to_string()}</dd></div> })}
                    {detail.submitted_by.clone().map(|by| view! { <div><dt>{t!(i18n, console.submitted_by)}</dt><dd>{by}</dd></div> })}
                </dl>
            </section>
            <section class="section" aria-labelledby="case-tasks">
                <h2 id="case-tasks">{t!(i18n, console.tasks)}</h2>
                {case.tasks.iter().cloned().map(|task| {
                    let number = number.clone();
                    let materials = materials.clone();
                    let colleagues = case.colleagues.clone();
                    let typed = typed.clone();
                    view! { <TaskCard task number materials colleagues typed /> }
                }).collect_view()}
            </section>
            {(!detail.fields.is_empty()).then(|| {
                let answers = detail.answers.clone();
                view! {
                    <section class="section">
                        <h2>{t!(i18n, apps.answers_title)}</h2>
                        <dl class="answers">
                            {detail.fields.iter().cloned().map(|f| {
                                let value = answers.get(&f.key).cloned().unwrap_or_default();
                                view! { <div><dt><Localized text=f.label /></dt><dd>{value}</dd></div> }
                            }).collect_view()}
                        </dl>
                    </section>
                }
            })}
            <section class="section">
                <h2>{t!(i18n, apps.files_title)}</h2>
                {if detail.attachments.is_empty() {
                    view! { <p>{t!(i18n, console.no_files)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="file-list">
                            {detail.attachments.iter().cloned().map(|a| view! {
                                <li>
                                    <a href=format!("/api/v1/staff/attachments/{}", a.id) download>{a.file_name}</a>
                                    {a.material_name.map(|m| view! { " · " {m} })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            <section class="section">
                <h2>{t!(i18n, apps.timeline_title)}</h2>
                <ol class="timeline" data-testid="staff-timeline">
                    {detail.timeline.iter().cloned().map(|event| view! { <TimelineItem event /> }).collect_view()}
                </ol>
            </section>
        </article>
    }
}

#[component]
fn TaskCard(
    task: TaskForStaff,
    number: ApplicationNumber,
    materials: Vec<Material>,
    colleagues: Vec<Colleague>,
    typed: std::collections::BTreeMap<String, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = format!("/admin/forms/cases/{number}");
    let may = |a: TaskAction| task.actions.contains(&a);
    let hidden = {
        let (id, version) = (task.id.to_string(), task.version.to_string());
        move || {
            view! {
                <input type="hidden" name="task_id" value=id.clone() />
                <input type="hidden" name="version" value=version.clone() />
            }
        }
    };
    let typed_value = move |key: &str| typed.get(key).cloned().unwrap_or_default();
    view! {
        <div class="task-card" data-task=task.id.to_string() data-status=task.status.as_str() data-in-scope=task.in_scope.to_string()>
            <h3><Localized text=task.service.clone() /> " · " <Localized text=task.department.clone() /></h3>
            <p>
                <StatusChip status=task.status /> " "
                {task.due_at.map(|at| view! { {t!(i18n, console.due)} " " <When at /> })} " "
                <UrgencyTag urgency=task.urgency />
                {task.assigned_to.clone().map(|who| view! { " · " {t!(i18n, console.assignee)} ": " <span data-testid="assignee">{who}</span> })}
            </p>
            {(!task.in_scope).then(|| view! { <p class="field__hint">{t!(i18n, console.other_department)}</p> })}
            <div class="task-actions">
                {(may(TaskAction::Accept) || may(TaskAction::Complete)).then(|| view! {
                    <form method="post" action=action.clone() class="inline-form">
                        {hidden()}
                        {may(TaskAction::Accept).then(|| view! {
                            <button type="submit" name="action" value="accept" class="button button--primary">{t!(i18n, console.accept)}</button>
                        })}
                        {may(TaskAction::Complete).then(|| view! {
                            <button type="submit" name="action" value="complete" class="button button--primary">{t!(i18n, console.complete)}</button>
                        })}
                    </form>
                })}
                {may(TaskAction::Approve).then(|| view! {
                    <form method="post" action=action.clone() class="stack action-form" data-action="approve">
                        {hidden()}
                        <input type="hidden" name="action" value="approve" />
                        <div class="field">
                            <label for=format!("approve-comment-{}", task.id)>{t!(i18n, console.approve_comment)}</label>
                            <input id=format!("approve-comment-{}", task.id) name="comment" type="text" maxlength="2000" />
                        </div>
                        <button type="submit" class="button button--primary">{t!(i18n, console.approve)}</button>
                    </form>
                })}
                {may(TaskAction::RequestSupplement).then(|| view! {
                    <form method="post" action=action.clone() class="stack action-form" data-action="request_supplement">
                        {hidden()}
                        <input type="hidden" name="action" value="request_supplement" />
                        <fieldset class="fieldset">
                            <legend>{t!(i18n, console.missing_materials)}</legend>
                            {materials.iter().cloned().enumerate().map(|(i, m)| {
                                let id = format!("material-{}-{i}", task.id);
                                view! {
                                    <div class="field field--check">
                                        <input type="checkbox" id=id.clone() name="materials" value=i.to_string() />
                                        <label for=id><Localized text=m.name /></label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="field">
                            <label for=format!("note-{}", task.id)>{t!(i18n, console.supplement_note)}</label>
                            <textarea id=format!("note-{}", task.id) name="note" rows="3" maxlength="2000" required>{typed_value("note")}</textarea>
                        </div>
                        <button type="submit" class="button">{t!(i18n, console.request_supplement)}</button>
                    </form>
                })}
                {may(TaskAction::Reject).then(|| view! {
                    <form method="post" action=action.clone() class="stack action-form" data-action="reject">
                        {hidden()}
                        <input type="hidden" name="action" value="reject" />
                        <div class="field">
                            <label for=format!("reason-{}", task.id)>{t!(i18n, console.reject_reason)}</label>
                            <textarea id=format!("reason-{}", task.id) name="reason" rows="3" maxlength="2000" required>{typed_value("reason")}</textarea>
                        </div>
                        <button type="submit" class="button button--danger">{t!(i18n, console.reject)}</button>
                    </form>
                })}
                {(may(TaskAction::Assign) && !colleagues.is_empty()).then(|| view! {
                    <form method="post" action=action.clone() class="inline-form action-form" data-action="assign">
                        {hidden()}
                        <input type="hidden" name="action" value="assign" />
                        <label for=format!("assignee-{}", task.id)>{t!(i18n, console.assign_to)}</label>
                        <select id=format!("assignee-{}", task.id) name="to">
                            {colleagues.iter().cloned().map(|c| view! {
                                <option value=c.id.to_string()>{c.name} " (" {move || c.role.label(i18n.get_locale())} ")"</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button">{t!(i18n, console.assign)}</button>
                    </form>
                })}
                {may(TaskAction::Comment).then(|| view! {
                    <form method="post" action=action.clone() class="stack action-form" data-action="comment">
                        {hidden()}
                        <input type="hidden" name="action" value="comment" />
                        <div class="field">
                            <label for=format!("comment-{}", task.id)>{t!(i18n, console.comment)}</label>
                            <textarea id=format!("comment-{}", task.id) name="text" rows="2" maxlength="2000" required>{typed_value("text")}</textarea>
                        </div>
                        <div class="field field--check">
                            <input type="checkbox" id=format!("internal-{}", task.id) name="internal" value="true" checked=true />
                            <label for=format!("internal-{}", task.id)>{t!(i18n, console.internal_note)}</label>
                        </div>
                        <button type="submit" class="button">{t!(i18n, console.add_comment)}</button>
                    </form>
                })}
            </div>
        </div>
    }
}
