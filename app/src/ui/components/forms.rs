//! Form pieces: the error summary at the top (linked to each field), a labelled input with its
//! own error, and the input for each kind of application field.
//!
//! Errors come from the server (after a post) and, once hydrated, from the same checks run in
//! the browser as the resident leaves a field.

use domain::catalog::{FieldKind, FormField};
use domain::form::check_answer;
use domain::validation::{FieldError, Problem};
use i18n::*;
use leptos::prelude::*;

/// The id of a field's input: `field-<key>`.
pub fn input_id(key: &str) -> String {
    format!("field-{key}")
}

/// "There are N problems" with a link to each field. The title starts with "错误：" for
/// screen readers; it takes focus when the page loads with problems.
#[component]
pub fn ErrorSummary(
    errors: Vec<FieldError>,
    /// The label of each field key, in the reader's language.
    #[prop(into)]
    label_of: Callback<(String, bool), String>,
    /// An error about the whole form (e.g. wrong password), without a field.
    #[prop(optional)]
    general: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    // An empty general message is no error (pages pass their flash's message as it is).
    let general = general.filter(|message| !message.trim().is_empty());
    if errors.is_empty() && general.is_none() {
        return None;
    }
    let count = errors.len();
    Some(view! {
        <div class="error-summary" role="alert" tabindex="-1" autofocus>
            <h2 class="error-summary__title">
                {move || {
                    if count == 0 {
                        td_string!(i18n.get_locale(), forms.error_title_general).to_owned()
                    } else {
                        td_string!(i18n.get_locale(), forms.error_title).replace("$count", &count.to_string())
                    }
                }}
            </h2>
            {general.map(|g| view! { <p>{g}</p> })}
            <ul>
                {errors
                    .into_iter()
                    .map(|e| {
                        let href = format!("#{}", input_id(&e.field));
                        let key = e.field.clone();
                        let problem = e.problem.clone();
                        view! {
                            <li>
                                // rel=external: the browser, not the router, follows an
                                // in-page link, and so moves the focus to the field.
                                <a href=href rel="external">
                                    {move || {
                                        let english = i18n.get_locale() == Locale::en;
                                        format!(
                                            "{}{}{}",
                                            label_of.run((key.clone(), english)),
                                            if english { ": " } else { "：" },
                                            problem.message(i18n.get_locale()),
                                        )
                                    }}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    })
}

/// The inline error under a field.
#[component]
pub fn FieldProblem(id: String, problem: Signal<Option<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        problem.get().map(|p| {
            view! {
                <p class="field__error" id=id.clone()>
                    <span class="visually-hidden">{td_string!(i18n.get_locale(), forms.error_prefix)}</span>
                    {p.message(i18n.get_locale())}
                </p>
            }
        })
    }
}

/// A plain labelled input for the account forms.
#[component]
pub fn TextInput(
    name: &'static str,
    label: Signal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<Signal<String>>,
    #[prop(default = None)] problem: Option<Problem>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = input_id(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_problem = problem.is_some();
    let described = match (hint.is_some(), has_problem) {
        (true, true) => Some(format!("{hint_id} {error_id}")),
        (true, false) => Some(hint_id.clone()),
        (false, true) => Some(error_id.clone()),
        (false, false) => None,
    };
    let problem = Signal::stored(problem);
    view! {
        <div class="field" class:field--invalid=has_problem>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <FieldProblem id=error_id problem />
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=has_problem.then_some("true")
                aria-describedby=described
            />
        </div>
    }
}

/// One field of an application form, with the browser-side check on change.
#[component]
pub fn AnswerInput(field: FormField, value: String, problem: Option<Problem>) -> impl IntoView {
    let i18n = use_i18n();
    let id = input_id(&field.key);
    let error_id = format!("{id}-error");
    let problem = RwSignal::new(problem);
    let check = {
        let field = field.clone();
        move |value: String| problem.set(check_answer(&field, &value).err())
    };
    let label = field.label.clone();
    let required = field.required;
    let label_view = move || {
        let english = i18n.get_locale() == Locale::en;
        let text = label.pick(english).to_owned();
        if required {
            text
        } else {
            format!("{text}{}", td_string!(i18n.get_locale(), forms.optional))
        }
    };
    let name = field.key.clone();
    let invalid = move || problem.get().is_some().then_some("true");
    let described = move || problem.get().is_some().then(|| error_id.clone());
    let error_id_for_problem = format!("{id}-error");
    let input = match field.kind {
        FieldKind::Choice => {
            let options = field.options.clone();
            let check = check.clone();
            view! {
                <select
                    id=id.clone()
                    name=name
                    required=required
                    aria-invalid=invalid
                    aria-describedby=described
                    on:change=move |ev| check(event_target_value(&ev))
                >
                    <option value="">{move || td_string!(i18n.get_locale(), forms.choose)}</option>
                    {options
                        .into_iter()
                        .map(|option| {
                            let selected = option.zh == value;
                            let zh = option.zh.clone();
                            view! {
                                <option value=zh selected=selected>
                                    {move || option.pick(i18n.get_locale() == Locale::en).to_owned()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Address => view! {
            <textarea
                id=id.clone()
                name=name
                rows="2"
                required=required
                autocomplete="street-address"
                aria-invalid=invalid
                aria-describedby=described
                on:change=move |ev| check(event_target_value(&ev))
            >
                {value}
            </textarea>
        }
        .into_any(),
        kind => {
            let (input_type, inputmode, autocomplete) = match kind {
                FieldKind::Number => ("text", Some("decimal"), None),
                FieldKind::Date => ("date", None, None),
                FieldKind::Phone => ("tel", Some("tel"), Some("tel")),
                FieldKind::IdNumber => ("text", None, Some("off")),
                _ => ("text", None, None),
            };
            view! {
                <input
                    id=id.clone()
                    name=name
                    type=input_type
                    inputmode=inputmode
                    autocomplete=autocomplete
                    value=value
                    required=required
                    aria-invalid=invalid
                    aria-describedby=described
                    on:change=move |ev| check(event_target_value(&ev))
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:field--invalid=move || problem.get().is_some()>
            <label for=id>{label_view}</label>
            <FieldProblem id=error_id_for_problem problem=problem.into() />
            {input}
        </div>
    }
}
