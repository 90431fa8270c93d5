//! Applications as the resident makes and follows them: the prefilled form, drafts,
//! attachments, submission (idempotent), taking back to correct, withdrawal, resubmission
//! after a supplement request, "my applications" and the detail with its timeline.
//!
//! Every function takes the signed-in resident's id and only ever touches that resident's
//! applications (or those they applied for on someone's behalf): anything else is "not found".
use domain::ids::{ApplicationNumber, ResidentId};

mod applicant;
mod attachments;
mod definition;
mod drafts;
mod events;
pub mod for_staff;
mod lifecycle;
mod prefill;
mod reads;

pub use attachments::{NewAttachment, add_attachment, downloadable_attachment, remove_attachment};
pub use definition::Subject;
pub use drafts::{application_number, edit_form, open_form, save_draft};
pub(crate) use events::{ActorRef, Change, record_change, record_note};
pub(crate) use lifecycle::recompute_status;
pub use lifecycle::{Outcome, submit, take_back, withdraw};
pub(crate) use reads::{Reader, detail_of};
pub use reads::{detail, list_mine};

use crate::entities::{application, resident};
use domain::error::{AppError, ErrorCode};
use i18n::Locale;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The longest comment or note stored with an event.
pub const COMMENT_MAX_CHARS: usize = 500;

// ---------------------------------------------------------------------------------------
// Reading the pieces

async fn resident_of(
    db: &impl ConnectionTrait,
    id: ResidentId,
) -> Result<resident::Model, AppError> {
    resident::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated))
}

/// The language a resident's messages are written in.
pub(crate) fn locale_of(resident: &resident::Model) -> Locale {
    if resident.language == "en" {
        Locale::en
    } else {
        Locale::zh_CN
    }
}

/// An application the resident may see: their own, or one they submitted for someone else.
pub(crate) async fn visible_application(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<application::Model, AppError> {
    application::Entity::find()
        .filter(application::Column::Number.eq(number.as_str()))
        .filter(
            application::Column::ResidentId
                .eq(resident_id)
                .or(application::Column::SubmittedByResidentId.eq(resident_id)),
        )
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}
