//! Register in two steps: name and mobile number, which gets a one-time code by text
//! message; then the code, the resident ID number (GB 11643 checked) and a password. Plain
//! forms that work without JavaScript. Also the page a claim waiting for an identity check
//! at a service window lands on.

use crate::ui::components::forms::{ErrorSummary, TextInput};
use domain::one_time_code::SENT_TO;
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
    let second_step = move || query.with(|q| q.get("step")).as_deref() == Some("code");
    view! {
        <Title text=move || td_string!(i18n.get_locale(), account.register_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, account.register_title)}</h1>
            <p>{t!(i18n, account.register_intro)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    if second_step() {
                        view! { <RegisterForm flash /> }.into_any()
                    } else {
                        view! { <MobileForm flash /> }.into_any()
                    }
                })}
            </Suspense>
            <p>{t!(i18n, account.have_account)} " " <a href="/sign-in">{t!(i18n, nav.sign_in)}</a></p>
        </section>
    }
}

/// What both steps show of their flash: the problems at the top and at each field, what
/// was typed, and the number a code went to.
struct Outcome {
    flash: Flash,
    general: String,
}

impl Outcome {
    fn of(flash: &Flash, locale: Locale) -> Self {
        let general = flash
            .error
            .filter(|c| *c != domain::error::ErrorCode::ValidationFailed)
            .map(|code| code.message(locale).to_owned())
            .unwrap_or_default();
        Self {
            flash: flash.clone(),
            general,
        }
    }

    fn problem(&self, key: &str) -> Option<Problem> {
        self.flash.problem(key)
    }

    fn value(&self, key: &str) -> String {
        self.flash.values.get(key).cloned().unwrap_or_default()
    }

    fn sent_to(&self) -> Option<String> {
        self.flash.values.get(SENT_TO).cloned()
    }
}

/// "A code is on its way to 138****0001", once, after it was sent.
#[component]
pub fn CodeSentNotice(sent_to: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    sent_to.map(|to| {
        view! {
            <div class="notice notice--success" role="status" data-testid="code-sent">
                <p>{move || td_string!(i18n.get_locale(), account.code_sent).replace("$to", &to)}</p>
            </div>
        }
    })
}

/// The button that asks for a (new) code, for `purpose`: a submit button of the form it is
/// in (the whole form travels along), after the form's own so that Enter in a field still
/// submits the form itself.
#[component]
pub fn SendCodeButton(
    #[prop(default = false)] primary: bool,
    #[prop(default = "register")] purpose: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="submit"
            class=if primary { "button button--primary" } else { "button" }
            formaction="/forms/verification-code"
            formnovalidate=true
            name="purpose"
            value=purpose
        >
            {t!(i18n, account.send_code)}
        </button>
    }
}

#[component]
fn MobileForm(flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = Outcome::of(&flash, i18n.get_locale_untracked());
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let l = move |key: &'static str| {
        Signal::derive(move || label(key, i18n.get_locale() == Locale::en))
    };
    view! {
        <ErrorSummary errors=flash.errors.clone() label_of general=outcome.general.clone() />
        <form method="post" action="/forms/verification-code" class="stack">
            <TextInput name="name" label=l("name") value=outcome.value("name") autocomplete="name" problem=outcome.problem("name") />
            <TextInput name="mobile" kind="tel" label=l("mobile") value=outcome.value("mobile") autocomplete="tel" inputmode="tel" problem=outcome.problem("mobile") />
            <SendCodeButton primary=true />
        </form>
    }
}

#[component]
fn RegisterForm(flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = Outcome::of(&flash, i18n.get_locale_untracked());
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let l = move |key: &'static str| {
        Signal::derive(move || label(key, i18n.get_locale() == Locale::en))
    };
    let hint = move |text: fn(Locale) -> &'static str| {
        Signal::derive(move || text(i18n.get_locale()).to_owned())
    };
    view! {
        <ErrorSummary errors=flash.errors.clone() label_of general=outcome.general.clone() />
        <CodeSentNotice sent_to=outcome.sent_to() />
        <form method="post" action="/forms/register" class="stack">
            <input type="hidden" name="step" value="code" />
            <TextInput name="name" label=l("name") value=outcome.value("name") autocomplete="name" problem=outcome.problem("name") />
            <TextInput name="mobile" kind="tel" label=l("mobile") value=outcome.value("mobile") autocomplete="tel" inputmode="tel" problem=outcome.problem("mobile") />
            <TextInput
                name="code"
                label=l("code")
                autocomplete="one-time-code"
                inputmode="numeric"
                problem=outcome.problem("code")
                hint=hint(|locale| td_string!(locale, account.code_hint))
            />
            <TextInput
                name="id_number"
                label=l("id_number")
                autocomplete="off"
                problem=outcome.problem("id_number")
                hint=hint(|locale| td_string!(locale, account.id_number_hint))
            />
            <TextInput
                name="password"
                kind="password"
                label=l("password")
                autocomplete="new-password"
                problem=outcome.problem("password")
                hint=hint(|locale| td_string!(locale, account.password_hint))
            />
            <button type="submit" class="button button--primary">{t!(i18n, account.register_button)}</button>
            <SendCodeButton />
        </form>
        <p><a href="/register">{t!(i18n, account.other_mobile)}</a></p>
    }
}

/// Where a claim of a register record made with another number than the register's lands:
/// what to bring, and where.
#[component]
pub fn IdentityCheckPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || td_string!(i18n.get_locale(), account.check_title).to_owned() />
        <section class="narrow">
            <h1>{t!(i18n, account.check_title)}</h1>
            <p>{t!(i18n, account.check_body)}</p>
            <p class="field__hint">{t!(i18n, account.help)}</p>
            <p><a href="/">{t!(i18n, not_found.back_home)}</a></p>
        </section>
    }
}

pub fn label(key: &str, english: bool) -> String {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    match key {
        "name" => td_string!(locale, account.name_label),
        "mobile" => td_string!(locale, account.mobile_label),
        "code" => td_string!(locale, account.code_label),
        "id_number" => td_string!(locale, account.id_number_label),
        "password" => td_string!(locale, account.password_label),
        _ => "",
    }
    .to_owned()
}
