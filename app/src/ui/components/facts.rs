//! How the catalogue's facts read: time limits, fees, how far a service is online.

use domain::catalog::OnlineLevel;
use domain::text::LocalizedText;
use i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

/// A text from the catalogue in the reader's language.
#[component]
pub fn Localized(text: LocalizedText) -> impl IntoView {
    let i18n = use_i18n();
    move || text.pick(i18n.get_locale() == Locale::en).to_owned()
}

/// "5 个工作日", or "即办" for a limit of 0.
#[component]
pub fn PromisedDays(days: i32) -> impl IntoView {
    let i18n = use_i18n();
    if days <= 0 {
        Either::Left(t!(i18n, service.on_the_spot))
    } else {
        Either::Right(t!(i18n, service.promised_days, days = move || days))
    }
}

/// Fen as yuan with two decimals, or "免费".
#[component]
pub fn Fee(cents: i64) -> impl IntoView {
    let i18n = use_i18n();
    if cents <= 0 {
        Either::Left(t!(i18n, service.fee_free))
    } else {
        let yuan = format!("{}.{:02}", cents / 100, cents % 100);
        Either::Right(t!(i18n, service.fee_amount, amount = move || yuan.clone()))
    }
}

#[component]
pub fn OnlineLevelText(level: OnlineLevel) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let locale = i18n.get_locale();
        match level {
            OnlineLevel::Guide => td_string!(locale, service.online_guide),
            OnlineLevel::Appointment => td_string!(locale, service.online_appointment),
            OnlineLevel::OneVisit => td_string!(locale, service.online_one_visit),
            OnlineLevel::FullyOnline => td_string!(locale, service.online_fully),
        }
    }
}
