//! What staff do to a resident's record (居民档案): show a masked value in full, add or remove
//! a tag. Each needs a reason, recorded in the audit log; scope is checked by the store.
use domain::ids::ResidentId;

use crate::state::AppState;
use chrono::Utc;
use domain::console::PersonalField;
use domain::error::AppError;
use domain::personal::Revealed;
use serde::Deserialize;
use store::{StaffActor, resident_records};

/// Which masked value to show, and why. JSON `{"field": "mobile", "reason": "…"}`; the
/// record page's form posts the same names.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RevealRequest {
    pub field: PersonalField,
    #[serde(default)]
    pub reason: String,
}

/// A tag to add (`{"tag": "elderly_alone", "reason": "…"}`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TagRequest {
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub reason: String,
}

/// Why a tag is removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Reason {
    #[serde(default)]
    pub reason: String,
}

/// The value in full.
pub async fn reveal(
    state: &AppState,
    actor: &StaffActor,
    resident_id: ResidentId,
    request: &RevealRequest,
) -> Result<Revealed<String>, AppError> {
    resident_records::reveal(
        &state.db,
        actor,
        resident_id,
        request.field,
        &request.reason,
        Utc::now(),
    )
    .await
}

pub async fn add_tag(
    state: &AppState,
    actor: &StaffActor,
    resident_id: ResidentId,
    request: &TagRequest,
) -> Result<(), AppError> {
    resident_records::add_tag(
        &state.db,
        actor,
        resident_id,
        &request.tag,
        &request.reason,
        Utc::now(),
    )
    .await
}

pub async fn remove_tag(
    state: &AppState,
    actor: &StaffActor,
    resident_id: ResidentId,
    code: &str,
    reason: &Reason,
) -> Result<(), AppError> {
    resident_records::remove_tag(
        &state.db,
        actor,
        resident_id,
        code,
        &reason.reason,
        Utc::now(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_page_form_and_json_give_the_same_request() {
        let from_form: RevealRequest =
            serde_html_form::from_str("field=mobile&reason=%E5%9B%9E%E8%AE%BF").expect("form");
        let from_json: RevealRequest =
            serde_json::from_str(r#"{"field":"mobile","reason":"回访"}"#).expect("json");
        assert_eq!(from_form, from_json);
        assert_eq!(from_form.field, PersonalField::Mobile);
    }

    #[test]
    fn a_field_that_cannot_be_revealed_is_not_a_request() {
        assert!(serde_html_form::from_str::<RevealRequest>("field=password&reason=x").is_err());
    }
}
