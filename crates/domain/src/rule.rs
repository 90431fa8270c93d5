//! The one rule language of 事项找人: who a service is for, who a segment holds, who a
//! campaign reaches.
//!
//! A [`Rule`] is a typed expression tree (all / any / not over [`Condition`]s) that travels
//! with serde, so the console edits and previews the very value the server evaluates. It has
//! two evaluators that must agree (a property test on both databases checks they do):
//!
//! - set-based, compiled to SQL over the `resident` table (`store::rules`), for counts,
//!   breakdowns and fan-out without loading residents into memory;
//! - in memory over one resident's [`ResidentFacts`] ([`Rule::matches`]), to explain a match.
//!
//! [`Rule::explain`] names the conditions that made a resident match, as [`Clause`]s, which
//! [`Reason`] turns into plain words in the resident's language.
//!
//! Every time-dependent condition is evaluated against one moment, `now`, passed in: ages
//! are whole years on the China calendar date of `now` ([`age_cutoff`]).
use crate::ids::ResidentId;

use crate::application::ApplicationStatus;
use crate::id_number::Gender;
use crate::text::LocalizedText;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The most conditions one rule may hold, and the deepest nesting: rules are written by
/// people in a form, and evaluated in one SQL statement.
pub const MAX_CONDITIONS: usize = 30;
pub const MAX_DEPTH: usize = 4;
/// Ages and periods beyond these are typing mistakes.
pub const MAX_YEARS: u16 = 130;
pub const MAX_DAYS: u32 = 3_660;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::FromJsonQueryResult, utoipa::ToSchema)
)]
#[cfg_attr(feature = "ssr", schema(no_recursion))]
pub enum Rule {
    /// Every part holds (an empty list always holds).
    All(Vec<Rule>),
    /// At least one part holds (an empty list never holds).
    Any(Vec<Rule>),
    Not(Box<Rule>),
    Is(Condition),
}

/// One fact about a resident, checked against the data the city already holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Condition {
    /// Age in whole years, both bounds inclusive.
    Age {
        min: Option<u16>,
        max: Option<u16>,
    },
    Gender {
        gender: Gender,
    },
    /// Lives in the area or in any area or grid below it.
    Region {
        region_id: i64,
    },
    /// People in the household, the resident included (no household: one).
    HouseholdSize {
        min: Option<u16>,
        max: Option<u16>,
    },
    /// Nobody else in the household.
    LivesAlone,
    /// Somebody else in the household is younger than `years`.
    HasChildUnder {
        years: u16,
    },
    /// Somebody else in the household is `years` old or older.
    HasMemberAged {
        years: u16,
    },
    /// Carries the tag (e.g. `disability`, `low_income`).
    Tag {
        code: String,
    },
    /// Has lived here at least `years` (since moving in, or since birth).
    YearsOfResidence {
        years: u16,
    },
    /// Applied for the service (in an application of its own or within a bundle).
    Applied {
        service_id: i64,
        /// Only applications submitted in the last so many days.
        within_days: Option<u32>,
        #[serde(default)]
        outcome: Outcome,
    },
    /// Rated a service (or any service) at most `max_score`, not counting ratings excluded
    /// after an appeal.
    Rated {
        service_id: Option<i64>,
        max_score: u8,
        within_days: Option<u32>,
    },
}

/// Where an application for the service got to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// Submitted, whatever became of it (withdrawn applications included).
    #[default]
    Any,
    /// Still being worked on.
    Pending,
    /// Approved or completed.
    Granted,
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Any,
        Outcome::Pending,
        Outcome::Granted,
        Outcome::Refused,
    ];

    /// The task statuses this outcome covers; `None` for any submitted one.
    pub fn statuses(self) -> Option<&'static [ApplicationStatus]> {
        match self {
            Outcome::Any => None,
            Outcome::Pending => Some(&[
                ApplicationStatus::Submitted,
                ApplicationStatus::Accepted,
                ApplicationStatus::SupplementRequested,
            ]),
            Outcome::Granted => Some(&[ApplicationStatus::Approved, ApplicationStatus::Completed]),
            Outcome::Refused => Some(&[ApplicationStatus::Rejected]),
        }
    }

    pub fn covers(self, status: ApplicationStatus) -> bool {
        status != ApplicationStatus::Draft
            && self.statuses().is_none_or(|list| list.contains(&status))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Any => "any",
            Outcome::Pending => "pending",
            Outcome::Granted => "granted",
            Outcome::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The latest birth date of somebody who is `years` old or older on `today`.
///
/// Somebody born on 29 February becomes a year older on 1 March in other years (the
/// anniversary has passed only once 28 February is over).
pub fn age_cutoff(today: NaiveDate, years: u16) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12 * u32::from(years)))
        .unwrap_or(NaiveDate::MIN)
}

