//! Policy simulation (政策模拟): a head or supervisor drafts an eligibility rule in the rule
//! language of segments, with a monthly benefit, and asks who would qualify now and in a
//! year, where they live, how old they are, what it would cost a year, and how many of them
//! already receive a similar service. Nothing is stored and nothing is sent.
//!
//! The projection a year ahead advances ages only: a condition on age, on a child's or a
//! member's age, or on years of residence is checked on the date a year from now; what
//! residents did (applied, rated) and where they live stay as they are today. Births,
//! deaths and moves are not forecast.

use crate::rule::{Condition, Outcome, Rule};
use crate::segment::{AgeBandCount, DistrictCount, Headcount, SMALL_CELL, rule_from_form};
use crate::validation::{FieldError, Problem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many drafts one simulation compares side by side.
pub const MAX_DRAFTS: usize = 2;
/// The largest monthly benefit a draft may name, in yuan: beyond it is a typing mistake.
pub const MAX_MONTHLY_AMOUNT: u32 = 100_000;
/// How far ahead the second projection looks, in months.
pub const MONTHS_AHEAD: u32 = 12;

/// One policy being considered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyDraft {
    /// Who would qualify, in the rule language of segments.
    pub rule: Rule,
    /// The benefit per person and month, in whole yuan.
    pub monthly_amount: u32,
    /// A service whose granted applicants already receive something similar (e.g. the
    /// existing old-age allowance), to see how many of those who qualify it already reaches.
    #[serde(default)]
    pub similar_service_id: Option<i64>,
}

impl PolicyDraft {
    /// Every problem of the draft, named by field (`rule`, `monthly_amount`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(err) = self.rule.validate() {
            errors.push(crate::segment::rule_problem(err));
        }
        if self.monthly_amount > MAX_MONTHLY_AMOUNT {
            errors.push(FieldError::new("monthly_amount", amount_range()));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The rule of those who qualify and were granted the similar service.
    pub fn already_served_rule(&self) -> Option<Rule> {
        self.similar_service_id.map(|service_id| {
            Rule::All(vec![
                self.rule.clone(),
                Rule::Is(Condition::Applied {
                    service_id,
                    within_days: None,
                    outcome: Outcome::Granted,
                }),
            ])
        })
    }
}

fn amount_range() -> Problem {
    Problem::OutOfRange {
        min: 0,
        max: i64::from(MAX_MONTHLY_AMOUNT),
    }
}

/// What the console and the API send: one draft, or two to compare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SimulationRequest {
    /// One or two drafts.
    pub drafts: Vec<PolicyDraft>,
}

impl SimulationRequest {
    /// Every problem of every draft; fields of the second draft are named `drafts.1.…`.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        if self.drafts.is_empty() {
            return Err(vec![FieldError::new("drafts", Problem::Required)]);
        }
        if self.drafts.len() > MAX_DRAFTS {
            return Err(vec![FieldError::new(
                "drafts",
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_DRAFTS as i64,
                },
            )]);
        }
        let errors: Vec<FieldError> = self
            .drafts
            .iter()
            .enumerate()
            .flat_map(|(i, draft)| {
                draft
                    .validate()
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |e| FieldError {
                        field: format!("drafts.{i}.{}", e.field),
                        ..e
                    })
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A yearly cost as the console may show it: exact, or a bound where the count behind it is
/// a small cell (the cost would give the count away).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cost {
    /// Yuan a year.
    Exact(i64),
    /// Less than so many yuan a year.
    Below(i64),
}

impl Cost {
    /// `residents` × `monthly_amount` × 12, in yuan; under [`SMALL_CELL`] residents, the
    /// bound of a small cell.
    pub fn yearly(residents: i64, monthly_amount: u32) -> Self {
        let per_person = i64::from(monthly_amount) * 12;
        match Headcount::of(residents) {
            Headcount::Exact(n) => Self::Exact(n.saturating_mul(per_person)),
            Headcount::FewerThanTen => Self::Below(SMALL_CELL * per_person),
        }
    }

    /// As the page shows it, in yuan with thousands grouped: `1,234,800` or `< 24,000`.
    pub fn label(self) -> String {
        match self {
            Self::Exact(n) => grouped(n),
            Self::Below(n) => format!("< {}", grouped(n)),
        }
    }
}

/// `1234567` → `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Who would qualify on one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Projection {
    /// The date ages are taken on (China time).
    pub on: NaiveDate,
    pub count: Headcount,
    pub yearly_cost: Cost,
    /// Largest first.
    pub by_district: Vec<DistrictCount>,
    /// In band order, every band (zeros included), ages on [`Projection::on`].
    pub by_age_band: Vec<AgeBandCount>,
}

/// The answer for one draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyOutcome {
    pub now: Projection,
    /// [`MONTHS_AHEAD`] months on, ages advanced.
    pub in_a_year: Projection,
    /// Of those who qualify now, how many were granted the similar service (when one was
    /// named).
    pub already_served: Option<Headcount>,
}

/// The answer: one outcome per draft, in the drafts' order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Simulation {
    pub outcomes: Vec<PolicyOutcome>,
}

