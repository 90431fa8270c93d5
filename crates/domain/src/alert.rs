//! 预警 · 告警: the rules that watch the work and the ratings, the level each reaches, the
//! evidence an alert keeps, and the deployment's thresholds. Each rule is a plain function
//! of figures; `store::alerts` gathers the figures in SQL, keeps one record per occurrence
//! and closes it when the rule no longer fires.
use crate::error::{AppError, ErrorCode};
use crate::figures::RatingCounts;
use crate::rating_policy::satisfaction_rate;
use crate::text::LocalizedText;
use crate::validation::{FieldError, Problem};
use chrono::{DateTime, Utc};
use i18n::{Locale, td_string};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What an alert watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum Rule {
    /// Running tasks of a department past their promised time.
    OverdueTasks,
    /// A department's running tasks due within 24 hours, as a share of them all.
    DueSoon,
    /// A department's satisfaction over the last 30 days (the figures page's alert).
    Satisfaction,
    /// Bad reviews a department has not answered by their deadline.
    OverdueRectifications,
    /// Bad reviews of one service, or from one grid's residents, this week far above their
    /// usual level.
    BadReviewSpike,
}

impl Rule {
    pub const ALL: [Rule; 5] = [
        Rule::OverdueTasks,
        Rule::DueSoon,
        Rule::Satisfaction,
        Rule::OverdueRectifications,
        Rule::BadReviewSpike,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::OverdueTasks => "overdue_tasks",
            Rule::DueSoon => "due_soon",
            Rule::Satisfaction => "satisfaction",
            Rule::OverdueRectifications => "overdue_rectifications",
            Rule::BadReviewSpike => "bad_review_spike",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Rule::OverdueTasks => td_string!(locale, alerts.rule_overdue_tasks),
            Rule::DueSoon => td_string!(locale, alerts.rule_due_soon),
            Rule::Satisfaction => td_string!(locale, alerts.rule_satisfaction),
            Rule::OverdueRectifications => {
                td_string!(locale, alerts.rule_overdue_rectifications)
            }
            Rule::BadReviewSpike => td_string!(locale, alerts.rule_bad_review_spike),
        }
    }
}

/// How serious: 预警 (look at it) or 告警 (act now).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum Level {
    Warning,
    Alarm,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Alarm => "alarm",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Level::Warning, Level::Alarm]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Level::Warning => td_string!(locale, alerts.level_warning),
            Level::Alarm => td_string!(locale, alerts.level_alarm),
        }
    }
}

/// What an alert is about. Departments and services belong to a department, so the
/// department's head sees them; a grid's residents rate many departments, so only
/// supervisors see a grid's alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Subject {
    Department(i64),
    Service(i64),
    Grid(i64),
}

impl Subject {
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Department(_) => "department",
            Subject::Service(_) => "service",
            Subject::Grid(_) => "grid",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Subject::Department(id) | Subject::Service(id) | Subject::Grid(id) => id,
        }
    }

    pub fn parse(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "department" => Some(Subject::Department(id)),
            "service" => Some(Subject::Service(id)),
            "grid" => Some(Subject::Grid(id)),
            _ => None,
        }
    }
}

/// While an alert is not closed it holds this key, unique among open alerts: the database
/// refuses a second open alert of the same rule and subject, however many instances look.
pub fn open_key(rule: Rule, subject: Subject) -> String {
    format!("{}:{}:{}", rule.as_str(), subject.kind(), subject.id())
}

/// A warning line and an alarm line, written `warning/alarm` in the settings (`5/20`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lines {
    pub warning: f64,
    pub alarm: f64,
}

impl Lines {
    pub const fn new(warning: f64, alarm: f64) -> Self {
        Self { warning, alarm }
    }

    /// The level a figure reaches when more is worse, and the line it crossed.
    pub fn above(self, value: f64) -> Option<(Level, f64)> {
        if value >= self.alarm {
            Some((Level::Alarm, self.alarm))
        } else if value >= self.warning {
            Some((Level::Warning, self.warning))
        } else {
            None
        }
    }

    /// The level a figure reaches when less is worse (strictly below the line).
    pub fn below(self, value: f64) -> Option<(Level, f64)> {
        if value < self.alarm {
            Some((Level::Alarm, self.alarm))
        } else if value < self.warning {
            Some((Level::Warning, self.warning))
        } else {
            None
        }
    }
}

/// `warning/alarm` could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct BadLines;

impl FromStr for Lines {
    type Err = BadLines;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (warning, alarm) = s.split_once('/').ok_or(BadLines)?;
        let number = |s: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or(BadLines)
        };
        Ok(Lines::new(number(warning)?, number(alarm)?))
    }
}

