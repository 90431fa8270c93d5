//! An application form generated from the service's definition, and the one set of checks its
//! answers must pass: run in the browser as the resident types and on the server before
//! anything is stored as submitted.

use super::catalog::{FieldKind, FormField, Material, MaterialForm};
use super::id_number::IdNumber;
use super::text::LocalizedText;
use super::validation::{FieldError, Problem, normalize_mobile, too_long};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The answers of a form, by field key, as typed (all text, as a browser sends them).
pub type Answers = BTreeMap<String, String>;

pub const TEXT_MAX_CHARS: u32 = 200;
pub const ADDRESS_MAX_CHARS: u32 = 255;
const NUMBER_MAX_CHARS: u32 = 18;

/// Keys of the applicant block every form starts with; name and ID number come from the
/// account and cannot be changed in a form.
pub const APPLICANT_NAME: &str = "applicant_name";
pub const APPLICANT_ID_NUMBER: &str = "applicant_id_number";
pub const APPLICANT_MOBILE: &str = "applicant_mobile";
pub const APPLICANT_ADDRESS: &str = "applicant_address";

/// The applicant block: contact details every application carries, prefilled from the
/// profile.
pub fn applicant_fields() -> Vec<FormField> {
    let field = |key: &str, zh: &str, en: &str, kind, prefill: &str| FormField {
        key: key.to_owned(),
        label: LocalizedText::new(zh, Some(en.to_owned())),
        kind,
        required: true,
        options: Vec::new(),
        prefill: Some(prefill.to_owned()),
    };
    vec![
        field(
            APPLICANT_NAME,
            "申请人姓名",
            "Applicant's name",
            FieldKind::Text,
            "name",
        ),
        field(
            APPLICANT_ID_NUMBER,
            "申请人身份证号",
            "Applicant's ID number",
            FieldKind::IdNumber,
            "id_number",
        ),
        field(
            APPLICANT_MOBILE,
            "联系电话",
            "Contact phone",
            FieldKind::Phone,
            "mobile",
        ),
        field(
            APPLICANT_ADDRESS,
            "联系地址",
            "Contact address",
            FieldKind::Address,
            "address",
        ),
    ]
}

/// Whether this is the platform's own default of an applicant field (a service may word it
/// differently).
pub fn is_applicant_default(field: &FormField) -> bool {
    applicant_fields().contains(field)
}

/// Whether the field shows the account's identity rather than asking for it.
pub fn is_locked(field: &FormField) -> bool {
    field.key == APPLICANT_NAME || field.key == APPLICANT_ID_NUMBER
}

/// Checks one answer against its field. An empty optional answer is fine.
pub fn check_answer(field: &FormField, value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() {
        return if field.required && field.kind != FieldKind::File {
            Err(Problem::Required)
        } else {
            Ok(())
        };
    }
    match field.kind {
        FieldKind::Text | FieldKind::File => ok_unless(
            too_long(value, TEXT_MAX_CHARS),
            Problem::TooLong {
                max: TEXT_MAX_CHARS,
            },
        ),
        FieldKind::Address => ok_unless(
            too_long(value, ADDRESS_MAX_CHARS),
            Problem::TooLong {
                max: ADDRESS_MAX_CHARS,
            },
        ),
        FieldKind::Number => {
            let valid = !too_long(value, NUMBER_MAX_CHARS)
                && value
                    .parse::<f64>()
                    .is_ok_and(|n| n.is_finite() && n >= 0.0);
            ok_unless(!valid, Problem::InvalidNumber)
        }
        FieldKind::Date => {
            let valid = NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok_and(|date| {
                let year = chrono::Datelike::year(&date);
                (1900..=2100).contains(&year)
            });
            ok_unless(!valid, Problem::InvalidDate)
        }
        FieldKind::Choice => ok_unless(
            !field.options.iter().any(|option| option.zh == value),
            Problem::NotAnOption,
        ),
        FieldKind::IdNumber => ok_unless(IdNumber::parse(value).is_err(), Problem::InvalidIdNumber),
        FieldKind::Phone => ok_unless(!is_phone(value), Problem::InvalidMobile),
    }
}

fn ok_unless(bad: bool, problem: Problem) -> Result<(), Problem> {
    if bad { Err(problem) } else { Ok(()) }
}

/// A mobile number, or a landline with area code (e.g. 0571-87654321).
fn is_phone(value: &str) -> bool {
    if normalize_mobile(value).is_some() {
        return true;
    }
    let digits: String = value.chars().filter(|c| *c != '-' && *c != ' ').collect();
    digits.starts_with('0')
        && (10..=12).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Every problem with `answers`, in the order of the form.
pub fn validate_answers(fields: &[FormField], answers: &Answers) -> Vec<FieldError> {
    fields
        .iter()
        .filter(|field| field.kind != FieldKind::File)
        .filter_map(|field| {
            let value = answers.get(&field.key).map(String::as_str).unwrap_or("");
            check_answer(field, value)
                .err()
                .map(|problem| FieldError::new(field.key.clone(), problem))
        })
        .collect()
}

/// The key under which a material's files are reported: `material_<index>`.
pub fn material_key(index: usize) -> String {
    format!("material_{index}")
}

/// Whether the resident must hand in a file for this material online.
pub fn needs_upload(material: &Material) -> bool {
    material.required && material.form != MaterialForm::Exempt
}

/// Required materials with no file yet, given how many files each material index has.
pub fn missing_materials(materials: &[Material], files_per_material: &[usize]) -> Vec<FieldError> {
    materials
        .iter()
        .enumerate()
        .filter(|(index, material)| {
            needs_upload(material) && files_per_material.get(*index).copied().unwrap_or(0) == 0
        })
        .map(|(index, _)| FieldError::new(material_key(index), Problem::FileRequired))
        .collect()
}

/// One page of the step-by-step form of elderly mode, which asks one thing per page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The field at this index of the form's fields.
    Question(usize),
    /// The material at this index, to upload.
    Material(usize),
    /// Every answer and file to check, then submit.
    Check,
}

