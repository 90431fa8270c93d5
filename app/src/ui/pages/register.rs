//! Register with name, mobile number, resident ID number (GB 11643 checked) and password.

use crate::ui::components::forms::{ErrorSummary, TextInput};
use domain::validation::{Flash, Problem};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::account::take_flash;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let flash = Resource::new(
        move || query.with(|q| q.get("retry")),
        |_| take_flash("register".into()),
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), account.register_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, account.register_title)}</h1>
            <p>{t!(i18n, account.register_intro)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    view! { <RegisterForm flash /> }
                })}
            </Suspense>
            <p>{t!(i18n, account.have_account)} " " <a href="/sign-in">{t!(i18n, nav.sign_in)}</a></p>
        </section>
    }
}

#[component]
fn RegisterForm(flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |key: &str| -> Option<Problem> {
        flash
            .errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| e.problem.clone())
    };
    let general = flash
        .error
        .filter(|c| *c != domain::error::ErrorCode::ValidationFailed)
        .map(|code| code.message(i18n.get_locale_untracked()).to_owned());
    let value = |key: &str| flash.values.get(key).cloned().unwrap_or_default();
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let l = move |key: &'static str| {
        Signal::derive(move || label(key, i18n.get_locale() == Locale::en))
    };
    view! {
        <ErrorSummary errors=flash.errors.clone() label_of general=general.unwrap_or_default() />
        <form method="post" action="/forms/register" class="stack">
            <TextInput name="name" label=l("name") value=value("name") autocomplete="name" problem=problem("name") />
            <TextInput name="mobile" kind="tel" label=l("mobile") value=value("mobile") autocomplete="tel" inputmode="tel" problem=problem("mobile") />
            <TextInput
                name="id_number"
                label=l("id_number")
                autocomplete="off"
                problem=problem("id_number")
                hint=Signal::derive(move || td_string!(i18n.get_locale(), account.id_number_hint).to_owned())
            />
            <TextInput
                name="password"
                kind="password"
                label=l("password")
                autocomplete="new-password"
                problem=problem("password")
                hint=Signal::derive(move || td_string!(i18n.get_locale(), account.password_hint).to_owned())
            />
            <button type="submit" class="button button--primary">{t!(i18n, account.register_button)}</button>
        </form>
    }
}

fn label(key: &str, english: bool) -> String {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    match key {
        "name" => td_string!(locale, account.name_label),
        "mobile" => td_string!(locale, account.mobile_label),
        "id_number" => td_string!(locale, account.id_number_label),
        "password" => td_string!(locale, account.password_label),
        _ => "",
    }
    .to_owned()
}
