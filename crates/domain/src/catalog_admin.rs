//! Keeping the catalogue (事项管理): what an administrator writes to create or change a
//! service or a bundle (一件事), what the console lists, and the checks a draft must pass
//! before it is stored.
//!
//! The checks are plain functions so that the console can run them before a post and the
//! server runs them again to decide. They report [`FieldError`]s whose `field` names the
//! draft's field: `code`, `name`, `department`, `promised_days`, …; items of a list by index,
//! `materials.0.name`, `form_fields.2.key`, `form_fields.2.options`, `life_events.1`,
//! `services.0`.
//!
//! A code or key with other characters is [`Problem::InvalidFormat`], a repeated one
//! [`Problem::Duplicate`], a number outside its range [`Problem::OutOfRange`], and a code
//! that names nothing known (department, category, life event, service, prefill fact)
//! [`Problem::NotAnOption`].

use super::catalog::{DepartmentRef, FieldKind, FormField, LifeEventRef, Material, OnlineLevel};
use super::text::LocalizedText;
use super::validation::{FieldError, Problem, too_long};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where a service or bundle stands: residents find and apply for published ones only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum CatalogStatus {
    /// Created, never published.
    Draft,
    Published,
    /// Taken off the catalogue; applications already made go on.
    Unpublished,
}

impl CatalogStatus {
    pub const ALL: [CatalogStatus; 3] = [
        CatalogStatus::Draft,
        CatalogStatus::Published,
        CatalogStatus::Unpublished,
    ];

    /// The value of the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogStatus::Draft => "draft",
            CatalogStatus::Published => "published",
            CatalogStatus::Unpublished => "unpublished",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// The longest catalogue code (the column's width).
pub const CODE_MAX: u32 = 32;
/// The longest name (the column's width); an English name may be longer.
pub const NAME_MAX: u32 = 200;
pub const NAME_EN_MAX: u32 = 300;
/// The longest summary or audience text, in either language.
pub const TEXT_MAX: u32 = 2000;
pub const FEE_NOTE_MAX: u32 = 255;
/// The longest label of a form field, name of a material or option.
pub const LABEL_MAX: u32 = 200;
pub const MATERIAL_NOTE_MAX: u32 = 500;
/// The longest key of a form field.
pub const FIELD_KEY_MAX: u32 = 64;
/// The longest legal time limit accepted, in working days.
pub const LEGAL_DAYS_MAX: i32 = 3650;
/// The highest fee, in fen (one million yuan): anything above is a typing slip.
pub const FEE_CENTS_MAX: i64 = 100_000_000;
/// The profile facts a form field can be prefilled from ("fill once").
pub const PREFILL_FACTS: [&str; 6] = [
    "name",
    "id_number",
    "mobile",
    "address",
    "birth_date",
    "gender",
];

/// A service as an administrator writes it: everything but its status and form version.
/// Codes name the department, the category and the life events. Every field may be left
/// out of a JSON body; what is then missing is reported field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceDraft {
    /// 事项编码: 2 to 32 letters, digits, `-` or `_`, starting with a letter or digit (the
    /// demo catalogue's are like `MZ-0101`). Stable: it cannot change once created.
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    /// Who can apply (服务对象 / 申请条件).
    pub audience: String,
    pub audience_en: Option<String>,
    /// The owning department's code.
    pub department: String,
    /// The category's (topic's) code.
    pub category: String,
    /// 承诺时限, working days; 0 means done on the spot. At most `legal_days`.
    pub promised_days: i32,
    /// 法定时限, working days.
    pub legal_days: i32,
    /// Fee in fen (分); 0 means free.
    pub fee_cents: i64,
    pub fee_note: Option<String>,
    pub online_level: Option<OnlineLevel>,
    pub materials: Vec<Material>,
    /// The service's own questions; the applicant block is added to every form.
    pub form_fields: Vec<FormField>,
    /// Codes of the life events that make the service relevant.
    pub life_events: Vec<String>,
    /// 免申即享: granted from data already held, the resident only confirms.
    pub auto_grant: bool,
}

