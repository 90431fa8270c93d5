//! 满意度调查: a survey staff build (five-point, single-choice, multiple-choice and free-text
//! questions), send to an audience, open for a while and read back aggregated per question.
//!
//! ```text
//!   draft ──schedule (now or at a time)──▶ scheduled ──its time comes──▶ open ──close, or closes_at──▶ closed
//!     ▲ edited only here                     │ rescheduled or cancelled (closed)
//! ```
//!
//! The audience is everyone; everyone who used a service in a period (residents with an
//! application for that service, or a bundle holding it, submitted within the period, China
//! dates inclusive); or a saved segment (whom its rule holds). One response per resident per
//! survey. Results can be read by district and by age band ([`breakdown`]), cells of fewer
//! than ten responses suppressed.
//!
//! Checks are plain functions that report [`FieldError`]s: for a draft the field names the
//! draft's field (`title`, `questions.2.options`, `audience.service`); for answers the field
//! is the question's key.

use super::console::Choice;
use super::deadline::start_of_china_day;
use super::segment::{AgeBand, Headcount, SMALL_CELL};
use super::text::LocalizedText;
use super::validation::{FieldError, Problem, too_long};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

pub const TITLE_MAX: u32 = 200;
pub const DESCRIPTION_MAX: u32 = 2000;
pub const QUESTION_TEXT_MAX: u32 = 500;
pub const OPTION_MAX: u32 = 200;
/// The longest question key (lower-case letters, digits and `_`).
pub const KEY_MAX: u32 = 64;
pub const MAX_QUESTIONS: usize = 30;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 10;
/// The longest free-text answer.
pub const ANSWER_TEXT_MAX: u32 = 2000;
/// The points of a five-point question: 1 (非常不满意) to 5 (非常满意).
pub const SCALE: std::ops::RangeInclusive<i64> = 1..=5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5, 非常不满意 … 非常满意.
    FivePoint,
    SingleChoice,
    MultipleChoice,
    FreeText,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 4] = [
        QuestionKind::FivePoint,
        QuestionKind::SingleChoice,
        QuestionKind::MultipleChoice,
        QuestionKind::FreeText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::FivePoint => "five_point",
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::FreeText => "free_text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Single and multiple choice questions have options; the others none.
    pub fn has_options(self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        )
    }
}

/// One question. Staff write a survey in one language, so its texts are plain strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Names the answer: lower-case letters, digits and `_`, unique in the survey. A blank
    /// key becomes `q<position>` (from 1).
    #[serde(default)]
    pub key: String,
    pub kind: QuestionKind,
    pub text: String,
    /// For choices, 2 to 10; answers name an option by its index (from 0).
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// Who a survey is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Every resident.
    Everyone,
    /// Residents who used the service (by catalogue code) in the period, China dates
    /// inclusive: an application for it, or for a bundle holding it, submitted then.
    ServiceUsers {
        service: String,
        #[serde(default)]
        from: Option<NaiveDate>,
        #[serde(default)]
        to: Option<NaiveDate>,
    },
    /// The residents a saved segment's rule holds (evaluated when the survey opens, and
    /// again when a resident answers).
    Segment { segment: i64 },
}

impl Audience {
    /// The value of the `audience` column.
    pub fn as_str(&self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::ServiceUsers { .. } => "service_users",
            Audience::Segment { .. } => "segment",
        }
    }
}

/// `[start, end)` of a period of China dates, as instants.
pub fn period_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        start_of_china_day(from),
        start_of_china_day(to) + chrono::Duration::days(1),
    )
}

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
pub enum SurveyStatus {
    /// Being written; the only status in which it can change.
    Draft,
    /// Waiting for its opening time.
    Scheduled,
    /// The audience can answer.
    Open,
    Closed,
}

impl SurveyStatus {
    pub const ALL: [SurveyStatus; 4] = [
        SurveyStatus::Draft,
        SurveyStatus::Scheduled,
        SurveyStatus::Open,
        SurveyStatus::Closed,
    ];

    /// The value of the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyStatus::Draft => "draft",
            SurveyStatus::Scheduled => "scheduled",
            SurveyStatus::Open => "open",
            SurveyStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A draft can be edited.
    pub fn can_edit(self) -> bool {
        self == SurveyStatus::Draft
    }

    /// A draft is scheduled; a scheduled survey can be scheduled again (a new time).
    pub fn can_schedule(self) -> bool {
        matches!(self, SurveyStatus::Draft | SurveyStatus::Scheduled)
    }

    /// An open survey is closed; a scheduled one is called off (closed unopened).
    pub fn can_close(self) -> bool {
        matches!(self, SurveyStatus::Scheduled | SurveyStatus::Open)
    }

