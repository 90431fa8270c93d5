//! The staff console's pages under `/admin`: sign-in, home, queue, case, resident 360,
//! identity checks, audit log, staff sessions and accounts, figures, the alerts, the backlog
//! forecast, the policy simulation and the monthly report. Every page reads through a server
//! function that checks the staff session, role and department again; links and buttons
//! only mirror what is allowed.

pub mod alerts;
pub mod application;
pub mod audit;
pub mod catalog;
pub mod figures;
pub mod forecast;
pub mod home;
pub mod identity_checks;
pub mod queue;
pub mod rectifications;
pub mod report;
pub mod resident;
pub mod rule_fields;
pub mod segments;
pub mod sessions;
pub mod sign_in;
pub mod simulation;
pub mod surveys;
pub mod trend;

use domain::console::Urgency;
use domain::error::ErrorCode;
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;

/// "已超期" / "24小时内到期" next to a task: a word, with the colour only as a second cue.
#[component]
pub fn UrgencyTag(urgency: Urgency) -> impl IntoView {
    let i18n = use_i18n();
    match urgency {
        Urgency::Overdue => Some(
            view! { <span class="urgency urgency--overdue" data-urgency="overdue">{t!(i18n, console.overdue)}</span> }
                .into_any(),
        ),
        Urgency::DueSoon => Some(
            view! { <span class="urgency urgency--due-soon" data-urgency="due_soon">{t!(i18n, console.due_soon)}</span> }
                .into_any(),
        ),
        Urgency::Normal => None,
    }
}

/// The outcome of the last console form: its problem in an alert, or that it was done.
#[component]
pub fn FlashNotice(flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let flash = flash?;
    Some(match flash.error {
        Some(code) => {
            let conflict = code == ErrorCode::Conflict;
            let details: Vec<String> = flash
                .errors
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        e.field,
                        e.problem.message(i18n.get_locale_untracked())
                    )
                })
                .collect();
            view! {
                <div class="notice notice--error" role="alert" data-testid="console-error" data-error-code=format!("{code:?}")>
                    <p>{move || code.message(i18n.get_locale()).to_owned()}</p>
                    {conflict.then(|| view! { <p>{t!(i18n, console.conflict_hint)}</p> })}
                    {(!details.is_empty()).then(|| view! {
                        <ul>{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                    })}
                </div>
            }
            .into_any()
        }
        None if flash.form == "case"
            || flash.form == "tag"
            || flash.form == "untag"
            || flash.form == "sessions"
            || flash.form == "rectification"
            || flash.form == "segment"
            || flash.form == "campaign"
            || flash.form == "identity_decision"
            || flash.form == "alert" =>
        {
            view! {
                <div class="notice notice--success" role="status" data-testid="console-done">
                    <p>{t!(i18n, console.done)}</p>
                </div>
            }
            .into_any()
        }
        None => ().into_any(),
    })
}