/// Age in whole years on `today`, by the same calendar as [`age_cutoff`].
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u16 {
    let mut years = 0u16;
    while years < 200 && birth <= age_cutoff(today, years + 1) {
        years += 1;
    }
    years
}

/// The calendar day in China (UTC+8) at `now`: ages and anniversaries change at local
/// midnight.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}

/// The start of a "within the last `days` days" period.
pub fn since(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - chrono::Duration::days(i64::from(days))
}

// ---------------------------------------------------------------------------------------
// Validation

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the rule has more than {MAX_CONDITIONS} conditions")]
    TooManyConditions,
    #[error("the rule nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("a range has its minimum above its maximum")]
    EmptyRange,
    #[error("a number is out of range")]
    OutOfRange,
    #[error("a tag code is empty")]
    EmptyTag,
    #[error("a group has no conditions")]
    EmptyGroup,
}

impl Rule {
    /// Checks what a form can get wrong; the evaluators accept any rule.
    pub fn validate(&self) -> Result<(), RuleError> {
        if self.condition_count() > MAX_CONDITIONS {
            return Err(RuleError::TooManyConditions);
        }
        if self.depth() > MAX_DEPTH {
            return Err(RuleError::TooDeep);
        }
        self.validate_parts()
    }

    fn validate_parts(&self) -> Result<(), RuleError> {
        match self {
            Rule::All(parts) | Rule::Any(parts) => {
                if parts.is_empty() {
                    return Err(RuleError::EmptyGroup);
                }
                parts.iter().try_for_each(Rule::validate_parts)
            }
            Rule::Not(inner) => inner.validate_parts(),
            Rule::Is(condition) => condition.validate(),
        }
    }

    pub fn condition_count(&self) -> usize {
        match self {
            Rule::All(parts) | Rule::Any(parts) => parts.iter().map(Rule::condition_count).sum(),
            Rule::Not(inner) => inner.condition_count(),
            Rule::Is(_) => 1,
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            Rule::All(parts) | Rule::Any(parts) => {
                1 + parts.iter().map(Rule::depth).max().unwrap_or(0)
            }
            Rule::Not(inner) => 1 + inner.depth(),
            Rule::Is(_) => 1,
        }
    }

    /// The rule as the clauses every member meets, when it is a conjunction of conditions
    /// and negated conditions (the usual segment); `None` for rules with a choice in them.
    pub fn literals(&self) -> Option<Vec<Clause>> {
        match self {
            Rule::Is(condition) => Some(vec![Clause {
                condition: condition.clone(),
                holds: true,
            }]),
            Rule::Not(inner) => match inner.as_ref() {
                Rule::Is(condition) => Some(vec![Clause {
                    condition: condition.clone(),
                    holds: false,
                }]),
                _ => None,
            },
            Rule::All(parts) => {
                let mut clauses = Vec::new();
                for part in parts {
                    clauses.extend(part.literals()?);
                }
                Some(clauses)
            }
            Rule::Any(parts) if parts.len() == 1 => parts[0].literals(),
            Rule::Any(_) => None,
        }
    }

    /// Every condition in the tree, for resolving the names an explanation needs.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut found = Vec::new();
        self.collect(&mut found);
        found
    }

    fn collect<'a>(&'a self, found: &mut Vec<&'a Condition>) {
        match self {
            Rule::All(parts) | Rule::Any(parts) => parts.iter().for_each(|p| p.collect(found)),
            Rule::Not(inner) => inner.collect(found),
            Rule::Is(condition) => found.push(condition),
        }
    }
}

