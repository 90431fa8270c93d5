use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// Any path no route claims; answered with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || td_string!(i18n.get_locale(), not_found.title) />
        <section class="page page--narrow">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.body)}</p>
            <p>
                <a class="button" href="/">{t!(i18n, not_found.back_home)}</a>
            </p>
        </section>
    }
}
