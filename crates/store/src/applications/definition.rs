//! What an application asks and where it goes: a service's form or a bundle's (一件事)
//! combined form, and the form an application was submitted with.

use crate::entities::{application, bundle, bundle_service, department, service};
use crate::json;
use domain::catalog::{FormField, Material};
use domain::error::AppError;
use domain::form;
use domain::text::LocalizedText;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// What an application asks and where it goes: one service's form, or a bundle's (一件事)
/// combined form, shared fields asked once, with one task per service.
pub(super) struct Definition {
    /// The service's or the bundle's catalogue code.
    pub(super) code: String,
    pub(super) service_id: Option<i64>,
    pub(super) bundle_id: Option<i64>,
    pub(super) title: LocalizedText,
    /// The department; for a bundle every department, in order.
    pub(super) department: LocalizedText,
    pub(super) promised_days: i32,
    pub(super) form_version: i32,
    /// The applicant block first.
    pub(super) fields: Vec<FormField>,
    pub(super) materials: Vec<Material>,
    /// (service id, department id) of each task a submission creates.
    pub(super) targets: Vec<(i64, i64)>,
}

/// What a resident applies for.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    Service(&'a str),
    Bundle(&'a str),
}

fn service_definition(
    model: service::Model,
    department: department::Model,
) -> Result<Definition, AppError> {
    let mut fields = form::applicant_fields();
    merge_fields(
        &mut fields,
        json::read(model.form_fields.clone(), "service.form_fields")?,
    );
    Ok(Definition {
        materials: json::read(model.materials.clone(), "service.materials")?,
        code: model.code,
        service_id: Some(model.id),
        bundle_id: None,
        title: LocalizedText::new(model.name, model.name_en),
        department: LocalizedText::new(department.name, department.name_en),
        promised_days: model.promised_days,
        form_version: model.form_version,
        fields,
        targets: vec![(model.id, department.id)],
    })
}

/// Adds a service's fields to a form, each key once. A service's own wording of a field of
/// the applicant block replaces the platform's default there; a key an earlier service of a
/// bundle already asks keeps that first wording.
fn merge_fields(fields: &mut Vec<FormField>, more: Vec<FormField>) {
    for field in more {
        match fields.iter().position(|f| f.key == field.key) {
            Some(at) if form::is_applicant_default(&fields[at]) => fields[at] = field,
            Some(_) => {}
            None => fields.push(field),
        }
    }
}

async fn service_by(
    db: &impl ConnectionTrait,
    condition: sea_orm::Condition,
) -> Result<Definition, AppError> {
    let (model, department) = service::Entity::find()
        .filter(condition)
        .find_also_related(department::Entity)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    service_definition(model, department.ok_or_else(AppError::not_found)?)
}

/// A bundle's combined form: the fields of its services, each key once; their materials,
/// each once; the longest promise; a task for each service.
async fn bundle_definition(
    db: &impl ConnectionTrait,
    found: bundle::Model,
) -> Result<Definition, AppError> {
    let members = service::Entity::find()
        .inner_join(bundle_service::Entity)
        .filter(bundle_service::Column::BundleId.eq(found.id))
        .order_by_asc(bundle_service::Column::SortOrder)
        .find_also_related(department::Entity)
        .all(db)
        .await?;
    let mut fields = form::applicant_fields();
    let mut materials: Vec<Material> = Vec::new();
    let mut zh_departments: Vec<String> = Vec::new();
    let mut en_departments: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    let mut promised_days = 0;
    for (model, department) in members {
        let department = department.ok_or_else(AppError::not_found)?;
        merge_fields(
            &mut fields,
            json::read(model.form_fields.clone(), "service.form_fields")?,
        );
        for material in json::read::<Vec<Material>>(model.materials.clone(), "service.materials")? {
            if !materials.iter().any(|m| m.name.zh == material.name.zh) {
                materials.push(material);
            }
        }
        if !zh_departments.contains(&department.name) {
            zh_departments.push(department.name.clone());
            en_departments.push(
                department
                    .name_en
                    .clone()
                    .unwrap_or(department.name.clone()),
            );
        }
        promised_days = Ord::max(promised_days, model.promised_days);
        targets.push((model.id, department.id));
    }
    if targets.is_empty() {
        return Err(AppError::not_found());
    }
    Ok(Definition {
        code: found.code,
        service_id: None,
        bundle_id: Some(found.id),
        title: LocalizedText::new(found.name, found.name_en),
        department: LocalizedText::new(zh_departments.join("、"), Some(en_departments.join(", "))),
        promised_days,
        form_version: 1,
        fields,
        materials,
        targets,
    })
}

