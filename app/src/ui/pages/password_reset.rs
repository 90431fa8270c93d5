//! Reset a forgotten password, or change a known one, with a one-time code sent to the
//! account's mobile number: the number first, then the code and the new password. Every
//! device is signed out afterwards.

use super::register::{CodeSentNotice, SendCodeButton, label as register_label};
use crate::ui::components::forms::{ErrorSummary, TextInput};
use domain::one_time_code::SENT_TO;
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::account::take_flash;

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let flash = Resource::new(
        move || query.with(|q| q.get("retry")),
        |_| take_flash("password_reset".into()),
    );
    let second_step = move || query.with(|q| q.get("step")).as_deref() == Some("code");
    view! {
        <Title text=move || td_string!(i18n.get_locale(), account.reset_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, account.reset_title)}</h1>
            <p>{t!(i18n, account.reset_intro)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    view! { <ResetForm flash second_step=second_step() /> }
                })}
            </Suspense>
            <p class="field__hint">{t!(i18n, account.help)}</p>
        </section>
    }
}

#[component]
fn ResetForm(flash: Flash, second_step: bool) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |key: &str| flash.problem(key);
    let general = flash
        .error
        .filter(|c| *c != domain::error::ErrorCode::ValidationFailed)
        .map(|code| code.message(i18n.get_locale_untracked()).to_owned())
        .unwrap_or_default();
    let mobile = flash.values.get("mobile").cloned().unwrap_or_default();
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let l = move |key: &'static str| {
        Signal::derive(move || label(key, i18n.get_locale() == Locale::en))
    };
    let mobile_input = view! {
        <TextInput name="mobile" kind="tel" label=l("mobile") value=mobile autocomplete="tel" inputmode="tel" problem=problem("mobile") />
    };
    let rest = second_step.then(|| {
        view! {
            <TextInput
                name="code"
                label=l("code")
                autocomplete="one-time-code"
                inputmode="numeric"
                problem=problem("code")
                hint=Signal::derive(move || td_string!(i18n.get_locale(), account.code_hint).to_owned())
            />
            <TextInput
                name="password"
                kind="password"
                label=l("password")
                autocomplete="new-password"
                problem=problem("password")
                hint=Signal::derive(move || td_string!(i18n.get_locale(), account.password_hint).to_owned())
            />
            <button type="submit" class="button button--primary">{t!(i18n, account.reset_button)}</button>
            <input type="hidden" name="step" value="code" />
            <SendCodeButton purpose="reset_password" />
        }
    });
    let first_step =
        (!second_step).then(|| view! { <SendCodeButton primary=true purpose="reset_password" /> });
    view! {
        <ErrorSummary errors=flash.errors.clone() label_of general />
        <CodeSentNotice sent_to=flash.values.get(SENT_TO).cloned() />
        <form method="post" action="/forms/password-reset" class="stack">
            {mobile_input}
            {rest}
            {first_step}
        </form>
    }
}

fn label(key: &str, english: bool) -> String {
    if key == "password" {
        let locale = if english { Locale::en } else { Locale::zh_CN };
        return td_string!(locale, account.new_password_label).to_owned();
    }
    register_label(key, english)
}