/// The steps of a form: each field the resident answers (the applicant's name and ID number
/// are fixed), each material that can be handed in online, then the check.
pub fn steps(fields: &[FormField], materials: &[Material]) -> Vec<Step> {
    let questions = fields
        .iter()
        .enumerate()
        .filter(|(_, field)| !is_locked(field))
        .map(|(index, _)| Step::Question(index));
    let uploads = materials
        .iter()
        .enumerate()
        .filter(|(_, material)| material.form != MaterialForm::Exempt)
        .map(|(index, _)| Step::Material(index));
    questions.chain(uploads).chain([Step::Check]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_asked_one_thing_at_a_time_then_checked() {
        let fields = [
            field(APPLICANT_NAME, FieldKind::Text, true),
            field(APPLICANT_ID_NUMBER, FieldKind::IdNumber, true),
            field("phone", FieldKind::Phone, true),
            field("reason", FieldKind::Text, false),
        ];
        let material = |form| Material {
            name: LocalizedText::new("证明", None),
            required: true,
            form,
            note: None,
        };
        let materials = [material(MaterialForm::Exempt), material(MaterialForm::Copy)];
        assert_eq!(
            steps(&fields, &materials),
            [
                Step::Question(2),
                Step::Question(3),
                Step::Material(1),
                Step::Check
            ]
        );
        assert_eq!(steps(&fields[..2], &[]), [Step::Check]);
    }

    fn field(key: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            key: key.into(),
            label: LocalizedText::new(key, None),
            kind,
            required,
            options: if kind == FieldKind::Choice {
                vec![
                    LocalizedText::new("顺产", Some("Natural".into())),
                    LocalizedText::new("剖宫产", Some("Caesarean".into())),
                ]
            } else {
                Vec::new()
            },
            prefill: None,
        }
    }

    #[test]
    fn each_kind_checks_its_format() {
        let check = |kind, value: &str| check_answer(&field("f", kind, true), value);
        assert_eq!(check(FieldKind::Text, "  "), Err(Problem::Required));
        assert_eq!(
            check(FieldKind::Text, &"字".repeat(201)),
            Err(Problem::TooLong { max: 200 })
        );
        assert_eq!(check(FieldKind::Number, "3"), Ok(()));
        assert_eq!(check(FieldKind::Number, "2.5"), Ok(()));
        assert_eq!(check(FieldKind::Number, "-1"), Err(Problem::InvalidNumber));
        assert_eq!(check(FieldKind::Number, "三"), Err(Problem::InvalidNumber));
        assert_eq!(
            check(FieldKind::Date, "2026-02-29"),
            Err(Problem::InvalidDate)
        );
        assert_eq!(check(FieldKind::Date, "2024-02-29"), Ok(()));
        assert_eq!(
            check(FieldKind::Date, "1800-01-01"),
            Err(Problem::InvalidDate)
        );
        assert_eq!(check(FieldKind::Choice, "剖宫产"), Ok(()));
        assert_eq!(
            check(FieldKind::Choice, "Caesarean"),
            Err(Problem::NotAnOption)
        );
        assert_eq!(check(FieldKind::IdNumber, "11010519491231002X"), Ok(()));
        assert_eq!(
            check(FieldKind::IdNumber, "110105194912310021"),
            Err(Problem::InvalidIdNumber)
        );
        assert_eq!(check(FieldKind::Phone, "13812345678"), Ok(()));
        assert_eq!(check(FieldKind::Phone, "0571-87654321"), Ok(()));
        assert_eq!(
            check(FieldKind::Phone, "12345"),
            Err(Problem::InvalidMobile)
        );
    }

    #[test]
    fn optional_fields_may_stay_empty_but_not_be_wrong() {
        let optional = field("f", FieldKind::Date, false);
        assert_eq!(check_answer(&optional, ""), Ok(()));
        assert_eq!(check_answer(&optional, "soon"), Err(Problem::InvalidDate));
    }

    #[test]
    fn all_problems_are_reported_in_form_order() {
        let fields = vec![
            field("a", FieldKind::Text, true),
            field("b", FieldKind::File, true),
            field("c", FieldKind::Number, true),
        ];
        let mut answers = Answers::new();
        answers.insert("c".into(), "x".into());
        let errors = validate_answers(&fields, &answers);
        assert_eq!(
            errors,
            vec![
                FieldError::new("a", Problem::Required),
                FieldError::new("c", Problem::InvalidNumber),
            ]
        );
    }

    #[test]
    fn required_materials_need_a_file_unless_exempt() {
        let material = |required, form| Material {
            name: LocalizedText::new("材料", None),
            required,
            form,
            note: None,
        };
        let materials = vec![
            material(true, MaterialForm::Copy),
            material(true, MaterialForm::Exempt),
            material(false, MaterialForm::Copy),
            material(true, MaterialForm::Original),
        ];
        assert_eq!(
            missing_materials(&materials, &[0, 0, 0, 1]),
            vec![FieldError::new("material_0", Problem::FileRequired)]
        );
        assert!(missing_materials(&materials, &[2, 0, 0, 1]).is_empty());
    }

    #[test]
    fn the_applicant_block_locks_identity_only() {
        let fields = applicant_fields();
        let locked: Vec<_> = fields
            .iter()
            .filter(|f| is_locked(f))
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(locked, [APPLICANT_NAME, APPLICANT_ID_NUMBER]);
    }
}