/// The published definition of what a resident wants to apply for.
pub(super) async fn published(
    db: &impl ConnectionTrait,
    subject: Subject<'_>,
) -> Result<Definition, AppError> {
    match subject {
        Subject::Service(code) => {
            service_by(
                db,
                sea_orm::Condition::all()
                    .add(service::Column::Code.eq(code))
                    .add(service::Column::Status.eq(service::PUBLISHED)),
            )
            .await
        }
        Subject::Bundle(code) => {
            let found = bundle::Entity::find()
                .filter(bundle::Column::Code.eq(code))
                .filter(bundle::Column::Status.eq(service::PUBLISHED))
                .one(db)
                .await?
                .ok_or_else(AppError::not_found)?;
            bundle_definition(db, found).await
        }
    }
}

/// The form an application was submitted with, kept on it: a later change of the service's
/// form leaves submitted applications as they were.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct FrozenForm {
    pub(super) fields: Vec<FormField>,
    pub(super) materials: Vec<Material>,
}

/// The definition an existing application was made with: the service's or bundle's, with the
/// form it was submitted with (drafts follow the current form).
pub(super) async fn definition_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<Definition, AppError> {
    let mut definition = current_definition_of(db, app).await?;
    if let Some(frozen) = app.form_definition.clone() {
        let frozen: FrozenForm = json::read(frozen, "application.form_definition")?;
        definition.fields = frozen.fields;
        definition.materials = frozen.materials;
        definition.form_version = app.form_version;
    }
    Ok(definition)
}

async fn current_definition_of(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> Result<Definition, AppError> {
    match (app.service_id, app.bundle_id) {
        (Some(id), _) => {
            service_by(
                db,
                sea_orm::Condition::all().add(service::Column::Id.eq(id)),
            )
            .await
        }
        (None, Some(id)) => {
            let found = bundle::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(AppError::not_found)?;
            bundle_definition(db, found).await
        }
        (None, None) => Err(AppError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::catalog::FieldKind;
    use domain::form::{APPLICANT_MOBILE, applicant_fields};

    fn field(key: &str, zh: &str) -> FormField {
        FormField {
            key: key.into(),
            label: LocalizedText::new(zh, None),
            kind: FieldKind::Text,
            required: true,
            options: Vec::new(),
            prefill: None,
        }
    }

    #[test]
    fn a_bundle_asks_each_key_once_in_the_first_services_words() {
        let mut fields = vec![field("child_name", "子女姓名")];
        merge_fields(
            &mut fields,
            vec![
                field("child_name", "新生儿姓名"),
                field("hospital", "出生医院"),
            ],
        );
        let labels: Vec<_> = fields.iter().map(|f| f.label.zh.as_str()).collect();
        assert_eq!(labels, ["子女姓名", "出生医院"]);
    }

    #[test]
    fn a_services_wording_of_an_applicant_field_replaces_the_platform_default() {
        let mut fields = applicant_fields();
        let own = field(APPLICANT_MOBILE, "监护人电话");
        merge_fields(&mut fields, vec![own.clone()]);
        let mobile = fields.iter().find(|f| f.key == APPLICANT_MOBILE);
        assert_eq!(mobile, Some(&own));
        assert_eq!(fields.len(), applicant_fields().len());
        // Once a service has worded it, a later service's wording does not win.
        merge_fields(&mut fields, vec![field(APPLICANT_MOBILE, "另一个说法")]);
        assert_eq!(
            fields.iter().find(|f| f.key == APPLICANT_MOBILE),
            Some(&own)
        );
    }
}