/// A bundle (一件事) as an administrator writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BundleDraft {
    /// Same rule as a service's code (the demo's are like `birth`).
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    /// The life event the bundle answers, by code.
    pub life_event: Option<String>,
    /// The member services' codes, in the order their tasks are listed; at least one.
    pub services: Vec<String>,
}

/// The console's catalogue list: every service and bundle, whatever its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogOverview {
    pub services: Vec<ServiceListItem>,
    pub bundles: Vec<BundleListItem>,
}

/// What the service form needs: the stored service (None for a new one) and the choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEditor {
    pub record: Option<ServiceRecord>,
    pub departments: Vec<super::console::Choice>,
    pub categories: Vec<super::console::Choice>,
    pub life_events: Vec<super::console::Choice>,
}

/// What the bundle form needs: the stored bundle (None for a new one) and the choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleEditor {
    pub record: Option<BundleRecord>,
    pub life_events: Vec<super::console::Choice>,
    /// Every service, by code.
    pub services: Vec<super::console::Choice>,
}

/// A stored service as the console edits it: the draft and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRecord {
    #[serde(flatten)]
    pub draft: ServiceDraft,
    pub status: CatalogStatus,
    /// Bumped by every change of the form fields or materials; a submitted application
    /// keeps the version (and the form) it was made with.
    pub form_version: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored bundle as the console edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    #[serde(flatten)]
    pub draft: BundleDraft,
    pub status: CatalogStatus,
    pub created_at: DateTime<Utc>,
}

/// One line of the console's list of services (every status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceListItem {
    pub code: String,
    pub name: LocalizedText,
    pub department: DepartmentRef,
    pub category_code: String,
    pub status: CatalogStatus,
    pub form_version: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the console's list of bundles (every status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleListItem {
    pub code: String,
    pub name: LocalizedText,
    pub life_event: Option<LifeEventRef>,
    pub status: CatalogStatus,
    /// The member services' codes, in order.
    pub services: Vec<String>,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// Normalizing and checking

fn trimmed(value: &str) -> String {
    value.trim().to_owned()
}

/// Trimmed, and None when blank.
fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn localized(text: &LocalizedText) -> LocalizedText {
    LocalizedText::new(trimmed(&text.zh), optional(&text.en))
}

