//! A segment: a named [`Rule`] over residents, built in the console and reused by campaigns.
//! While it is edited the console shows its size, where its members live, how old they are,
//! and a few members with their names masked.

use crate::domain::rule::{Rule, RuleError};
use crate::domain::text::LocalizedText;
use crate::domain::validation::{FieldError, Problem, too_long};
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
    use crate::domain::rule::{MAX_CONDITIONS, MAX_DAYS, MAX_DEPTH, MAX_YEARS};
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

/// Age bands of the breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
pub struct DistrictCount {
    pub region_id: i64,
    pub name: LocalizedText,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBandCount {
    pub band: AgeBand,
    pub count: i64,
}

/// One member of the sample: nothing that identifies them on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedMember {
    /// The family name and a mask: 张**.
    pub name: String,
    pub age: u16,
    pub region: LocalizedText,
}

/// What the console shows while a rule is edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentPreview {
    pub count: i64,
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
    use crate::domain::rule::Condition;

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
