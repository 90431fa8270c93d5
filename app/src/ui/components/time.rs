//! Dates and times as residents read them: China time, in the page's language.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use i18n::*;
use leptos::prelude::*;

fn china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    at.with_timezone(&offset)
}

/// "2026年11月27日 14:05" / "27 Nov 2026, 14:05", in a `<time>` element.
#[component]
pub fn When(at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let local = china(at);
    let machine = local.to_rfc3339();
    view! {
        <time datetime=machine>
            {move || match i18n.get_locale() {
                Locale::zh_CN => local.format("%Y年%-m月%-d日 %H:%M").to_string(),
                Locale::en => local.format("%-d %b %Y, %H:%M").to_string(),
            }}
        </time>
    }
}

/// A date: "2026年12月4日" / "4 Dec 2026".
#[component]
pub fn Day(day: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let machine = day.format("%Y-%m-%d").to_string();
    view! {
        <time datetime=machine>
            {move || match i18n.get_locale() {
                Locale::zh_CN => day.format("%Y年%-m月%-d日").to_string(),
                Locale::en => day.format("%-d %b %Y").to_string(),
            }}
        </time>
    }
}
