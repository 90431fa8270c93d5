//! 满意度数据: the figures of the ratings loop per department and service over a period
//! (number of ratings, satisfaction and bad-review rates, the rectification on-time rate and
//! average rectification time), the monthly ranking of departments, common versus individual
//! problems among the bad reviews, the rolling 30-day alert, and what the public page may
//! publish (nothing built from fewer than `MIN_PUBLIC_RATINGS` ratings).
//!
//! The counting happens in SQL (`store::figures`); the rules that turn counts into figures,
//! order the ranking, group problems and suppress small numbers are plain functions here.
use crate::ids::ResidentId;

use super::console::Choice;
use super::error::{AppError, ErrorCode};
use super::rating::{Indicator, IndicatorScores, RatingTag};
use super::rating_policy::{MIN_PUBLIC_RATINGS, publishable, satisfaction_rate};
use super::rectification::on_time_rate;
use super::text::LocalizedText;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use i18n::{Locale, td_string};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[cfg(feature = "ssr")]
use utoipa::{IntoParams, ToSchema};

/// A group of bad reviews of one service with one cause becomes a common problem once this
/// many different residents share it.
pub const COMMON_PROBLEM_RESIDENTS: u64 = 3;

/// The console's alert looks at the ratings of the last this many days.
pub const ALERT_WINDOW_DAYS: i64 = 30;

/// The longest period the console reports on at once (days).
pub const MAX_PERIOD_DAYS: i64 = 3 * 366;

/// How many months the pickers offer, counting back from the current one.
pub const PICKER_MONTHS: u32 = 24;

/// The value of the month picker for "the last 12 months".
pub const LAST_12_MONTHS: &str = "last12";

/// China dates from `from` to `to`, both inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    first_of_month(day)
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

/// `2026-11` for a day in November 2026.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The months a picker offers: the current one first, then back `PICKER_MONTHS - 1` more.
pub fn picker_months(today: NaiveDate) -> Vec<String> {
    let first = first_of_month(today);
    (0..PICKER_MONTHS)
        .filter_map(|back| first.checked_sub_months(Months::new(back)))
        .map(month_key)
        .collect()
}

impl Period {
    /// The calendar month `2026-11`; None for anything else.
    pub fn parse_month(text: &str) -> Option<Period> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let month: u32 = month.parse().ok()?;
        if !(2000..=2100).contains(&year) {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Period {
            from: first,
            to: last_of_month(first),
        })
    }

    /// The month `today` falls in.
    pub fn month_of(today: NaiveDate) -> Period {
        Period {
            from: first_of_month(today),
            to: last_of_month(today),
        }
    }

    /// Twelve whole calendar months, the current one last.
    pub fn last_12_months(today: NaiveDate) -> Period {
        let first = first_of_month(today);
        Period {
            from: first.checked_sub_months(Months::new(11)).unwrap_or(first),
            to: last_of_month(today),
        }
    }

    /// `2026-11` when the period is exactly one calendar month.
    pub fn month_key(&self) -> Option<String> {
        (self.from == first_of_month(self.from) && self.to == last_of_month(self.from))
            .then(|| month_key(self.from))
    }

    /// The first moment of the period (midnight China time of `from`).
    pub fn starts_at(&self) -> DateTime<Utc> {
        super::deadline::start_of_china_day(self.from)
    }

    /// The first moment after the period (midnight China time after `to`).
    pub fn ends_before(&self) -> DateTime<Utc> {
        super::deadline::start_of_china_day(self.to + Duration::days(1))
    }

    /// The month the ranking is shown for: the period's own month, otherwise the month of
    /// the period's last day (or of today, if the period runs on into the future).
    pub fn ranking_month(&self, today: NaiveDate) -> Period {
        if self.month_key().is_some() {
            return *self;
        }
        Period::month_of(self.to.min(today).max(self.from))
    }

    /// "2026-11" for a month, "2025-12-01 – 2026-11-30" otherwise.
    pub fn label(&self) -> String {
        self.month_key()
            .unwrap_or_else(|| format!("{} – {}", self.from, self.to))
    }
}

