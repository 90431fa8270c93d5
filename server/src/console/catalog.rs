//! The catalogue forms of the console (administrators): a service or bundle form arrives as
//! flat form fields, with materials and questions as numbered rows (`material_name_zh.0`,
//! `field_key.2`, …; blank rows are left out), and becomes the same draft the JSON API takes.

use super::{back, fields_of};
use crate::auth::FormStaff;
use crate::http::form::Fields;
use crate::state::AppState;
use crate::usecases;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use domain::catalog::{FieldKind, FormField, Material, MaterialForm, OnlineLevel};
use domain::catalog_admin::{BundleDraft, CatalogStatus, ServiceDraft};
use domain::error::{AppError, ErrorCode};
use domain::text::LocalizedText;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// How many numbered rows a form may send (existing ones and blanks).
const MAX_ROWS: usize = 100;

fn number<T: std::str::FromStr + Default>(fields: &Fields, key: &str) -> Result<T, AppError> {
    let text = fields.value(key);
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    text.trim()
        .parse()
        .map_err(|_| AppError::with_field(ErrorCode::InvalidParameter, key))
}

/// An enum from its snake_case name, as serde writes it.
fn named<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn text_of(zh: String, en: Option<String>) -> LocalizedText {
    LocalizedText::new(zh, en)
}

pub fn service_draft(fields: &Fields) -> Result<ServiceDraft, AppError> {
    let mut materials = Vec::new();
    let mut form_fields = Vec::new();
    for row in 0..MAX_ROWS {
        let name = fields.value(&format!("material_name_zh.{row}"));
        if !name.trim().is_empty() {
            materials.push(Material {
                name: text_of(name, fields.optional(&format!("material_name_en.{row}"))),
                required: fields.checked(&format!("material_required.{row}")),
                form: named(&fields.value(&format!("material_form.{row}")))
                    .unwrap_or(MaterialForm::Copy),
                note: fields.optional(&format!("material_note.{row}")),
            });
        }
        let key = fields.value(&format!("field_key.{row}"));
        let label = fields.value(&format!("field_label_zh.{row}"));
        if !key.trim().is_empty() || !label.trim().is_empty() {
            let options = fields
                .value(&format!("field_options.{row}"))
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(|line| match line.split_once('|') {
                    Some((zh, en)) => text_of(
                        zh.trim().to_owned(),
                        Some(en.trim().to_owned()).filter(|e| !e.is_empty()),
                    ),
                    None => text_of(line.to_owned(), None),
                })
                .collect();
            form_fields.push(FormField {
                key: key.trim().to_owned(),
                label: text_of(label, fields.optional(&format!("field_label_en.{row}"))),
                kind: named(&fields.value(&format!("field_kind.{row}"))).unwrap_or(FieldKind::Text),
                required: fields.checked(&format!("field_required.{row}")),
                options,
                prefill: fields.optional(&format!("field_prefill.{row}")),
            });
        }
    }
    Ok(ServiceDraft {
        code: fields.value("code").trim().to_owned(),
        name: fields.value("name"),
        name_en: fields.optional("name_en"),
        summary: fields.value("summary"),
        summary_en: fields.optional("summary_en"),
        audience: fields.value("audience"),
        audience_en: fields.optional("audience_en"),
        department: fields.value("department"),
        category: fields.value("category"),
        promised_days: number(fields, "promised_days")?,
        legal_days: number(fields, "legal_days")?,
        fee_cents: number(fields, "fee_cents")?,
        fee_note: fields.optional("fee_note"),
        online_level: named::<OnlineLevel>(&fields.value("online_level")),
        materials,
        form_fields,
        life_events: fields.values("life_events").map(str::to_owned).collect(),
        auto_grant: fields.checked("auto_grant"),
    })
}

pub fn bundle_draft(fields: &Fields) -> BundleDraft {
    BundleDraft {
        code: fields.value("code").trim().to_owned(),
        name: fields.value("name"),
        name_en: fields.optional("name_en"),
        summary: fields.value("summary"),
        summary_en: fields.optional("summary_en"),
        life_event: fields.optional("life_event"),
        services: fields.values("services").map(str::to_owned).collect(),
    }
}