/// A catalogue code: 2 to 32 ASCII letters, digits, `-` or `_`, starting with a letter or a
/// digit.
pub fn is_catalog_code(code: &str) -> bool {
    (2..=CODE_MAX as usize).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A form field's key: lower-case ASCII letters, digits and `_`.
pub fn is_field_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= FIELD_KEY_MAX as usize
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Collects problems field by field.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    /// A required text: present and not longer than `max` characters.
    fn required(&mut self, field: &str, value: &str, max: u32) {
        if value.is_empty() {
            self.add(field, Problem::Required);
        } else if too_long(value, max) {
            self.add(field, Problem::TooLong { max });
        }
    }

    fn optional(&mut self, field: &str, value: Option<&str>, max: u32) {
        if let Some(value) = value
            && too_long(value, max)
        {
            self.add(field, Problem::TooLong { max });
        }
    }

    fn code(&mut self, field: &str, code: &str) {
        if code.is_empty() {
            self.add(field, Problem::Required);
        } else if too_long(code, CODE_MAX) {
            self.add(field, Problem::TooLong { max: CODE_MAX });
        } else if !is_catalog_code(code) {
            self.add(field, Problem::InvalidFormat);
        }
    }

    fn localized(&mut self, field: &str, text: &LocalizedText, max: u32) {
        self.required(&format!("{field}.zh"), &text.zh, max);
        self.optional(&format!("{field}.en"), text.en.as_deref(), max);
    }

    fn into_result<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

fn normalized_material(material: &Material) -> Material {
    Material {
        name: localized(&material.name),
        required: material.required,
        form: material.form,
        note: optional(&material.note),
    }
}

fn normalized_field(field: &FormField) -> FormField {
    FormField {
        key: trimmed(&field.key),
        label: localized(&field.label),
        kind: field.kind,
        required: field.required,
        // Only a choice has options; elsewhere they would mean nothing.
        options: if field.kind == FieldKind::Choice {
            field.options.iter().map(localized).collect()
        } else {
            Vec::new()
        },
        prefill: optional(&field.prefill),
    }
}

/// Problems of a list of materials: each named, no name twice.
pub fn material_problems(materials: &[Material]) -> Vec<FieldError> {
    let mut problems = Problems::default();
    let mut names = HashSet::new();
    for (i, material) in materials.iter().enumerate() {
        let at = format!("materials.{i}");
        problems.localized(&format!("{at}.name"), &material.name, LABEL_MAX);
        if !material.name.zh.is_empty() && !names.insert(material.name.zh.as_str()) {
            problems.add(format!("{at}.name.zh"), Problem::Duplicate);
        }
        problems.optional(
            &format!("{at}.note"),
            material.note.as_deref(),
            MATERIAL_NOTE_MAX,
        );
    }
    problems.0
}

/// Problems of a form: keys well formed and unique, labels present, a choice with options
/// (each once), prefills from known profile facts.
pub fn form_problems(fields: &[FormField]) -> Vec<FieldError> {
    let mut problems = Problems::default();
    let mut keys = HashSet::new();
    for (i, field) in fields.iter().enumerate() {
        let at = format!("form_fields.{i}");
        if field.key.is_empty() {
            problems.add(format!("{at}.key"), Problem::Required);
        } else if !is_field_key(&field.key) {
            problems.add(format!("{at}.key"), Problem::InvalidFormat);
        } else if !keys.insert(field.key.as_str()) {
            problems.add(format!("{at}.key"), Problem::Duplicate);
        }
        problems.localized(&format!("{at}.label"), &field.label, LABEL_MAX);
        if field.kind == FieldKind::Choice {
            if field.options.is_empty() {
                problems.add(format!("{at}.options"), Problem::Required);
            }
            let mut seen = HashSet::new();
            for (j, option) in field.options.iter().enumerate() {
                let option_at = format!("{at}.options.{j}");
                problems.localized(&option_at, option, LABEL_MAX);
                if !option.zh.is_empty() && !seen.insert(option.zh.as_str()) {
                    problems.add(format!("{option_at}.zh"), Problem::Duplicate);
                }
            }
        }
        if let Some(fact) = &field.prefill
            && !PREFILL_FACTS.contains(&fact.as_str())
        {
            problems.add(format!("{at}.prefill"), Problem::NotAnOption);
        }
    }
    problems.0
}

impl ServiceDraft {
    /// The draft with text trimmed, blank optional text as none, options kept only on
    /// choices, and each life event once.
    pub fn normalized(&self) -> ServiceDraft {
        let mut life_events: Vec<String> = Vec::new();
        for code in &self.life_events {
            let code = trimmed(code);
            if !life_events.contains(&code) {
                life_events.push(code);
            }
        }
        ServiceDraft {
            code: trimmed(&self.code),
            name: trimmed(&self.name),
            name_en: optional(&self.name_en),
            summary: trimmed(&self.summary),
            summary_en: optional(&self.summary_en),
            audience: trimmed(&self.audience),
            audience_en: optional(&self.audience_en),
            department: trimmed(&self.department),
            category: trimmed(&self.category),
            promised_days: self.promised_days,
            legal_days: self.legal_days,
            fee_cents: self.fee_cents,
            fee_note: optional(&self.fee_note),
            online_level: self.online_level,
            materials: self.materials.iter().map(normalized_material).collect(),
            form_fields: self.form_fields.iter().map(normalized_field).collect(),
            life_events,
            auto_grant: self.auto_grant,
        }
    }

    /// Every problem of an already normalized draft (the codes it names are checked
    /// against the database by the store).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Problems::default();
        problems.code("code", &self.code);
        problems.required("name", &self.name, NAME_MAX);
        problems.optional("name_en", self.name_en.as_deref(), NAME_EN_MAX);
        problems.required("summary", &self.summary, TEXT_MAX);
        problems.optional("summary_en", self.summary_en.as_deref(), TEXT_MAX);
        problems.required("audience", &self.audience, TEXT_MAX);
        problems.optional("audience_en", self.audience_en.as_deref(), TEXT_MAX);
        if self.department.is_empty() {
            problems.add("department", Problem::Required);
        }
        if self.category.is_empty() {
            problems.add("category", Problem::Required);
        }
        if !(0..=LEGAL_DAYS_MAX).contains(&self.legal_days) {
            problems.add(
                "legal_days",
                Problem::OutOfRange {
                    min: 0,
                    max: i64::from(LEGAL_DAYS_MAX),
                },
            );
        }
        if self.promised_days < 0 || self.promised_days > self.legal_days.max(0) {
            problems.add(
                "promised_days",
                Problem::OutOfRange {
                    min: 0,
                    max: i64::from(self.legal_days.max(0)),
                },
            );
        }
        if !(0..=FEE_CENTS_MAX).contains(&self.fee_cents) {
            problems.add(
                "fee_cents",
                Problem::OutOfRange {
                    min: 0,
                    max: FEE_CENTS_MAX,
                },
            );
        }
        problems.optional("fee_note", self.fee_note.as_deref(), FEE_NOTE_MAX);
        if self.online_level.is_none() {
            problems.add("online_level", Problem::Required);
        }
        problems.0.extend(material_problems(&self.materials));
        problems.0.extend(form_problems(&self.form_fields));
        for (i, code) in self.life_events.iter().enumerate() {
            if code.is_empty() {
                problems.add(format!("life_events.{i}"), Problem::Required);
            }
        }
        problems.0
    }
}