/// The console's period picker and department filter, as the query string carries them.
/// Empty values are the same as absent ones (a GET form sends every field).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(IntoParams))]
pub struct FiguresQuery {
    /// A month `2026-11`, or `last12` for the last 12 months; default the current month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// A China date `2026-11-01`; with `to`, a period of its own (overrides `month`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For supervisors and administrators: one department's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i64>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn bad(field: &str) -> AppError {
    AppError::with_field(ErrorCode::InvalidParameter, field)
}

impl FiguresQuery {
    /// The period asked for: `from`/`to` (either may be left out: from the first of `to`'s
    /// month, or up to today), else `month`, else the current month.
    pub fn period(&self, today: NaiveDate) -> Result<Period, AppError> {
        let date =
            |field: &'static str, value: Option<&str>| -> Result<Option<NaiveDate>, AppError> {
                value
                    .map(|v| v.parse::<NaiveDate>().map_err(|_| bad(field)))
                    .transpose()
            };
        let from = date("from", filled(&self.from))?;
        let to = date("to", filled(&self.to))?;
        let period = match (from, to) {
            (Some(from), Some(to)) => Period { from, to },
            (Some(from), None) => Period {
                from,
                to: today.max(from),
            },
            (None, Some(to)) => Period {
                from: first_of_month(to),
                to,
            },
            (None, None) => match filled(&self.month) {
                None => Period::month_of(today),
                Some(LAST_12_MONTHS) => Period::last_12_months(today),
                Some(month) => Period::parse_month(month).ok_or_else(|| bad("month"))?,
            },
        };
        if period.from > period.to {
            return Err(bad("from"));
        }
        if (period.to - period.from).num_days() >= MAX_PERIOD_DAYS {
            return Err(bad("from"));
        }
        Ok(period)
    }
}

/// What the ratings of a department or service count, as SQL returns them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingCounts {
    pub ratings: u64,
    /// Scored 4 or 5.
    pub satisfied: u64,
    /// Scored 1 or 2.
    pub bad: u64,
}

impl std::ops::Add for RatingCounts {
    type Output = RatingCounts;

    fn add(self, other: RatingCounts) -> RatingCounts {
        RatingCounts {
            ratings: self.ratings + other.ratings,
            satisfied: self.satisfied + other.satisfied,
            bad: self.bad + other.bad,
        }
    }
}

/// What the rectifications of a department or service count, as SQL returns them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RectificationCounts {
    pub rectifications: u64,
    pub closed: u64,
    /// Closed, and the department's response (answer or appeal) came by its deadline.
    pub closed_on_time: u64,
    /// Still open past the deadline.
    pub open_overdue: u64,
    /// Closed ones with a closing time, and their total duration in seconds.
    pub measured: u64,
    pub total_seconds: f64,
}

impl std::ops::Add for RectificationCounts {
    type Output = RectificationCounts;

    fn add(self, other: RectificationCounts) -> RectificationCounts {
        RectificationCounts {
            rectifications: self.rectifications + other.rectifications,
            closed: self.closed + other.closed,
            closed_on_time: self.closed_on_time + other.closed_on_time,
            open_overdue: self.open_overdue + other.open_overdue,
            measured: self.measured + other.measured,
            total_seconds: self.total_seconds + other.total_seconds,
        }
    }
}

/// One row of figures: a department's, a service's, or the total of a scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Figures {
    /// Ratings in the period (excluded ones never count).
    pub ratings: u64,
    /// Scored 4–5.
    pub satisfied: u64,
    /// Scored 1–2 (bad reviews).
    pub bad: u64,
    /// satisfied ÷ ratings; None without ratings.
    pub satisfaction_rate: Option<f64>,
    /// bad ÷ ratings; None without ratings.
    pub bad_review_rate: Option<f64>,
    /// Rectifications opened by the period's bad reviews.
    pub rectifications: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub open_overdue: u64,
    /// closed on time ÷ (closed + open and overdue); None with nothing to measure.
    pub on_time_rate: Option<f64>,
    /// The mean of (closed − opened) over the closed ones, in hours.
    pub average_rectification_hours: Option<f64>,
}