impl Condition {
    fn validate(&self) -> Result<(), RuleError> {
        let years = |y: u16| {
            if y <= MAX_YEARS {
                Ok(())
            } else {
                Err(RuleError::OutOfRange)
            }
        };
        let range = |min: Option<u16>, max: Option<u16>| match (min, max) {
            (None, None) => Err(RuleError::EmptyRange),
            (Some(lo), Some(hi)) if lo > hi => Err(RuleError::EmptyRange),
            _ => {
                min.map_or(Ok(()), years)?;
                max.map_or(Ok(()), years)
            }
        };
        let days = |d: Option<u32>| match d {
            Some(d) if d == 0 || d > MAX_DAYS => Err(RuleError::OutOfRange),
            _ => Ok(()),
        };
        match self {
            Condition::Age { min, max } | Condition::HouseholdSize { min, max } => {
                range(*min, *max)
            }
            Condition::HasChildUnder { years: y }
            | Condition::HasMemberAged { years: y }
            | Condition::YearsOfResidence { years: y } => years(*y),
            Condition::Tag { code } if code.trim().is_empty() => Err(RuleError::EmptyTag),
            Condition::Applied { within_days, .. } => days(*within_days),
            Condition::Rated {
                max_score,
                within_days,
                ..
            } => {
                if !(1..=5).contains(max_score) {
                    return Err(RuleError::OutOfRange);
                }
                days(*within_days)
            }
            _ => Ok(()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// In-memory evaluation

/// What the rules can ask about one resident, loaded by `store::rules::facts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentFacts {
    pub resident_id: ResidentId,
    pub birth_date: NaiveDate,
    pub gender: Gender,
    /// The region's materialized path, `/1/4/17/`.
    pub region_path: String,
    pub moved_in_on: Option<NaiveDate>,
    /// Birth dates of the other members of the household.
    pub household_others: Vec<NaiveDate>,
    pub tags: Vec<String>,
    pub applications: Vec<AppliedFact>,
    pub ratings: Vec<RatedFact>,
}

/// One task of a submitted application: which service, when, and where it got to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedFact {
    pub service_id: i64,
    pub submitted_at: DateTime<Utc>,
    pub status: ApplicationStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedFact {
    pub service_id: i64,
    pub score: u8,
    pub rated_at: DateTime<Utc>,
}

impl ResidentFacts {
    pub fn household_size(&self) -> usize {
        self.household_others.len() + 1
    }
}

impl Rule {
    pub fn matches(&self, facts: &ResidentFacts, now: DateTime<Utc>) -> bool {
        match self {
            Rule::All(parts) => parts.iter().all(|p| p.matches(facts, now)),
            Rule::Any(parts) => parts.iter().any(|p| p.matches(facts, now)),
            Rule::Not(inner) => !inner.matches(facts, now),
            Rule::Is(condition) => condition.holds(facts, now),
        }
    }

    /// Why the resident matches: the conditions that hold along the path that made the rule
    /// true (for `any`, the first part that holds), negated ones as negative clauses. `None`
    /// when the resident does not match.
    pub fn explain(&self, facts: &ResidentFacts, now: DateTime<Utc>) -> Option<Vec<Clause>> {
        self.why(facts, now, true)
    }

    /// The clauses that make this rule evaluate to `wanted`.
    fn why(&self, facts: &ResidentFacts, now: DateTime<Utc>, wanted: bool) -> Option<Vec<Clause>> {
        match (self, wanted) {
            (Rule::Not(inner), _) => inner.why(facts, now, !wanted),
            (Rule::Is(condition), _) => (condition.holds(facts, now) == wanted).then(|| {
                vec![Clause {
                    condition: condition.clone(),
                    holds: wanted,
                }]
            }),
            // all true / any false: every part must give its reason
            (Rule::All(parts), true) | (Rule::Any(parts), false) => {
                let mut clauses = Vec::new();
                for part in parts {
                    clauses.extend(part.why(facts, now, wanted)?);
                }
                Some(clauses)
            }
            // any true / all false: the first part that does
            (Rule::Any(parts), true) | (Rule::All(parts), false) => {
                parts.iter().find_map(|p| p.why(facts, now, wanted))
            }
        }
    }
}

impl Condition {
    pub fn holds(&self, facts: &ResidentFacts, now: DateTime<Utc>) -> bool {
        let today = china_today(now);
        let at_least = |birth: NaiveDate, years: u16| birth <= age_cutoff(today, years);
        match self {
            Condition::Age { min, max } => {
                min.is_none_or(|y| at_least(facts.birth_date, y))
                    && max.is_none_or(|y| !at_least(facts.birth_date, y.saturating_add(1)))
            }
            Condition::Gender { gender } => facts.gender == *gender,
            Condition::Region { region_id } => {
                facts.region_path.contains(&format!("/{region_id}/"))
            }
            Condition::HouseholdSize { min, max } => {
                let size = facts.household_size();
                min.is_none_or(|m| size >= usize::from(m))
                    && max.is_none_or(|m| size <= usize::from(m))
            }
            Condition::LivesAlone => facts.household_others.is_empty(),
            Condition::HasChildUnder { years } => facts
                .household_others
                .iter()
                .any(|birth| !at_least(*birth, *years)),
            Condition::HasMemberAged { years } => facts
                .household_others
                .iter()
                .any(|birth| at_least(*birth, *years)),
            Condition::Tag { code } => facts.tags.iter().any(|t| t == code),
            Condition::YearsOfResidence { years } => {
                at_least(facts.moved_in_on.unwrap_or(facts.birth_date), *years)
            }
            Condition::Applied {
                service_id,
                within_days,
                outcome,
            } => facts.applications.iter().any(|a| {
                a.service_id == *service_id
                    && outcome.covers(a.status)
                    && within_days.is_none_or(|d| a.submitted_at >= since(now, d))
            }),
            Condition::Rated {
                service_id,
                max_score,
                within_days,
            } => facts.ratings.iter().any(|r| {
                service_id.is_none_or(|s| r.service_id == s)
                    && r.score <= *max_score
                    && within_days.is_none_or(|d| r.rated_at >= since(now, d))
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Explanation in plain words

/// A condition that held (or, under a `not`, did not hold) for the resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub condition: Condition,
    pub holds: bool,
}

/// The names a reason mentions, resolved once from the ids in the rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    pub regions: Vec<(i64, LocalizedText)>,
    pub tags: Vec<(String, LocalizedText)>,
    pub services: Vec<(i64, LocalizedText)>,
}

impl Names {
    fn region(&self, id: i64) -> LocalizedText {
        lookup(&self.regions, &id).unwrap_or_else(|| LocalizedText::new(format!("#{id}"), None))
    }

    fn tag(&self, code: &str) -> LocalizedText {
        lookup(&self.tags, &code.to_owned()).unwrap_or_else(|| LocalizedText::new(code, None))
    }

    fn service(&self, id: i64) -> LocalizedText {
        lookup(&self.services, &id).unwrap_or_else(|| LocalizedText::new(format!("#{id}"), None))
    }
}

fn lookup<K: PartialEq>(list: &[(K, LocalizedText)], key: &K) -> Option<LocalizedText> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// Why a resident is recommended something: stored with the recommendation (names already
/// resolved, so it reads the same after a rename) and rendered in the reader's language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::FromJsonQueryResult))]
pub struct Reason {
    /// Each phrase in both languages, e.g. 年满60周岁 / "you are 60 or older".
    pub phrases: Vec<LocalizedText>,
}

impl Reason {
    pub fn from_clauses(clauses: &[Clause], names: &Names) -> Self {
        let mut phrases: Vec<LocalizedText> = Vec::new();
        for clause in clauses {
            let phrase = clause.phrase(names);
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
        Self { phrases }
    }

    /// A reason of one phrase, e.g. a life event: 您年满60周岁 / "you turned 60".
    pub fn single(phrase: LocalizedText) -> Self {
        Self {
            phrases: vec![phrase],
        }
    }

    /// The reason every member of `rule` shares, or a general one where members match for
    /// different reasons.
    pub fn of_rule(rule: &Rule, names: &Names) -> Self {
        match rule.literals() {
            Some(clauses) if !clauses.is_empty() => Self::from_clauses(&clauses, names),
            _ => Self::single(LocalizedText::new(
                "符合该服务的条件",
                Some("you meet the conditions of this service".into()),
            )),
        }
    }

    /// "因为您年满60周岁、独居，并居住在西湖区" / "because you are 60 or older, live alone and
    /// live in Xihu District".
    pub fn render(&self, english: bool) -> String {
        let parts: Vec<&str> = self.phrases.iter().map(|p| p.pick(english)).collect();
        if parts.is_empty() {
            return String::new();
        }
        if english {
            format!("Because {}", join_en(&parts))
        } else {
            format!("因为您{}", join_zh(&parts))
        }
    }
}

fn join_zh(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{}，并{}", init.join("、"), last),
    }
}

fn join_en(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

fn text(zh: String, en: String) -> LocalizedText {
    LocalizedText::new(zh, Some(en))
}

impl Clause {
    /// The clause as a phrase that follows "因为您" / "because".
    pub fn phrase(&self, names: &Names) -> LocalizedText {
        let yes = self.holds;
        match &self.condition {
            Condition::Age { min, max } => match (min, max, yes) {
                (Some(lo), None, true) => {
                    text(format!("年满{lo}周岁"), format!("you are {lo} or older"))
                }
                (Some(lo), None, false) => {
                    text(format!("未满{lo}周岁"), format!("you are under {lo}"))
                }
                (None, Some(hi), true) => text(
                    format!("不超过{hi}周岁"),
                    format!("you are {hi} or younger"),
                ),
                (None, Some(hi), false) => {
                    text(format!("已超过{hi}周岁"), format!("you are over {hi}"))
                }
                (Some(lo), Some(hi), true) => text(
                    format!("年龄在{lo}至{hi}周岁之间"),
                    format!("you are between {lo} and {hi}"),
                ),
                (Some(lo), Some(hi), false) => text(
                    format!("年龄不在{lo}至{hi}周岁之间"),
                    format!("you are not between {lo} and {hi}"),
                ),
                (None, None, _) => text("年龄符合".into(), "of your age".into()),
            },
            Condition::Gender { gender } => {
                let (zh, en) = match gender {
                    Gender::Male => ("男性", "a man"),
                    Gender::Female => ("女性", "a woman"),
                };
                if yes {
                    text(format!("是{zh}"), format!("you are {en}"))
                } else {
                    text(format!("不是{zh}"), format!("you are not {en}"))
                }
            }
            Condition::Region { region_id } => {
                let name = names.region(*region_id);
                let (zh, en) = (name.zh.clone(), name.pick(true).to_owned());
                if yes {
                    text(format!("居住在{zh}"), format!("you live in {en}"))
                } else {
                    text(format!("不住在{zh}"), format!("you do not live in {en}"))
                }
            }
            Condition::HouseholdSize { min, max } => {
                let (zh, en) = match (min, max) {
                    (Some(lo), Some(hi)) if lo == hi => {
                        (format!("家庭人口为{lo}人"), format!("{lo} people"))
                    }
                    (Some(lo), Some(hi)) => (
                        format!("家庭人口{lo}至{hi}人"),
                        format!("{lo} to {hi} people"),
                    ),
                    (Some(lo), None) => (
                        format!("家庭人口不少于{lo}人"),
                        format!("at least {lo} people"),
                    ),
                    (None, Some(hi)) => (
                        format!("家庭人口不超过{hi}人"),
                        format!("at most {hi} people"),
                    ),
                    (None, None) => ("家庭人口符合".into(), "any size".into()),
                };
                if yes {
                    text(zh, format!("your household has {en}"))
                } else {
                    text(
                        format!("并非{zh}"),
                        format!("your household does not have {en}"),
                    )
                }
            }
            Condition::LivesAlone => {
                if yes {
                    text("独居".into(), "you live alone".into())
                } else {
                    text("与家人同住".into(), "you live with family".into())
                }
            }
            Condition::HasChildUnder { years } => {
                if yes {
                    text(
                        format!("家中有未满{years}周岁的孩子"),
                        format!("a child under {years} lives with you"),
                    )
                } else {
                    text(
                        format!("家中没有未满{years}周岁的孩子"),
                        format!("no child under {years} lives with you"),
                    )
                }
            }
            Condition::HasMemberAged { years } => {
                if yes {
                    text(
                        format!("家中有年满{years}周岁的家人"),
                        format!("a family member aged {years} or over lives with you"),
                    )
                } else {
                    text(
                        format!("家中没有年满{years}周岁的家人"),
                        format!("no family member aged {years} or over lives with you"),
                    )
                }
            }
            Condition::Tag { code } => {
                let name = names.tag(code);
                let (zh, en) = (name.zh.clone(), name.pick(true).to_owned());
                if yes {
                    text(format!("属于“{zh}”"), format!("you are registered as {en}"))
                } else {
                    text(
                        format!("不属于“{zh}”"),
                        format!("you are not registered as {en}"),
                    )
                }
            }
            Condition::YearsOfResidence { years } => {
                if yes {
                    text(
                        format!("在本地居住满{years}年"),
                        format!("you have lived here for {years} years or more"),
                    )
                } else {
                    text(
                        format!("在本地居住未满{years}年"),
                        format!("you have lived here for less than {years} years"),
                    )
                }
            }
            Condition::Applied {
                service_id,
                within_days,
                outcome,
            } => {
                let name = names.service(*service_id);
                let (zh, en) = (name.zh.clone(), name.pick(true).to_owned());
                let (when_zh, when_en) = match within_days {
                    Some(d) => (format!("近{d}天内"), format!(" in the last {d} days")),
                    None => (String::new(), String::new()),
                };
                let (what_zh, what_en) = match outcome {
                    Outcome::Any => ("申请过", "applied for"),
                    Outcome::Pending => ("正在办理", "have an application in progress for"),
                    Outcome::Granted => ("已办结", "were granted"),
                    Outcome::Refused => ("申请未获批准", "were refused"),
                };
                if yes {
                    text(
                        format!("{when_zh}{what_zh}“{zh}”"),
                        format!("you {what_en} {en}{when_en}"),
                    )
                } else {
                    text(
                        format!("{when_zh}未{what_zh}“{zh}”"),
                        format!("you have not {what_en} {en}{when_en}"),
                    )
                }
            }
            Condition::Rated {
                service_id,
                max_score,
                within_days,
            } => {
                let (zh, en) = match service_id {
                    Some(id) => {
                        let name = names.service(*id);
                        (format!("“{}”", name.zh), name.pick(true).to_owned())
                    }
                    None => ("办事服务".to_owned(), "a service".to_owned()),
                };
                let (when_zh, when_en) = match within_days {
                    Some(d) => (format!("近{d}天内"), format!(" in the last {d} days")),
                    None => (String::new(), String::new()),
                };
                if yes {
                    text(
                        format!("{when_zh}对{zh}的评价不高于{max_score}星"),
                        format!("you rated {en} {max_score} stars or fewer{when_en}"),
                    )
                } else {
                    text(
                        format!("{when_zh}未对{zh}给出{max_score}星及以下的评价"),
                        format!("you have not rated {en} {max_score} stars or fewer{when_en}"),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// Noon in China on the day.
    fn noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 4, 0, 0)
            .single()
            .expect("a time")
    }

    fn resident(birth: NaiveDate) -> ResidentFacts {
        ResidentFacts {
            resident_id: crate::ids::ResidentId(1),
            birth_date: birth,
            gender: Gender::Female,
            region_path: "/1/2/5/".into(),
            moved_in_on: None,
            household_others: vec![],
            tags: vec![],
            applications: vec![],
            ratings: vec![],
        }
    }

    fn is(condition: Condition) -> Rule {
        Rule::Is(condition)
    }

    fn aged(min: u16) -> Rule {
        is(Condition::Age {
            min: Some(min),
            max: None,
        })
    }

    #[test]
    fn a_resident_turns_sixty_on_the_birthday_in_china() {
        let facts = resident(date(1966, 11, 28));
        assert!(!aged(60).matches(&facts, noon(2026, 11, 27)));
        assert!(aged(60).matches(&facts, noon(2026, 11, 28)));
        // 16:30 UTC on the 27th is already the 28th in China
        let late = Utc
            .with_ymd_and_hms(2026, 11, 27, 16, 30, 0)
            .single()
            .expect("a time");
        assert!(aged(60).matches(&facts, late));
        assert_eq!(age_on(facts.birth_date, date(2026, 11, 28)), 60);
        assert_eq!(age_on(facts.birth_date, date(2026, 11, 27)), 59);
    }

    #[test]
    fn a_leap_day_birthday_counts_from_the_first_of_march() {
        let facts = resident(date(1964, 2, 29));
        assert!(!aged(62).matches(&facts, noon(2026, 2, 28)));
        assert!(aged(62).matches(&facts, noon(2026, 3, 1)));
        assert!(aged(60).matches(&facts, noon(2024, 2, 29)));
    }

    #[test]
    fn an_age_range_includes_both_ends() {
        let rule = is(Condition::Age {
            min: Some(18),
            max: Some(35),
        });
        let now = noon(2026, 6, 1);
        assert!(rule.matches(&resident(date(2008, 6, 1)), now));
        assert!(rule.matches(&resident(date(1990, 6, 2)), now));
        assert!(!rule.matches(&resident(date(1990, 6, 1)), now));
        assert!(!rule.matches(&resident(date(2008, 6, 2)), now));
    }

    #[test]
    fn a_region_includes_every_grid_below_it() {
        let facts = resident(date(1950, 1, 1));
        assert!(is(Condition::Region { region_id: 2 }).matches(&facts, noon(2026, 1, 1)));
        assert!(is(Condition::Region { region_id: 5 }).matches(&facts, noon(2026, 1, 1)));
        assert!(!is(Condition::Region { region_id: 25 }).matches(&facts, noon(2026, 1, 1)));
    }

    #[test]
    fn household_conditions_look_at_the_other_members() {
        let now = noon(2026, 1, 1);
        let mut facts = resident(date(1960, 1, 1));
        assert!(is(Condition::LivesAlone).matches(&facts, now));
        facts.household_others = vec![date(2024, 3, 1), date(1930, 1, 1)];
        assert!(!is(Condition::LivesAlone).matches(&facts, now));
        assert!(is(Condition::HasChildUnder { years: 3 }).matches(&facts, now));
        assert!(!is(Condition::HasChildUnder { years: 1 }).matches(&facts, now));
        assert!(is(Condition::HasMemberAged { years: 90 }).matches(&facts, now));
        assert!(
            is(Condition::HouseholdSize {
                min: Some(3),
                max: Some(3)
            })
            .matches(&facts, now)
        );
    }

    #[test]
    fn history_conditions_respect_outcome_and_period() {
        let now = noon(2026, 6, 1);
        let mut facts = resident(date(1960, 1, 1));
        facts.applications = vec![AppliedFact {
            service_id: 7,
            submitted_at: noon(2026, 5, 1),
            status: ApplicationStatus::Rejected,
        }];
        facts.ratings = vec![RatedFact {
            service_id: 7,
            score: 2,
            rated_at: noon(2026, 5, 20),
        }];
        let applied = |within_days, outcome| {
            is(Condition::Applied {
                service_id: 7,
                within_days,
                outcome,
            })
        };
        assert!(applied(None, Outcome::Any).matches(&facts, now));
        assert!(applied(Some(60), Outcome::Refused).matches(&facts, now));
        assert!(!applied(Some(10), Outcome::Any).matches(&facts, now));
        assert!(!applied(None, Outcome::Granted).matches(&facts, now));
        let rated = |max_score| {
            is(Condition::Rated {
                service_id: None,
                max_score,
                within_days: Some(30),
            })
        };
        assert!(rated(2).matches(&facts, now));
        assert!(!rated(1).matches(&facts, now));
    }

    #[test]
    fn years_of_residence_count_from_birth_without_a_move() {
        let now = noon(2026, 1, 1);
        let mut facts = resident(date(2000, 1, 1));
        let rule = is(Condition::YearsOfResidence { years: 5 });
        assert!(rule.matches(&facts, now));
        facts.moved_in_on = Some(date(2023, 1, 1));
        assert!(!rule.matches(&facts, now));
    }

    fn names() -> Names {
        Names {
            regions: vec![(
                2,
                LocalizedText::new("西湖区", Some("Xihu District".into())),
            )],
            tags: vec![],
            services: vec![(
                7,
                LocalizedText::new("高龄津贴", Some("Old-age allowance".into())),
            )],
        }
    }

    #[test]
    fn a_match_is_explained_in_plain_words_in_both_languages() {
        let rule = Rule::All(vec![
            aged(60),
            is(Condition::LivesAlone),
            is(Condition::Region { region_id: 2 }),
            Rule::Not(Box::new(is(Condition::Applied {
                service_id: 7,
                within_days: None,
                outcome: Outcome::Any,
            }))),
        ]);
        let facts = resident(date(1950, 1, 1));
        let clauses = rule.explain(&facts, noon(2026, 1, 1)).expect("a match");
        let reason = Reason::from_clauses(&clauses, &names());
        assert_eq!(
            reason.render(false),
            "因为您年满60周岁、独居、居住在西湖区，并未申请过“高龄津贴”"
        );
        assert_eq!(
            reason.render(true),
            "Because you are 60 or older, you live alone, you live in Xihu District and you \
             have not applied for Old-age allowance"
        );
    }

    #[test]
    fn an_any_is_explained_by_the_part_that_held_and_a_non_match_not_at_all() {
        let rule = Rule::Any(vec![aged(80), is(Condition::LivesAlone)]);
        let facts = resident(date(1970, 1, 1));
        let clauses = rule.explain(&facts, noon(2026, 1, 1)).expect("a match");
        assert_eq!(clauses.len(), 1);
        assert_eq!(clauses[0].condition, Condition::LivesAlone);
        let mut with_family = facts.clone();
        with_family.household_others = vec![date(1972, 1, 1)];
        assert_eq!(rule.explain(&with_family, noon(2026, 1, 1)), None);
    }

    #[test]
    fn explain_agrees_with_matches() {
        let rules = [
            Rule::Not(Box::new(Rule::All(vec![
                aged(50),
                is(Condition::LivesAlone),
            ]))),
            Rule::Not(Box::new(Rule::Any(vec![aged(50), aged(20)]))),
            Rule::All(vec![]),
            Rule::Any(vec![]),
        ];
        for birth in [date(1960, 1, 1), date(2000, 1, 1), date(2020, 1, 1)] {
            let facts = resident(birth);
            for rule in &rules {
                let now = noon(2026, 1, 1);
                assert_eq!(
                    rule.explain(&facts, now).is_some(),
                    rule.matches(&facts, now)
                );
            }
        }
    }

    #[test]
    fn a_rule_travels_as_json_a_form_can_build() {
        let rule = Rule::All(vec![
            aged(60),
            is(Condition::Tag {
                code: "disability".into(),
            }),
        ]);
        let json = serde_json::to_value(&rule).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"all": [
                {"is": {"kind": "age", "min": 60, "max": null}},
                {"is": {"kind": "tag", "code": "disability"}}
            ]})
        );
        let back: Rule = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, rule);
    }

    #[test]
    fn validation_catches_what_a_form_gets_wrong() {
        assert_eq!(Rule::All(vec![]).validate(), Err(RuleError::EmptyGroup));
        assert_eq!(
            is(Condition::Age {
                min: Some(70),
                max: Some(60)
            })
            .validate(),
            Err(RuleError::EmptyRange)
        );
        assert_eq!(
            is(Condition::Rated {
                service_id: None,
                max_score: 0,
                within_days: None
            })
            .validate(),
            Err(RuleError::OutOfRange)
        );
        let wide = Rule::Any((0..31).map(|_| aged(1)).collect());
        assert_eq!(wide.validate(), Err(RuleError::TooManyConditions));
        let deep = Rule::Not(Box::new(Rule::Not(Box::new(Rule::Not(Box::new(
            Rule::Not(Box::new(aged(1))),
        ))))));
        assert_eq!(deep.validate(), Err(RuleError::TooDeep));
        assert_eq!(Rule::All(vec![aged(60)]).validate(), Ok(()));
    }
}