/// The draft, normalized, if it has no problem; otherwise every problem.
pub fn validate_service(draft: &ServiceDraft) -> Result<ServiceDraft, Vec<FieldError>> {
    let draft = draft.normalized();
    Problems(draft.problems()).into_result(draft)
}

impl BundleDraft {
    /// The draft with text trimmed and blank optional text (and a blank life event) as none.
    pub fn normalized(&self) -> BundleDraft {
        BundleDraft {
            code: trimmed(&self.code),
            name: trimmed(&self.name),
            name_en: optional(&self.name_en),
            summary: trimmed(&self.summary),
            summary_en: optional(&self.summary_en),
            life_event: optional(&self.life_event),
            services: self.services.iter().map(|s| trimmed(s)).collect(),
        }
    }

    /// Every problem of an already normalized draft: at least one service, each once.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Problems::default();
        problems.code("code", &self.code);
        problems.required("name", &self.name, NAME_MAX);
        problems.optional("name_en", self.name_en.as_deref(), NAME_EN_MAX);
        problems.required("summary", &self.summary, TEXT_MAX);
        problems.optional("summary_en", self.summary_en.as_deref(), TEXT_MAX);
        if self.services.is_empty() {
            problems.add("services", Problem::Required);
        }
        let mut seen = HashSet::new();
        for (i, code) in self.services.iter().enumerate() {
            if code.is_empty() {
                problems.add(format!("services.{i}"), Problem::Required);
            } else if !seen.insert(code.as_str()) {
                problems.add(format!("services.{i}"), Problem::Duplicate);
            }
        }
        problems.0
    }
}

/// The draft, normalized, if it has no problem; otherwise every problem.
pub fn validate_bundle(draft: &BundleDraft) -> Result<BundleDraft, Vec<FieldError>> {
    let draft = draft.normalized();
    Problems(draft.problems()).into_result(draft)
}

