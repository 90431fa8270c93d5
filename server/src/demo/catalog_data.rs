//! The demo service catalogue — departments, topics, life events, services and bundles of a
//! district government, written to look like a real one (materials, form fields and time
//! limits follow the published guides of such services) — is data: `catalog.json` beside
//! this file, read by serde into the types below and checked by the tests. Fields and
//! materials most services share are written once (`common_fields`, `common_materials`) and
//! named by a service as `{"common": "applicant_name"}`.

use domain::catalog::{FieldKind, MaterialForm, OnlineLevel};
use sea_orm::DbErr;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentSeed {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub hotline: String,
    pub address: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySeed {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeEventSeed {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialSeed {
    pub name: String,
    pub name_en: String,
    pub required: bool,
    pub form: MaterialForm,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSeed {
    /// Stable answer key, snake_case English.
    pub key: String,
    pub label: String,
    pub label_en: String,
    pub kind: FieldKind,
    pub required: bool,
    /// (zh, en) pairs, only for `FieldKind::Choice`.
    #[serde(default)]
    pub options: Vec<(String, String)>,
    /// Profile fact the field is prefilled from: one of "name", "id_number", "mobile",
    /// "address", "birth_date", "gender", or none.
    #[serde(default)]
    pub prefill: Option<String>,
}

#[derive(Debug)]
pub struct ServiceSeed {
    pub code: String,
    /// `DepartmentSeed::code` of the owning department.
    pub department: String,
    /// `CategorySeed::code`.
    pub category: String,
    pub name: String,
    pub name_en: String,
    pub summary: String,
    pub summary_en: String,
    pub audience: String,
    pub audience_en: String,
    pub promised_days: i32,
    pub legal_days: i32,
    pub fee_cents: i64,
    pub fee_note: Option<String>,
    pub online_level: OnlineLevel,
    pub materials: Vec<MaterialSeed>,
    pub fields: Vec<FieldSeed>,
    /// `LifeEventSeed::code`s that make this service relevant.
    pub life_events: Vec<String>,
    pub auto_grant: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleSeed {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub summary: String,
    pub summary_en: String,
    pub life_event: String,
    /// `ServiceSeed::code`s, in the order the bundle's tasks are listed.
    pub services: Vec<String>,
}

/// The whole catalogue, every shared field and material in place.
#[derive(Debug)]
pub struct Catalogue {
    pub departments: Vec<DepartmentSeed>,
    pub categories: Vec<CategorySeed>,
    pub life_events: Vec<LifeEventSeed>,
    pub services: Vec<ServiceSeed>,
    pub bundles: Vec<BundleSeed>,
}

/// A service's field or material: its own, or one of the shared ones by name.
#[derive(Deserialize)]
#[serde(untagged)]
enum Entry<T> {
    Common { common: String },
    Own(T),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    code: String,
    department: String,
    category: String,
    name: String,
    name_en: String,
    summary: String,
    summary_en: String,
    audience: String,
    audience_en: String,
    promised_days: i32,
    legal_days: i32,
    fee_cents: i64,
    #[serde(default)]
    fee_note: Option<String>,
    online_level: OnlineLevel,
    materials: Vec<Entry<MaterialSeed>>,
    fields: Vec<Entry<FieldSeed>>,
    #[serde(default)]
    life_events: Vec<String>,
    #[serde(default)]
    auto_grant: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    common_fields: BTreeMap<String, FieldSeed>,
    common_materials: BTreeMap<String, MaterialSeed>,
    departments: Vec<DepartmentSeed>,
    categories: Vec<CategorySeed>,
    life_events: Vec<LifeEventSeed>,
    services: Vec<ServiceFile>,
    bundles: Vec<BundleSeed>,
}

fn resolve<T: Clone>(
    entries: Vec<Entry<T>>,
    common: &BTreeMap<String, T>,
    service: &str,
) -> Result<Vec<T>, String> {
    entries
        .into_iter()
        .map(|entry| match entry {
            Entry::Own(value) => Ok(value),
            Entry::Common { common: name } => common
                .get(&name)
                .cloned()
                .ok_or_else(|| format!("service {service} names an unknown shared entry {name:?}")),
        })
        .collect()
}

fn parse(text: &str) -> Result<Catalogue, String> {
    let file: CatalogueFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let services = file
        .services
        .into_iter()
        .map(|s| {
            Ok(ServiceSeed {
                materials: resolve(s.materials, &file.common_materials, &s.code)?,
                fields: resolve(s.fields, &file.common_fields, &s.code)?,
                code: s.code,
                department: s.department,
                category: s.category,
                name: s.name,
                name_en: s.name_en,
                summary: s.summary,
                summary_en: s.summary_en,
                audience: s.audience,
                audience_en: s.audience_en,
                promised_days: s.promised_days,
                legal_days: s.legal_days,
                fee_cents: s.fee_cents,
                fee_note: s.fee_note,
                online_level: s.online_level,
                life_events: s.life_events,
                auto_grant: s.auto_grant,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Catalogue {
        departments: file.departments,
        categories: file.categories,
        life_events: file.life_events,
        services,
        bundles: file.bundles,
    })
}

static CATALOGUE: LazyLock<Result<Catalogue, String>> =
    LazyLock::new(|| parse(include_str!("catalog.json")));

/// The demo catalogue, read once.
pub fn catalogue() -> Result<&'static Catalogue, DbErr> {
    CATALOGUE
        .as_ref()
        .map_err(|e| DbErr::Custom(format!("demo catalogue (catalog.json): {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_catalogue_reads_and_every_code_it_names_exists() {
        let catalogue = catalogue().expect("catalog.json reads");
        assert!(
            catalogue.services.len() >= 50,
            "{}",
            catalogue.services.len()
        );
        let codes = |items: &mut dyn Iterator<Item = &String>| -> HashSet<String> {
            items.cloned().collect()
        };
        let departments = codes(&mut catalogue.departments.iter().map(|d| &d.code));
        let categories = codes(&mut catalogue.categories.iter().map(|c| &c.code));
        let events = codes(&mut catalogue.life_events.iter().map(|e| &e.code));
        let services = codes(&mut catalogue.services.iter().map(|s| &s.code));
        assert_eq!(
            services.len(),
            catalogue.services.len(),
            "service codes are unique"
        );
        for s in &catalogue.services {
            assert!(
                departments.contains(&s.department),
                "{}: {}",
                s.code,
                s.department
            );
            assert!(
                categories.contains(&s.category),
                "{}: {}",
                s.code,
                s.category
            );
            assert!(
                s.life_events.iter().all(|e| events.contains(e)),
                "{}",
                s.code
            );
            let keys: HashSet<&str> = s.fields.iter().map(|f| f.key.as_str()).collect();
            assert_eq!(
                keys.len(),
                s.fields.len(),
                "{}: answer keys are unique",
                s.code
            );
            for f in &s.fields {
                assert_eq!(
                    f.kind == FieldKind::Choice,
                    !f.options.is_empty(),
                    "{} {}: choices, and only choices, have options",
                    s.code,
                    f.key
                );
            }
        }
        for b in &catalogue.bundles {
            assert!(events.contains(&b.life_event), "{}", b.code);
            assert!(
                b.services.iter().all(|c| services.contains(c)),
                "{}",
                b.code
            );
        }
    }

    #[test]
    fn a_shared_entry_that_does_not_exist_is_named() {
        let text = r#"{"common_fields": {}, "common_materials": {}, "departments": [],
            "categories": [], "life_events": [], "bundles": [], "services": [{
            "code": "X-1", "department": "d", "category": "c", "name": "n", "name_en": "n",
            "summary": "s", "summary_en": "s", "audience": "a", "audience_en": "a",
            "promised_days": 1, "legal_days": 1, "fee_cents": 0, "online_level": "fully_online",
            "materials": [], "fields": [{"common": "applicant_nmae"}]}]}"#;
        let error = parse(text).expect_err("an unknown shared field");
        assert!(error.contains("applicant_nmae"), "{error}");
    }
}
