//! A segment: a named [`Rule`] over residents, built in the console and reused by campaigns.
//! While it is edited the console shows its size, where its members live, how old they are,
//! and a few members with their names masked.

use crate::personal::MaskedName;
use crate::region::RegionKind;
use crate::rule::{Rule, RuleError};
use crate::text::LocalizedText;
use crate::validation::{FieldError, Problem, too_long};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: u32 = 100;
pub const DESCRIPTION_MAX: u32 = 500;
/// Members shown in the sample.
pub const SAMPLE_SIZE: u64 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentDraft {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rule: Rule,
}

impl SegmentDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", Problem::Required));
        } else if too_long(&self.name, NAME_MAX) {
            errors.push(FieldError::new("name", Problem::TooLong { max: NAME_MAX }));
        }
        if too_long(&self.description, DESCRIPTION_MAX) {
            errors.push(FieldError::new(
                "description",
                Problem::TooLong {
                    max: DESCRIPTION_MAX,
                },
            ));
        }
        if let Err(err) = self.rule.validate() {
            errors.push(rule_problem(err));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A rule the form got wrong, as a problem of the `rule` field.
pub fn rule_problem(err: RuleError) -> FieldError {
    use crate::rule::{MAX_CONDITIONS, MAX_DAYS, MAX_DEPTH, MAX_YEARS};
    let problem = match err {
        RuleError::EmptyGroup | RuleError::EmptyTag => Problem::Required,
        RuleError::TooManyConditions => Problem::OutOfRange {
            min: 1,
            max: MAX_CONDITIONS as i64,
        },
        RuleError::TooDeep => Problem::OutOfRange {
            min: 1,
            max: MAX_DEPTH as i64,
        },
        RuleError::EmptyRange => Problem::OutOfRange {
            min: 0,
            max: i64::from(MAX_YEARS),
        },
        RuleError::OutOfRange => Problem::OutOfRange {
            min: 1,
            max: i64::from(MAX_DAYS),
        },
    };
    FieldError::new("rule", problem)
}

/// Counts from 1 to this many less one are shown as "< 10": a count that small, with its
/// district or age band, comes close to naming the people in it.
pub const SMALL_CELL: i64 = 10;

/// A number of residents as the console may show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Headcount {
    Exact(i64),
    /// From 1 to [`SMALL_CELL`] − 1.
    FewerThanTen,
}

impl Headcount {
    pub fn of(n: i64) -> Self {
        if (1..SMALL_CELL).contains(&n) {
            Self::FewerThanTen
        } else {
            Self::Exact(n)
        }
    }

    /// As the page shows it: the number, or "< 10".
    pub fn label(self) -> String {
        match self {
            Self::Exact(n) => n.to_string(),
            Self::FewerThanTen => format!("< {SMALL_CELL}"),
        }
    }
}

/// Age bands of the breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AgeBand {
    Under18,
    From18To39,
    From40To59,
    From60To69,
    From70To79,
    From80,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under18,
        AgeBand::From18To39,
        AgeBand::From40To59,
        AgeBand::From60To69,
        AgeBand::From70To79,
        AgeBand::From80,
    ];

    /// The youngest age in the band.
    pub fn lowest_age(self) -> u16 {
        match self {
            AgeBand::Under18 => 0,
            AgeBand::From18To39 => 18,
            AgeBand::From40To59 => 40,
            AgeBand::From60To69 => 60,
            AgeBand::From70To79 => 70,
            AgeBand::From80 => 80,
        }
    }

    pub fn of_age(age: u16) -> Self {
        Self::ALL
            .into_iter()
            .rev()
            .find(|band| age >= band.lowest_age())
            .unwrap_or(AgeBand::Under18)
    }

    pub fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (AgeBand::Under18, false) => "18岁以下",
            (AgeBand::From18To39, false) => "18–39岁",
            (AgeBand::From40To59, false) => "40–59岁",
            (AgeBand::From60To69, false) => "60–69岁",
            (AgeBand::From70To79, false) => "70–79岁",
            (AgeBand::From80, false) => "80岁及以上",
            (AgeBand::Under18, true) => "under 18",
            (AgeBand::From18To39, true) => "18–39",
            (AgeBand::From40To59, true) => "40–59",
            (AgeBand::From60To69, true) => "60–69",
            (AgeBand::From70To79, true) => "70–79",
            (AgeBand::From80, true) => "80 and over",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DistrictCount {
    pub region_id: i64,
    pub name: LocalizedText,
    pub count: Headcount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgeBandCount {
    pub band: AgeBand,
    pub count: Headcount,
}

/// One member of the sample: nothing that identifies them on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedMember {
    /// The family name and a mask: 张**.
    pub name: MaskedName,
    /// A band, not an age: with a family name and a street, an exact age picks one out.
    pub age_band: AgeBand,
    pub region: LocalizedText,
}

