//! The catalogue forms of the console (administrators): a service or bundle form arrives as
//! flat form fields, with materials and questions as numbered rows (`material_name_zh.0`,
//! `field_key.2`, …; blank rows are left out), and becomes the same draft the JSON API takes.

use super::{back, pairs, typed, value};
use crate::auth::FormStaff;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use domain::catalog::{FieldKind, FormField, Material, MaterialForm, OnlineLevel};
use domain::catalog_admin::{BundleDraft, CatalogStatus, ServiceDraft};
use domain::error::{AppError, ErrorCode};
use domain::text::LocalizedText;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use store::catalog_admin;

/// How many numbered rows a form may send (existing ones and blanks).
const MAX_ROWS: usize = 100;

fn optional(pairs: &[(String, String)], key: &str) -> Option<String> {
    Some(value(pairs, key).trim().to_owned()).filter(|v| !v.is_empty())
}

fn checked(pairs: &[(String, String)], key: &str) -> bool {
    matches!(value(pairs, key).as_str(), "on" | "true" | "1")
}

fn number<T: std::str::FromStr + Default>(
    pairs: &[(String, String)],
    key: &str,
) -> Result<T, AppError> {
    let text = value(pairs, key);
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

pub fn service_draft(pairs: &[(String, String)]) -> Result<ServiceDraft, AppError> {
    let mut materials = Vec::new();
    let mut form_fields = Vec::new();
    for row in 0..MAX_ROWS {
        let name = value(pairs, &format!("material_name_zh.{row}"));
        if !name.trim().is_empty() {
            materials.push(Material {
                name: text_of(name, optional(pairs, &format!("material_name_en.{row}"))),
                required: checked(pairs, &format!("material_required.{row}")),
                form: named(&value(pairs, &format!("material_form.{row}")))
                    .unwrap_or(MaterialForm::Copy),
                note: optional(pairs, &format!("material_note.{row}")),
            });
        }
        let key = value(pairs, &format!("field_key.{row}"));
        let label = value(pairs, &format!("field_label_zh.{row}"));
        if !key.trim().is_empty() || !label.trim().is_empty() {
            let options = value(pairs, &format!("field_options.{row}"))
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
                label: text_of(label, optional(pairs, &format!("field_label_en.{row}"))),
                kind: named(&value(pairs, &format!("field_kind.{row}"))).unwrap_or(FieldKind::Text),
                required: checked(pairs, &format!("field_required.{row}")),
                options,
                prefill: optional(pairs, &format!("field_prefill.{row}")),
            });
        }
    }
    Ok(ServiceDraft {
        code: value(pairs, "code").trim().to_owned(),
        name: value(pairs, "name"),
        name_en: optional(pairs, "name_en"),
        summary: value(pairs, "summary"),
        summary_en: optional(pairs, "summary_en"),
        audience: value(pairs, "audience"),
        audience_en: optional(pairs, "audience_en"),
        department: value(pairs, "department"),
        category: value(pairs, "category"),
        promised_days: number(pairs, "promised_days")?,
        legal_days: number(pairs, "legal_days")?,
        fee_cents: number(pairs, "fee_cents")?,
        fee_note: optional(pairs, "fee_note"),
        online_level: named::<OnlineLevel>(&value(pairs, "online_level")),
        materials,
        form_fields,
        life_events: pairs
            .iter()
            .filter(|(k, _)| k == "life_events")
            .map(|(_, v)| v.clone())
            .collect(),
        auto_grant: checked(pairs, "auto_grant"),
    })
}

pub fn bundle_draft(pairs: &[(String, String)]) -> BundleDraft {
    BundleDraft {
        code: value(pairs, "code").trim().to_owned(),
        name: value(pairs, "name"),
        name_en: optional(pairs, "name_en"),
        summary: value(pairs, "summary"),
        summary_en: optional(pairs, "summary_en"),
        life_event: optional(pairs, "life_event"),
        services: pairs
            .iter()
            .filter(|(k, _)| k == "services")
            .map(|(_, v)| v.clone())
            .collect(),
    }
}

async fn saved_or_back(
    state: &AppState,
    staff: &FormStaff,
    form_page: &str,
    saved_page: Result<String, AppError>,
    pairs: &[(String, String)],
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
                typed(pairs),
                Some(err),
            )
            .await
        }
    }
}

pub async fn create_service(
    State(state): State<AppState>,
    staff: FormStaff,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let saved = match service_draft(&pairs) {
        Ok(draft) => catalog_admin::create_service(&state.db, &staff.actor, &draft, Utc::now())
            .await
            .map(|record| format!("/admin/catalog/services/{}", record.draft.code)),
        Err(err) => Err(err),
    };
    saved_or_back(&state, &staff, "/admin/catalog/services/new", saved, &pairs).await
}

pub async fn update_service(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let page = format!("/admin/catalog/services/{code}");
    let saved = match service_draft(&pairs) {
        Ok(draft) => {
            catalog_admin::update_service(&state.db, &staff.actor, &code, &draft, Utc::now())
                .await
                .map(|_| page.clone())
        }
        Err(err) => Err(err),
    };
    saved_or_back(&state, &staff, &page, saved, &pairs).await
}

pub async fn create_bundle(
    State(state): State<AppState>,
    staff: FormStaff,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let saved =
        catalog_admin::create_bundle(&state.db, &staff.actor, &bundle_draft(&pairs), Utc::now())
            .await
            .map(|record| format!("/admin/catalog/bundles/{}", record.draft.code));
    saved_or_back(&state, &staff, "/admin/catalog/bundles/new", saved, &pairs).await
}

pub async fn update_bundle(
    State(state): State<AppState>,
    staff: FormStaff,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let pairs = pairs(&body);
    let page = format!("/admin/catalog/bundles/{code}");
    let saved = catalog_admin::update_bundle(
        &state.db,
        &staff.actor,
        &code,
        &bundle_draft(&pairs),
        Utc::now(),
    )
    .await
    .map(|_| page.clone());
    saved_or_back(&state, &staff, &page, saved, &pairs).await
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
    let now = Utc::now();
    let result = match kind.as_str() {
        "services" => {
            catalog_admin::set_service_status(&state.db, &staff.actor, &code, status, now)
                .await
                .map(|_| ())
        }
        "bundles" => catalog_admin::set_bundle_status(&state.db, &staff.actor, &code, status, now)
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

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn numbered_rows_become_materials_and_questions_and_blank_rows_are_dropped() {
        let draft = service_draft(&pairs(&[
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
        assert!(service_draft(&pairs(&[("promised_days", "five")])).is_err());
    }
}