    /// The status as people see it: an open survey past its closing time is closed even
    /// before the periodic job writes so.
    pub fn effective(self, closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match (self, closes_at) {
            (SurveyStatus::Open, Some(at)) if at <= now => SurveyStatus::Closed,
            _ => self,
        }
    }
}

/// A survey as staff write it. Every field may be left out of a JSON body; what is then
/// missing is reported field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyDraft {
    pub title: String,
    pub description: Option<String>,
    pub questions: Vec<Question>,
    /// Required: there is no default audience.
    pub audience: Option<Audience>,
}

/// When a survey opens (none: now) and when it closes by itself (none: when closed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    pub at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// When a survey opens, and when (if at all) it closes by itself.
pub type OpenClose = (DateTime<Utc>, Option<DateTime<Utc>>);

impl Schedule {
    /// The opening time (a past time means now) and the closing time, which must come after
    /// it (field `closes_at`).
    pub fn resolve(&self, now: DateTime<Utc>) -> Result<OpenClose, Vec<FieldError>> {
        let at = self.at.map_or(now, |at| at.max(now));
        match self.closes_at {
            Some(closes) if closes <= at => {
                Err(vec![FieldError::new("closes_at", Problem::InvalidDate)])
            }
            closes => Ok((at, closes)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// What the console and the portal show

/// A stored survey with where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub id: i64,
    #[serde(flatten)]
    pub draft: SurveyDraft,
    /// Effective: an open survey past `closes_at` is closed.
    pub status: SurveyStatus,
    /// The service of a service-users audience, for reading.
    pub service_name: Option<LocalizedText>,
    /// The segment of a segment audience, for reading.
    #[serde(default)]
    pub segment_name: Option<String>,
    /// The owning department; none for a supervisor's survey.
    pub department: Option<LocalizedText>,
    /// Who built it (staff name).
    pub created_by: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One line of the console's survey list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyListItem {
    pub id: i64,
    pub title: String,
    pub status: SurveyStatus,
    pub audience: Audience,
    pub service_name: Option<LocalizedText>,
    #[serde(default)]
    pub segment_name: Option<String>,
    pub department: Option<LocalizedText>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub responses: i64,
}

/// What the builder needs: the stored survey (none for a new one) and the services the
/// member of staff may survey the users of (their department's; all for a supervisor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyEditor {
    pub record: Option<SurveyRecord>,
    pub services: Vec<Choice>,
    /// The saved segments the member may survey (their department's; all for a supervisor).
    #[serde(default)]
    pub segments: Vec<Choice>,
}

/// A survey's results: how many it reaches and answered, and each question's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyResults {
    pub survey: SurveyRecord,
    /// Residents in the audience now.
    pub audience_size: i64,
    pub responses: i64,
    pub questions: Vec<QuestionResult>,
    /// Responses and five-point means by the respondents' district, largest first.
    #[serde(default)]
    pub by_district: Vec<GroupFigures>,
    /// The same by age band, in band order (bands without responses left out).
    #[serde(default)]
    pub by_age_band: Vec<GroupFigures>,
}

/// Whom a row of a breakdown counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Group {
    District { region_id: i64, name: LocalizedText },
    AgeBand { band: AgeBand },
}

/// One row of a breakdown: how many responded, and the mean of each five-point question (in
/// the survey's order of its five-point questions). A row of fewer than [`SMALL_CELL`]
/// responses shows "< 10" and no means: with a district and an age band, a few answers name
/// their authors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub group: Group,
    pub responses: Headcount,
    pub means: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub key: String,
    pub kind: QuestionKind,
    pub text: String,
    /// Responses that answered this question.
    pub answered: i64,
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Figures {
    /// `counts[0]` is the count of 1, … `counts[4]` of 5; the mean of the answers given.
    Scale { counts: Vec<i64>, mean: Option<f64> },
    /// One count per option, in the question's order (for multiple choice, a response
    /// counts once for each option it picked).
    Choices { counts: Vec<OptionCount> },
    /// Newest first.
    Texts { answers: Vec<TextAnswer> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    pub option: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextAnswer {
    pub text: String,
    pub at: DateTime<Utc>,
}

/// An open survey a resident may answer, in their list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentSurveyItem {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub questions: usize,
    pub closes_at: Option<DateTime<Utc>>,
}

/// An open survey as the resident answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentSurvey {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub questions: Vec<Question>,
    pub closes_at: Option<DateTime<Utc>>,
    /// The resident has answered it already (one response each).
    pub answered: bool,
}

