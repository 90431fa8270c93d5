//! The frame around every resident page: skip link, header with navigation and language
//! switch, main landmark, footer.

use crate::i18n::*;
use crate::ui::url::encode_query_value;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, app.skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"民"</span>
                    <span class="brand__name">{t!(i18n, app.name)}</span>
                </a>
                <nav class="site-nav" aria-label=move || td_string!(i18n.get_locale(), app.main_nav)>
                    <a href="/">{t!(i18n, nav.home)}</a>
                    <a href="/services">{t!(i18n, nav.services)}</a>
                    <LanguageSwitch />
                </nav>
            </div>
        </header>
        <main id="main" class="site-main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.hotline)}</p>
            <p>{t!(i18n, footer.about)}</p>
        </footer>
    }
}

/// Switches between Chinese and English. Without JavaScript it is a link the server answers
/// by setting the language cookie and coming back; with JavaScript it switches in place.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let other = move || match i18n.get_locale() {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    };
    let href = move || {
        // The router's `search` has no leading '?'.
        let search = location.search.get();
        let path = location.pathname.get();
        let next = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        format!(
            "/lang/{}?next={}",
            other().as_str(),
            encode_query_value(&next)
        )
    };
    let switch = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        i18n.set_locale(other());
    };
    view! {
        <a
            class="lang-switch"
            href=href
            rel="external"
            hreflang=move || other().as_str()
            lang=move || other().as_str()
            aria-label=move || td_string!(i18n.get_locale(), app.switch_language_label)
            on:click=switch
        >
            {t!(i18n, app.switch_language)}
        </a>
    }
}
