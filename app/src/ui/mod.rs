//! What residents see: the document shell, the app's routes, layout, pages and components.

pub mod autosave;
pub mod components;
pub mod hydration;
pub mod layout;
pub mod live;
pub mod mode;
pub mod pages;

use i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    lazy_route, path,
};

/// The HTML document the server renders around [`App`]. The `lang` attribute is set by the
/// i18n layer to the reader's language; the `elderly` class by the device's mode.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let class = mode::current().then_some(mode::ELDERLY_CLASS);
    // The page's nonce (the Content-Security-Policy runs no inline script without it). The
    // shell is rendered on the server only.
    #[cfg(feature = "ssr")]
    let nonce = leptos::nonce::use_nonce();
    #[cfg(not(feature = "ssr"))]
    let nonce = None::<String>;
    view! {
        <!DOCTYPE html>
        <html class=class>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b4262b" />
                <link rel="icon" href="/favicon.ico" />
                // Before the first paint: whether this browser can read aloud, so that the
                // read-aloud button's row is laid out from the start and showing the button
                // after hydration moves nothing (no layout shift, no late repaint).
                <script nonce=nonce>{CAN_SPEAK}</script>
                <AutoReload options=options.clone() />
                // The style sheet under its hashed name (`hash-files`), kept a year.
                <HashedStylesheet options=options.clone() id="leptos" />
                // Hydration waits for the browser to be idle (at most 2 s), with no preload:
                // every page works without JavaScript, and the bundle must not compete with
                // the page's own first paint on a slow phone.
                <hydration::Hydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Lazy routes: a page's code (its views, and the types its data brings) is a WASM chunk of
/// its own (`cargo leptos build --split`) that the browser loads when the page is first shown.
/// Every console page is one, so no resident ever downloads the console; of the resident's
/// pages, the application forms, which are only reached from a page already running. The
/// pages a visit may start on (a link in a text message opens an application) stay in the
/// main bundle: wasm-split writes one chunk per set of lazy routes that share code, so a lazy
/// page needs dozens of small files that compress worse together than in the main module
/// (docs/bundle.md).
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $page().into_any()
            }
        }
    )*};
}

// The resident's application forms.
lazy_pages! {
    ApplyRoute => pages::apply::ApplyPage,
    ApplyBundleRoute => pages::apply::ApplyBundlePage,
    EditApplicationRoute => pages::apply::EditApplicationPage,
}

// The staff console.
lazy_pages! {
    ConsoleHomeRoute => pages::console::home::ConsoleHomePage,
    ConsoleSignInRoute => pages::console::sign_in::ConsoleSignInPage,
    QueueRoute => pages::console::queue::QueuePageView,
    CaseRoute => pages::console::application::ApplicationPage,
    ResidentSearchRoute => pages::console::resident::ResidentSearchPage,
    ResidentRecordRoute => pages::console::resident::ResidentPage,
    AuditLogRoute => pages::console::audit::AuditLogPage,
    CatalogRoute => pages::console::catalog::CatalogPage,
    ServiceEditorRoute => pages::console::catalog::ServiceEditorPage,
    BundleEditorRoute => pages::console::catalog::BundleEditorPage,
    StaffSessionsRoute => pages::console::sessions::StaffSessionsPage,
    IdentityChecksRoute => pages::console::identity_checks::IdentityChecksPage,
    SurveysRoute => pages::console::surveys::SurveysPage,
    SurveyRoute => pages::console::surveys::SurveyRoutePage,
    SurveyEditorRoute => pages::console::surveys::SurveyEditorPage,
    FiguresRoute => pages::console::figures::FiguresPage,
    ForecastRoute => pages::console::forecast::ForecastPage,
    AlertsRoute => pages::console::alerts::AlertsPage,
    SimulationRoute => pages::console::simulation::SimulationPage,
    ReportRoute => pages::console::report::ReportPage,
    SegmentsRoute => pages::console::segments::SegmentsPage,
    CampaignsRoute => pages::console::segments::CampaignsPage,
    RectificationsRoute => pages::console::rectifications::RectificationsPage,
    RectificationRoute => pages::console::rectifications::RectificationPage
}

/// Marks `<html class="can-speak">` where the browser has speech synthesis (a getter that
/// throws counts as none).
const CAN_SPEAK: &str =
    "try{if(window.speechSynthesis)document.documentElement.classList.add('can-speak')}catch(e){}";

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
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
                        <Route path=path!("/apply/:code") view={Lazy::<ApplyRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/apply/bundle/:code") view={Lazy::<ApplyBundleRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/me/applications") view=pages::my_applications::MyApplicationsPage ssr=SsrMode::Async />
                        <Route path=path!("/me/applications/:number") view=pages::application::ApplicationPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/me/applications/:number/edit")
                            view={Lazy::<EditApplicationRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/me/messages") view=pages::messages::MessagesPage ssr=SsrMode::Async />
                        <Route path=path!("/me/profile") view=pages::profile::ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/me/surveys") view=pages::surveys::MySurveysPage ssr=SsrMode::Async />
                        <Route path=path!("/me/surveys/:id") view=pages::surveys::MySurveyPage ssr=SsrMode::Async />
                        <Route path=path!("/satisfaction") view=pages::satisfaction::SatisfactionPage ssr=SsrMode::Async />
                        <Route path=path!("/for-you") view=pages::for_you::ForYouPage ssr=SsrMode::Async />
                        // The staff console.
                        <Route path=path!("/admin") view={Lazy::<ConsoleHomeRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/sign-in") view={Lazy::<ConsoleSignInRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/queue") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/cases/:number") view={Lazy::<CaseRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/residents") view={Lazy::<ResidentSearchRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/residents/:id") view={Lazy::<ResidentRecordRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog") view={Lazy::<CatalogRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog/services/:code") view={Lazy::<ServiceEditorRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/catalog/bundles/:code") view={Lazy::<BundleEditorRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/sessions") view={Lazy::<StaffSessionsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/identity-checks") view={Lazy::<IdentityChecksRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys") view={Lazy::<SurveysRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys/:id") view={Lazy::<SurveyRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/surveys/:id/edit") view={Lazy::<SurveyEditorRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/figures") view={Lazy::<FiguresRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/forecast") view={Lazy::<ForecastRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/alerts") view={Lazy::<AlertsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/simulation") view={Lazy::<SimulationRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/reports") view={Lazy::<ReportRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/reports/:month") view={Lazy::<ReportRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/segments") view={Lazy::<SegmentsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/campaigns") view={Lazy::<CampaignsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/rectifications") view={Lazy::<RectificationsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/rectifications/:id") view={Lazy::<RectificationRoute>::new()} ssr=SsrMode::Async />
                    </Routes>
                </layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}