impl Figures {
    pub fn new(ratings: RatingCounts, rectifications: RectificationCounts) -> Figures {
        Figures {
            ratings: ratings.ratings,
            satisfied: ratings.satisfied,
            bad: ratings.bad,
            satisfaction_rate: satisfaction_rate(ratings.satisfied, ratings.ratings),
            bad_review_rate: satisfaction_rate(ratings.bad, ratings.ratings),
            rectifications: rectifications.rectifications,
            closed: rectifications.closed,
            closed_on_time: rectifications.closed_on_time,
            open_overdue: rectifications.open_overdue,
            on_time_rate: on_time_rate(
                rectifications.closed_on_time,
                rectifications.closed,
                rectifications.open_overdue,
            ),
            average_rectification_hours: (rectifications.measured > 0)
                .then(|| rectifications.total_seconds / rectifications.measured as f64 / 3600.0),
        }
    }
}

/// "93.5%", or "—" for no figure.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(rate) => {
            let text = format!("{:.1}", rate * 100.0);
            format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
        }
        None => "—".to_owned(),
    }
}

/// An average duration as people read it: hours under two days, days from then on.
pub fn duration_text(hours: Option<f64>, locale: Locale) -> String {
    match hours {
        None => "—".to_owned(),
        Some(h) if h < 48.0 => {
            td_string!(locale, figures.hours).replace("$n", &format!("{:.1}", h.max(0.0)))
        }
        Some(h) => td_string!(locale, figures.days).replace("$n", &format!("{:.1}", h / 24.0)),
    }
}

/// A department's figures in the console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DepartmentFigures {
    pub id: i64,
    pub code: String,
    pub name: LocalizedText,
    pub figures: Figures,
}

/// A service's figures in the console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceFigures {
    pub code: String,
    pub name: LocalizedText,
    pub department: LocalizedText,
    pub figures: Figures,
}

/// One department in the monthly ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RankEntry {
    /// 1 for the best; None for a department with too few ratings to be ranked.
    pub rank: Option<u32>,
    pub department_id: i64,
    pub department: LocalizedText,
    pub ratings: u64,
    pub satisfaction_rate: Option<f64>,
}

/// The departments ranked by satisfaction for one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Ranking {
    pub month: String,
    pub entries: Vec<RankEntry>,
}

/// Ranks departments by satisfaction rate, higher first; an equal rate goes to the one with
/// more ratings; equal in both, they share a rank. Departments with fewer than
/// `MIN_PUBLIC_RATINGS` ratings follow unranked, in the order given.
pub fn rank_departments(rows: Vec<(i64, LocalizedText, RatingCounts)>) -> Vec<RankEntry> {
    let (mut ranked, unranked): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(_, _, c)| c.ratings >= MIN_PUBLIC_RATINGS);
    // Compare satisfied/ratings exactly, by cross-multiplying (ratings > 0 here).
    let better = |a: &RatingCounts, b: &RatingCounts| {
        let left = u128::from(a.satisfied) * u128::from(b.ratings);
        let right = u128::from(b.satisfied) * u128::from(a.ratings);
        right.cmp(&left).then(b.ratings.cmp(&a.ratings))
    };
    ranked.sort_by(|(_, _, a), (_, _, b)| better(a, b));
    let mut entries: Vec<RankEntry> = Vec::with_capacity(ranked.len() + unranked.len());
    let mut previous: Option<(RatingCounts, u32)> = None;
    for (position, (id, name, counts)) in ranked.into_iter().enumerate() {
        let rank = match previous {
            Some((p, rank)) if better(&p, &counts).is_eq() => rank,
            _ => position as u32 + 1,
        };
        previous = Some((counts, rank));
        entries.push(RankEntry {
            rank: Some(rank),
            department_id: id,
            department: name,
            ratings: counts.ratings,
            satisfaction_rate: satisfaction_rate(counts.satisfied, counts.ratings),
        });
    }
    entries.extend(unranked.into_iter().map(|(id, name, counts)| RankEntry {
        rank: None,
        department_id: id,
        department: name,
        ratings: counts.ratings,
        satisfaction_rate: satisfaction_rate(counts.satisfied, counts.ratings),
    }));
    entries
}