/// The builder's fields of a draft besides the rule's ([`crate::segment::FORM_FIELDS`]).
pub const DRAFT_FIELDS: [&str; 2] = ["amount", "similar"];

/// The draft a builder form describes: the rule's fields as for a segment, `amount` (yuan a
/// month, required) and `similar` (a service id, optional).
pub fn draft_from_form(value: impl Fn(&str) -> String) -> Result<PolicyDraft, Vec<FieldError>> {
    let rule = rule_from_form(&value);
    let amount = value("amount");
    let amount = amount.trim();
    let monthly_amount = if amount.is_empty() {
        Err(FieldError::new("amount", Problem::Required))
    } else {
        match amount.parse::<u32>() {
            Ok(n) if n <= MAX_MONTHLY_AMOUNT => Ok(n),
            _ => Err(FieldError::new("amount", amount_range())),
        }
    };
    let similar_service_id = value("similar").trim().parse::<i64>().ok();
    match (rule, monthly_amount) {
        (Ok(rule), Ok(monthly_amount)) => Ok(PolicyDraft {
            rule,
            monthly_amount,
            similar_service_id,
        }),
        (rule, amount) => {
            let mut errors = rule.err().unwrap_or_default();
            errors.extend(amount.err());
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::form_tests::form;

    fn lives_alone() -> Rule {
        Rule::All(vec![Rule::Is(Condition::LivesAlone)])
    }

    #[test]
    fn the_yearly_cost_is_residents_times_twelve_months() {
        assert_eq!(Cost::yearly(350, 200), Cost::Exact(840_000));
        assert_eq!(Cost::yearly(0, 200), Cost::Exact(0));
        assert_eq!(Cost::yearly(10, 1), Cost::Exact(120));
    }

    #[test]
    fn a_small_cell_shows_a_bound_not_the_cost() {
        assert_eq!(Cost::yearly(3, 200), Cost::Below(24_000));
        assert_eq!(Cost::yearly(9, 200).label(), "< 24,000");
        assert_eq!(Cost::yearly(1_029, 200).label(), "2,469,600");
    }

    #[test]
    fn grouped_puts_a_comma_every_three_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(-1_234_567), "-1,234,567");
    }

    #[test]
    fn a_form_gives_the_rule_the_amount_and_the_similar_service() {
        let draft = draft_from_form(form(&[
            ("lives_alone", "on"),
            ("amount", " 200 "),
            ("similar", "7"),
        ]))
        .expect("a draft");
        assert_eq!(draft.rule, lives_alone());
        assert_eq!(draft.monthly_amount, 200);
        assert_eq!(draft.similar_service_id, Some(7));
        let without = draft_from_form(form(&[("lives_alone", "on"), ("amount", "0")]))
            .expect("no similar service");
        assert_eq!(without.similar_service_id, None);
    }

    #[test]
    fn a_form_names_every_field_at_fault_at_once() {
        let errors =
            draft_from_form(form(&[("age_min", "old"), ("amount", "lots")])).expect_err("problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["age_min", "amount"]);
        let missing = draft_from_form(form(&[("lives_alone", "on")])).expect_err("no amount");
        assert_eq!(missing, vec![FieldError::new("amount", Problem::Required)]);
        let too_much = draft_from_form(form(&[("lives_alone", "on"), ("amount", "100001")]))
            .expect_err("too much");
        assert_eq!(too_much[0].problem, amount_range());
    }

    #[test]
    fn a_request_holds_one_or_two_valid_drafts() {
        let draft = PolicyDraft {
            rule: lives_alone(),
            monthly_amount: 200,
            similar_service_id: None,
        };
        let none = SimulationRequest { drafts: vec![] };
        assert_eq!(
            none.validate(),
            Err(vec![FieldError::new("drafts", Problem::Required)])
        );
        let three = SimulationRequest {
            drafts: vec![draft.clone(), draft.clone(), draft.clone()],
        };
        assert_eq!(three.validate().expect_err("three")[0].field, "drafts");
        let mut dear = draft.clone();
        dear.monthly_amount = MAX_MONTHLY_AMOUNT + 1;
        let two = SimulationRequest {
            drafts: vec![draft.clone(), dear],
        };
        let errors = two.validate().expect_err("the second is wrong");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "drafts.1.monthly_amount");
        assert_eq!(
            SimulationRequest {
                drafts: vec![draft]
            }
            .validate(),
            Ok(())
        );
    }

    #[test]
    fn already_served_is_the_draft_and_a_granted_similar_service() {
        let mut draft = PolicyDraft {
            rule: lives_alone(),
            monthly_amount: 200,
            similar_service_id: None,
        };
        assert_eq!(draft.already_served_rule(), None);
        draft.similar_service_id = Some(3);
        assert_eq!(
            draft.already_served_rule(),
            Some(Rule::All(vec![
                lives_alone(),
                Rule::Is(Condition::Applied {
                    service_id: 3,
                    within_days: None,
                    outcome: Outcome::Granted,
                }),
            ]))
        );
    }
}
