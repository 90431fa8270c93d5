//! "My applications" (我的办件): every application with its status and due date.

use crate::ui::components::facts::{Localized, PromisedDays};
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::status_chip::StatusChip;
use crate::ui::components::time::{Day, When};
use crate::ui::live::use_live;
use domain::application::ApplicationSummary;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::applications::my_applications;

#[component]
pub fn MyApplicationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    // Reload when any application changes while the page is open.
    let list = Resource::new(
        move || live.map(|l| l.updated.get().1),
        |_| my_applications(),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), apps.title).to_owned() />
        <h1>{t!(i18n, apps.title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! {
                        <div class="notice">
                            <p>{t!(i18n, apps.empty)}</p>
                            <p><a class="button button--primary" href="/services">{t!(i18n, apps.find_service)}</a></p>
                        </div>
                    }
                    .into_any(),
                    Ok(items) => view! {
                        <ul class="application-list">
                            {items.into_iter().map(|item| view! { <li><ApplicationCard item /></li> }).collect_view()}
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
fn ApplicationCard(item: ApplicationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/me/applications/{}", item.number);
    view! {
        <article class="application-card" data-number=item.number.to_string()>
            <h2 class="application-card__title">
                <a href=href><Localized text=item.title /></a>
            </h2>
            <p class="application-card__meta">
                <StatusChip status=item.status />
                <span class="application-card__number">{item.number.to_string()}</span>
            </p>
            <p class="application-card__due">
                {match (item.due_on, item.submitted_at) {
                    (Some(day), _) => view! { {t!(i18n, apps.due_on)} " " <Day day /> }.into_any(),
                    (None, Some(at)) => view! {
                        {t!(i18n, apps.submitted_on)} " " <When at /> " · " {t!(i18n, apps.promise_after_acceptance)} " "
                        <PromisedDays days=item.promised_days />
                    }
                    .into_any(),
                    (None, None) => view! { {t!(i18n, apps.not_submitted)} }.into_any(),
                }}
            </p>
            {item.for_name.map(|name| view! { <p class="application-card__for">{t!(i18n, apps.for_someone)} " " {name}</p> })}
        </article>
    }
}