/// What a group of bad reviews has in common: a negative tag, or an indicator scored 1–2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub enum ProblemCause {
    Tag(RatingTag),
    Indicator(Indicator),
}

impl ProblemCause {
    pub fn label(self, locale: Locale) -> String {
        match self {
            ProblemCause::Tag(tag) => tag.label(locale).to_owned(),
            ProblemCause::Indicator(indicator) => td_string!(locale, figures.indicator_low)
                .replace("$indicator", indicator.label(locale)),
        }
    }

    /// A stable order: tags before indicators, each by code.
    pub fn key(self) -> (u8, &'static str) {
        match self {
            ProblemCause::Tag(tag) => (0, tag.as_str()),
            ProblemCause::Indicator(indicator) => (1, indicator.as_str()),
        }
    }
}

/// A bad review (score 1–2, not excluded) as the grouping needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadReview {
    pub rating_id: i64,
    pub service_id: i64,
    pub resident_id: ResidentId,
    pub tags: Vec<RatingTag>,
    pub indicators: IndicatorScores,
}

impl BadReview {
    /// Every cause this review names: its negative tags and its indicators scored 1–2.
    pub fn causes(&self) -> Vec<ProblemCause> {
        let mut causes: Vec<ProblemCause> = self
            .tags
            .iter()
            .filter(|t| t.is_negative())
            .map(|t| ProblemCause::Tag(*t))
            .collect();
        causes.extend(
            Indicator::ALL
                .into_iter()
                .filter(|i| self.indicators.get(*i).is_some_and(|s| s.is_bad()))
                .map(ProblemCause::Indicator),
        );
        causes.sort_by_key(|c| c.key());
        causes.dedup();
        causes
    }
}

/// A recurring cause: bad reviews of one service sharing a cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemGroup {
    pub service_id: i64,
    pub cause: ProblemCause,
    /// Bad reviews in the group.
    pub ratings: u64,
    /// Different residents who gave them.
    pub residents: u64,
}

/// Bad reviews sorted into common problems and individual cases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemGroups {
    /// Most bad reviews first.
    pub common: Vec<ProblemGroup>,
    /// Bad reviews that belong to no common problem.
    pub individual: u64,
}

/// Groups bad reviews by (service, cause); a group with at least
/// `COMMON_PROBLEM_RESIDENTS` different residents is a common problem. A review counts as
/// an individual case when none of its causes is common.
pub fn group_bad_reviews(reviews: &[BadReview]) -> ProblemGroups {
    let mut groups: HashMap<(i64, ProblemCause), (u64, HashSet<ResidentId>)> = HashMap::new();
    for review in reviews {
        for cause in review.causes() {
            let group = groups.entry((review.service_id, cause)).or_default();
            group.0 += 1;
            group.1.insert(review.resident_id);
        }
    }
    let mut common: Vec<ProblemGroup> = groups
        .into_iter()
        .filter(|(_, (_, residents))| residents.len() as u64 >= COMMON_PROBLEM_RESIDENTS)
        .map(|((service_id, cause), (ratings, residents))| ProblemGroup {
            service_id,
            cause,
            ratings,
            residents: residents.len() as u64,
        })
        .collect();
    common.sort_by(|a, b| {
        b.ratings
            .cmp(&a.ratings)
            .then(b.residents.cmp(&a.residents))
            .then(a.service_id.cmp(&b.service_id))
            .then(a.cause.key().cmp(&b.cause.key()))
    });
    let individual = reviews
        .iter()
        .filter(|r| {
            !r.causes().into_iter().any(|cause| {
                common
                    .iter()
                    .any(|g| g.service_id == r.service_id && g.cause == cause)
            })
        })
        .count() as u64;
    ProblemGroups { common, individual }
}

/// A common problem as the department head reads it:
/// "材料清单不准确 · 户口迁移 · 7 条差评".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CommonProblem {
    pub service_code: String,
    pub service: LocalizedText,
    pub department: LocalizedText,
    pub cause: ProblemCause,
    pub ratings: u64,
    pub residents: u64,
}