// ---------------------------------------------------------------------------------------
// Checking a draft

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A question key: lower-case ASCII letters, digits and `_`.
pub fn is_question_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= KEY_MAX as usize
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl SurveyDraft {
    /// Texts trimmed, blank description as none, blank keys numbered, blank options dropped
    /// and options kept only on choices.
    pub fn normalized(&self) -> SurveyDraft {
        SurveyDraft {
            title: self.title.trim().to_owned(),
            description: optional(&self.description),
            questions: self
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| Question {
                    key: match q.key.trim() {
                        "" => format!("q{}", i + 1),
                        key => key.to_owned(),
                    },
                    kind: q.kind,
                    text: q.text.trim().to_owned(),
                    options: if q.kind.has_options() {
                        q.options
                            .iter()
                            .map(|o| o.trim())
                            .filter(|o| !o.is_empty())
                            .map(str::to_owned)
                            .collect()
                    } else {
                        Vec::new()
                    },
                    required: q.required,
                })
                .collect(),
            audience: self.audience.as_ref().map(|a| match a {
                Audience::Everyone => Audience::Everyone,
                Audience::ServiceUsers { service, from, to } => Audience::ServiceUsers {
                    service: service.trim().to_owned(),
                    from: *from,
                    to: *to,
                },
                Audience::Segment { segment } => Audience::Segment { segment: *segment },
            }),
        }
    }

    /// Every problem of an already normalized draft (the service it names is checked
    /// against the database by the store).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let mut add = |field: String, problem: Problem| {
            problems.push(FieldError::new(field, problem));
        };
        if self.title.is_empty() {
            add("title".into(), Problem::Required);
        } else if too_long(&self.title, TITLE_MAX) {
            add("title".into(), Problem::TooLong { max: TITLE_MAX });
        }
        if let Some(description) = &self.description
            && too_long(description, DESCRIPTION_MAX)
        {
            add(
                "description".into(),
                Problem::TooLong {
                    max: DESCRIPTION_MAX,
                },
            );
        }
        if self.questions.is_empty() {
            add("questions".into(), Problem::Required);
        } else if self.questions.len() > MAX_QUESTIONS {
            add(
                "questions".into(),
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_QUESTIONS as i64,
                },
            );
        }
        let mut keys = HashSet::new();
        for (i, question) in self.questions.iter().enumerate() {
            let at = format!("questions.{i}");
            if !is_question_key(&question.key) {
                add(format!("{at}.key"), Problem::InvalidFormat);
            } else if !keys.insert(question.key.as_str()) {
                add(format!("{at}.key"), Problem::Duplicate);
            }
            if question.text.is_empty() {
                add(format!("{at}.text"), Problem::Required);
            } else if too_long(&question.text, QUESTION_TEXT_MAX) {
                add(
                    format!("{at}.text"),
                    Problem::TooLong {
                        max: QUESTION_TEXT_MAX,
                    },
                );
            }
            if question.kind.has_options() {
                if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&question.options.len()) {
                    add(
                        format!("{at}.options"),
                        Problem::OutOfRange {
                            min: MIN_OPTIONS as i64,
                            max: MAX_OPTIONS as i64,
                        },
                    );
                }
                let mut seen = HashSet::new();
                for (j, option) in question.options.iter().enumerate() {
                    if too_long(option, OPTION_MAX) {
                        add(
                            format!("{at}.options.{j}"),
                            Problem::TooLong { max: OPTION_MAX },
                        );
                    } else if !seen.insert(option.as_str()) {
                        add(format!("{at}.options.{j}"), Problem::Duplicate);
                    }
                }
            }
        }
        match &self.audience {
            None => add("audience".into(), Problem::Required),
            Some(Audience::Everyone) => {}
            Some(Audience::Segment { segment }) => {
                if *segment <= 0 {
                    add("audience.segment".into(), Problem::Required);
                }
            }
            Some(Audience::ServiceUsers { service, from, to }) => {
                if service.is_empty() {
                    add("audience.service".into(), Problem::Required);
                }
                if from.is_none() {
                    add("audience.from".into(), Problem::Required);
                }
                match (from, to) {
                    (_, None) => add("audience.to".into(), Problem::Required),
                    (Some(from), Some(to)) if to < from => {
                        add("audience.to".into(), Problem::InvalidDate);
                    }
                    _ => {}
                }
            }
        }
        problems
    }
}