async fn saved_or_back(
    state: &AppState,
    staff: &FormStaff,
    form_page: &str,
    saved_page: Result<String, AppError>,
    fields: &Fields,
) -> Response {
    match saved_page {
        Ok(to) => {
            back(
                state,
                &staff.session_id,
                &to,
                "catalog",
                BTreeMap::new(),
                None,
            )
            .await
        }
        Err(err) => {
            back(
                state,
                &staff.session_id,
                form_page,
                "catalog",
                fields.kept(),
                Some(err),
            )
            .await
        }
    }
}

pub async fn create_service(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let saved = match service_draft(&fields) {
        Ok(draft) => usecases::catalog::create_service(&state, &staff.actor, &draft)
            .await
            .map(|record| format!("/admin/catalog/services/{}", record.draft.code)),
        Err(err) => Err(err),
    };
    saved_or_back(
        &state,
        &staff,
        "/admin/catalog/services/new",
        saved,
        &fields,
    )
    .await
}

pub async fn update_service(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(code): Path<String>,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let page = format!("/admin/catalog/services/{code}");
    let saved = match service_draft(&fields) {
        Ok(draft) => usecases::catalog::update_service(&state, &staff.actor, &code, &draft)
            .await
            .map(|_| page.clone()),
        Err(err) => Err(err),
    };
    saved_or_back(&state, &staff, &page, saved, &fields).await
}

pub async fn create_bundle(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let saved = usecases::catalog::create_bundle(&state, &staff.actor, &bundle_draft(&fields))
        .await
        .map(|record| format!("/admin/catalog/bundles/{}", record.draft.code));
    saved_or_back(&state, &staff, "/admin/catalog/bundles/new", saved, &fields).await
}

pub async fn update_bundle(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(code): Path<String>,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let page = format!("/admin/catalog/bundles/{code}");
    let saved =
        usecases::catalog::update_bundle(&state, &staff.actor, &code, &bundle_draft(&fields))
            .await
            .map(|_| page.clone());
    saved_or_back(&state, &staff, &page, saved, &fields).await
}

/// Publish or unpublish (`status` is `publish` or `unpublish`), back to the catalogue list.
pub async fn set_status(
    State(state): State<AppState>,
    staff: FormStaff,
    Path((kind, code, status)): Path<(String, String, String)>,
) -> Response {
    let status = match status.as_str() {
        "publish" => CatalogStatus::Published,
        "unpublish" => CatalogStatus::Unpublished,
        _ => return Redirect::to("/admin/catalog").into_response(),
    };
    let result = match kind.as_str() {
        "services" => usecases::catalog::set_service_status(&state, &staff.actor, &code, status)
            .await
            .map(|_| ()),
        "bundles" => usecases::catalog::set_bundle_status(&state, &staff.actor, &code, status)
            .await
            .map(|_| ()),
        _ => Err(AppError::not_found()),
    };
    back(
        &state,
        &staff.session_id,
        "/admin/catalog",
        "catalog_list",
        BTreeMap::new(),
        result.err(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(list: &[(&'static str, &'static str)]) -> Fields {
        list.iter().copied().collect()
    }

    #[test]
    fn numbered_rows_become_materials_and_questions_and_blank_rows_are_dropped() {
        let draft = service_draft(&fields(&[
            ("code", "MZ-9001"),
            ("name", "测试事项"),
            ("promised_days", "5"),
            ("material_name_zh.0", "户口簿"),
            ("material_required.0", "on"),
            ("material_form.0", "original"),
            ("material_name_zh.1", ""),
            ("field_key.0", "reason"),
            ("field_label_zh.0", "申请原因"),
            ("field_kind.0", "choice"),
            ("field_options.0", "低保|Subsistence\n残疾"),
            ("field_key.1", ""),
            ("field_label_zh.1", ""),
            ("life_events", "birth"),
            ("life_events", "elderly"),
        ]))
        .unwrap();
        assert_eq!(draft.promised_days, 5);
        assert_eq!(draft.materials.len(), 1);
        assert!(draft.materials[0].required);
        assert_eq!(draft.materials[0].form, MaterialForm::Original);
        assert_eq!(draft.form_fields.len(), 1);
        assert_eq!(draft.form_fields[0].kind, FieldKind::Choice);
        assert_eq!(
            draft.form_fields[0].options[0].en.as_deref(),
            Some("Subsistence")
        );
        assert_eq!(draft.form_fields[0].options[1].zh, "残疾");
        assert_eq!(draft.life_events, vec!["birth", "elderly"]);
        assert!(service_draft(&fields(&[("promised_days", "five")])).is_err());
    }
}
