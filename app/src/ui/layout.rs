//! The frame around every resident page: skip link, header with navigation, account links
//! (with the live unread badge), the elderly-mode and language switches, the read-aloud
//! button, main landmark, the help block in elderly mode, footer.

use crate::ui::components::back_here::BackHereForm;
use crate::ui::components::read_aloud::ReadAloud;
use crate::ui::live::{Live, connect};
use crate::ui::mode::{self, ElderlyOffer, HelpBlock, ModeSwitch};
use domain::account::Viewer;
use domain::staff::Permission;
use i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use server_fns::account::get_viewer;
use server_fns::console::staff_me;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let live = Live::provide();
    mode::provide();
    let elderly = mode::use_elderly();
    let location = use_location();
    // The console (/admin) has its own header; pages are otherwise the same frame.
    let in_console = move || location.pathname.get().starts_with("/admin");
    view! {
        // rel=external: the router would only scroll; the browser also moves the focus.
        <a class="skip-link" href="#main" rel="external">{t!(i18n, app.skip_to_content)}</a>
        <Show when=in_console fallback=move || view! { <ResidentHeader live /> }>
            <ConsoleHeader />
        </Show>
        <div class="live-region" role="status" aria-live="polite" aria-atomic="true">
            {move || live.announcement.get().map(|text| view! { <p class="toast">{text}</p> })}
        </div>
        <div class="page-tools">
            <ReadAloud />
        </div>
        <main id="main" class="site-main" tabindex="-1">
            {children()}
        </main>
        <Show when=move || elderly && !in_console()>
            <div class="site-help">
                <HelpBlock />
            </div>
        </Show>
        <footer class="site-footer">
            <p>{t!(i18n, footer.hotline)}</p>
            <p>{t!(i18n, footer.about)}</p>
            <p><a href="/satisfaction" data-testid="footer-satisfaction">{t!(i18n, figures.footer_link)}</a></p>
        </footer>
    }
}

/// The residents' header: brand, navigation, account links with the live unread badge.
#[component]
fn ResidentHeader(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = Resource::new(|| (), |_| get_viewer());
    let elderly = mode::use_elderly();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"民"</span>
                    <span class="brand__name">{t!(i18n, app.name)}</span>
                </a>
                <nav class="site-nav" aria-label=move || td_string!(i18n.get_locale(), app.main_nav)>
                    <a href="/">{t!(i18n, nav.home)}</a>
                    <a href="/services">{t!(i18n, nav.services)}</a>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let signed_in = viewer.await.ok().flatten();
                            view! { <AccountLinks viewer=signed_in live /> }
                        })}
                    </Suspense>
                    <ModeSwitch />
                    <LanguageSwitch />
                </nav>
            </div>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                let offer = viewer.await.ok().flatten().is_some_and(|v| v.offer_elderly_mode);
                (offer && !elderly).then(|| view! { <ElderlyOffer /> })
            })}
        </Suspense>
    }
}

