//! "为您推荐" (事项找人): the services the city thinks the resident qualifies for, each with
//! the reason in plain words, one button to apply (the form comes prefilled), one tap for a
//! benefit granted without applying (免申即享), "not interested", and "no more of this kind".
//! Plain forms, so it works without JavaScript; once hydrated a new recommendation pushed
//! over the live stream appears without a reload.

use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::live::use_live;
use domain::recommendation::ForYouItem;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::recommendations::my_recommendations;

#[component]
pub fn ForYouPage() -> impl IntoView {
    let i18n = use_i18n();
    // A pushed message changes the unread count: fetch the list again.
    let live = use_live();
    let list = Resource::new(
        move || live.and_then(|l| l.unread.get()),
        |_| my_recommendations(),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), for_you.title).to_owned() />
        <h1>{t!(i18n, for_you.title)}</h1>
        <p>{t!(i18n, for_you.intro)}</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! {
                        <p class="notice" data-testid="for-you-empty">{t!(i18n, for_you.empty)}</p>
                    }
                    .into_any(),
                    Ok(items) => view! {
                        <ul class="application-list" data-testid="for-you">
                            {items.into_iter().map(|item| view! { <li><Recommendation item /></li> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <p class="hint">{t!(i18n, for_you.consent_hint)} " " <a href="/me/profile">{t!(i18n, for_you.settings)}</a></p>
    }
}

#[component]
fn Recommendation(item: ForYouItem) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let action = |what: &str| format!("/forms/recommendations/{}/{what}", item.id);
    let name = item.service_name.clone();
    let reason = item.reason.clone();
    let category = item.category_name.clone();
    let category_code = item.category_code.clone();
    view! {
        <article class="application-card" id=format!("service-{}", item.service_code) data-recommendation-id=item.id>
            <h2 class="application-card__title">
                {move || name.pick(english()).to_owned()}
                {item.new.then(|| view! { " " <span class="chip">{t!(i18n, for_you.fresh)}</span> })}
            </h2>
            <p data-testid="recommendation-reason">{move || reason.pick(english()).to_owned()}</p>
            <div class="button-row">
                {if item.auto_grant {
                    view! {
                        <form method="post" action=action("confirm") class="inline-form">
                            <button type="submit" class="button button--primary">{t!(i18n, for_you.confirm)}</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=action("apply") class="inline-form">
                            <button type="submit" class="button button--primary">{t!(i18n, for_you.apply)}</button>
                        </form>
                    }.into_any()
                }}
                <form method="post" action=action("dismiss") class="inline-form">
                    <button type="submit" class="button">{t!(i18n, for_you.dismiss)}</button>
                </form>
                <form method="post" action="/forms/recommendations/opt-out" class="inline-form">
                    <input type="hidden" name="category" value=category_code />
                    <button type="submit" class="link-button">
                        {move || td_string!(i18n.get_locale(), for_you.opt_out).replace("$category", category.pick(english()))}
                    </button>
                </form>
            </div>
        </article>
    }
}
