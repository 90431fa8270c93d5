//! The profile (我的资料): contact details, address and preferences that every form is
//! prefilled from; the household, and who may apply on whose behalf (代办).

use super::register::{CodeSentNotice, SendCodeButton};
use crate::ui::components::facts::Localized;
use crate::ui::components::forms::{ErrorSummary, TextInput};
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::console::RecordAccess;
use domain::one_time_code::SENT_TO;
use domain::profile::Profile;
use domain::validation::{Flash, Problem};
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::account::{get_profile, record_accesses, take_flash};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let key = move || query.with(|q| (q.get("retry"), q.get("saved").is_some()));
    let profile = Resource::new(key, |_| get_profile());
    let flash = Resource::new(key, |_| take_flash("profile".into()));
    let accesses = Resource::new(|| (), |_| record_accesses());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), profile.title).to_owned() />
        <h1>{t!(i18n, profile.title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten().unwrap_or_default();
                let saved = key().1;
                match profile.await {
                    Ok(profile) => view! { <ProfileView profile flash saved /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense>
            {move || Suspend::new(async move {
                accesses.await.ok().map(|accesses| view! { <RecordAccesses accesses /> })
            })}
        </Suspense>
    }
}

/// Which staff department looked at the resident's record or applications, and when.
#[component]
fn RecordAccesses(accesses: Vec<RecordAccess>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="section" aria-labelledby="record-accesses">
            <h2 id="record-accesses">{t!(i18n, profile.accesses_title)}</h2>
            <p class="field__hint">{t!(i18n, profile.accesses_hint)}</p>
            {if accesses.is_empty() {
                view! { <p>{t!(i18n, profile.accesses_none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="record-list" data-testid="record-accesses">
                        {accesses.into_iter().map(|a| {
                            let action = a.action.clone();
                            let what = move || {
                                let locale = i18n.get_locale();
                                if action.starts_with("resident.reveal") {
                                    td_string!(locale, profile.access_reveal)
                                } else if action.starts_with("resident.tag") {
                                    td_string!(locale, profile.access_tag)
                                } else if action.starts_with("resident.") {
                                    td_string!(locale, profile.access_record)
                                } else if action == "application.view" || action == "attachment.download" {
                                    td_string!(locale, profile.access_application)
                                } else {
                                    td_string!(locale, profile.access_handled)
                                }
                            };
                            view! {
                                <li data-action=a.action.clone()>
                                    <When at=a.at /> " · "
                                    {match a.department {
                                        Some(d) => view! { <Localized text=d /> }.into_any(),
                                        None => view! { {t!(i18n, profile.access_oversight)} }.into_any(),
                                    }}
                                    " · " {what}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ProfileView(profile: Profile, flash: Flash, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |key: &str| flash.problem(key);
    let value = |key: &str, current: String| flash.values.get(key).cloned().unwrap_or(current);
    let l = move |key: &'static str| {
        Signal::derive(move || label(key, i18n.get_locale() == Locale::en))
    };
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let masked_id = if profile.id_number.len() == 18 {
        format!(
            "{}********{}",
            &profile.id_number[..6],
            &profile.id_number[14..]
        )
    } else {
        profile.id_number.clone()
    };
    let current_password_problem: Option<Problem> = problem("current_password");
    view! {
        {saved.then(|| view! { <div class="notice notice--success" role="status"><p>{t!(i18n, profile.saved)}</p></div> })}
        <ErrorSummary errors=flash.errors.clone() label_of />
        <dl class="key-facts">
            <div><dt>{t!(i18n, account.name_label)}</dt><dd>{profile.name.clone()}</dd></div>
            <div><dt>{t!(i18n, account.id_number_label)}</dt><dd>{masked_id}</dd></div>
            <div><dt>{t!(i18n, profile.region)}</dt><dd>{profile.region.clone()}</dd></div>
        </dl>
        <form method="post" action="/forms/profile" class="stack">
            <TextInput name="mobile" kind="tel" label=l("mobile") value=value("mobile", profile.mobile.clone().unwrap_or_default()) autocomplete="tel" problem=problem("mobile") />
            <CodeSentNotice sent_to=flash.values.get(SENT_TO).cloned() />
            <TextInput
                name="code"
                label=l("code")
                autocomplete="one-time-code"
                inputmode="numeric"
                required=false
                hint=Signal::derive(move || td_string!(i18n.get_locale(), profile.code_for_mobile).to_owned())
                problem=problem("code")
            />
            <TextInput name="email" kind="email" label=l("email") value=value("email", profile.email.clone().unwrap_or_default()) autocomplete="email" required=false problem=problem("email") />
            <TextInput name="address" label=l("address") value=value("address", profile.address.clone()) autocomplete="street-address" problem=problem("address") />
            <TextInput
                name="current_password"
                kind="password"
                label=l("current_password")
                autocomplete="current-password"
                required=false
                hint=Signal::derive(move || td_string!(i18n.get_locale(), profile.password_for_mobile).to_owned())
                problem=current_password_problem
            />
            <div class="field">
                <label for="field-language">{t!(i18n, profile.language)}</label>
                <select id="field-language" name="language">
                    <option value="zh-CN" selected=profile.language != "en">"中文"</option>
                    <option value="en" selected=profile.language == "en">"English"</option>
                </select>
            </div>
            <div class="field field--check">
                <input type="checkbox" id="field-elderly_mode" name="elderly_mode" checked=profile.elderly_mode />
                <label for="field-elderly_mode">{t!(i18n, profile.elderly_mode)}</label>
            </div>
            <div class="field field--check">
                <input type="checkbox" id="field-notify_consent" name="notify_consent" checked=profile.notify_consent />
                <label for="field-notify_consent">{t!(i18n, profile.notify_consent)}</label>
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, profile.save)}</button>
            // After the form's own button, so that Enter in a field saves.
            <SendCodeButton purpose="change_mobile" />
        </form>
        <section class="section" id="household" aria-labelledby="household-heading">
            <h2 id="household-heading">{t!(i18n, profile.household)}</h2>
            {profile.household.is_empty().then(|| view! { <p>{t!(i18n, profile.no_household)}</p> })}
            <ul class="household">
                {profile.household.into_iter().map(|m| {
                    let action = if m.i_consent { "revoke" } else { "grant" };
                    view! {
                        <li class="household__member">
                            <p><strong>{m.name.clone()}</strong> " · " {m.age} {t!(i18n, profile.years_old)}</p>
                            <p>{if m.i_consent { t!(i18n, profile.may_apply_for_me).into_any() } else { t!(i18n, profile.may_not_apply_for_me).into_any() }}</p>
                            <form method="post" action="/forms/profile/consent" class="inline-form">
                                <input type="hidden" name="member" value=m.member_id.to_string() />
                                <input type="hidden" name="action" value=action />
                                <button type="submit" class="button">
                                    {if m.i_consent { t!(i18n, profile.revoke).into_any() } else { t!(i18n, profile.grant).into_any() }}
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="section" aria-labelledby="password-heading">
            <h2 id="password-heading">{t!(i18n, profile.change_password)}</h2>
            <p>{t!(i18n, profile.change_password_hint)} " " <a href="/password-reset">{t!(i18n, profile.change_password)}</a></p>
        </section>
        <section class="section" aria-labelledby="sessions-heading" data-testid="sign-out-everywhere">
            <h2 id="sessions-heading">{t!(i18n, profile.sessions_heading)}</h2>
            <p>{t!(i18n, profile.sessions_hint)}</p>
            <form method="post" action="/forms/sign-out-everywhere">
                <button type="submit" class="button button--danger">{t!(i18n, profile.sign_out_everywhere)}</button>
            </form>
        </section>
    }
}

fn label(key: &str, english: bool) -> String {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    match key {
        "mobile" => td_string!(locale, account.mobile_label),
        "email" => td_string!(locale, profile.email),
        "address" => td_string!(locale, profile.address),
        "current_password" => td_string!(locale, profile.current_password),
        "code" => td_string!(locale, account.code_label),
        "language" => td_string!(locale, profile.language),
        _ => "",
    }
    .to_owned()
}
