//! Handing in files with an application: each is checked by its content (an active PDF
//! refused, an image's metadata taken out), stored by hash, and attached to the resident's
//! application.
use domain::ids::{ApplicationNumber, ResidentId};

use crate::files::{self, FileKind, Refused};
use crate::http::upload::PostedFile;
use crate::state::AppState;
use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::form::material_key;
use domain::validation::{FieldError, Problem};
use store::applications::{self, NewAttachment};

/// Checks each file's content, stores it, and attaches it to the application. Returns the
/// problems of refused files; a file beyond the application's count or the resident's daily
/// volume is refused before it is stored.
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
        let bytes = match files::cleaned(kind, file.bytes) {
            Ok(bytes) => bytes,
            Err(refused) => {
                let problem = match refused {
                    Refused::ActiveContent => Problem::ActiveContent,
                    Refused::Unreadable => Problem::UnsupportedFileType,
                };
                tracing::warn!(?refused, material = file.material, "attachment refused");
                problems.push(FieldError::new(material_key(file.material), problem));
                continue;
            }
        };
        let size_bytes = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let now = Utc::now();
        match applications::upload_allowed(
            &state.db,
            resident_id,
            number,
            file.material,
            size_bytes,
            now,
        )
        .await
        {
            Ok(()) => {}
            Err(error) if error.code == ErrorCode::ValidationFailed => {
                problems.extend(error.errors);
                continue;
            }
            Err(error) => return Err(error),
        }
        let sha256 = files::store(&state.settings.upload_dir, &bytes)
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
                size_bytes,
                sha256: &sha256,
            },
            now,
        )
        .await?;
    }
    Ok(problems)
}
