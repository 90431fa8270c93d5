//! One entry of an application's timeline: what happened, when, who (a resident by name,
//! staff by department, and for staff readers also by name), the comment, and a mark on
//! internal notes (which only staff ever receive).

use crate::ui::components::time::When;
use domain::application::{EventActor, TimelineEvent};
use i18n::*;
use leptos::prelude::*;

#[component]
pub fn TimelineItem(event: TimelineEvent) -> impl IntoView {
    let i18n = use_i18n();
    let kind = event.kind.clone();
    let what = move || {
        let locale = i18n.get_locale();
        match (kind.as_str(), event.to_status) {
            ("resubmitted", _) => td_string!(locale, apps.event_resubmitted).to_owned(),
            ("taken_back", _) => td_string!(locale, apps.event_taken_back).to_owned(),
            ("assigned", _) => td_string!(locale, console.event_assigned).to_owned(),
            (_, Some(status)) => status.label(locale).to_owned(),
            _ => td_string!(locale, apps.event_comment).to_owned(),
        }
    };
    let who = move || {
        let locale = i18n.get_locale();
        match &event.actor {
            EventActor::Resident { name } => name.clone(),
            EventActor::Staff { department, name } => {
                let department = department
                    .as_ref()
                    .map(|d| d.pick(locale == Locale::en).to_owned())
                    .unwrap_or_else(|| td_string!(locale, apps.staff).to_owned());
                match name {
                    Some(name) => format!("{department} · {name}"),
                    None => department,
                }
            }
            EventActor::System => td_string!(locale, apps.system).to_owned(),
        }
    };
    view! {
        <li class="timeline__item" class:timeline__item--internal=event.internal data-kind=event.kind.clone() data-internal=event.internal.to_string()>
            <p class="timeline__what">
                {what}
                {event.internal.then(|| view! { " " <span class="badge badge--info">{t!(i18n, console.internal)}</span> })}
            </p>
            <p class="timeline__meta"><When at=event.at /> " · " {who}</p>
            {event.comment.clone().map(|c| view! { <p class="timeline__comment">{c}</p> })}
        </li>
    }
}
