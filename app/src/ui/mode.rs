//! Elderly mode (长辈版, also known as 关怀版 / 亲情版 / 关爱版): larger type, larger controls,
//! fewer choices per page. A device remembers it in a cookie, which is what the server reads
//! to render a page (so it works without JavaScript); an account remembers it too, and
//! signing in on another device brings it along. The switch is a form the server answers
//! (`POST /mode/{elderly|standard}` with `next=…`), so it works everywhere.

use crate::ui::components::back_here::BackHereForm;
use i18n::*;
use leptos::prelude::*;

pub use domain::mode::{
    ELDERLY_CLASS, Elderly, MODE_COOKIE, elderly_in_cookies, names_elderly_mode, switch_action,
};

/// The mode of the page being rendered, on the server: from the request's cookie.
#[cfg(feature = "ssr")]
pub fn current() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(elderly_in_cookies)
    })
}

/// The mode of the page being hydrated: from the class the server put on the document, so
/// the browser renders what the server rendered.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn current() -> bool {
    document()
        .document_element()
        .is_some_and(|html| html.class_list().contains(ELDERLY_CLASS))
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn current() -> bool {
    false
}

/// Provides the page's mode to every component below.
pub fn provide() {
    provide_context(Elderly(current()));
}

/// Whether the page is in elderly mode.
pub fn use_elderly() -> bool {
    use_context::<Elderly>().is_some_and(|mode| mode.0)
}

/// "长辈版" in the standard mode, "标准版" in elderly mode.
#[component]
pub fn ModeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let elderly = use_elderly();
    view! {
        <BackHereForm action=switch_action(!elderly) class="mode-switch-form">
            <button
                type="submit"
                class="mode-switch"
                data-testid="mode-switch"
                aria-label=move || if elderly {
                    td_string!(i18n.get_locale(), elderly.switch_off_label)
                } else {
                    td_string!(i18n.get_locale(), elderly.switch_on_label)
                }
            >
                {move || if elderly {
                    td_string!(i18n.get_locale(), elderly.switch_off)
                } else {
                    td_string!(i18n.get_locale(), elderly.switch_on)
                }}
            </button>
        </BackHereForm>
    }
}

/// The one-time offer of elderly mode to a resident aged 60 or over; either answer is kept,
/// so it is not asked again.
#[component]
pub fn ElderlyOffer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="offer" aria-labelledby="elderly-offer-heading" data-testid="elderly-offer">
            <h2 id="elderly-offer-heading">{t!(i18n, elderly.offer_heading)}</h2>
            <p>{t!(i18n, elderly.offer_text)}</p>
            <div class="offer__actions">
                <BackHereForm action=switch_action(true)>
                    <button type="submit" class="button button--primary">{t!(i18n, elderly.offer_accept)}</button>
                </BackHereForm>
                <BackHereForm action=switch_action(false)>
                    <button type="submit" class="button">{t!(i18n, elderly.offer_decline)}</button>
                </BackHereForm>
            </div>
        </section>
    }
}

/// Asking for help: the hotline as a tap-to-call link, and how a family member or a
/// community worker applies on the resident's behalf.
#[component]
pub fn HelpBlock() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="help-block" id="help" aria-labelledby="help-heading" data-testid="help-block">
            <h2 id="help-heading">{t!(i18n, elderly.help_heading)}</h2>
            <p>
                <a class="button button--primary help-block__call" href="tel:12345">{t!(i18n, elderly.help_call)}</a>
            </p>
            <p>{t!(i18n, elderly.help_call_hint)}</p>
            <p>{t!(i18n, elderly.help_family)}</p>
            <p><a href="/me/profile#household">{t!(i18n, elderly.help_family_link)}</a></p>
        </section>
    }
}
