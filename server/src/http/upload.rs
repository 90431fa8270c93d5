//! Reading an application form post (multipart: answers and files), shared by the page form
//! and the API. Storing the files is the use case's (`usecases::attachments`).
use domain::ids::ResidentId;

use axum::extract::Multipart;
use domain::error::{AppError, ErrorCode};
use domain::form::{Answers, material_key};
use domain::validation::{FieldError, Problem};

/// A file as posted, already read (within the size limit).
pub struct PostedFile {
    pub material: usize,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Posted {
    pub answers: Answers,
    /// `_intent`: "save" (keep as draft) or "submit".
    pub intent: String,
    /// `_key`: the idempotency key the form was rendered with.
    pub key: Option<String>,
    /// `_for`: the household member applied for (代办), if not the resident.
    pub on_behalf_of: Option<ResidentId>,
    /// `_next`: where to go after saving (the next step of elderly mode's form), with
    /// `{number}` standing for the application's number.
    pub next: Option<String>,
    pub files: Vec<PostedFile>,
    /// Files refused while reading (too large).
    pub problems: Vec<FieldError>,
}

const MAX_ANSWER_BYTES: usize = 4096;
const MAX_PARTS: usize = 200;

/// Reads the form. Parts named `material_<n>` are files; `_intent` and `_key` steer; every
/// other part is an answer keyed by its name.
pub async fn read(mut multipart: Multipart, max_file_bytes: usize) -> Result<Posted, AppError> {
    let mut posted = Posted::default();
    let mut parts = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(|err| {
        tracing::debug!(error = %err, "unreadable multipart body");
        AppError::new(ErrorCode::InvalidParameter)
    })? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::new(ErrorCode::PayloadTooLarge));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(index) = name
            .strip_prefix("material_")
            .and_then(|i| i.parse::<usize>().ok())
        {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(|err| {
                tracing::debug!(error = %err, "upload interrupted");
                AppError::new(ErrorCode::InvalidParameter)
            })? {
                if bytes.len() + chunk.len() > max_file_bytes {
                    too_large = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            if too_large {
                posted.problems.push(FieldError::new(
                    material_key(index),
                    Problem::FileTooLarge {
                        max_mb: (max_file_bytes / (1024 * 1024)).max(1) as u32,
                    },
                ));
                // Drain the rest of this part.
                while let Ok(Some(_)) = field.chunk().await {}
                continue;
            }
            // An empty file input sends an empty part with no name.
            if !bytes.is_empty() {
                posted.files.push(PostedFile {
                    material: index,
                    file_name,
                    bytes,
                });
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|_| AppError::new(ErrorCode::InvalidParameter))?;
        if value.len() > MAX_ANSWER_BYTES {
            return Err(AppError::with_field(ErrorCode::PayloadTooLarge, name));
        }
        match name.as_str() {
            "_intent" => posted.intent = value,
            "_key" => posted.key = Some(value).filter(|k| !k.is_empty() && k.len() <= 64),
            "_for" => posted.on_behalf_of = value.trim().parse().ok(),
            "_next" => posted.next = Some(value),
            _ if !name.is_empty() && !name.starts_with('_') => {
                posted.answers.insert(name, value);
            }
            _ => {}
        }
    }
    Ok(posted)
}
