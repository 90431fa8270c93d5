//! Staff sign-in: username and password, separate from residents' (its own cookie), with
//! the same throttling. A plain form; works without JavaScript and with password managers.

use crate::ui::components::forms::TextInput;
use domain::error::ErrorCode;
use domain::link::encode_query_value;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConsoleSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = query
        .with_untracked(|q| q.get("next"))
        .unwrap_or_else(|| "/admin".into());
    let username = query
        .with_untracked(|q| q.get("username"))
        .unwrap_or_default();
    let error = query
        .with_untracked(|q| q.get("error"))
        .and_then(|code| serde_json::from_value::<ErrorCode>(serde_json::Value::String(code)).ok());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.sign_in_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, console.sign_in_title)}</h1>
            {error.map(|code| view! {
                <div class="notice notice--error" role="alert" data-testid="console-error" tabindex="-1">
                    <p>{move || code.message(i18n.get_locale()).to_owned()}</p>
                </div>
            })}
            <form method="post" action="/admin/forms/sign-in" class="stack">
                <input type="hidden" name="next" value=next />
                <TextInput
                    name="username"
                    label=Signal::derive(move || td_string!(i18n.get_locale(), console.username).to_owned())
                    value=username
                    autocomplete="username"
                />
                <TextInput
                    name="password"
                    kind="password"
                    label=Signal::derive(move || td_string!(i18n.get_locale(), account.password_label).to_owned())
                    autocomplete="current-password"
                />
                <button type="submit" class="button button--primary">{t!(i18n, account.sign_in_button)}</button>
            </form>
            <p class="field__hint">{t!(i18n, console.sign_in_help)}</p>
            <p><a href=format!("/sign-in?next={}", encode_query_value("/me/applications"))>{t!(i18n, console.resident_sign_in)}</a></p>
        </section>
    }
}
