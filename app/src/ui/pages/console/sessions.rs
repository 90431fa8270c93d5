//! Open staff sessions, for administrators: who, since when, from where; end any of them.
//! Below, every staff account, to disable one (its sessions end at once) or enable it again.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::console::StaffAccountView;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::console::{get_staff_accounts, get_staff_sessions, take_staff_flash};

#[component]
pub fn StaffSessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            let flash = take_staff_flash("sessions".into()).await.ok().flatten();
            (
                get_staff_sessions().await,
                get_staff_accounts().await,
                flash,
            )
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.sessions_title).to_owned() />
        <h1>{t!(i18n, console.sessions_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(sessions), accounts, flash) => view! {
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
                        {match accounts {
                            Ok(accounts) => view! { <StaffAccounts accounts /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }}
                    }
                    .into_any(),
                    (Err(error), _, _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffAccounts(accounts: Vec<StaffAccountView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="staff-accounts">{t!(i18n, console.staff_accounts_title)}</h2>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="staff-accounts">
            <table class="data-table" data-testid="staff-accounts">
                <thead><tr>
                    <th scope="col">{t!(i18n, console.name)}</th>
                    <th scope="col">{t!(i18n, console.username)}</th>
                    <th scope="col">{t!(i18n, console.staff_role)}</th>
                    <th scope="col">{t!(i18n, console.department)}</th>
                    <th scope="col">{t!(i18n, console.status)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, console.staff_disable)}</span></th>
                </tr></thead>
                <tbody>
                    {accounts.into_iter().map(|a| {
                        let role = a.role;
                        let change = if a.active { "disable" } else { "enable" };
                        view! {
                            <tr data-username=a.username.clone()>
                                <td>{a.name}</td>
                                <td>{a.username.clone()}</td>
                                <td>{move || role.label(i18n.get_locale())}</td>
                                <td>{a.department.map(|d| view! { <Localized text=d /> })}</td>
                                <td>{if a.active { t!(i18n, console.staff_active).into_any() } else { t!(i18n, console.staff_disabled).into_any() }}</td>
                                <td>
                                    <form method="post" action=format!("/admin/forms/staff/{}/{change}", a.id) class="inline-form">
                                        <button type="submit" class=if a.active { "button button--danger" } else { "button" }>
                                            {if a.active { t!(i18n, console.staff_disable).into_any() } else { t!(i18n, console.staff_enable).into_any() }}
                                        </button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