/// The deployment's thresholds (`MINSHENG_ALERT_*`, see the README). The satisfaction
/// warning line is the ratings loop's own `alert_threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertPolicy {
    /// Overdue running tasks in one department.
    pub overdue_tasks: Lines,
    /// Share of a department's running tasks due within 24 hours (0.3 = 30 %)…
    pub due_soon_share: Lines,
    /// …counted only with at least this many running tasks.
    pub due_soon_min_running: u64,
    /// Satisfaction below this share is an alarm (below `alert_threshold`, a warning).
    pub satisfaction_alarm: f64,
    /// Bad reviews past their answer deadline in one department.
    pub overdue_rectifications: Lines,
    /// A spike needs at least this many bad reviews in the week…
    pub spike_min: u64,
    /// …and more than the mean plus this many standard deviations of the weeks before.
    pub spike_sigmas: f64,
}

impl Default for AlertPolicy {
    fn default() -> Self {
        Self {
            overdue_tasks: Lines::new(5.0, 20.0),
            due_soon_share: Lines::new(0.3, 0.5),
            due_soon_min_running: 10,
            satisfaction_alarm: 0.8,
            overdue_rectifications: Lines::new(1.0, 5.0),
            spike_min: 5,
            spike_sigmas: 3.0,
        }
    }
}

/// The weeks a spike is measured against.
pub const SPIKE_WEEKS: usize = 8;

/// The figures behind an alert, kept with it (and brought up to date while it is open).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sea_orm::FromJsonQueryResult)
)]
pub struct Evidence {
    /// What was counted: overdue tasks, tasks due soon, satisfied ratings, overdue
    /// rectifications, bad reviews this week.
    pub count: u64,
    /// Out of how many, where the figure is a share (running tasks, ratings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<u64>,
    /// The line crossed: a count, or a share (0.9).
    pub line: f64,
    /// For a spike: the bad reviews of each of the weeks before, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weeks: Vec<u64>,
}

impl Evidence {
    /// `count / of`, for the rules that compare a share.
    pub fn share(&self) -> Option<f64> {
        self.of.and_then(|of| satisfaction_rate(self.count, of))
    }

    /// The mean of the weeks before (spikes).
    pub fn usual(&self) -> Option<f64> {
        mean_and_deviation(&self.weeks).map(|(mean, _)| mean)
    }
}

/// A rule firing: about what, how seriously, with which figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Firing {
    pub rule: Rule,
    pub subject: Subject,
    /// The department whose head may see it; None: supervisors only.
    pub department_id: Option<i64>,
    pub level: Level,
    pub evidence: Evidence,
}

fn counted(count: u64, lines: Lines) -> Option<(Level, Evidence)> {
    let (level, line) = lines.above(count as f64)?;
    Some((
        level,
        Evidence {
            count,
            of: None,
            line,
            weeks: Vec::new(),
        },
    ))
}

/// Overdue running tasks in a department.
pub fn overdue_tasks(overdue: u64, policy: &AlertPolicy) -> Option<(Level, Evidence)> {
    counted(overdue, policy.overdue_tasks)
}

/// Bad reviews past their answer deadline in a department.
pub fn overdue_rectifications(overdue: u64, policy: &AlertPolicy) -> Option<(Level, Evidence)> {
    counted(overdue, policy.overdue_rectifications)
}

/// Running tasks due within 24 hours as a share of all running tasks, once there are
/// enough of them for a share to mean something.
pub fn due_soon(due_soon: u64, running: u64, policy: &AlertPolicy) -> Option<(Level, Evidence)> {
    if running < policy.due_soon_min_running.max(1) {
        return None;
    }
    let (level, line) = policy
        .due_soon_share
        .above(due_soon as f64 / running as f64)?;
    Some((
        level,
        Evidence {
            count: due_soon,
            of: Some(running),
            line,
            weeks: Vec::new(),
        },
    ))
}

/// A department's satisfaction over the last 30 days: below `warning` (the ratings loop's
/// `alert_threshold`, the figures page's alert) a warning, below the policy's alarm line an
/// alarm. No ratings, no alert.
pub fn satisfaction(
    counts: RatingCounts,
    warning: f64,
    policy: &AlertPolicy,
) -> Option<(Level, Evidence)> {
    let rate = satisfaction_rate(counts.satisfied, counts.ratings)?;
    let lines = Lines::new(warning, policy.satisfaction_alarm.min(warning));
    let (level, line) = lines.below(rate)?;
    Some((
        level,
        Evidence {
            count: counts.satisfied,
            of: Some(counts.ratings),
            line,
            weeks: Vec::new(),
        },
    ))
}