/// The console's header: who is signed in, and the sections their role may open.
#[component]
fn ConsoleHeader() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| staff_me());
    view! {
        <header class="site-header site-header--console">
            <div class="site-header__inner">
                <a class="brand" href="/admin">
                    <span class="brand__mark" aria-hidden="true">"民"</span>
                    <span class="brand__name">{t!(i18n, console.brand)}</span>
                </a>
                <nav class="site-nav" aria-label=move || td_string!(i18n.get_locale(), console.nav_label)>
                    <Suspense>
                        {move || Suspend::new(async move {
                            me.await.ok().flatten().map(|member| {
                                let may = |p: Permission| member.may(p);
                                view! {
                                    <a href="/admin">{t!(i18n, console.home_title)}</a>
                                    <a href="/admin/queue">{t!(i18n, console.queue_title)}</a>
                                    <a href="/admin/residents">{t!(i18n, console.residents_title)}</a>
                                    {may(Permission::CheckIdentity).then(|| view! { <a href="/admin/identity-checks">{t!(i18n, console.identity_checks_title)}</a> })}
                                    {may(Permission::ViewRatings).then(|| view! { <a href="/admin/rectifications">{t!(i18n, rectify.home_link)}</a> })}
                                    {may(Permission::ViewRatings).then(|| view! { <a href="/admin/figures">{t!(i18n, figures.title)}</a> })}
                                    {may(Permission::ViewForecasts).then(|| view! { <a href="/admin/alerts">{t!(i18n, alerts.title)}</a> })}
                                    {may(Permission::ViewForecasts).then(|| view! { <a href="/admin/forecast">{t!(i18n, forecast.title)}</a> })}
                                    {may(Permission::ViewForecasts).then(|| view! { <a href="/admin/reports">{t!(i18n, report.title)}</a> })}
                                    {may(Permission::SimulatePolicies).then(|| view! { <a href="/admin/simulation">{t!(i18n, simulation.title)}</a> })}
                                    {may(Permission::SearchAudit).then(|| view! { <a href="/admin/audit">{t!(i18n, console.audit_title)}</a> })}
                                    {may(Permission::ManageSurveys).then(|| view! { <a href="/admin/surveys">{t!(i18n, surveys.title)}</a> })}
                                    {may(Permission::ManageSegments).then(|| view! { <a href="/admin/segments">{t!(i18n, engage.segments_title)}</a> })}
                                    {may(Permission::ManageSegments).then(|| view! { <a href="/admin/campaigns">{t!(i18n, engage.campaigns_title)}</a> })}
                                    {may(Permission::ManageCatalog).then(|| view! { <a href="/admin/catalog">{t!(i18n, console.catalog_title)}</a> })}
                                    {may(Permission::ManageStaffSessions).then(|| view! { <a href="/admin/sessions">{t!(i18n, console.sessions_title)}</a> })}
                                    <span class="site-nav__who" data-testid="staff-name">{member.name.clone()}</span>
                                    <form method="post" action="/admin/forms/sign-out" class="inline-form">
                                        <button type="submit" class="link-button">{t!(i18n, nav.sign_out)}</button>
                                    </form>
                                }
                            })
                        })}
                    </Suspense>
                    <LanguageSwitch />
                </nav>
            </div>
        </header>
    }
}

/// "我的办件", "消息 (3)", "我的资料", "退出" when signed in; "登录" / "注册" otherwise.
#[component]
fn AccountLinks(viewer: Option<Viewer>, live: Live) -> impl IntoView {
    let i18n = use_i18n();
    match viewer {
        Some(viewer) => {
            if live.unread.get_untracked().is_none() {
                live.unread.set(Some(viewer.unread_notifications));
            }
            Effect::new(move |_| connect(live));
            let unread = move || live.unread.get().unwrap_or(0);
            view! {
                <a href="/for-you">{t!(i18n, for_you.nav)}</a>
                <a href="/me/applications">{t!(i18n, nav.my_applications)}</a>
                <a href="/me/messages" class="nav-messages">
                    {t!(i18n, nav.messages)}
                    <span
                        class="badge"
                        data-testid="unread-badge"
                        data-live=move || live.connected.get().then_some("connected")
                        hidden=move || unread() == 0
                    >
                        {unread}
                        <span class="visually-hidden">{t!(i18n, nav.unread)}</span>
                    </span>
                </a>
                <a href="/me/profile">{t!(i18n, nav.profile)}</a>
                <form method="post" action="/forms/sign-out" class="inline-form">
                    <button type="submit" class="link-button">{t!(i18n, nav.sign_out)}</button>
                </form>
            }
            .into_any()
        }
        None => view! {
            <a href="/sign-in">{t!(i18n, nav.sign_in)}</a>
            <a href="/register">{t!(i18n, nav.register)}</a>
        }
        .into_any(),
    }
}

/// Switches between Chinese and English: a form the server answers by setting the language
/// cookie and sending the reader back to the same page, now in the other language (with or
/// without JavaScript: the browser's bundle carries no cookie code).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = move || match i18n.get_locale() {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    };
    let action = Signal::derive(move || format!("/lang/{}", other().as_str()));
    view! {
        <BackHereForm action class="lang-switch-form">
            <button
                type="submit"
                class="lang-switch"
                lang=move || other().as_str()
                aria-label=move || td_string!(i18n.get_locale(), app.switch_language_label)
            >
                {t!(i18n, app.switch_language)}
            </button>
        </BackHereForm>
    }
}