/// What the console shows while a rule is edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentPreview {
    pub count: Headcount,
    /// Largest first.
    pub by_district: Vec<DistrictCount>,
    /// In band order, every band (zeros included).
    pub by_age_band: Vec<AgeBandCount>,
    pub sample: Vec<MaskedMember>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub summary: SegmentSummary,
    pub rule: Rule,
}

/// The family name and one mask character per remaining character: 张三丰 → 张**.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_shown_as_fewer_than_ten() {
        assert_eq!(Headcount::of(0), Headcount::Exact(0));
        assert_eq!(Headcount::of(1), Headcount::FewerThanTen);
        assert_eq!(Headcount::of(9).label(), "< 10");
        assert_eq!(Headcount::of(10).label(), "10");
    }
    use crate::rule::Condition;

    #[test]
    fn ages_fall_in_their_band() {
        assert_eq!(AgeBand::of_age(0), AgeBand::Under18);
        assert_eq!(AgeBand::of_age(17), AgeBand::Under18);
        assert_eq!(AgeBand::of_age(18), AgeBand::From18To39);
        assert_eq!(AgeBand::of_age(60), AgeBand::From60To69);
        assert_eq!(AgeBand::of_age(79), AgeBand::From70To79);
        assert_eq!(AgeBand::of_age(104), AgeBand::From80);
    }

    #[test]
    fn names_keep_only_the_family_name() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn a_draft_needs_a_name_and_a_sound_rule() {
        let draft = SegmentDraft {
            name: " ".into(),
            description: String::new(),
            rule: Rule::All(vec![]),
        };
        let errors = draft.validate().expect_err("two problems");
        assert_eq!(
            errors,
            vec![
                FieldError::new("name", Problem::Required),
                FieldError::new("rule", Problem::Required)
            ]
        );
        let good = SegmentDraft {
            name: "独居老人".into(),
            description: String::new(),
            rule: Rule::All(vec![Rule::Is(Condition::LivesAlone)]),
        };
        assert_eq!(good.validate(), Ok(()));
    }
}

/// The builder's choices: areas, tags and services a condition can name, and the saved
/// segments a campaign can target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderOptions {
    /// Districts and streets, in tree order (`kind` tells which).
    pub regions: Vec<RegionOption>,
    pub tags: Vec<(String, LocalizedText)>,
    /// (id, code, name) of the published services.
    pub services: Vec<(i64, String, LocalizedText)>,
    pub segments: Vec<SegmentSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionOption {
    pub id: i64,
    pub kind: RegionKind,
    pub name: LocalizedText,
}

/// The builder's fields, each one condition when filled in: the console's form sends them
/// as a query (for the live preview, also without JavaScript) and as a post (to save).
pub const FORM_FIELDS: [&str; 14] = [
    "combine",
    "age_min",
    "age_max",
    "gender",
    "region",
    "lives_alone",
    "household_min",
    "household_max",
    "child_under",
    "member_aged",
    "tag",
    "residence_years",
    "applied",
    "not_applied",
];

