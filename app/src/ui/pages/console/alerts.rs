//! 预警 in the console: a head's (their department's) or a supervisor's (every one, grids'
//! included) open alerts, alarms first, each with its figures, a link to the cases behind
//! it and the form that acknowledges it with a note; and the history of closed ones. Plain
//! forms that work without JavaScript.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::alert::{Alert, AlertList, AlertState, Evidence, Level, NOTE_MAX, Rule, Subject};
use domain::figures::percent;
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::alerts::get_alerts;
use server_fns::console::take_staff_flash;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // `at` changes after every form post: the page reads the alerts (and the outcome) again.
    let data = Resource::new(
        move || {
            query.with(|q| {
                let state = q
                    .get("state")
                    .and_then(|s| AlertState::parse(&s))
                    .unwrap_or_default();
                (state, q.get("at"))
            })
        },
        |(state, _)| async move {
            let flash = take_staff_flash("alert".into()).await.ok().flatten();
            (get_alerts(state).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), alerts.title).to_owned() />
        <h1>{t!(i18n, alerts.title)}</h1>
        <p>{t!(i18n, alerts.intro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(list), flash) => view! { <List list flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn List(list: AlertList, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let open = list.state == AlertState::Open;
    let (open_count, alarms) = (list.open, list.alarms);
    let alarming = alarms > 0;
    let summary = move || {
        td_string!(i18n.get_locale(), alerts.summary)
            .replace("$open", &open_count.to_string())
            .replace("$alarms", &alarms.to_string())
    };
    // A refused note comes back into the form of the alert it was for.
    let refused = flash.as_ref().filter(|f| f.error.is_some()).and_then(|f| {
        Some((
            f.values.get("alert")?.clone(),
            f.values.get("note")?.clone(),
        ))
    });
    let empty = list.alerts.is_empty();
    view! {
        <nav class="filter-tabs" aria-label=move || td_string!(i18n.get_locale(), alerts.filter_label)>
            <a href="/admin/alerts" aria-current=open.then_some("page")>{t!(i18n, alerts.tab_open)}</a>
            <a href="/admin/alerts?state=closed" aria-current=(!open).then_some("page")>{t!(i18n, alerts.tab_closed)}</a>
        </nav>
        <FlashNotice flash />
        <p class="notice" class:notice--warning=alarming data-testid="alerts-summary">{summary}</p>
        {if empty {
            view! {
                <p data-testid="alerts-empty">
                    {move || if open {
                        td_string!(i18n.get_locale(), alerts.none_open)
                    } else {
                        td_string!(i18n.get_locale(), alerts.none_closed)
                    }}
                </p>
            }
            .into_any()
        } else {
            view! {
                <ul class="alert-list" data-testid="alert-list">
                    {list.alerts.into_iter().map(|alert| {
                        let typed = refused
                            .as_ref()
                            .filter(|(id, _)| *id == alert.id.to_string())
                            .map(|(_, note)| note.clone());
                        view! { <AlertItem alert typed /> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// The sentence of an alert's figures in the viewer's language.
pub(super) fn evidence_text(rule: Rule, evidence: &Evidence, locale: Locale) -> String {
    let template = match rule {
        Rule::OverdueTasks => td_string!(locale, alerts.evidence_overdue_tasks),
        Rule::DueSoon => td_string!(locale, alerts.evidence_due_soon),
        Rule::Satisfaction => td_string!(locale, alerts.evidence_satisfaction),
        Rule::OverdueRectifications => td_string!(locale, alerts.evidence_overdue_rectifications),
        Rule::BadReviewSpike => td_string!(locale, alerts.evidence_bad_review_spike),
    };
    let line = match rule {
        Rule::DueSoon | Rule::Satisfaction => percent(Some(evidence.line)),
        _ => format!("{}", evidence.line.ceil()),
    };
    template
        .replace("$count", &evidence.count.to_string())
        .replace("$of", &evidence.of.unwrap_or_default().to_string())
        .replace("$share", &percent(evidence.share()))
        .replace(
            "$usual",
            &format!("{:.1}", evidence.usual().unwrap_or_default()),
        )
        .replace("$line", &line)
}

/// The level as a word in a chip (never colour alone), the rule, what it is about.
#[component]
pub(super) fn AlertHeading(alert: Alert) -> impl IntoView {
    let i18n = use_i18n();
    let level = alert.level;
    let rule = alert.rule;
    let grid = matches!(alert.subject, Subject::Grid(_));
    // A service's or a grid's alert names the department too.
    let department = alert
        .department
        .clone()
        .filter(|_| !matches!(alert.subject, Subject::Department(_)));
    view! {
        <span class="chip" class:chip--bad=level == Level::Alarm class:chip--new=level == Level::Warning data-level=level.as_str()>
            {move || level.label(i18n.get_locale())}
        </span>
        " "
        <strong>{move || rule.label(i18n.get_locale())}</strong>
        " · "
        {grid.then(|| view! { {t!(i18n, alerts.grid)} " " })}
        <Localized text=alert.subject_name />
        {department.map(|department| view! {
            " (" <Localized text=department /> ")"
        })}
    }
}

#[component]
fn AlertItem(alert: Alert, typed: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let rule = alert.rule;
    let evidence = alert.evidence.clone();
    let closed = alert.closed_at;
    let note_id = format!("alert-note-{}", alert.id);
    let action = format!("/admin/forms/alerts/{}/acknowledge", alert.id);
    let acknowledged = alert.acknowledged.clone();
    let may_acknowledge = closed.is_none() && acknowledged.is_none();
    view! {
        <li class="alert-item" data-testid="alert" data-id=alert.id data-rule=rule.as_str() data-level=alert.level.as_str()>
            <p><AlertHeading alert=alert.clone() /></p>
            <p data-testid="alert-evidence">{move || evidence_text(rule, &evidence, i18n.get_locale())}</p>
            <p class="field__hint">
                {t!(i18n, alerts.raised)} " " <When at=alert.raised_at />
                {match closed {
                    Some(at) => view! { " · " {t!(i18n, alerts.closed)} " " <When at /> }.into_any(),
                    None => view! { " · " {t!(i18n, alerts.checked)} " " <When at=alert.checked_at /> }.into_any(),
                }}
                " · "
                <a href=alert.cases.clone()>{t!(i18n, alerts.cases)}</a>
            </p>
            {acknowledged.map(|ack| view! {
                <p data-testid="alert-acknowledged">
                    <span class="chip chip--approved">{t!(i18n, alerts.acknowledged)}</span>
                    " " {ack.by} " · " <When at=ack.at /> ": " {ack.note}
                </p>
            })}
            {may_acknowledge.then(|| view! { <AcknowledgeForm action note_id typed /> })}
        </li>
    }
}

/// The note and the button that acknowledge an open alert (a plain form).
#[component]
fn AcknowledgeForm(action: String, note_id: String, typed: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{note_id}-hint");
    view! {
        <form method="post" action=action class="alert-item__form">
            <label for=note_id.clone()>{t!(i18n, alerts.note)}</label>
            <p class="field__hint" id=hint_id.clone()>{t!(i18n, alerts.note_hint)}</p>
            <textarea id=note_id name="note" rows="2" required maxlength=NOTE_MAX aria-describedby=hint_id>{typed.unwrap_or_default()}</textarea>
            <button type="submit" class="button">{t!(i18n, alerts.acknowledge)}</button>
        </form>
    }
}
