//! Catalogue management (事项管理, administrators): the list of every service and bundle with
//! publish and unpublish, and the forms to create or edit one. Materials and questions are
//! numbered rows, with two blank rows to add more (save, and two more appear): plain forms
//! that work without JavaScript.

use super::FlashNotice;
use crate::ui::components::facts::Localized;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::catalog::{FieldKind, FormField, Material, MaterialForm, OnlineLevel};
use domain::catalog_admin::{
    BundleDraft, BundleEditor, CatalogOverview, CatalogStatus, PREFILL_FACTS, ServiceDraft,
    ServiceEditor,
};
use domain::console::Choice;
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fns::console::{get_bundle_editor, get_catalog, get_service_editor, take_staff_flash};
use std::collections::BTreeMap;

/// Rows for adding materials or questions below the existing ones.
const BLANK_ROWS: usize = 2;

fn status_label(status: CatalogStatus, locale: Locale) -> &'static str {
    match status {
        CatalogStatus::Draft => td_string!(locale, catalog_admin.status_draft),
        CatalogStatus::Published => td_string!(locale, catalog_admin.status_published),
        CatalogStatus::Unpublished => td_string!(locale, catalog_admin.status_unpublished),
    }
}

/// A snake_case serde name, for option values.
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            let flash = take_staff_flash("catalog_list".into()).await.ok().flatten();
            (get_catalog().await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.catalog_title).to_owned() />
        <h1>{t!(i18n, console.catalog_title)}</h1>
        <p>
            <a class="button button--primary" href="/admin/catalog/services/new">{t!(i18n, catalog_admin.new_service)}</a> " "
            <a class="button" href="/admin/catalog/bundles/new">{t!(i18n, catalog_admin.new_bundle)}</a>
        </p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(overview), flash) => view! { <FlashNotice flash /> <Overview overview /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatusButton(kind: &'static str, code: String, status: CatalogStatus) -> impl IntoView {
    let i18n = use_i18n();
    let published = status == CatalogStatus::Published;
    let verb = if published { "unpublish" } else { "publish" };
    let label = move || {
        let locale = i18n.get_locale();
        if published {
            td_string!(locale, catalog_admin.unpublish)
        } else {
            td_string!(locale, catalog_admin.publish)
        }
    };
    view! {
        <form method="post" action=format!("/admin/forms/catalog/{kind}/{code}/{verb}") class="inline-form">
            <button type="submit" class="button" data-verb=verb>{label}</button>
        </form>
    }
}

#[component]
fn Overview(overview: CatalogOverview) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, catalog_admin.services)}</h2>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="catalog-services">
                <thead><tr>
                    <th scope="col">{t!(i18n, catalog_admin.code)}</th>
                    <th scope="col">{t!(i18n, catalog_admin.name)}</th>
                    <th scope="col">{t!(i18n, console.department)}</th>
                    <th scope="col">{t!(i18n, console.status)}</th>
                    <th scope="col">{t!(i18n, catalog_admin.form_version)}</th>
                    <th scope="col">{t!(i18n, catalog_admin.updated)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, catalog_admin.publish)}</span></th>
                </tr></thead>
                <tbody>
                    {overview.services.into_iter().map(|s| {
                        let status = s.status;
                        let code = s.code.clone();
                        view! {
                            <tr data-code=s.code.clone() data-status=status.as_str()>
                                <td><a href=format!("/admin/catalog/services/{}", s.code)>{s.code.clone()}</a></td>
                                <td><Localized text=s.name /></td>
                                <td><Localized text=s.department.name /></td>
                                <td>{move || status_label(status, i18n.get_locale())}</td>
                                <td>{s.form_version}</td>
                                <td><When at=s.updated_at /></td>
                                <td><StatusButton kind="services" code status /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{t!(i18n, catalog_admin.bundles)}</h2>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="catalog-bundles">
                <thead><tr>
                    <th scope="col">{t!(i18n, catalog_admin.code)}</th>
                    <th scope="col">{t!(i18n, catalog_admin.name)}</th>
                    <th scope="col">{t!(i18n, console.status)}</th>
                    <th scope="col">{t!(i18n, catalog_admin.services)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, catalog_admin.publish)}</span></th>
                </tr></thead>
                <tbody>
                    {overview.bundles.into_iter().map(|b| {
                        let status = b.status;
                        let code = b.code.clone();
                        view! {
                            <tr data-code=b.code.clone() data-status=status.as_str()>
                                <td><a href=format!("/admin/catalog/bundles/{}", b.code)>{b.code.clone()}</a></td>
                                <td><Localized text=b.name /></td>
                                <td>{move || status_label(status, i18n.get_locale())}</td>
                                <td>{b.services.join(", ")}</td>
                                <td><StatusButton kind="bundles" code status /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The form's values after a problem: what was typed; otherwise the stored record's.
#[derive(Clone)]
struct Typed(Option<BTreeMap<String, String>>);

impl Typed {
    fn or(&self, key: &str, stored: impl Into<String>) -> String {
        match &self.0 {
            Some(values) => values.get(key).cloned().unwrap_or_default(),
            None => stored.into(),
        }
    }

    fn checked(&self, key: &str, stored: bool) -> bool {
        match &self.0 {
            Some(values) => values.get(key).is_some_and(|v| v == "on" || v == "true"),
            None => stored,
        }
    }

    /// Every value sent under `key` (repeated fields come back one per line).
    fn many(&self, key: &str, stored: Vec<String>) -> Vec<String> {
        match &self.0 {
            Some(values) => values
                .get(key)
                .map(|v| v.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
            None => stored,
        }
    }
}

#[component]
pub fn ServiceEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.with(|p| p.get("code")).unwrap_or_default();
    let data = Resource::new(
        move || (code(), query.with(|q| q.get("at"))),
        |(code, _)| async move {
            let flash = take_staff_flash("catalog".into()).await.ok().flatten();
            let code = Some(code).filter(|c| c != "new");
            (get_service_editor(code).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), catalog_admin.service_title).to_owned() />
        <p class="breadcrumbs"><a href="/admin/catalog">{t!(i18n, console.catalog_title)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(editor), flash) => view! { <ServiceForm editor flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Select(
    name: String,
    id: String,
    choices: Vec<Choice>,
    selected: String,
    #[prop(default = false)] blank: bool,
) -> impl IntoView {
    view! {
        <select id=id name=name>
            {blank.then(|| view! { <option value="" selected=selected.is_empty()>"—"</option> })}
            {choices.into_iter().map(|c| {
                let is = c.value == selected;
                view! { <option value=c.value selected=is><Localized text=c.label /></option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Text(
    name: &'static str,
    label: Signal<String>,
    value: String,
    #[prop(default = false)] long: bool,
    #[prop(default = false)] readonly: bool,
) -> impl IntoView {
    let id = format!("svc-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {if long {
                view! { <textarea id=id name=name rows="3">{value}</textarea> }.into_any()
            } else {
                view! { <input id=id name=name type="text" value=value readonly=readonly /> }.into_any()
            }}
        </div>
    }
}

#[component]
fn ServiceForm(editor: ServiceEditor, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = Typed(
        flash
            .as_ref()
            .filter(|f| f.error.is_some())
            .map(|f| f.values.clone()),
    );
    let existing = editor.record.is_some();
    let draft = editor
        .record
        .as_ref()
        .map(|r| r.draft.clone())
        .unwrap_or_else(|| ServiceDraft {
            promised_days: 5,
            legal_days: 20,
            ..Default::default()
        });
    let action = if existing {
        format!("/admin/forms/catalog/services/{}", draft.code)
    } else {
        "/admin/forms/catalog/services".to_owned()
    };
    let l = move |key: &'static str| Signal::derive(move || label(key, i18n.get_locale()));
    let materials = draft.materials.clone();
    let fields = draft.form_fields.clone();
    let material_rows = if typed.0.is_some() {
        rows_sent(&typed, "material_name_zh")
    } else {
        materials.len()
    } + BLANK_ROWS;
    let field_rows = if typed.0.is_some() {
        rows_sent(&typed, "field_key").max(rows_sent(&typed, "field_label_zh"))
    } else {
        fields.len()
    } + BLANK_ROWS;
    let life_events = typed.many("life_events", draft.life_events.clone());
    let online = typed.or(
        "online_level",
        draft.online_level.map(|o| name_of(&o)).unwrap_or_default(),
    );
    view! {
        <h1>{if existing { draft.name.clone() } else { td_string!(i18n.get_locale_untracked(), catalog_admin.new_service).to_owned() }}</h1>
        {editor.record.as_ref().map(|r| {
            let status = r.status;
            view! {
                <p data-testid="service-state">
                    {move || status_label(status, i18n.get_locale())} " · "
                    {t!(i18n, catalog_admin.form_version)} " " <strong data-testid="form-version">{r.form_version}</strong>
                </p>
            }
        })}
        <FlashNotice flash=flash.clone().filter(|f| f.error.is_some()) />
        {flash.as_ref().filter(|f| f.error.is_none()).map(|_| view! {
            <div class="notice notice--success" role="status" data-testid="console-done"><p>{t!(i18n, catalog_admin.saved)}</p></div>
        })}
        <form method="post" action=action class="stack" data-testid="service-form">
            <div class="field">
                <label for="svc-code">{t!(i18n, catalog_admin.code)}</label>
                <input id="svc-code" name="code" type="text" value=typed.or("code", draft.code.clone()) readonly=existing required=true maxlength="32" />
                <p class="field__hint">{t!(i18n, catalog_admin.code_hint)}</p>
            </div>
            <Text name="name" label=l("name") value=typed.or("name", draft.name.clone()) />
            <Text name="name_en" label=l("name_en") value=typed.or("name_en", draft.name_en.clone().unwrap_or_default()) />
            <Text name="summary" label=l("summary") value=typed.or("summary", draft.summary.clone()) long=true />
            <Text name="summary_en" label=l("summary_en") value=typed.or("summary_en", draft.summary_en.clone().unwrap_or_default()) long=true />
            <Text name="audience" label=l("audience") value=typed.or("audience", draft.audience.clone()) long=true />
            <Text name="audience_en" label=l("audience_en") value=typed.or("audience_en", draft.audience_en.clone().unwrap_or_default()) long=true />
            <div class="field">
                <label for="svc-department">{t!(i18n, console.department)}</label>
                <Select id="svc-department".into() name="department".into() choices=editor.departments.clone() selected=typed.or("department", draft.department.clone()) />
            </div>
            <div class="field">
                <label for="svc-category">{t!(i18n, catalog_admin.category)}</label>
                <Select id="svc-category".into() name="category".into() choices=editor.categories.clone() selected=typed.or("category", draft.category.clone()) />
            </div>
            <div class="field">
                <label for="svc-promised">{t!(i18n, catalog_admin.promised_days)}</label>
                <input id="svc-promised" name="promised_days" type="number" min="0" value=typed.or("promised_days", draft.promised_days.to_string()) />
            </div>
            <div class="field">
                <label for="svc-legal">{t!(i18n, catalog_admin.legal_days)}</label>
                <input id="svc-legal" name="legal_days" type="number" min="0" value=typed.or("legal_days", draft.legal_days.to_string()) />
            </div>
            <div class="field">
                <label for="svc-fee">{t!(i18n, catalog_admin.fee_cents)}</label>
                <input id="svc-fee" name="fee_cents" type="number" min="0" value=typed.or("fee_cents", draft.fee_cents.to_string()) />
            </div>
            <Text name="fee_note" label=l("fee_note") value=typed.or("fee_note", draft.fee_note.clone().unwrap_or_default()) />
            <div class="field">
                <label for="svc-online">{t!(i18n, catalog_admin.online_level)}</label>
                <select id="svc-online" name="online_level">
                    {OnlineLevel::ALL.into_iter().map(|o| {
                        let value = name_of(&o);
                        let is = value == online;
                        view! { <option value=value selected=is>{move || online_label(o, i18n.get_locale())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="fieldset">
                <legend>{t!(i18n, catalog_admin.life_events)}</legend>
                {editor.life_events.iter().cloned().map(|c| {
                    let id = format!("svc-le-{}", c.value);
                    let is = life_events.contains(&c.value);
                    view! {
                        <div class="field field--check">
                            <input type="checkbox" id=id.clone() name="life_events" value=c.value checked=is />
                            <label for=id><Localized text=c.label /></label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="fieldset" data-testid="materials">
                <legend>{t!(i18n, catalog_admin.materials)}</legend>
                {(0..material_rows).map(|row| {
                    let stored = materials.get(row).cloned();
                    view! { <MaterialRow row stored typed=typed.clone() /> }
                }).collect_view()}
            </fieldset>
            <fieldset class="fieldset" data-testid="questions">
                <legend>{t!(i18n, catalog_admin.questions)}</legend>
                <p class="field__hint">{t!(i18n, catalog_admin.questions_hint)}</p>
                {(0..field_rows).map(|row| {
                    let stored = fields.get(row).cloned();
                    view! { <QuestionRow row stored typed=typed.clone() /> }
                }).collect_view()}
            </fieldset>
            <div class="field field--check">
                <input type="checkbox" id="svc-auto" name="auto_grant" checked=typed.checked("auto_grant", draft.auto_grant) />
                <label for="svc-auto">{t!(i18n, catalog_admin.auto_grant)}</label>
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, catalog_admin.save)}</button>
        </form>
    }
}

/// How many numbered rows the last post sent for `prefix` (`prefix.0`, `prefix.1`, …).
fn rows_sent(typed: &Typed, prefix: &str) -> usize {
    typed
        .0
        .as_ref()
        .map(|values| {
            values
                .iter()
                .filter(|(k, v)| k.starts_with(&format!("{prefix}.")) && !v.trim().is_empty())
                .filter_map(|(k, _)| k.rsplit('.').next()?.parse::<usize>().ok())
                .map(|n| n + 1)
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

#[component]
fn MaterialRow(row: usize, stored: Option<Material>, typed: Typed) -> impl IntoView {
    let i18n = use_i18n();
    let key = |name: &str| format!("{name}.{row}");
    let m = stored.unwrap_or(Material {
        name: Default::default(),
        required: false,
        form: MaterialForm::Copy,
        note: None,
    });
    let form = typed.or(&key("material_form"), name_of(&m.form));
    view! {
        <div class="catalog-row" data-row=row>
            <div class="field">
                <label for=key("m-zh")>{t!(i18n, catalog_admin.material_name)} " " {row + 1}</label>
                <input id=key("m-zh") name=key("material_name_zh") type="text" value=typed.or(&key("material_name_zh"), m.name.zh.clone()) />
            </div>
            <div class="field">
                <label for=key("m-en")>{t!(i18n, catalog_admin.name_en)}</label>
                <input id=key("m-en") name=key("material_name_en") type="text" value=typed.or(&key("material_name_en"), m.name.en.clone().unwrap_or_default()) />
            </div>
            <div class="field">
                <label for=key("m-form")>{t!(i18n, catalog_admin.material_form)}</label>
                <select id=key("m-form") name=key("material_form")>
                    {[MaterialForm::Original, MaterialForm::Copy, MaterialForm::Electronic, MaterialForm::Exempt].into_iter().map(|f| {
                        let value = name_of(&f);
                        let is = value == form;
                        view! { <option value=value.clone() selected=is>{move || material_form_label(f, i18n.get_locale())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field field--check">
                <input type="checkbox" id=key("m-req") name=key("material_required") checked=typed.checked(&key("material_required"), m.required) />
                <label for=key("m-req")>{t!(i18n, catalog_admin.required)}</label>
            </div>
            <div class="field">
                <label for=key("m-note")>{t!(i18n, catalog_admin.note)}</label>
                <input id=key("m-note") name=key("material_note") type="text" value=typed.or(&key("material_note"), m.note.clone().unwrap_or_default()) />
            </div>
        </div>
    }
}

fn material_form_label(form: MaterialForm, locale: Locale) -> &'static str {
    match form {
        MaterialForm::Original => td_string!(locale, catalog_admin.form_original),
        MaterialForm::Copy => td_string!(locale, catalog_admin.form_copy),
        MaterialForm::Electronic => td_string!(locale, catalog_admin.form_electronic),
        MaterialForm::Exempt => td_string!(locale, catalog_admin.form_exempt),
    }
}

fn online_label(level: OnlineLevel, locale: Locale) -> &'static str {
    match level {
        OnlineLevel::Guide => td_string!(locale, service.online_guide),
        OnlineLevel::Appointment => td_string!(locale, service.online_appointment),
        OnlineLevel::OneVisit => td_string!(locale, service.online_one_visit),
        OnlineLevel::FullyOnline => td_string!(locale, service.online_fully),
    }
}

fn kind_label(kind: FieldKind, locale: Locale) -> &'static str {
    match kind {
        FieldKind::Text => td_string!(locale, catalog_admin.kind_text),
        FieldKind::Number => td_string!(locale, catalog_admin.kind_number),
        FieldKind::Date => td_string!(locale, catalog_admin.kind_date),
        FieldKind::Choice => td_string!(locale, catalog_admin.kind_choice),
        FieldKind::IdNumber => td_string!(locale, catalog_admin.kind_id_number),
        FieldKind::Phone => td_string!(locale, catalog_admin.kind_phone),
        FieldKind::Address => td_string!(locale, catalog_admin.kind_address),
        FieldKind::File => td_string!(locale, catalog_admin.kind_file),
    }
}

#[component]
fn QuestionRow(row: usize, stored: Option<FormField>, typed: Typed) -> impl IntoView {
    let i18n = use_i18n();
    let key = |name: &str| format!("{name}.{row}");
    let f = stored.unwrap_or(FormField {
        key: String::new(),
        label: Default::default(),
        kind: FieldKind::Text,
        required: false,
        options: Vec::new(),
        prefill: None,
    });
    let kind = typed.or(&key("field_kind"), name_of(&f.kind));
    let prefill = typed.or(&key("field_prefill"), f.prefill.clone().unwrap_or_default());
    let options: Vec<String> = f
        .options
        .iter()
        .map(|o| match &o.en {
            Some(en) => format!("{}|{en}", o.zh),
            None => o.zh.clone(),
        })
        .collect();
    view! {
        <div class="catalog-row" data-row=row>
            <div class="field">
                <label for=key("f-key")>{t!(i18n, catalog_admin.field_key)} " " {row + 1}</label>
                <input id=key("f-key") name=key("field_key") type="text" value=typed.or(&key("field_key"), f.key.clone()) />
            </div>
            <div class="field">
                <label for=key("f-zh")>{t!(i18n, catalog_admin.field_label)}</label>
                <input id=key("f-zh") name=key("field_label_zh") type="text" value=typed.or(&key("field_label_zh"), f.label.zh.clone()) />
            </div>
            <div class="field">
                <label for=key("f-en")>{t!(i18n, catalog_admin.name_en)}</label>
                <input id=key("f-en") name=key("field_label_en") type="text" value=typed.or(&key("field_label_en"), f.label.en.clone().unwrap_or_default()) />
            </div>
            <div class="field">
                <label for=key("f-kind")>{t!(i18n, catalog_admin.field_kind)}</label>
                <select id=key("f-kind") name=key("field_kind")>
                    {[FieldKind::Text, FieldKind::Number, FieldKind::Date, FieldKind::Choice, FieldKind::IdNumber, FieldKind::Phone, FieldKind::Address].into_iter().map(|k| {
                        let value = name_of(&k);
                        let is = value == kind;
                        view! { <option value=value.clone() selected=is>{move || kind_label(k, i18n.get_locale())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field field--check">
                <input type="checkbox" id=key("f-req") name=key("field_required") checked=typed.checked(&key("field_required"), f.required) />
                <label for=key("f-req")>{t!(i18n, catalog_admin.required)}</label>
            </div>
            <div class="field">
                <label for=key("f-options")>{t!(i18n, catalog_admin.options)}</label>
                <textarea id=key("f-options") name=key("field_options") rows="2">{typed.or(&key("field_options"), options.join("\n"))}</textarea>
            </div>
            <div class="field">
                <label for=key("f-prefill")>{t!(i18n, catalog_admin.prefill)}</label>
                <select id=key("f-prefill") name=key("field_prefill")>
                    <option value="" selected=prefill.is_empty()>"—"</option>
                    {PREFILL_FACTS.into_iter().map(|fact| {
                        let is = fact == prefill;
                        view! { <option value=fact selected=is>{fact}</option> }
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}

#[component]
pub fn BundleEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.with(|p| p.get("code")).unwrap_or_default();
    let data = Resource::new(
        move || (code(), query.with(|q| q.get("at"))),
        |(code, _)| async move {
            let flash = take_staff_flash("catalog".into()).await.ok().flatten();
            let code = Some(code).filter(|c| c != "new");
            (get_bundle_editor(code).await, flash)
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), catalog_admin.bundle_title).to_owned() />
        <p class="breadcrumbs"><a href="/admin/catalog">{t!(i18n, console.catalog_title)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    (Ok(editor), flash) => view! { <BundleForm editor flash /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BundleForm(editor: BundleEditor, flash: Option<Flash>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = Typed(
        flash
            .as_ref()
            .filter(|f| f.error.is_some())
            .map(|f| f.values.clone()),
    );
    let existing = editor.record.is_some();
    let draft: BundleDraft = editor
        .record
        .as_ref()
        .map(|r| r.draft.clone())
        .unwrap_or_default();
    let action = if existing {
        format!("/admin/forms/catalog/bundles/{}", draft.code)
    } else {
        "/admin/forms/catalog/bundles".to_owned()
    };
    let l = move |key: &'static str| Signal::derive(move || label(key, i18n.get_locale()));
    let chosen = typed.many("services", draft.services.clone());
    view! {
        <h1>{if existing { draft.name.clone() } else { td_string!(i18n.get_locale_untracked(), catalog_admin.new_bundle).to_owned() }}</h1>
        <FlashNotice flash=flash.clone().filter(|f| f.error.is_some()) />
        {flash.as_ref().filter(|f| f.error.is_none()).map(|_| view! {
            <div class="notice notice--success" role="status" data-testid="console-done"><p>{t!(i18n, catalog_admin.saved)}</p></div>
        })}
        <form method="post" action=action class="stack" data-testid="bundle-form">
            <div class="field">
                <label for="svc-code">{t!(i18n, catalog_admin.code)}</label>
                <input id="svc-code" name="code" type="text" value=typed.or("code", draft.code.clone()) readonly=existing required=true maxlength="32" />
            </div>
            <Text name="name" label=l("name") value=typed.or("name", draft.name.clone()) />
            <Text name="name_en" label=l("name_en") value=typed.or("name_en", draft.name_en.clone().unwrap_or_default()) />
            <Text name="summary" label=l("summary") value=typed.or("summary", draft.summary.clone()) long=true />
            <Text name="summary_en" label=l("summary_en") value=typed.or("summary_en", draft.summary_en.clone().unwrap_or_default()) long=true />
            <div class="field">
                <label for="svc-life-event">{t!(i18n, catalog_admin.life_event)}</label>
                <Select id="svc-life-event".into() name="life_event".into() choices=editor.life_events.clone() selected=typed.or("life_event", draft.life_event.clone().unwrap_or_default()) blank=true />
            </div>
            <fieldset class="fieldset">
                <legend>{t!(i18n, catalog_admin.services)}</legend>
                {editor.services.iter().cloned().map(|c| {
                    let id = format!("bundle-svc-{}", c.value);
                    let is = chosen.contains(&c.value);
                    view! {
                        <div class="field field--check">
                            <input type="checkbox" id=id.clone() name="services" value=c.value.clone() checked=is />
                            <label for=id>{c.value.clone()} " " <Localized text=c.label /></label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary">{t!(i18n, catalog_admin.save)}</button>
        </form>
    }
}

fn label(key: &str, locale: Locale) -> String {
    match key {
        "name" => td_string!(locale, catalog_admin.name),
        "name_en" => td_string!(locale, catalog_admin.name_en),
        "summary" => td_string!(locale, catalog_admin.summary),
        "summary_en" => td_string!(locale, catalog_admin.summary_en),
        "audience" => td_string!(locale, catalog_admin.audience),
        "audience_en" => td_string!(locale, catalog_admin.audience_en),
        "fee_note" => td_string!(locale, catalog_admin.fee_note),
        _ => "",
    }
    .to_owned()
}