/// The draft, normalized, if it has no problem; otherwise every problem.
pub fn validate_survey(draft: &SurveyDraft) -> Result<SurveyDraft, Vec<FieldError>> {
    let draft = draft.normalized();
    let problems = draft.problems();
    if problems.is_empty() {
        Ok(draft)
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------------------
// Answers

/// One answer: a number (a five-point question's point, or a single choice's option index),
/// a list of option indices (multiple choice) or a text (free text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Number(i64),
    Numbers(Vec<i64>),
    Text(String),
}

/// Question key → answer; unanswered questions are left out.
pub type Answers = BTreeMap<String, Answer>;

/// An option index or a point, written as a number or as the text of one.
fn number_of(answer: &Answer) -> Option<i64> {
    match answer {
        Answer::Number(n) => Some(*n),
        Answer::Text(text) => text.trim().parse().ok(),
        Answer::Numbers(_) => None,
    }
}

/// Whether an answer says nothing (blank text, no option picked).
fn is_blank(answer: &Answer) -> bool {
    match answer {
        Answer::Text(text) => text.trim().is_empty(),
        Answer::Numbers(list) => list.is_empty(),
        Answer::Number(_) => false,
    }
}

/// The answers, normalized (numbers as numbers, texts trimmed, picks sorted and each once,
/// unknown keys and blank answers left out), if every one fits its question and every
/// required question is answered; otherwise a problem per question, named by its key.
pub fn check_answers(
    questions: &[Question],
    answers: &Answers,
) -> Result<Answers, Vec<FieldError>> {
    let mut checked = Answers::new();
    let mut problems = Vec::new();
    for question in questions {
        let key = question.key.as_str();
        let Some(answer) = answers.get(key).filter(|a| !is_blank(a)) else {
            if question.required {
                problems.push(FieldError::new(key, Problem::Required));
            }
            continue;
        };
        let options = question.options.len() as i64;
        let result = match question.kind {
            QuestionKind::FivePoint => match number_of(answer) {
                Some(point) if SCALE.contains(&point) => Ok(Answer::Number(point)),
                _ => Err(Problem::OutOfRange {
                    min: *SCALE.start(),
                    max: *SCALE.end(),
                }),
            },
            QuestionKind::SingleChoice => match number_of(answer) {
                Some(index) if (0..options).contains(&index) => Ok(Answer::Number(index)),
                _ => Err(Problem::NotAnOption),
            },
            QuestionKind::MultipleChoice => {
                let picks: Option<Vec<i64>> = match answer {
                    Answer::Numbers(list) => Some(list.clone()),
                    single => number_of(single).map(|n| vec![n]),
                };
                match picks {
                    Some(mut picks) if picks.iter().all(|i| (0..options).contains(i)) => {
                        picks.sort_unstable();
                        picks.dedup();
                        Ok(Answer::Numbers(picks))
                    }
                    _ => Err(Problem::NotAnOption),
                }
            }
            QuestionKind::FreeText => match answer {
                Answer::Text(text) if too_long(text.trim(), ANSWER_TEXT_MAX) => {
                    Err(Problem::TooLong {
                        max: ANSWER_TEXT_MAX,
                    })
                }
                Answer::Text(text) => Ok(Answer::Text(text.trim().to_owned())),
                _ => Err(Problem::InvalidFormat),
            },
        };
        match result {
            Ok(answer) => {
                checked.insert(key.to_owned(), answer);
            }
            Err(problem) => problems.push(FieldError::new(key, problem)),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// The answers of a plain HTML form: a radio button per point or option (`key=3`), a check
/// box per option (`key=0&key=2`), a text area (`key=…`). [`check_answers`] judges them.
pub fn answers_from_form(questions: &[Question], pairs: &[(String, String)]) -> Answers {
    let mut answers = Answers::new();
    for question in questions {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| *k == question.key)
            .map(|(_, v)| v.as_str());
        let answer = match question.kind {
            QuestionKind::MultipleChoice => {
                let picks: Vec<i64> = values.map(|v| v.trim().parse().unwrap_or(-1)).collect();
                Answer::Numbers(picks)
            }
            _ => match values.next() {
                Some(value) => Answer::Text(value.to_owned()),
                None => continue,
            },
        };
        answers.insert(question.key.clone(), answer);
    }
    answers
}

/// "You have answered this survey already; each person answers once", for the error a
/// second response gets.
pub fn already_answered_message(locale: i18n::Locale) -> &'static str {
    i18n::td_string!(locale, surveys.already_answered)
}

// ---------------------------------------------------------------------------------------
// Results

/// A group's responses, and per five-point question the sum and number of its points.
type Tally = (i64, Vec<(i64, i64)>);

/// The responses grouped by their key (a district, an age band; `group` names it), each
/// group with its count and the mean of each five-point question, the largest group first
/// (ties in the order first seen); small cells suppressed.
pub fn breakdown<K: Clone + Eq + std::hash::Hash>(
    questions: &[Question],
    responses: &[(Answers, K)],
    group: impl Fn(&K) -> Group,
) -> Vec<GroupFigures> {
    let scales: Vec<&Question> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::FivePoint)
        .collect();
    // Key → its tally, keys in first-seen order.
    let mut keys: Vec<K> = Vec::new();
    let mut tally: std::collections::HashMap<K, Tally> = std::collections::HashMap::new();
    for (answers, key) in responses {
        let entry = tally.entry(key.clone()).or_insert_with(|| {
            keys.push(key.clone());
            (0, vec![(0, 0); scales.len()])
        });
        entry.0 += 1;
        for (i, question) in scales.iter().enumerate() {
            if let Some(point) = answers.get(&question.key).and_then(number_of)
                && SCALE.contains(&point)
            {
                entry.1[i].0 += point;
                entry.1[i].1 += 1;
            }
        }
    }
    let mut rows: Vec<(K, Tally)> = keys
        .into_iter()
        .filter_map(|k| tally.remove(&k).map(|t| (k, t)))
        .collect();
    rows.sort_by_key(|(_, (n, _))| std::cmp::Reverse(*n));
    rows.into_iter()
        .map(|(key, (n, sums))| {
            let shown = n >= SMALL_CELL;
            GroupFigures {
                group: group(&key),
                responses: Headcount::of(n),
                means: sums
                    .into_iter()
                    .map(|(sum, count)| (shown && count > 0).then(|| sum as f64 / count as f64))
                    .collect(),
            }
        })
        .collect()
}

/// Each question's figures over the responses (checked answers, with when each came).
pub fn aggregate(
    questions: &[Question],
    responses: &[(Answers, DateTime<Utc>)],
) -> Vec<QuestionResult> {
    questions
        .iter()
        .map(|question| {
            let given: Vec<(&Answer, DateTime<Utc>)> = responses
                .iter()
                .filter_map(|(answers, at)| answers.get(&question.key).map(|a| (a, *at)))
                .filter(|(a, _)| !is_blank(a))
                .collect();
            let figures = match question.kind {
                QuestionKind::FivePoint => {
                    let mut counts = vec![0i64; 5];
                    let (mut sum, mut n) = (0i64, 0i64);
                    for point in given.iter().filter_map(|(a, _)| number_of(a)) {
                        if SCALE.contains(&point) {
                            counts[(point - 1) as usize] += 1;
                            sum += point;
                            n += 1;
                        }
                    }
                    Figures::Scale {
                        counts,
                        mean: (n > 0).then(|| sum as f64 / n as f64),
                    }
                }
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                    let mut counts = vec![0i64; question.options.len()];
                    for (answer, _) in &given {
                        let picks = match answer {
                            Answer::Numbers(list) => list.clone(),
                            single => number_of(single).into_iter().collect(),
                        };
                        for pick in picks {
                            if let Some(count) =
                                usize::try_from(pick).ok().and_then(|i| counts.get_mut(i))
                            {
                                *count += 1;
                            }
                        }
                    }
                    Figures::Choices {
                        counts: question
                            .options
                            .iter()
                            .zip(counts)
                            .map(|(option, count)| OptionCount {
                                option: option.clone(),
                                count,
                            })
                            .collect(),
                    }
                }
                QuestionKind::FreeText => {
                    let mut answers: Vec<TextAnswer> = given
                        .iter()
                        .filter_map(|(a, at)| match a {
                            Answer::Text(text) => Some(TextAnswer {
                                text: text.clone(),
                                at: *at,
                            }),
                            _ => None,
                        })
                        .collect();
                    answers.sort_by_key(|a| std::cmp::Reverse(a.at));
                    Figures::Texts { answers }
                }
            };
            QuestionResult {
                key: question.key.clone(),
                kind: question.kind,
                text: question.text.clone(),
                answered: given.len() as i64,
                figures,
            }
        })
        .collect()
}

