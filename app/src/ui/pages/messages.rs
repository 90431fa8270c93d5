//! The inbox (消息): every state change of an application, newest first.

use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use crate::ui::live::use_live;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use server_fns::notifications::my_messages;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let page = Resource::new(move || live.map(|l| l.unread.get()), |_| my_messages());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), messages.title).to_owned() />
        <h1>{t!(i18n, messages.title)}</h1>
        <p><a href="/me/surveys" data-testid="my-surveys-link">{t!(i18n, surveys.my_title)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let empty = page.items.is_empty();
                        view! {
                            {(page.unread > 0).then(|| view! {
                                <form method="post" action="/forms/notifications/read" class="inline-form">
                                    <button type="submit" class="button">{t!(i18n, messages.mark_all_read)}</button>
                                </form>
                            })}
                            {empty.then(|| view! { <p class="notice">{t!(i18n, messages.empty)}</p> })}
                            <ul class="message-list">
                                {page.items.into_iter().map(|m| {
                                    let unread = !m.read;
                                    view! {
                                        <li class="message" class:message--unread=unread>
                                            <h2 class="message__title">
                                                {unread.then(|| view! { <span class="chip chip--new">{t!(i18n, messages.unread_tag)}</span> " " })}
                                                {match m.link.clone() {
                                                    Some(link) => view! { <a href=link>{m.title.clone()}</a> }.into_any(),
                                                    None => view! { {m.title.clone()} }.into_any(),
                                                }}
                                            </h2>
                                            <p>{m.body.clone()}</p>
                                            <p class="message__time"><When at=m.created_at /></p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
