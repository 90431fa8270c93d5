//! The segment form of the console: saving a segment from the builder's fields, back to the
//! builder's preview when it has problems.

use super::{back, fields_of};
use crate::auth::FormStaff;
use crate::http::form::Fields;
use crate::state::AppState;
use crate::usecases;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::{Form, FormRejection};
use domain::error::AppError;
use domain::segment::{FORM_FIELDS, SegmentDraft, rule_from_form};

/// The builder's query for the fields the form sent, to go back to the same preview.
fn builder_query(fields: &Fields) -> String {
    let kept: Vec<(&str, String)> = FORM_FIELDS
        .iter()
        .map(|key| (*key, fields.value(key)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

pub async fn save_segment(
    State(state): State<AppState>,
    staff: FormStaff,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fields = fields_of(form);
    let result = match rule_from_form(|key| fields.value(key)) {
        Ok(rule) => {
            let draft = SegmentDraft {
                name: fields.value("name"),
                description: fields.value("description"),
                rule,
            };
            usecases::segments::create(&state, &staff.actor, &draft)
                .await
                .map(|_| ())
        }
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let to = format!("/admin/segments?{}", builder_query(&fields));
    back(
        &state,
        &staff.session_id,
        &to,
        "segment",
        fields.kept(),
        result.err(),
    )
    .await
}
