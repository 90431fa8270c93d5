//! The files a resident hands in for a draft or a supplement.
use domain::ids::{ApplicationId, ApplicationNumber, ResidentId};

use super::definition::definition_of;
use super::visible_application;
use crate::entities::{application, attachment};
use chrono::{DateTime, Duration, Utc};
use domain::application::{AttachmentView, DAILY_UPLOAD_BYTES, MAX_FILES_PER_APPLICATION};
use domain::catalog::Material;
use domain::error::{AppError, ErrorCode};
use domain::form::material_key;
use domain::validation::{FieldError, Problem};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

fn material_index(materials: &[Material], stored: Option<&str>) -> Option<usize> {
    let stored = stored?;
    materials.iter().position(|m| m.name.zh == stored)
}

pub(super) async fn attachments_of(
    db: &impl ConnectionTrait,
    application_id: ApplicationId,
    materials: &[Material],
) -> Result<Vec<AttachmentView>, AppError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(application_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id,
            material: material_index(materials, a.material_name.as_deref()),
            material_name: a.material_name,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            uploaded_at: a.created_at,
        })
        .collect())
}

/// A file the resident hands in for one material of a draft (or of a supplement).
pub struct NewAttachment<'a> {
    pub material: usize,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
}

/// Whether one more file of `size_bytes` may be handed in for the application: at most
/// [`MAX_FILES_PER_APPLICATION`] on it, and the applicant's files of the last 24 hours within
/// [`DAILY_UPLOAD_BYTES`] (then `upload_limit_reached` with the seconds until there is room).
/// Asked before the file is stored.
pub async fn upload_allowed(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    material: usize,
    size_bytes: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let on_application = attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(app.id))
        .count(db)
        .await?;
    if on_application >= MAX_FILES_PER_APPLICATION {
        let max = u32::try_from(MAX_FILES_PER_APPLICATION).unwrap_or(u32::MAX);
        return Err(AppError::invalid(vec![FieldError::new(
            material_key(material),
            Problem::TooManyFiles { max },
        )]));
    }
    let since = now - Duration::hours(24);
    let (volume, oldest): (Option<i64>, Option<DateTime<Utc>>) = attachment::Entity::find()
        .select_only()
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
        .column_as(
            Expr::expr(Func::cast_as(
                Func::sum(Expr::col(attachment::Column::SizeBytes)),
                "BIGINT",
            )),
            "volume",
        )
        .column_as(attachment::Column::CreatedAt.min(), "oldest")
        .filter(attachment::Column::ResidentId.eq(app.resident_id))
        .filter(attachment::Column::CreatedAt.gt(since))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((None, None));
    if volume.unwrap_or(0) + size_bytes > DAILY_UPLOAD_BYTES {
        let room_at = oldest.map_or(now, |oldest| oldest + Duration::hours(24));
        let wait = u64::try_from((room_at - now).num_seconds())
            .unwrap_or(0)
            .max(1);
        return Err(AppError::new(ErrorCode::UploadLimitReached).retry_after(wait));
    }
    Ok(())
}

pub async fn add_attachment(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    file: NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<AttachmentView, AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let status = app.status;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let service = definition_of(db, &app).await?;
    let material = service
        .materials
        .get(file.material)
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "material"))?;
    let file_name: String = file
        .file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let model = attachment::ActiveModel {
        resident_id: Set(app.resident_id),
        application_id: Set(Some(app.id)),
        material_name: Set(Some(material.name.zh.clone())),
        file_name: Set(if file_name.is_empty() {
            "file".to_owned()
        } else {
            file_name
        }),
        content_type: Set(file.content_type.to_owned()),
        size_bytes: Set(file.size_bytes),
        sha256: Set(file.sha256.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(AttachmentView {
        id: model.id,
        material: Some(file.material),
        material_name: model.material_name,
        file_name: model.file_name,
        content_type: model.content_type,
        size_bytes: model.size_bytes,
        uploaded_at: model.created_at,
    })
}

/// Removes a file from a draft (or from a supplement being prepared).
pub async fn remove_attachment(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    attachment_id: i64,
) -> Result<(), AppError> {
    let app = visible_application(db, resident_id, number).await?;
    let status = app.status;
    if !status.is_editable() {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    let deleted = attachment::Entity::delete_many()
        .filter(attachment::Column::Id.eq(attachment_id))
        .filter(attachment::Column::ApplicationId.eq(app.id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::not_found());
    }
    Ok(())
}

/// An attachment the resident may download: on one of their applications.
pub async fn downloadable_attachment(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    attachment_id: i64,
) -> Result<attachment::Model, AppError> {
    let found = attachment::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let application_id = found.application_id.ok_or_else(AppError::not_found)?;
    let visible = application::Entity::find_by_id(application_id)
        .filter(super::visible_to(resident_id))
        .one(db)
        .await?;
    match visible {
        Some(_) => Ok(found),
        None => Err(AppError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::catalog::MaterialForm;
    use domain::text::LocalizedText;

    fn material(zh: &str) -> Material {
        Material {
            name: LocalizedText::new(zh, None),
            required: true,
            form: MaterialForm::Copy,
            note: None,
        }
    }

    #[test]
    fn a_stored_file_belongs_to_the_material_of_its_chinese_name() {
        let materials = [material("户口簿"), material("出生医学证明")];
        assert_eq!(material_index(&materials, Some("出生医学证明")), Some(1));
        // A material the service no longer asks for, or none recorded: not one of the list.
        assert_eq!(material_index(&materials, Some("结婚证")), None);
        assert_eq!(material_index(&materials, None), None);
    }
}
