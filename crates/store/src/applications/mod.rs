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

pub use attachments::{
    NewAttachment, add_attachment, downloadable_attachment, remove_attachment, upload_allowed,
};
pub use definition::Subject;
pub use drafts::{application_number, edit_form, open_form, save_draft};
pub(crate) use events::{ActorRef, Change, record_change, record_note};
pub(crate) use lifecycle::recompute_status;
pub use lifecycle::{Outcome, submit, take_back, withdraw};
pub(crate) use reads::{Reader, detail_of};
pub use reads::{detail, list_mine};

use crate::entities::{application, proxy_consent, resident};
use domain::error::{AppError, ErrorCode};
use i18n::Locale;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

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

/// The applications a resident may see: their own, and those they submitted for a household
/// member while that member's consent stands. Revoking it ends the proxy's access to every
/// later step (reading, materials, answers), not only to new applications.
pub(crate) fn visible_to(resident_id: ResidentId) -> Condition {
    let consent_stands = Query::select()
        .expr(Expr::val(1))
        .from(proxy_consent::Entity)
        .and_where(
            Expr::col((proxy_consent::Entity, proxy_consent::Column::ResidentId))
                .equals((application::Entity, application::Column::ResidentId)),
        )
        .and_where(
            Expr::col((
                proxy_consent::Entity,
                proxy_consent::Column::ProxyResidentId,
            ))
            .eq(resident_id),
        )
        .and_where(Expr::col((proxy_consent::Entity, proxy_consent::Column::RevokedAt)).is_null())
        .to_owned();
    Condition::any()
        .add(application::Column::ResidentId.eq(resident_id))
        .add(
            Condition::all()
                .add(application::Column::SubmittedByResidentId.eq(resident_id))
                .add(Expr::exists(consent_stands)),
        )
}

/// An application the resident may see ([`visible_to`]).
pub(crate) async fn visible_application(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
    number: &ApplicationNumber,
) -> Result<application::Model, AppError> {
    application::Entity::find()
        .filter(application::Column::Number.eq(number.as_str()))
        .filter(visible_to(resident_id))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}