/// Mean and (population) standard deviation; None for no weeks.
pub fn mean_and_deviation(weeks: &[u64]) -> Option<(f64, f64)> {
    if weeks.is_empty() {
        return None;
    }
    let n = weeks.len() as f64;
    let mean = weeks.iter().map(|w| *w as f64).sum::<f64>() / n;
    let variance = weeks
        .iter()
        .map(|w| (*w as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    Some((mean, variance.sqrt()))
}

/// This week's bad reviews against the weeks before: a warning when at least `spike_min`
/// and above their mean plus `spike_sigmas` standard deviations, an alarm at twice that
/// line.
pub fn spike(this_week: u64, before: &[u64], policy: &AlertPolicy) -> Option<(Level, Evidence)> {
    let (mean, deviation) = mean_and_deviation(before).unwrap_or((0.0, 0.0));
    let usual_line = mean + policy.spike_sigmas * deviation;
    let count = this_week as f64;
    if this_week < policy.spike_min || count <= usual_line {
        return None;
    }
    let warning = usual_line.max(policy.spike_min as f64);
    let (level, line) = Lines::new(warning, 2.0 * warning).above(count)?;
    Some((
        level,
        Evidence {
            count: this_week,
            of: None,
            line,
            weeks: before.to_vec(),
        },
    ))
}

crate::stored::stored_as_words!(Rule, Level);

/// Where an alert is: open (new or acknowledged) or closed (the history).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AlertState {
    #[default]
    Open,
    Closed,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Open => "open",
            AlertState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(AlertState::Open),
            "closed" => Some(AlertState::Closed),
            _ => None,
        }
    }
}

/// Who acknowledged an alert, when, and what they said they would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Acknowledgement {
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// An alert as the console shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: i64,
    pub rule: Rule,
    pub level: Level,
    pub subject: Subject,
    /// The department, service or grid by name.
    pub subject_name: LocalizedText,
    /// The department it belongs to (none for a grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<LocalizedText>,
    pub evidence: Evidence,
    pub raised_at: DateTime<Utc>,
    /// When the figures were last looked at while it was open.
    pub checked_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Acknowledgement>,
    /// When the rule stopped firing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The console list of the cases behind it.
    pub cases: String,
}

/// The alerts page: one state's alerts, and how many are open and how many of those are
/// alarms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertList {
    pub state: AlertState,
    pub alerts: Vec<Alert>,
    pub open: u64,
    pub alarms: u64,
}

/// The most alerts a list shows (the newest first).
pub const LIST_LIMIT: u64 = 200;

/// The console list behind an alert: the queue filtered to the department's overdue or
/// due-soon tasks, the bad reviews waiting for an answer, or the department's figures by
/// service (satisfaction, spikes; all departments for a grid).
pub fn cases_link(rule: Rule, department_id: Option<i64>) -> String {
    let department = department_id.map(|id| format!("department={id}"));
    let with = |path: &str| match &department {
        Some(department) if path.contains('?') => format!("{path}&{department}"),
        Some(department) => format!("{path}?{department}"),
        None => path.to_owned(),
    };
    match rule {
        Rule::OverdueTasks => with("/admin/queue?due=overdue"),
        Rule::DueSoon => with("/admin/queue?due=due_soon"),
        Rule::OverdueRectifications => "/admin/rectifications?status=open".to_owned(),
        Rule::Satisfaction | Rule::BadReviewSpike => with("/admin/figures"),
    }
}

/// The longest acknowledgement note kept.
pub const NOTE_MAX: u32 = 500;

/// An acknowledgement's note, trimmed: required, at most [`NOTE_MAX`] characters.
pub fn checked_note(note: &str) -> Result<String, AppError> {
    let note = note.trim();
    let problem = if note.is_empty() {
        Some(Problem::Required)
    } else if note.chars().count() > NOTE_MAX as usize {
        Some(Problem::TooLong { max: NOTE_MAX })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(AppError::invalid(vec![FieldError::new("note", problem)])),
        None => Ok(note.to_owned()),
    }
}