/// The rule a builder form describes: every filled field is one condition, joined by
/// `combine` (`all`, the default, or `any`). Nothing filled in is a problem of `rule`.
pub fn rule_from_form(value: impl Fn(&str) -> String) -> Result<Rule, Vec<FieldError>> {
    use crate::id_number::Gender;
    use crate::rule::{Condition, Outcome};
    let mut errors = Vec::new();
    let mut number = |field: &str| -> Option<u16> {
        let text = value(field);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<u16>() {
            Ok(n) if n <= crate::rule::MAX_YEARS => Some(n),
            _ => {
                errors.push(FieldError::new(
                    field,
                    Problem::OutOfRange {
                        min: 0,
                        max: i64::from(crate::rule::MAX_YEARS),
                    },
                ));
                None
            }
        }
    };
    let age = (number("age_min"), number("age_max"));
    let household = (number("household_min"), number("household_max"));
    let child_under = number("child_under");
    let member_aged = number("member_aged");
    let residence = number("residence_years");
    let id = |field: &str| value(field).trim().parse::<i64>().ok();

    let mut parts = Vec::new();
    if age.0.is_some() || age.1.is_some() {
        parts.push(Rule::Is(Condition::Age {
            min: age.0,
            max: age.1,
        }));
    }
    if let Some(gender) = Gender::parse(value("gender").trim()) {
        parts.push(Rule::Is(Condition::Gender { gender }));
    }
    if let Some(region_id) = id("region") {
        parts.push(Rule::Is(Condition::Region { region_id }));
    }
    if matches!(value("lives_alone").as_str(), "on" | "true" | "1") {
        parts.push(Rule::Is(Condition::LivesAlone));
    }
    if household.0.is_some() || household.1.is_some() {
        parts.push(Rule::Is(Condition::HouseholdSize {
            min: household.0,
            max: household.1,
        }));
    }
    if let Some(years) = child_under {
        parts.push(Rule::Is(Condition::HasChildUnder { years }));
    }
    if let Some(years) = member_aged {
        parts.push(Rule::Is(Condition::HasMemberAged { years }));
    }
    let tag = value("tag");
    if !tag.trim().is_empty() {
        parts.push(Rule::Is(Condition::Tag {
            code: tag.trim().to_owned(),
        }));
    }
    if let Some(years) = residence {
        parts.push(Rule::Is(Condition::YearsOfResidence { years }));
    }
    let applied = |service_id| Condition::Applied {
        service_id,
        within_days: None,
        outcome: Outcome::Any,
    };
    if let Some(service_id) = id("applied") {
        parts.push(Rule::Is(applied(service_id)));
    }
    if let Some(service_id) = id("not_applied") {
        parts.push(Rule::Not(Box::new(Rule::Is(applied(service_id)))));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if parts.is_empty() {
        return Err(vec![FieldError::new("rule", Problem::Required)]);
    }
    let rule = if value("combine") == "any" {
        Rule::Any(parts)
    } else {
        Rule::All(parts)
    };
    rule.validate().map_err(|err| vec![rule_problem(err)])?;
    Ok(rule)
}

#[cfg(test)]
pub(crate) mod form_tests {
    use super::*;
    use crate::rule::Condition;
    use std::collections::HashMap;

    /// A builder form's values, by field name (empty when absent).
    pub(crate) fn form(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key: &str| map.get(key).cloned().unwrap_or_default()
    }

    #[test]
    fn filled_fields_become_conditions() {
        let rule = rule_from_form(form(&[
            ("age_min", "60"),
            ("lives_alone", "on"),
            ("region", "2"),
            ("gender", ""),
        ]))
        .expect("a rule");
        assert_eq!(
            rule,
            Rule::All(vec![
                Rule::Is(Condition::Age {
                    min: Some(60),
                    max: None
                }),
                Rule::Is(Condition::Region { region_id: 2 }),
                Rule::Is(Condition::LivesAlone),
            ])
        );
        let any = rule_from_form(form(&[("combine", "any"), ("tag", "disability")]));
        assert!(matches!(any, Ok(Rule::Any(parts)) if parts.len() == 1));
    }

    #[test]
    fn bad_numbers_and_an_empty_form_are_problems() {
        let errors = rule_from_form(form(&[("age_min", "sixty"), ("child_under", "-1")]))
            .expect_err("problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["age_min", "child_under"]);
        let empty = rule_from_form(form(&[])).expect_err("nothing chosen");
        assert_eq!(empty, vec![FieldError::new("rule", Problem::Required)]);
        let reversed =
            rule_from_form(form(&[("age_min", "70"), ("age_max", "60")])).expect_err("reversed");
        assert_eq!(reversed[0].field, "rule");
    }
}
