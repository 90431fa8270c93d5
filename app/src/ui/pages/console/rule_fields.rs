//! The rule builder's fields (who a rule holds: age, gender, area, household, tags, services
//! applied for), shared by the segment builder and the policy simulation. Each field is one
//! condition when filled in ([`domain::segment::rule_from_form`] reads them back); a prefix
//! keeps two builders apart on one form (the simulation's drafts A and B).

use domain::region::RegionKind;
use domain::segment::BuilderOptions;
use domain::text::LocalizedText;
use domain::validation::FieldError;
use i18n::*;
use leptos::prelude::*;

/// `value` answers a field's current value by its full (prefixed) name.
#[component]
pub fn RuleFields(
    options: BuilderOptions,
    value: Callback<String, String>,
    prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let name = move |key: &str| format!("{prefix}{key}");
    let get = move |key: &str| value.run(name(key));
    let label = move |f: fn(Locale) -> &'static str| {
        Signal::derive(move || f(i18n.get_locale()).to_owned())
    };
    let selected = move |key: &str, option: &str| get(key) == option;
    let id = move |key: &str| format!("segment-{}", name(key));
    let regions = options.regions.clone();
    let tags = options.tags.clone();
    let services = options.services.clone();
    let services_again = options.services.clone();
    view! {
        <fieldset>
            <legend>{t!(i18n, engage.combine)}</legend>
            <label class="choice"><input type="radio" name=name("combine") value="all" checked=get("combine") != "any" />" " {t!(i18n, engage.combine_all)}</label>
            <label class="choice"><input type="radio" name=name("combine") value="any" checked=get("combine") == "any" />" " {t!(i18n, engage.combine_any)}</label>
        </fieldset>
        <div class="field-row">
            <NumberField name=name("age_min") label=label(|l| td_string!(l, engage.age_min)) value />
            <NumberField name=name("age_max") label=label(|l| td_string!(l, engage.age_max)) value />
        </div>
        <div class="field">
            <label for=id("gender")>{t!(i18n, engage.gender)}</label>
            <select id=id("gender") name=name("gender")>
                <option value="">{t!(i18n, engage.any)}</option>
                <option value="male" selected=selected("gender", "male")>{t!(i18n, engage.male)}</option>
                <option value="female" selected=selected("gender", "female")>{t!(i18n, engage.female)}</option>
            </select>
        </div>
        <div class="field">
            <label for=id("region")>{t!(i18n, engage.region)}</label>
            <select id=id("region") name=name("region")>
                <option value="">{t!(i18n, engage.whole_city)}</option>
                {regions.into_iter().map(|r| {
                    let region_id = r.id.to_string();
                    let is = selected("region", &region_id);
                    let indent = if r.kind == RegionKind::Street { "\u{3000}" } else { "" };
                    view! { <option value=region_id selected=is>{move || format!("{indent}{}", r.name.pick(english()))}</option> }
                }).collect_view()}
            </select>
        </div>
        <label class="choice">
            <input type="checkbox" name=name("lives_alone") checked=get("lives_alone") == "on" />" " {t!(i18n, engage.lives_alone)}
        </label>
        <div class="field-row">
            <NumberField name=name("household_min") label=label(|l| td_string!(l, engage.household_min)) value />
            <NumberField name=name("household_max") label=label(|l| td_string!(l, engage.household_max)) value />
        </div>
        <div class="field-row">
            <NumberField name=name("child_under") label=label(|l| td_string!(l, engage.child_under)) value />
            <NumberField name=name("member_aged") label=label(|l| td_string!(l, engage.member_aged)) value />
            <NumberField name=name("residence_years") label=label(|l| td_string!(l, engage.residence_years)) value />
        </div>
        <div class="field">
            <label for=id("tag")>{t!(i18n, engage.tag)}</label>
            <select id=id("tag") name=name("tag")>
                <option value="">{t!(i18n, engage.any)}</option>
                {tags.into_iter().map(|(code, tag_name)| {
                    let is = selected("tag", &code);
                    view! { <option value=code selected=is>{move || tag_name.pick(english()).to_owned()}</option> }
                }).collect_view()}
            </select>
        </div>
        <ServiceSelect name=name("applied") label=label(|l| td_string!(l, engage.applied)) services=services selected=get("applied") />
        <ServiceSelect name=name("not_applied") label=label(|l| td_string!(l, engage.not_applied)) services=services_again selected=get("not_applied") />
    }
}

#[component]
fn NumberField(
    name: String,
    #[prop(into)] label: Signal<String>,
    value: Callback<String, String>,
) -> impl IntoView {
    let id = format!("segment-{name}");
    let for_id = id.clone();
    let current = value.run(name.clone());
    view! {
        <div class="field field--short">
            <label for=for_id>{move || label.get()}</label>
            <input id=id type="number" min="0" max="130" inputmode="numeric" name=name value=current />
        </div>
    }
}

/// A choice of one published service (by id), "不限" (or `none_label`) first.
#[component]
pub fn ServiceSelect(
    name: String,
    label: Signal<String>,
    services: Vec<(i64, String, LocalizedText)>,
    selected: String,
    #[prop(optional)] none_label: Option<Signal<String>>,
    /// The id of a hint that describes the choice.
    #[prop(optional)]
    described_by: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let id = format!("segment-{name}");
    let for_id = id.clone();
    let none = move || match none_label {
        Some(label) => label.get(),
        None => td_string!(i18n.get_locale(), engage.any).to_owned(),
    };
    view! {
        <div class="field">
            <label for=for_id>{move || label.get()}</label>
            <select id=id name=name aria-describedby=described_by>
                <option value="">{none}</option>
                {services.into_iter().map(|(service_id, _, service_name)| {
                    let value = service_id.to_string();
                    let is = value == selected;
                    view! { <option value=value selected=is>{move || service_name.pick(english()).to_owned()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// What is wrong with a builder's fields, one line per field.
#[component]
pub fn ProblemList(errors: Vec<FieldError>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul>
            {errors.into_iter().map(|e| {
                let field = e.field.clone();
                view! { <li>{move || format!("{field}: {}", e.problem.message(i18n.get_locale()))}</li> }
            }).collect_view()}
        </ul>
    }
}