crate::stored::stored_as_words!(SurveyStatus);

#[cfg(test)]
mod tests {
    use super::*;

    fn q(key: &str, kind: QuestionKind, options: &[&str], required: bool) -> Question {
        Question {
            key: key.into(),
            kind,
            text: format!("问题 {key}"),
            options: options.iter().map(|o| o.to_string()).collect(),
            required,
        }
    }

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    fn draft() -> SurveyDraft {
        SurveyDraft {
            title: " 低保办理满意度 ".into(),
            description: Some("  ".into()),
            questions: vec![
                q("", QuestionKind::FivePoint, &["x"], true),
                q(
                    "channel",
                    QuestionKind::SingleChoice,
                    &["窗口", " 网上 ", ""],
                    false,
                ),
                q("", QuestionKind::FreeText, &[], false),
            ],
            audience: Some(Audience::ServiceUsers {
                service: " MZ-0101 ".into(),
                from: Some(d(11, 1)),
                to: Some(d(11, 30)),
            }),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_draft_is_trimmed_and_numbered() {
        let valid = validate_survey(&draft()).unwrap();
        assert_eq!(valid.title, "低保办理满意度");
        assert_eq!(valid.description, None);
        let keys: Vec<_> = valid.questions.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, ["q1", "channel", "q3"]);
        assert!(
            valid.questions[0].options.is_empty(),
            "a scale has no options"
        );
        assert_eq!(valid.questions[1].options, ["窗口", "网上"]);
        assert_eq!(
            valid.audience,
            Some(Audience::ServiceUsers {
                service: "MZ-0101".into(),
                from: Some(d(11, 1)),
                to: Some(d(11, 30)),
            })
        );
    }

    #[test]
    fn every_problem_of_a_draft_is_named() {
        let empty = validate_survey(&SurveyDraft::default()).unwrap_err();
        assert_eq!(fields(&empty), ["title", "questions", "audience"]);

        let mut bad = draft();
        bad.title = "题".repeat(201);
        bad.questions[0].key = "Q-1".into();
        bad.questions[1].key = "q3".into();
        bad.questions[1].options = vec!["窗口".into()];
        bad.questions
            .push(q("q3", QuestionKind::MultipleChoice, &["a", "a"], false));
        bad.questions.push(Question {
            text: " ".into(),
            ..q(
                "long",
                QuestionKind::SingleChoice,
                &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"],
                false,
            )
        });
        bad.audience = Some(Audience::ServiceUsers {
            service: String::new(),
            from: Some(d(11, 30)),
            to: Some(d(11, 1)),
        });
        let errors = validate_survey(&bad).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("title", Problem::TooLong { max: 200 }),
                FieldError::new("questions.0.key", Problem::InvalidFormat),
                FieldError::new(
                    "questions.1.options",
                    Problem::OutOfRange { min: 2, max: 10 }
                ),
                FieldError::new("questions.2.key", Problem::Duplicate),
                FieldError::new("questions.3.key", Problem::Duplicate),
                FieldError::new("questions.3.options.1", Problem::Duplicate),
                FieldError::new("questions.4.text", Problem::Required),
                FieldError::new(
                    "questions.4.options",
                    Problem::OutOfRange { min: 2, max: 10 }
                ),
                FieldError::new("audience.service", Problem::Required),
                FieldError::new("audience.to", Problem::InvalidDate),
            ]
        );

