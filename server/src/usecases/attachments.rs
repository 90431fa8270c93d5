//! Handing in files with an application: each is checked by its content, stored by hash,
//! and attached to the resident's application.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::files::{self, FileKind};
use crate::http::upload::PostedFile;
use crate::state::AppState;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::form::material_key;
use domain::validation::{FieldError, Problem};
use store::applications::{self, NewAttachment};

/// Checks each file's content, stores it, and attaches it to the application. Returns the
/// problems of refused files.
pub async fn attach(
    state: &AppState,
    resident_id: ResidentId,
    number: &ApplicationNumber,
    files: Vec<PostedFile>,
) -> Result<Vec<FieldError>, AppError> {
    let mut problems = Vec::new();
    for file in files {
        let Some(kind) = FileKind::sniff(&file.bytes) else {
            problems.push(FieldError::new(
                material_key(file.material),
                Problem::UnsupportedFileType,
            ));
            continue;
        };
        let sha256 = files::store(&state.settings.upload_dir, &file.bytes)
            .await
            .map_err(|err| {
                tracing::error!(error = %err, "cannot store an attachment");
                AppError::new(ErrorCode::Internal)
            })?;
        applications::add_attachment(
            &state.db,
            resident_id,
            number,
            NewAttachment {
                material: file.material,
                file_name: &file.file_name,
                content_type: kind.content_type(),
                size_bytes: file.bytes.len() as i64,
                sha256: &sha256,
            },
            Utc::now(),
        )
        .await?;
    }
    Ok(problems)
}
