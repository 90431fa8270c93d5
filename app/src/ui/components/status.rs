//! Loading and error states shared by pages.

use domain::error::AppError;
use i18n::*;
use leptos::prelude::*;

/// A localized error message in an alert region; for "not found" the server also answers 404.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.code.status())
    {
        response.set_status(status);
    }
    let code = error.code;
    if code == domain::error::ErrorCode::Unauthenticated {
        return view! { <SignInRequired /> }.into_any();
    }
    view! {
        <div class="notice notice--error" role="alert" data-error-code=move || format!("{code:?}")>
            <h2>{t!(i18n, errors.title)}</h2>
            <p>{move || code.message(i18n.get_locale())}</p>
        </div>
    }
    .into_any()
}

/// A page that needs a signed-in resident: the server sends the browser to sign in (and back
/// here afterwards); a hydrated page shows the link.
#[component]
pub fn SignInRequired() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    // The console has its own sign-in.
    let href = move || {
        let here = here();
        let page = if here.starts_with("/admin") {
            "/admin/sign-in"
        } else {
            "/sign-in"
        };
        format!("{page}?next={}", domain::link::encode_query_value(&here))
    };
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(&href());
    view! {
        <div class="notice" role="status">
            <p>{t!(i18n, errors.unauthenticated)}</p>
            <p><a class="button button--primary" href=href>{t!(i18n, nav.sign_in)}</a></p>
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{t!(i18n, services.loading)}</p> }
}
