//! An application's status as a chip: the word always, the colour only as a second cue.

use domain::application::ApplicationStatus;
use i18n::*;
use leptos::prelude::*;

#[component]
pub fn StatusChip(status: ApplicationStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("chip chip--{}", status.as_str()) data-status=status.as_str()>
            {move || status.label(i18n.get_locale())}
        </span>
    }
}