crate::stored::stored_as_words!(CatalogStatus);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MaterialForm;

    fn text(zh: &str) -> LocalizedText {
        LocalizedText::new(zh, None)
    }

    fn field(key: &str, kind: FieldKind) -> FormField {
        FormField {
            key: key.into(),
            label: text("标签"),
            kind,
            required: true,
            options: Vec::new(),
            prefill: None,
        }
    }

    fn service() -> ServiceDraft {
        ServiceDraft {
            code: "MZ-0901".into(),
            name: "高龄津贴申领".into(),
            name_en: Some("Old-age allowance".into()),
            summary: "80 周岁以上老人按月领取津贴。".into(),
            audience: "本区户籍 80 周岁以上老人".into(),
            department: "mz".into(),
            category: "elderly".into(),
            promised_days: 5,
            legal_days: 20,
            online_level: Some(OnlineLevel::FullyOnline),
            materials: vec![Material {
                name: text("居民身份证"),
                required: true,
                form: MaterialForm::Exempt,
                note: None,
            }],
            form_fields: vec![field("bank_account", FieldKind::Text)],
            life_events: vec!["turning_80".into()],
            ..ServiceDraft::default()
        }
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_service_passes_normalized() {
        let mut draft = service();
        draft.name = "  高龄津贴申领 ".into();
        draft.summary_en = Some("   ".into());
        draft.life_events = vec![" turning_80".into(), "turning_80".into()];
        draft.form_fields[0].options = vec![text("stray")];
        let valid = validate_service(&draft).expect("valid");
        assert_eq!(valid.name, "高龄津贴申领");
        assert_eq!(valid.summary_en, None);
        assert_eq!(valid.life_events, vec!["turning_80".to_owned()]);
        assert!(
            valid.form_fields[0].options.is_empty(),
            "options only on choices"
        );
        assert_eq!(validate_service(&valid), Ok(valid.clone()), "idempotent");
    }

    #[test]
    fn an_empty_service_names_every_required_field() {
        let errors = validate_service(&ServiceDraft::default()).unwrap_err();
        for field in [
            "code",
            "name",
            "summary",
            "audience",
            "department",
            "category",
            "online_level",
        ] {
            assert!(
                errors
                    .iter()
                    .any(|e| e.field == field && e.problem == Problem::Required),
                "{field}: {errors:?}"
            );
        }
    }

    #[test]
    fn codes_are_short_plain_and_start_with_a_letter_or_digit() {
        for good in ["MZ-0101", "birth", "moving_in", "a1", "GA_01"] {
            assert!(is_catalog_code(good), "{good}");
        }
        for bad in ["a", "-ab", "_ab", "民政", "a b", "a/b", &"a".repeat(33)] {
            assert!(!is_catalog_code(bad), "{bad}");
        }
        let mut draft = service();
        draft.code = "MZ 01".into();
        assert_eq!(
            validate_service(&draft).unwrap_err(),
            vec![FieldError::new("code", Problem::InvalidFormat)]
        );
        draft.code = "M".repeat(33);
        assert_eq!(
            validate_service(&draft).unwrap_err(),
            vec![FieldError::new("code", Problem::TooLong { max: 32 })]
        );
    }

    #[test]
    fn the_promise_is_within_the_legal_limit() {
        let mut draft = service();
        draft.promised_days = 21;
        assert_eq!(
            fields_of(&validate_service(&draft).unwrap_err()),
            vec!["promised_days"]
        );
        draft.promised_days = -1;
        assert_eq!(
            fields_of(&validate_service(&draft).unwrap_err()),
            vec!["promised_days"]
        );
        draft.promised_days = 0;
        draft.legal_days = 0;
        assert!(validate_service(&draft).is_ok(), "即办");
        draft.legal_days = -1;
        assert_eq!(
            fields_of(&validate_service(&draft).unwrap_err()),
            vec!["legal_days"]
        );
        let mut draft = service();
        draft.fee_cents = -100;
        assert_eq!(
            validate_service(&draft).unwrap_err(),
            vec![FieldError::new(
                "fee_cents",
                Problem::OutOfRange {
                    min: 0,
                    max: FEE_CENTS_MAX
                }
            )]
        );
    }

    #[test]
    fn field_keys_are_well_formed_and_unique() {
        let mut draft = service();
        draft.form_fields = vec![
            field("bank_account", FieldKind::Text),
            field("Bank-Account", FieldKind::Text),
            field("bank_account", FieldKind::Number),
            field(" ", FieldKind::Date),
        ];
        let errors = validate_service(&draft).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("form_fields.1.key", Problem::InvalidFormat),
                FieldError::new("form_fields.2.key", Problem::Duplicate),
                FieldError::new("form_fields.3.key", Problem::Required),
            ]
        );
        assert!(is_field_key("child_2_name") && !is_field_key("名字"));
    }

    #[test]
    fn a_choice_needs_options_each_once_and_labels_are_required() {
        let mut draft = service();
        let mut choice = field("care_mode", FieldKind::Choice);
        draft.form_fields = vec![choice.clone()];
        assert_eq!(
            validate_service(&draft).unwrap_err(),
            vec![FieldError::new("form_fields.0.options", Problem::Required)]
        );
        choice.options = vec![text("居家"), text(" "), text("居家")];
        choice.label = text("");
        draft.form_fields = vec![choice];
        assert_eq!(
            fields_of(&validate_service(&draft).unwrap_err()),
            vec![
                "form_fields.0.label.zh",
                "form_fields.0.options.1.zh",
                "form_fields.0.options.2.zh",
            ]
        );
    }

    #[test]
    fn prefills_come_from_known_profile_facts() {
        let mut draft = service();
        draft.form_fields[0].prefill = Some("salary".into());
        assert_eq!(
            fields_of(&validate_service(&draft).unwrap_err()),
            vec!["form_fields.0.prefill"]
        );
        draft.form_fields[0].prefill = Some("birth_date".into());
        assert!(validate_service(&draft).is_ok());
        draft.form_fields[0].prefill = Some(String::new());
        assert_eq!(
            validate_service(&draft).unwrap().form_fields[0].prefill,
            None
        );
    }

    #[test]
    fn materials_are_named_once_and_texts_have_limits() {
        let mut draft = service();
        draft.materials.push(draft.materials[0].clone());
        draft.materials.push(Material {
            name: text(""),
            required: false,
            form: MaterialForm::Copy,
            note: Some("x".repeat(501)),
        });
        draft.name = "名".repeat(201);
        assert_eq!(
            validate_service(&draft).unwrap_err(),
            vec![
                FieldError::new("name", Problem::TooLong { max: 200 }),
                FieldError::new("materials.1.name.zh", Problem::Duplicate),
                FieldError::new("materials.2.name.zh", Problem::Required),
                FieldError::new("materials.2.note", Problem::TooLong { max: 500 }),
            ]
        );
    }

    fn bundle() -> BundleDraft {
        BundleDraft {
            code: "birth_plus".into(),
            name: "出生一件事".into(),
            summary: "一次申请".into(),
            life_event: Some("newborn".into()),
            services: vec!["WJ-0101".into(), "GA-0101".into()],
            ..BundleDraft::default()
        }
    }

    #[test]
    fn a_bundle_has_at_least_one_service_each_once() {
        let mut draft = bundle();
        draft.life_event = Some(" ".into());
        assert_eq!(validate_bundle(&draft).unwrap().life_event, None);
        draft.services.clear();
        assert_eq!(
            validate_bundle(&draft).unwrap_err(),
            vec![FieldError::new("services", Problem::Required)]
        );
        draft.services = vec!["WJ-0101".into(), " WJ-0101".into(), String::new()];
        assert_eq!(
            validate_bundle(&draft).unwrap_err(),
            vec![
                FieldError::new("services.1", Problem::Duplicate),
                FieldError::new("services.2", Problem::Required),
            ]
        );
        assert_eq!(
            fields_of(&validate_bundle(&BundleDraft::default()).unwrap_err()),
            vec!["code", "name", "summary", "services"]
        );
    }

    #[test]
    fn drafts_read_from_partial_json_and_statuses_round_trip() {
        let draft: ServiceDraft = serde_json::from_value(
            serde_json::json!({ "code": "X1", "online_level": "one_visit" }),
        )
        .unwrap();
        assert_eq!(draft.online_level, Some(OnlineLevel::OneVisit));
        assert!(draft.form_fields.is_empty());
        for status in CatalogStatus::ALL {
            assert_eq!(CatalogStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(CatalogStatus::parse("deleted"), None);
    }
}
