//! Open staff sessions, for administrators: who, since when, from where; end any of them.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::console::{get_staff_sessions, take_staff_flash};

#[component]
pub fn StaffSessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            let flash = take_staff_flash("sessions".into()).await.ok().flatten();
            (get_staff_sessions().await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.sessions_title).to_owned() />
        <h1>{t!(i18n, console.sessions_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(sessions), flash) => view! {
                        <FlashNotice flash />
                        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
                            <table class="data-table" data-testid="staff-sessions">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, console.name)}</th>
                                    <th scope="col">{t!(i18n, console.department)}</th>
                                    <th scope="col">{t!(i18n, console.signed_in_at)}</th>
                                    <th scope="col">{t!(i18n, console.last_seen)}</th>
                                    <th scope="col">"IP"</th>
                                    <th scope="col"><span class="visually-hidden">{t!(i18n, console.end_session)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {sessions.into_iter().map(|s| { let username = s.username.clone(); let role = s.role; view! {
                                        <tr data-username=username>
                                            <td>{s.staff_name} " (" {s.username} ", " {move || role.label(i18n.get_locale())} ")"</td>
                                            <td>{s.department.map(|d| view! { <Localized text=d /> })}</td>
                                            <td><When at=s.created_at /></td>
                                            <td><When at=s.last_seen_at /></td>
                                            <td>{s.ip.unwrap_or_default()}</td>
                                            <td>
                                                <form method="post" action=format!("/admin/forms/sessions/{}/end", s.id) class="inline-form">
                                                    <button type="submit" class="button button--danger">{t!(i18n, console.end_session)}</button>
                                                </form>
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