/// The bad reviews of a period, grouped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ProblemReport {
    pub bad_reviews: u64,
    pub common: Vec<CommonProblem>,
    pub individual: u64,
    /// Five-point survey questions about a service that several residents answered 1–2.
    #[serde(default)]
    pub survey_common: Vec<SurveyProblem>,
}

/// A five-point survey answer of 1 or 2 about a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowAnswer {
    pub service_id: i64,
    pub survey_id: i64,
    /// The question's key in its survey.
    pub question: String,
    pub resident_id: ResidentId,
}

/// Low answers to one question of one survey about one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyGroup {
    pub service_id: i64,
    pub survey_id: i64,
    pub question: String,
    pub answers: u64,
    pub residents: u64,
}

/// The keys of the five-point questions of a survey's `questions` JSON.
pub fn five_point_keys(questions: &serde_json::Value) -> Vec<(String, String)> {
    questions
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|q| q.get("kind").and_then(|k| k.as_str()) == Some("five_point"))
                .filter_map(|q| {
                    let key = q.get("key")?.as_str()?.to_owned();
                    let text = q
                        .get("text")
                        .and_then(|t| t.as_str())
                        .unwrap_or(&key)
                        .to_owned();
                    Some((key, text))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Which of `keys` a response's `answers` JSON answered with 1 or 2 (a number, or its text).
pub fn low_points(keys: &[(String, String)], answers: &serde_json::Value) -> Vec<String> {
    keys.iter()
        .filter(|(key, _)| {
            let point = answers.get(key).and_then(|a| {
                a.as_i64()
                    .or_else(|| a.as_str().and_then(|t| t.trim().parse().ok()))
            });
            matches!(point, Some(1 | 2))
        })
        .map(|(key, _)| key.clone())
        .collect()
}

/// Groups low survey answers by (service, survey, question); like bad reviews, a group
/// answered low by at least `COMMON_PROBLEM_RESIDENTS` different residents is common.
pub fn group_low_answers(answers: &[LowAnswer]) -> Vec<SurveyGroup> {
    let mut groups: HashMap<(i64, i64, &str), HashSet<ResidentId>> = HashMap::new();
    let mut counts: HashMap<(i64, i64, &str), u64> = HashMap::new();
    for a in answers {
        let key = (a.service_id, a.survey_id, a.question.as_str());
        groups.entry(key).or_default().insert(a.resident_id);
        *counts.entry(key).or_default() += 1;
    }
    let mut common: Vec<SurveyGroup> = groups
        .into_iter()
        .filter(|(_, residents)| residents.len() as u64 >= COMMON_PROBLEM_RESIDENTS)
        .map(|(key, residents)| SurveyGroup {
            service_id: key.0,
            survey_id: key.1,
            question: key.2.to_owned(),
            answers: counts.get(&key).copied().unwrap_or(0),
            residents: residents.len() as u64,
        })
        .collect();
    common.sort_by(|a, b| {
        b.answers
            .cmp(&a.answers)
            .then(a.service_id.cmp(&b.service_id))
            .then(a.survey_id.cmp(&b.survey_id))
            .then(a.question.cmp(&b.question))
    });
    common
}

/// A survey question about a service that several residents answered low.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SurveyProblem {
    pub service_code: String,
    pub service: LocalizedText,
    pub department: LocalizedText,
    pub survey_id: i64,
    pub survey_title: String,
    pub question: String,
    /// Answers of 1 or 2.
    pub answers: u64,
    pub residents: u64,
}

/// Whether a rolling satisfaction below `threshold` calls for an alert (no ratings, no
/// alert).
pub fn below_threshold(counts: RatingCounts, threshold: f64) -> bool {
    satisfaction_rate(counts.satisfied, counts.ratings).is_some_and(|rate| rate < threshold)
}

/// A department whose satisfaction over the last `ALERT_WINDOW_DAYS` days is below the
/// deployment's threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SatisfactionAlert {
    pub department_id: i64,
    pub department: LocalizedText,
    pub ratings: u64,
    pub satisfied: u64,
    /// The threshold in whole percent (90).
    pub threshold_percent: u32,
}