        let mut many = draft();
        many.questions = (0..31)
            .map(|i| q(&format!("k{i}"), QuestionKind::FreeText, &[], false))
            .collect();
        many.audience = Some(Audience::ServiceUsers {
            service: "X".into(),
            from: None,
            to: None,
        });
        assert_eq!(
            fields(&validate_survey(&many).unwrap_err()),
            ["questions", "audience.from", "audience.to"]
        );
    }

    #[test]
    fn drafts_and_audiences_read_from_json() {
        let draft: SurveyDraft = serde_json::from_value(serde_json::json!({
            "title": "t",
            "questions": [{ "kind": "five_point", "text": "总体满意度" }],
            "audience": { "kind": "service_users", "service": "MZ-0101", "from": "2026-11-01", "to": "2026-11-30" }
        }))
        .unwrap();
        assert!(!draft.questions[0].required);
        assert_eq!(
            draft.audience.as_ref().map(Audience::as_str),
            Some("service_users")
        );
        let everyone: Audience = serde_json::from_str(r#"{"kind":"everyone"}"#).unwrap();
        assert_eq!(everyone, Audience::Everyone);
        for status in SurveyStatus::ALL {
            assert_eq!(SurveyStatus::parse(status.as_str()), Some(status));
        }
        for kind in QuestionKind::ALL {
            assert_eq!(QuestionKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_period_covers_whole_china_days() {
        let (start, end) = period_bounds(d(11, 1), d(11, 30));
        assert_eq!(start.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-11-30T16:00:00+00:00");
    }

    #[test]
    fn statuses_move_forward_and_close_by_time() {
        use SurveyStatus::*;
        assert!(Draft.can_edit() && !Scheduled.can_edit());
        assert!(Draft.can_schedule() && Scheduled.can_schedule() && !Open.can_schedule());
        assert!(!Draft.can_close() && Scheduled.can_close() && Open.can_close());
        assert!(!Closed.can_close() && !Closed.can_schedule());
        let now = Utc::now();
        let past = now - chrono::Duration::minutes(1);
        assert_eq!(Open.effective(Some(past), now), Closed);
        assert_eq!(Open.effective(None, now), Open);
        assert_eq!(Scheduled.effective(Some(past), now), Scheduled);
    }

    #[test]
    fn a_schedule_opens_now_at_the_earliest_and_closes_after_opening() {
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        let plain = Schedule::default().resolve(now).unwrap();
        assert_eq!(plain, (now, None));
        let past = Schedule {
            at: Some(now - hour),
            closes_at: Some(now + hour),
        };
        assert_eq!(past.resolve(now).unwrap(), (now, Some(now + hour)));
        let backwards = Schedule {
            at: Some(now + hour * 2),
            closes_at: Some(now + hour),
        };
        assert_eq!(fields(&backwards.resolve(now).unwrap_err()), ["closes_at"]);
    }

    fn survey() -> Vec<Question> {
        vec![
            q("overall", QuestionKind::FivePoint, &[], true),
            q(
                "channel",
                QuestionKind::SingleChoice,
                &["窗口", "网上", "电话"],
                false,
            ),
            q(
                "liked",
                QuestionKind::MultipleChoice,
                &["快", "准", "省"],
                false,
            ),
            q("say", QuestionKind::FreeText, &[], false),
        ]
    }

    fn answers(list: &[(&str, Answer)]) -> Answers {
        list.iter()
            .map(|(k, a)| (k.to_string(), a.clone()))
            .collect()
    }

    #[test]
    fn answers_are_checked_against_their_questions() {
        let questions = survey();
        let ok = check_answers(
            &questions,
            &answers(&[
                ("overall", Answer::Text(" 4 ".into())),
                ("channel", Answer::Number(2)),
                ("liked", Answer::Numbers(vec![2, 0, 2])),
                ("say", Answer::Text("  很好  ".into())),
                ("unknown", Answer::Number(1)),
            ]),
        )
        .unwrap();
        assert_eq!(
            ok,
            answers(&[
                ("overall", Answer::Number(4)),
                ("channel", Answer::Number(2)),
                ("liked", Answer::Numbers(vec![0, 2])),
                ("say", Answer::Text("很好".into())),
            ])
        );
        // Only the required question is needed; blanks are left out.
        let minimal = check_answers(
            &questions,
            &answers(&[
                ("overall", Answer::Number(5)),
                ("liked", Answer::Numbers(vec![])),
                ("say", Answer::Text(" ".into())),
            ]),
        )
        .unwrap();
        assert_eq!(minimal.len(), 1);

        let errors = check_answers(
            &questions,
            &answers(&[
                ("overall", Answer::Number(6)),
                ("channel", Answer::Number(3)),
                ("liked", Answer::Numbers(vec![1, -1])),
                ("say", Answer::Text("字".repeat(2001))),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("overall", Problem::OutOfRange { min: 1, max: 5 }),
                FieldError::new("channel", Problem::NotAnOption),
                FieldError::new("liked", Problem::NotAnOption),
                FieldError::new("say", Problem::TooLong { max: 2000 }),
            ]
        );
        assert_eq!(
            check_answers(&questions, &Answers::new()).unwrap_err(),
            vec![FieldError::new("overall", Problem::Required)]
        );
        assert_eq!(
            check_answers(
                &questions,
                &answers(&[("overall", Answer::Text("好".into()))])
            )
            .unwrap_err(),
            vec![FieldError::new(
                "overall",
                Problem::OutOfRange { min: 1, max: 5 }
            )]
        );
    }

    #[test]
    fn a_plain_form_becomes_answers() {
        let pairs: Vec<(String, String)> = [
            ("overall", "3"),
            ("liked", "0"),
            ("liked", "2"),
            ("say", "还行"),
            ("other", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let parsed = answers_from_form(&survey(), &pairs);
        assert_eq!(
            parsed,
            answers(&[
                ("overall", Answer::Text("3".into())),
                ("liked", Answer::Numbers(vec![0, 2])),
                ("say", Answer::Text("还行".into())),
            ])
        );
        let checked = check_answers(&survey(), &parsed).unwrap();
        assert_eq!(checked["overall"], Answer::Number(3));
        // A check box with a forged value is no option.
        let forged = vec![
            ("overall".to_owned(), "5".to_owned()),
            ("liked".into(), "x".into()),
        ];
        assert_eq!(
            check_answers(&survey(), &answers_from_form(&survey(), &forged)).unwrap_err(),
            vec![FieldError::new("liked", Problem::NotAnOption)]
        );
    }

    #[test]
    fn answers_and_their_json_round_trip() {
        let stored = answers(&[
            ("overall", Answer::Number(4)),
            ("liked", Answer::Numbers(vec![0, 1])),
            ("say", Answer::Text("好".into())),
        ]);
        let json = serde_json::to_value(&stored).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"liked": [0, 1], "overall": 4, "say": "好"})
        );
        let back: Answers = serde_json::from_value(json).unwrap();
        assert_eq!(back, stored);
    }

    #[test]
    fn results_count_each_point_and_option_and_list_texts_newest_first() {
        let questions = survey();
        let t0 = DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let hour = chrono::Duration::hours(1);
        let responses = vec![
            (
                answers(&[
                    ("overall", Answer::Number(5)),
                    ("channel", Answer::Number(1)),
                    ("liked", Answer::Numbers(vec![0, 2])),
                    ("say", Answer::Text("第一".into())),
                ]),
                t0,
            ),
            (
                answers(&[
                    ("overall", Answer::Number(4)),
                    ("channel", Answer::Number(1)),
                    ("liked", Answer::Numbers(vec![0])),
                ]),
                t0 + hour,
            ),
            (
                answers(&[
                    ("overall", Answer::Number(2)),
                    ("say", Answer::Text("第三".into())),
                ]),
                t0 + hour * 2,
            ),
        ];
        let results = aggregate(&questions, &responses);
        assert_eq!(results.len(), 4);
        assert_eq!(results[0].answered, 3);
        match &results[0].figures {
            Figures::Scale { counts, mean } => {
                assert_eq!(counts, &vec![0, 1, 0, 1, 1]);
                assert!((mean.unwrap() - 11.0 / 3.0).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(results[1].answered, 2);
        assert_eq!(
            results[1].figures,
            Figures::Choices {
                counts: vec![
                    OptionCount {
                        option: "窗口".into(),
                        count: 0
                    },
                    OptionCount {
                        option: "网上".into(),
                        count: 2
                    },
                    OptionCount {
                        option: "电话".into(),
                        count: 0
                    },
                ]
            }
        );
        match &results[2].figures {
            Figures::Choices { counts } => {
                let n: Vec<i64> = counts.iter().map(|c| c.count).collect();
                assert_eq!(n, [2, 0, 1]);
            }
            other => panic!("{other:?}"),
        }
        match &results[3].figures {
            Figures::Texts { answers } => {
                let texts: Vec<&str> = answers.iter().map(|a| a.text.as_str()).collect();
                assert_eq!(texts, ["第三", "第一"]);
            }
            other => panic!("{other:?}"),
        }
        let none = aggregate(&questions, &[]);
        assert_eq!(
            none[0].figures,
            Figures::Scale {
                counts: vec![0; 5],
                mean: None
            }
        );
    }

    fn scored(points: &[(&str, i64)]) -> Answers {
        points
            .iter()
            .map(|(k, p)| ((*k).to_owned(), Answer::Number(*p)))
            .collect()
    }

    #[test]
    fn a_breakdown_counts_and_averages_each_group_largest_first() {
        let questions = [
            q("overall", QuestionKind::FivePoint, &[], true),
            q("channel", QuestionKind::SingleChoice, &["a", "b"], false),
            q("speed", QuestionKind::FivePoint, &[], false),
        ];
        // District 1: ten responses, overall 4 and 5 alternating, speed only on two (2 and 4).
        // District 2: twelve responses, overall 3, no speed. District 3: three responses.
        let mut responses: Vec<(Answers, i64)> = (0..10)
            .map(|i| {
                let mut answers = scored(&[("overall", 4 + i % 2)]);
                if i < 2 {
                    answers.insert("speed".into(), Answer::Number(2 + 2 * i));
                }
                (answers, 1)
            })
            .collect();
        responses.extend((0..12).map(|_| (scored(&[("overall", 3), ("channel", 1)]), 2)));
        responses.extend((0..3).map(|_| (scored(&[("overall", 1)]), 3)));
        let rows = breakdown(&questions, &responses, |id| Group::District {
            region_id: *id,
            name: LocalizedText::new(format!("区{id}"), None),
        });
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| match r.group {
                Group::District { region_id, .. } => region_id,
                Group::AgeBand { .. } => 0,
            })
            .collect();
        assert_eq!(ids, [2, 1, 3], "largest first");
        assert_eq!(rows[0].responses, Headcount::Exact(12));
        assert_eq!(rows[0].means, vec![Some(3.0), None], "no speed answered");
        assert_eq!(rows[1].responses, Headcount::Exact(10));
        assert_eq!(rows[1].means, vec![Some(4.5), Some(3.0)]);
        assert_eq!(rows[2].responses, Headcount::FewerThanTen);
        assert_eq!(
            rows[2].means,
            vec![None, None],
            "a small cell shows no means"
        );
    }

    #[test]
    fn a_segment_audience_names_a_segment() {
        let mut survey = draft().normalized();
        survey.audience = Some(Audience::Segment { segment: 0 });
        assert!(fields(&survey.problems()).contains(&"audience.segment"));
        survey.audience = Some(Audience::Segment { segment: 4 });
        assert!(
            !fields(&survey.problems())
                .iter()
                .any(|f| f.starts_with("audience"))
        );
        assert_eq!(Audience::Segment { segment: 4 }.as_str(), "segment");
        let json = serde_json::to_value(Audience::Segment { segment: 4 }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "segment", "segment": 4}));
    }
}