/// Acknowledging needs an open alert nobody has acknowledged since it was raised (or
/// since it became an alarm).
pub fn already_handled() -> AppError {
    AppError::new(ErrorCode::InvalidStateChange)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AlertPolicy {
        AlertPolicy::default()
    }

    #[test]
    fn lines_read_from_settings() {
        assert_eq!("5/20".parse(), Ok(Lines::new(5.0, 20.0)));
        assert_eq!(" 0.3 / 0.5 ".parse(), Ok(Lines::new(0.3, 0.5)));
        assert_eq!("5".parse::<Lines>(), Err(BadLines));
        assert_eq!("-1/2".parse::<Lines>(), Err(BadLines));
        assert_eq!("a/b".parse::<Lines>(), Err(BadLines));
    }

    #[test]
    fn overdue_tasks_warn_at_the_line_and_alarm_at_the_second() {
        assert_eq!(overdue_tasks(4, &policy()), None);
        let (level, evidence) = overdue_tasks(5, &policy()).expect("warning");
        assert_eq!(
            (level, evidence.count, evidence.line),
            (Level::Warning, 5, 5.0)
        );
        assert_eq!(
            overdue_tasks(20, &policy()).map(|f| f.0),
            Some(Level::Alarm)
        );
    }

    #[test]
    fn one_overdue_rectification_is_already_a_warning() {
        assert_eq!(overdue_rectifications(0, &policy()), None);
        assert_eq!(
            overdue_rectifications(1, &policy()).map(|f| f.0),
            Some(Level::Warning)
        );
        assert_eq!(
            overdue_rectifications(5, &policy()).map(|f| f.0),
            Some(Level::Alarm)
        );
    }

    #[test]
    fn due_soon_is_a_share_of_enough_running_tasks() {
        assert_eq!(due_soon(9, 9, &policy()), None, "too few running to judge");
        assert_eq!(due_soon(2, 10, &policy()), None);
        let (level, evidence) = due_soon(3, 10, &policy()).expect("warning");
        assert_eq!(level, Level::Warning);
        assert_eq!(
            (evidence.count, evidence.of, evidence.line),
            (3, Some(10), 0.3)
        );
        assert_eq!(due_soon(5, 10, &policy()).map(|f| f.0), Some(Level::Alarm));
    }

    #[test]
    fn satisfaction_below_the_loops_threshold_warns_and_far_below_alarms() {
        let counts = |satisfied, ratings| RatingCounts {
            ratings,
            satisfied,
            ..RatingCounts::default()
        };
        assert_eq!(
            satisfaction(counts(0, 0), 0.9, &policy()),
            None,
            "no ratings"
        );
        assert_eq!(
            satisfaction(counts(9, 10), 0.9, &policy()),
            None,
            "at the line"
        );
        let (level, evidence) = satisfaction(counts(17, 20), 0.9, &policy()).expect("warning");
        assert_eq!((level, evidence.line), (Level::Warning, 0.9));
        assert_eq!(evidence.share(), Some(0.85));
        assert_eq!(
            satisfaction(counts(7, 10), 0.9, &policy()).map(|f| f.0),
            Some(Level::Alarm)
        );
        // An alarm line above the warning line would alarm before warning: it is lowered.
        let strict = AlertPolicy {
            satisfaction_alarm: 0.95,
            ..policy()
        };
        assert_eq!(
            satisfaction(counts(92, 100), 0.9, &strict).map(|f| f.0),
            None
        );
    }

    #[test]
    fn a_spike_stands_out_from_its_own_weeks() {
        let quiet = [1, 0, 2, 1, 1, 0, 1, 2];
        assert_eq!(spike(4, &quiet, &policy()), None, "below the minimum");
        let (level, evidence) = spike(9, &quiet, &policy()).expect("a spike");
        assert_eq!(level, Level::Warning);
        assert_eq!(evidence.weeks, quiet.to_vec());
        assert_eq!(evidence.usual(), Some(1.0));
        assert_eq!(evidence.line, 5.0, "the minimum is above mean + 3σ here");
        assert_eq!(
            spike(10, &quiet, &policy()).map(|f| f.0),
            Some(Level::Alarm)
        );
        // A service that always has many bad reviews is not spiking at its usual level.
        let busy = [20, 22, 18, 21, 19, 20, 22, 18];
        assert_eq!(spike(22, &busy, &policy()), None);
        assert_eq!(
            spike(30, &busy, &policy()).map(|f| f.0),
            Some(Level::Warning)
        );
        // No history: the minimum alone decides.
        assert_eq!(spike(5, &[], &policy()).map(|f| f.0), Some(Level::Warning));
    }

    #[test]
    fn the_open_key_names_rule_and_subject() {
        assert_eq!(
            open_key(Rule::BadReviewSpike, Subject::Grid(17)),
            "bad_review_spike:grid:17"
        );
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        }
    }

    #[test]
    fn the_cases_behind_an_alert_are_a_console_list() {
        assert_eq!(
            cases_link(Rule::OverdueTasks, Some(3)),
            "/admin/queue?due=overdue&department=3"
        );
        assert_eq!(
            cases_link(Rule::DueSoon, Some(3)),
            "/admin/queue?due=due_soon&department=3"
        );
        assert_eq!(
            cases_link(Rule::BadReviewSpike, Some(2)),
            "/admin/figures?department=2"
        );
        assert_eq!(cases_link(Rule::BadReviewSpike, None), "/admin/figures");
    }

    #[test]
    fn a_note_is_required_and_bounded() {
        assert_eq!(
            checked_note("  will add a clerk  ").as_deref(),
            Ok("will add a clerk")
        );
        let empty = checked_note("   ").expect_err("empty");
        assert_eq!(empty.errors[0].field, "note");
        assert!(checked_note(&"长".repeat(NOTE_MAX as usize + 1)).is_err());
        assert!(checked_note(&"长".repeat(NOTE_MAX as usize)).is_ok());
    }
}