impl SatisfactionAlert {
    pub fn rate(&self) -> Option<f64> {
        satisfaction_rate(self.satisfied, self.ratings)
    }
}

/// The console's figures page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffFigures {
    pub query: FiguresQuery,
    pub period: Period,
    /// Over every department in view.
    pub total: Figures,
    pub departments: Vec<DepartmentFigures>,
    /// Services with ratings or rectifications in the period.
    pub services: Vec<ServiceFigures>,
    pub ranking: Ranking,
    pub problems: ProblemReport,
    pub alerts: Vec<SatisfactionAlert>,
    /// For supervisors and administrators: the department filter's choices.
    pub department_choices: Vec<Choice>,
    /// The month picker's choices, newest first.
    pub months: Vec<String>,
}

/// A figure as the public may see it: everything, or nothing when fewer than
/// `MIN_PUBLIC_RATINGS` ratings stand behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PublicFigures {
    /// True when built from fewer than 10 ratings: every figure below is then left out.
    pub suppressed: bool,
    pub ratings: Option<u64>,
    pub satisfaction_rate: Option<f64>,
    pub bad_review_rate: Option<f64>,
    /// Rectifications closed on time ÷ (closed + open and overdue).
    pub on_time_rate: Option<f64>,
}

impl PublicFigures {
    pub fn of(figures: &Figures) -> PublicFigures {
        let shown = publishable(figures.ratings, *figures);
        PublicFigures {
            suppressed: shown.is_none(),
            ratings: shown.map(|f| f.ratings),
            satisfaction_rate: shown.and_then(|f| f.satisfaction_rate),
            bad_review_rate: shown.and_then(|f| f.bad_review_rate),
            on_time_rate: shown.and_then(|f| f.on_time_rate),
        }
    }
}

/// A department or service on the public page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PublicRow {
    pub code: String,
    pub name: LocalizedText,
    /// For a service: its department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<LocalizedText>,
    pub figures: PublicFigures,
}

/// The public satisfaction figures of one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PublicSatisfaction {
    /// `2026-11`.
    pub month: String,
    pub period: Period,
    /// Figures built from fewer ratings than this are not published.
    pub min_ratings: u64,
    pub departments: Vec<PublicRow>,
    /// Services rated in the month.
    pub services: Vec<PublicRow>,
    /// The month picker's choices, newest first.
    pub months: Vec<String>,
}

/// The public page's month: `2026-11`, by default the current one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(IntoParams))]
pub struct MonthQuery {
    /// A month `2026-11`; default the current month (China time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
}

