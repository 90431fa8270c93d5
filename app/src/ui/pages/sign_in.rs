//! Sign in with mobile number or ID number and password. A plain form: works without
//! JavaScript and with password managers (autocomplete names, paste allowed).

use crate::ui::components::forms::{ErrorSummary, TextInput};
use domain::link::encode_query_value;
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::account::take_flash;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || {
        query
            .with(|q| q.get("next"))
            .unwrap_or_else(|| "/me/applications".into())
    };
    let flash = Resource::new(
        move || query.with(|q| q.get("retry")),
        |_| take_flash("sign_in".into()),
    );
    let reset = move || query.with(|q| q.get("reset")).is_some();
    view! {
        <Title text=move || td_string!(i18n.get_locale(), account.sign_in_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, account.sign_in_title)}</h1>
            {move || reset().then(|| view! {
                <div class="notice notice--success" role="status" data-testid="password-reset-done">
                    <p>{t!(i18n, account.reset_done)}</p>
                </div>
            })}
            <Suspense>
                {move || Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    view! { <SignInForm flash next=next() /> }
                })}
            </Suspense>
            <p>{t!(i18n, account.forgot_password)} " " <a href="/password-reset">{t!(i18n, account.reset_title)}</a></p>
            <p>{t!(i18n, account.no_account)} " " <a href="/register">{t!(i18n, account.register_link)}</a></p>
            <p class="field__hint">{t!(i18n, account.help)}</p>
        </section>
    }
}

#[component]
fn SignInForm(flash: Flash, next: String) -> impl IntoView {
    let i18n = use_i18n();
    let general = flash
        .error
        .map(|code| code.message(i18n.get_locale_untracked()).to_owned());
    let account = flash.values.get("account").cloned().unwrap_or_default();
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    view! {
        <ErrorSummary errors=flash.errors.clone() label_of general=general.unwrap_or_default() />
        <form method="post" action=format!("/forms/sign-in?next={}", encode_query_value(&next)) class="stack">
            <TextInput
                name="account"
                label=Signal::derive(move || td_string!(i18n.get_locale(), account.account_label).to_owned())
                value=account
                autocomplete="username"
            />
            <TextInput
                name="password"
                kind="password"
                label=Signal::derive(move || td_string!(i18n.get_locale(), account.password_label).to_owned())
                autocomplete="current-password"
            />
            <div class="field field--check">
                <input type="checkbox" id="field-keep_signed_in" name="keep_signed_in" value="true" />
                <label for="field-keep_signed_in">{t!(i18n, account.keep_signed_in)}</label>
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, account.sign_in_button)}</button>
        </form>
    }
}

fn label(key: &str, english: bool) -> String {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    match key {
        "account" => td_string!(locale, account.account_label),
        "password" => td_string!(locale, account.password_label),
        _ => "",
    }
    .to_owned()
}
