//! Loading and error states shared by pages.

use crate::domain::error::AppError;
use crate::i18n::*;
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
    view! {
        <div class="notice notice--error" role="alert" data-error-code=move || format!("{code:?}")>
            <h2>{t!(i18n, errors.title)}</h2>
            <p>{move || code.message(i18n.get_locale())}</p>
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{t!(i18n, services.loading)}</p> }
}
