//! The answers a new form starts with: the profile, then what the resident gave before
//! ("fill once"); and the answers kept from what was sent.
use domain::ids::ResidentId;

use crate::entities::{application, resident};
use crate::json;
use domain::catalog::FormField;
use domain::error::AppError;
use domain::form::{Answers, is_locked};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// How many earlier applications "fill once" looks at for answers already given.
const HISTORY_DEPTH: u64 = 20;

/// The profile facts fields can be prefilled from.
fn profile_fact(resident: &resident::Model, fact: &str) -> Option<String> {
    match fact {
        "name" => Some(resident.name.clone()),
        "id_number" => Some(resident.id_number.clone()),
        "mobile" => resident.mobile.clone(),
        "address" => Some(resident.address.clone()).filter(|a| !a.is_empty()),
        "birth_date" => Some(resident.birth_date.format("%Y-%m-%d").to_string()),
        "gender" => Some(
            if resident.gender == "female" {
                "女"
            } else {
                "男"
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// Answers the resident gave in earlier applications, the newest winning ("fill once").
pub(super) async fn earlier_answers(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Answers, AppError> {
    let rows: Vec<serde_json::Value> = application::Entity::find()
        .select_only()
        .column(application::Column::FormData)
        .filter(application::Column::ResidentId.eq(resident_id))
        .order_by_desc(application::Column::Id)
        .limit(HISTORY_DEPTH)
        .into_tuple()
        .all(db)
        .await?;
    let mut answers = Answers::new();
    // Oldest first, so that newer answers overwrite older ones.
    for row in rows.into_iter().rev() {
        let old: Answers = json::read(row, "application.form_data")?;
        answers.extend(old.into_iter().filter(|(_, v)| !v.trim().is_empty()));
    }
    Ok(answers)
}

/// The answers a new form starts with: the profile first, then what was given before.
pub(super) fn prefill(
    fields: &[FormField],
    resident: &resident::Model,
    earlier: &Answers,
) -> Answers {
    fields
        .iter()
        .filter_map(|field| {
            let from_profile = field
                .prefill
                .as_deref()
                .and_then(|f| profile_fact(resident, f));
            let value = from_profile.or_else(|| earlier.get(&field.key).cloned())?;
            Some((field.key.clone(), value))
        })
        .collect()
}

/// Keeps only the form's own keys, trims them, and puts the account's identity in the locked
/// fields whatever was sent.
pub(super) fn clean_answers(
    fields: &[FormField],
    sent: &Answers,
    resident: &resident::Model,
) -> Answers {
    fields
        .iter()
        .filter_map(|field| {
            let value = if is_locked(field) {
                field
                    .prefill
                    .as_deref()
                    .and_then(|f| profile_fact(resident, f))
            } else {
                sent.get(&field.key).map(|v| v.trim().to_owned())
            }?;
            Some((field.key.clone(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use domain::catalog::FieldKind;
    use domain::form::{APPLICANT_ID_NUMBER, APPLICANT_NAME, applicant_fields};
    use domain::text::LocalizedText;

    fn resident() -> resident::Model {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        resident::Model {
            id: ResidentId(7),
            id_number: "110101195003070017".into(),
            name: "王秀英".into(),
            gender: "female".into(),
            birth_date: NaiveDate::from_ymd_opt(1950, 3, 7).unwrap(),
            mobile: None,
            password_hash: None,
            household_id: None,
            household_relation: None,
            region_id: 1,
            address: String::new(),
            moved_in_on: None,
            language: "zh-CN".into(),
            elderly_mode: true,
            elderly_mode_offered_at: None,
            notify_consent: false,
            email: None,
            claim_mobile: None,
            claim_password_hash: None,
            claim_requested_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn field(key: &str, prefill: Option<&str>) -> FormField {
        FormField {
            key: key.into(),
            label: LocalizedText::new(key, None),
            kind: FieldKind::Text,
            required: false,
            options: Vec::new(),
            prefill: prefill.map(str::to_owned),
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_profile_wins_over_earlier_answers_and_gaps_stay_empty() {
        let fields = [
            field("who", Some("name")),
            field("born", Some("birth_date")),
            field("sex", Some("gender")),
            // No mobile and no address on the profile: earlier answers fill them, or nothing.
            field("phone", Some("mobile")),
            field("where", Some("address")),
            field("school", None),
        ];
        let earlier = answers(&[("who", "别人"), ("phone", "13800000000"), ("pet", "cat")]);
        let filled = prefill(&fields, &resident(), &earlier);
        assert_eq!(
            filled,
            answers(&[
                ("who", "王秀英"),
                ("born", "1950-03-07"),
                ("sex", "女"),
                ("phone", "13800000000"),
            ])
        );
    }

    #[test]
    fn sent_answers_are_trimmed_to_the_form_and_identity_comes_from_the_account() {
        let mut fields = applicant_fields();
        fields.push(field("school", None));
        let sent = answers(&[
            (APPLICANT_NAME, "冒名"),
            (APPLICANT_ID_NUMBER, "110101199001011234"),
            ("school", "  实验小学 "),
            ("injected", "x"),
        ]);
        let kept = clean_answers(&fields, &sent, &resident());
        assert_eq!(kept.get(APPLICANT_NAME).map(String::as_str), Some("王秀英"));
        assert_eq!(
            kept.get(APPLICANT_ID_NUMBER).map(String::as_str),
            Some("110101195003070017")
        );
        assert_eq!(kept.get("school").map(String::as_str), Some("实验小学"));
        assert!(!kept.contains_key("injected"));
    }
}
