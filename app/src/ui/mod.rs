//! What residents see: the document shell, the app's routes, layout, pages and components.

pub mod autosave;
pub mod components;
pub mod layout;
pub mod live;
pub mod mode;
pub mod pages;

use i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document the server renders around [`App`]. The `lang` attribute is set by the
/// i18n layer to the reader's language; the `elderly` class by the device's mode.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let class = mode::current().then_some(mode::ELDERLY_CLASS);
    view! {
        <!DOCTYPE html>
        <html class=class>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b4262b" />
                <link rel="icon" href="/favicon.ico" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Stylesheet id="leptos" href="/pkg/minsheng.css" />
            <Title formatter=|page: String| {
                if page.is_empty() { "民生 · Minsheng".to_owned() } else { format!("{page} · 民生") }
            } />
            <Router>
                <layout::Layout>
                    <Routes fallback=pages::not_found::NotFound>
                        // Async: the server sends each page whole, with its data and the right
                        // status, so it works without JavaScript and crawls as a document.
                        <Route path=StaticSegment("") view=pages::home::HomePage ssr=SsrMode::Async />
                        <Route path=StaticSegment("services") view=pages::services::ServicesPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/services/:code")
                            view=pages::service_detail::ServiceDetailPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/sign-in") view=pages::sign_in::SignInPage ssr=SsrMode::Async />
                        <Route path=path!("/register") view=pages::register::RegisterPage ssr=SsrMode::Async />
                        <Route path=path!("/register/identity-check") view=pages::register::IdentityCheckPage />
                        <Route path=path!("/password-reset") view=pages::password_reset::PasswordResetPage ssr=SsrMode::Async />
                        <Route path=path!("/apply/:code") view=pages::apply::ApplyPage ssr=SsrMode::Async />
                        <Route path=path!("/apply/bundle/:code") view=pages::apply::ApplyBundlePage ssr=SsrMode::Async />
                        <Route path=path!("/me/applications") view=pages::my_applications::MyApplicationsPage ssr=SsrMode::Async />
                        <Route path=path!("/me/applications/:number") view=pages::application::ApplicationPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/me/applications/:number/edit")
                            view=pages::apply::EditApplicationPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/me/messages") view=pages::messages::MessagesPage ssr=SsrMode::Async />
                        <Route path=path!("/me/profile") view=pages::profile::ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/me/surveys") view=pages::surveys::MySurveysPage ssr=SsrMode::Async />
                        <Route path=path!("/me/surveys/:id") view=pages::surveys::MySurveyPage ssr=SsrMode::Async />
                        <Route path=path!("/satisfaction") view=pages::satisfaction::SatisfactionPage ssr=SsrMode::Async />
                        <Route path=path!("/for-you") view=pages::for_you::ForYouPage ssr=SsrMode::Async />
                        // The staff console.
                        <Route path=path!("/admin") view=pages::console::home::ConsoleHomePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/sign-in") view=pages::console::sign_in::ConsoleSignInPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/queue") view=pages::console::queue::QueuePageView ssr=SsrMode::Async />
                        <Route path=path!("/admin/cases/:number") view=pages::console::application::ApplicationPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/residents") view=pages::console::resident::ResidentSearchPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/residents/:id") view=pages::console::resident::ResidentPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view=pages::console::audit::AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog") view=pages::console::catalog::CatalogPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog/services/:code") view=pages::console::catalog::ServiceEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog/bundles/:code") view=pages::console::catalog::BundleEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/sessions") view=pages::console::sessions::StaffSessionsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/identity-checks") view=pages::console::identity_checks::IdentityChecksPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys") view=pages::console::surveys::SurveysPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys/:id") view=pages::console::surveys::SurveyRoutePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys/:id/edit") view=pages::console::surveys::SurveyEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/figures") view=pages::console::figures::FiguresPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/segments") view=pages::console::segments::SegmentsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/campaigns") view=pages::console::segments::CampaignsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/rectifications") view=pages::console::rectifications::RectificationsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/rectifications/:id") view=pages::console::rectifications::RectificationPage ssr=SsrMode::Async />
                    </Routes>
                </layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}