impl MonthQuery {
    pub fn period(&self, today: NaiveDate) -> Result<Period, AppError> {
        match filled(&self.month) {
            None => Ok(Period::month_of(today)),
            Some(month) => Period::parse_month(month).ok_or_else(|| bad("month")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::Score;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn counts(ratings: u64, satisfied: u64) -> RatingCounts {
        RatingCounts {
            ratings,
            satisfied,
            bad: 0,
        }
    }

    fn name(s: &str) -> LocalizedText {
        LocalizedText::new(s, None)
    }

    #[test]
    fn periods_are_months_twelve_months_or_ranges() {
        let today = day("2026-11-28");
        let nov = Period::parse_month("2026-11").unwrap();
        assert_eq!((nov.from, nov.to), (day("2026-11-01"), day("2026-11-30")));
        assert_eq!(nov.month_key().as_deref(), Some("2026-11"));
        assert_eq!(
            Period::parse_month("2026-02").unwrap().to,
            day("2026-02-28")
        );
        assert_eq!(
            Period::parse_month("2026-12").unwrap().to,
            day("2026-12-31")
        );
        for bad in ["2026-13", "2026-1", "26-11", "abc", "", "1999-01"] {
            assert_eq!(Period::parse_month(bad), None, "{bad}");
        }
        let year = Period::last_12_months(today);
        assert_eq!((year.from, year.to), (day("2025-12-01"), day("2026-11-30")));
        assert_eq!(year.month_key(), None);
        assert_eq!(year.ranking_month(today), nov);

        let q = |month: Option<&str>, from: Option<&str>, to: Option<&str>| FiguresQuery {
            month: month.map(str::to_owned),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            department: None,
        };
        assert_eq!(q(None, None, None).period(today), Ok(nov));
        assert_eq!(q(Some(""), Some(""), Some("")).period(today), Ok(nov));
        assert_eq!(q(Some("last12"), None, None).period(today), Ok(year));
        assert_eq!(
            q(Some("2026-10"), Some("2026-03-05"), Some("2026-04-10")).period(today),
            Ok(Period {
                from: day("2026-03-05"),
                to: day("2026-04-10")
            })
        );
        let err = |r: Result<Period, AppError>| r.err().and_then(|e| e.field);
        assert_eq!(
            err(q(Some("2026-99"), None, None).period(today)).as_deref(),
            Some("month")
        );
        assert_eq!(
            err(q(None, Some("2026-05-01"), Some("2026-04-01")).period(today)).as_deref(),
            Some("from")
        );
        assert_eq!(
            err(q(None, Some("x"), None).period(today)).as_deref(),
            Some("from")
        );
        assert_eq!(
            err(q(None, Some("2020-01-01"), Some("2026-01-01")).period(today)).as_deref(),
            Some("from")
        );
    }

    #[test]
    fn a_period_is_counted_in_china_time() {
        let nov = Period::parse_month("2026-11").unwrap();
        assert_eq!(nov.starts_at().to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(nov.ends_before().to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(
            picker_months(day("2026-01-15"))[..3],
            ["2026-01", "2025-12", "2025-11"]
        );
        assert_eq!(picker_months(day("2026-01-15")).len() as u32, PICKER_MONTHS);
    }

    #[test]
    fn figures_follow_the_definitions() {
        let f = Figures::new(
            RatingCounts {
                ratings: 20,
                satisfied: 15,
                bad: 4,
            },
            RectificationCounts {
                rectifications: 5,
                closed: 3,
                closed_on_time: 2,
                open_overdue: 1,
                measured: 2,
                total_seconds: 2.0 * 36.0 * 3600.0,
            },
        );
        assert_eq!(f.satisfaction_rate, Some(0.75));
        assert_eq!(f.bad_review_rate, Some(0.2));
        assert_eq!(f.on_time_rate, Some(0.5));
        assert_eq!(f.average_rectification_hours, Some(36.0));
        assert_eq!(Figures::default().satisfaction_rate, None);
        assert_eq!(percent(Some(0.935)), "93.5%");
        assert_eq!(percent(Some(0.9)), "90%");
        assert_eq!(percent(None), "—");
        assert_eq!(duration_text(Some(36.0), Locale::en), "36.0 hours");
        assert_eq!(duration_text(Some(72.0), Locale::zh_CN), "3.0 天");
    }

    #[test]
    fn ranking_orders_by_rate_then_ratings_and_leaves_small_ones_unranked() {
        let rows = vec![
            (1, name("a"), counts(20, 18)), // 90 %
            (2, name("b"), counts(9, 9)),   // too few
            (3, name("c"), counts(40, 36)), // 90 %, more ratings
            (4, name("d"), counts(10, 10)), // 100 %
            (5, name("e"), counts(0, 0)),   // none
            (6, name("f"), counts(20, 18)), // the same as a
            (7, name("g"), counts(10, 5)),  // 50 %
        ];
        let ranking = rank_departments(rows);
        let order: Vec<(i64, Option<u32>)> =
            ranking.iter().map(|e| (e.department_id, e.rank)).collect();
        assert_eq!(
            order,
            vec![
                (4, Some(1)),
                (3, Some(2)),
                (1, Some(3)),
                (6, Some(3)),
                (7, Some(5)),
                (2, None),
                (5, None),
            ]
        );
        assert_eq!(ranking[0].satisfaction_rate, Some(1.0));
    }

    #[test]
    fn public_figures_hide_everything_below_ten_ratings() {
        let nine = Figures::new(counts(9, 9), RectificationCounts::default());
        let ten = Figures::new(counts(10, 9), RectificationCounts::default());
        let hidden = PublicFigures::of(&nine);
        assert!(hidden.suppressed);
        assert_eq!(hidden.ratings, None);
        assert_eq!(hidden.satisfaction_rate, None);
        let shown = PublicFigures::of(&ten);
        assert!(!shown.suppressed);
        assert_eq!(shown.ratings, Some(10));
        assert_eq!(shown.satisfaction_rate, Some(0.9));
        assert_eq!(shown.on_time_rate, None);
    }

    fn review(id: i64, service: i64, resident: i64, tags: &[RatingTag]) -> BadReview {
        BadReview {
            rating_id: id,
            service_id: service,
            resident_id: ResidentId(resident),
            tags: tags.to_vec(),
            indicators: IndicatorScores::default(),
        }
    }

    #[test]
    fn three_different_residents_make_a_common_problem() {
        use RatingTag::*;
        // Two residents, three reviews: not yet common.
        let two = vec![
            review(1, 10, 100, &[MaterialsInaccurate]),
            review(2, 10, 100, &[MaterialsInaccurate]),
            review(3, 10, 101, &[MaterialsInaccurate, Fast]),
        ];
        let grouped = group_bad_reviews(&two);
        assert!(grouped.common.is_empty());
        assert_eq!(grouped.individual, 3);

        let mut three = two.clone();
        three.push(review(4, 10, 102, &[MaterialsInaccurate, Slow]));
        // The same cause at another service stays apart.
        three.push(review(5, 11, 103, &[MaterialsInaccurate]));
        // A positive tag is no cause.
        three.push(review(6, 11, 104, &[Fast]));
        let grouped = group_bad_reviews(&three);
        assert_eq!(
            grouped.common,
            vec![ProblemGroup {
                service_id: 10,
                cause: ProblemCause::Tag(MaterialsInaccurate),
                ratings: 4,
                residents: 3,
            }]
        );
        assert_eq!(grouped.individual, 2);
    }

    #[test]
    fn low_indicators_group_like_tags() {
        let low = |id, resident| {
            let mut r = review(id, 7, resident, &[]);
            r.indicators.guide_accuracy = Score::new(2);
            r.indicators.efficiency = Score::new(4);
            r
        };
        let grouped = group_bad_reviews(&[low(1, 1), low(2, 2), low(3, 3)]);
        assert_eq!(grouped.common.len(), 1);
        assert_eq!(
            grouped.common[0].cause,
            ProblemCause::Indicator(Indicator::GuideAccuracy)
        );
        assert_eq!(grouped.individual, 0);
    }

    #[test]
    fn low_survey_answers_from_three_residents_are_common() {
        let questions = serde_json::json!([
            {"key": "overall", "kind": "five_point", "text": "总体满意度"},
            {"key": "why", "kind": "free_text", "text": "原因"},
            {"key": "wait", "kind": "five_point", "text": "等候时间"}
        ]);
        let keys = five_point_keys(&questions);
        assert_eq!(keys.len(), 2);
        let low = low_points(
            &keys,
            &serde_json::json!({"overall": 2, "wait": "1", "why": "1"}),
        );
        assert_eq!(low, vec!["overall".to_owned(), "wait".to_owned()]);
        assert!(low_points(&keys, &serde_json::json!({"overall": 3})).is_empty());
        let answer = |resident| LowAnswer {
            service_id: 1,
            survey_id: 2,
            question: "overall".into(),
            resident_id: ResidentId(resident),
        };
        assert!(group_low_answers(&[answer(1), answer(2), answer(2)]).is_empty());
        let groups = group_low_answers(&[answer(1), answer(2), answer(3)]);
        assert_eq!(groups.len(), 1);
        assert_eq!((groups[0].answers, groups[0].residents), (3, 3));
    }

    #[test]
    fn the_alert_needs_ratings_below_the_threshold() {
        assert!(!below_threshold(counts(0, 0), 0.9));
        assert!(!below_threshold(counts(10, 9), 0.9));
        assert!(below_threshold(counts(10, 8), 0.9));
    }
}
