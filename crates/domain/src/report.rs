//! 月度报告: one month of the house for leaders, on one printable page and as CSV. What came
//! in and what was decided (and on time), satisfaction and the department ranking, bad
//! reviews and how their rectifications closed, the common problems, the satisfaction
//! alerts standing at the month's end, and the campaigns sent with what they led to.
//!
//! The counts come from SQL (`store::report`, `store::figures`); the rules here are plain:
//! which months have a report, when a rate is built from too few cases to be shown (the
//! public page's small-number rule, [`MIN_PUBLIC_RATINGS`]), and the CSV's rows.
//!
//! [`MIN_PUBLIC_RATINGS`]: super::rating_policy::MIN_PUBLIC_RATINGS
use super::campaign::Conversion;
use super::console::Choice;
use super::csv;
use super::error::{AppError, ErrorCode};
use super::figures::{
    DepartmentFigures, Figures, Period, ProblemReport, Ranking, SatisfactionAlert, month_key,
};
use super::rating_policy::{publishable, satisfaction_rate};
use super::text::LocalizedText;
use chrono::{DateTime, Months, NaiveDate, Utc};
use i18n::Locale;
use serde::{Deserialize, Serialize};
use std::ops::Add;

#[cfg(feature = "ssr")]
use utoipa::{IntoParams, ToSchema};

/// How many months back the report's month list reaches.
pub const REPORT_MONTHS: u32 = 12;

/// The report asked for: a month (`2026-11`; default the last complete month) and, for
/// supervisors, one department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(IntoParams))]
pub struct ReportQuery {
    /// For supervisors: one department's id; department heads always see their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i64>,
}

/// The month before `today`'s: the last one with a whole report.
pub fn last_complete_month(today: NaiveDate) -> String {
    let first = Period::month_of(today).from;
    month_key(first.checked_sub_months(Months::new(1)).unwrap_or(first))
}

/// The months with a report, newest first: the current month (so far) and the
/// `REPORT_MONTHS` before it.
pub fn report_months(today: NaiveDate) -> Vec<String> {
    let first = Period::month_of(today).from;
    (0..=REPORT_MONTHS)
        .filter_map(|back| first.checked_sub_months(Months::new(back)))
        .map(month_key)
        .collect()
}

/// The month `text` names, if it has begun: `2026-11`. A malformed month or one still to
/// come is a bad parameter, named `month`.
pub fn report_period(text: &str, today: NaiveDate) -> Result<Period, AppError> {
    Period::parse_month(text)
        .filter(|period| period.from <= today)
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "month"))
}

/// A rate as a report shows it: None when fewer than 10 cases stand behind it
/// (`MIN_PUBLIC_RATINGS`), as on the public page.
pub fn shown_rate(rate: Option<f64>, base: u64) -> Option<f64> {
    publishable(base, rate).flatten()
}

/// Tasks of a department over the month: received (submitted), decided (approved or
/// rejected), of the decided those with a promised limit and those decided within it, and
/// completed (the result handed over).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Volume {
    pub received: u64,
    pub decided: u64,
    pub approved: u64,
    pub rejected: u64,
    /// Decided tasks that had a deadline (a service without a promised limit has none).
    pub with_deadline: u64,
    /// Of those, decided at or before the deadline.
    pub on_time: u64,
    pub completed: u64,
}

impl Volume {
    /// On time ÷ decided with a deadline; None below 10 such decisions.
    pub fn on_time_rate(&self) -> Option<f64> {
        let rate =
            (self.with_deadline > 0).then(|| self.on_time as f64 / self.with_deadline as f64);
        shown_rate(rate, self.with_deadline)
    }
}

impl Add for Volume {
    type Output = Volume;

    fn add(self, other: Volume) -> Volume {
        Volume {
            received: self.received + other.received,
            decided: self.decided + other.decided,
            approved: self.approved + other.approved,
            rejected: self.rejected + other.rejected,
            with_deadline: self.with_deadline + other.with_deadline,
            on_time: self.on_time + other.on_time,
            completed: self.completed + other.completed,
        }
    }
}

/// One department's volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DepartmentVolume {
    pub department_id: i64,
    pub code: String,
    pub name: LocalizedText,
    pub volume: Volume,
}

/// A campaign sent in the month and what its recommendations led to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CampaignOutcome {
    pub id: i64,
    pub name: String,
    pub service: LocalizedText,
    pub sent_at: DateTime<Utc>,
    pub conversion: Conversion,
}

impl CampaignOutcome {
    /// Applied ÷ delivered; None below 10 deliveries.
    pub fn conversion_rate(&self) -> Option<f64> {
        let delivered = u64::try_from(self.conversion.delivered).unwrap_or(0);
        let applied = u64::try_from(self.conversion.applied).unwrap_or(0);
        let rate = (delivered > 0).then(|| applied as f64 / delivered as f64);
        shown_rate(rate, delivered)
    }
}

/// How many months the trend shows, ending with the report's month.
pub const TREND_MONTHS: u32 = 12;

/// The months of the trend: `TREND_MONTHS` calendar months ending with `month`'s, oldest
/// first.
pub fn trend_months(month: &Period) -> Vec<Period> {
    (0..TREND_MONTHS)
        .rev()
        .filter_map(|back| month.from.checked_sub_months(Months::new(back)))
        .map(Period::month_of)
        .collect()
}

/// One month of the trend: tasks received and decided (with the on-time count) and ratings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MonthFigures {
    /// `2026-11`.
    pub month: String,
    pub received: u64,
    pub decided: u64,
    pub with_deadline: u64,
    pub on_time: u64,
    pub ratings: u64,
    pub satisfied: u64,
}

impl MonthFigures {
    /// On time ÷ decided with a deadline, shown from 10 such decisions.
    pub fn on_time_rate(&self) -> Option<f64> {
        let rate =
            (self.with_deadline > 0).then(|| self.on_time as f64 / self.with_deadline as f64);
        shown_rate(rate, self.with_deadline)
    }

    /// Satisfied ÷ ratings, shown from 10 ratings.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        shown_rate(
            satisfaction_rate(self.satisfied, self.ratings),
            self.ratings,
        )
    }
}

/// The report of one month in the viewer's scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MonthlyReport {
    /// `2026-11`.
    pub month: String,
    pub period: Period,
    /// True while the month is still running: the figures are up to `generated_at`.
    pub partial: bool,
    /// The one department reported on (a head's, or the one a supervisor chose); None for
    /// every department.
    pub department_id: Option<i64>,
    pub department: Option<LocalizedText>,
    pub generated_at: DateTime<Utc>,
    pub volumes: Vec<DepartmentVolume>,
    pub volume_total: Volume,
    /// Ratings and rectifications per department; rates from fewer than 10 ratings are
    /// not shown (see [`shown_rate`]).
    pub satisfaction: Vec<DepartmentFigures>,
    pub satisfaction_total: Figures,
    pub ranking: Ranking,
    pub problems: ProblemReport,
    /// Departments below the satisfaction line over the 30 days to the month's end (or now).
    pub alerts: Vec<SatisfactionAlert>,
    /// The stored alerts (预警) raised in the month, oldest first, with how they stand now.
    #[serde(default)]
    pub raised_alerts: Vec<crate::alert::Alert>,
    pub campaigns: Vec<CampaignOutcome>,
    /// The `TREND_MONTHS` months up to this one, oldest first.
    pub trend: Vec<MonthFigures>,
    /// For supervisors: the department filter's choices.
    pub department_choices: Vec<Choice>,
    /// The months with a report, newest first.
    pub months: Vec<String>,
}

fn count(n: u64) -> String {
    n.to_string()
}

/// A rate as a spreadsheet reads it (`0.935`), empty when not shown.
fn fraction(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.4}")).unwrap_or_default()
}

impl MonthlyReport {
    /// The report as CSV rows in long form, one figure per row: month, section,
    /// department, item, measure, value; names and causes in `locale`.
    /// Rates are fractions, empty where too few cases stand behind them.
    pub fn csv_rows(&self, locale: Locale) -> Vec<[String; 6]> {
        let english = locale == Locale::en;
        let name = |text: &LocalizedText| text.pick(english).to_owned();
        let mut rows = Vec::new();
        let mut push =
            |section: &str, department: String, item: String, measure: &str, value: String| {
                rows.push([
                    self.month.clone(),
                    section.to_owned(),
                    department,
                    item,
                    measure.to_owned(),
                    value,
                ]);
            };
        let total = if english { "Total" } else { "合计" };
        let volumes = self
            .volumes
            .iter()
            .map(|d| (name(&d.name), d.volume))
            .chain([(total.to_owned(), self.volume_total)]);
        for (department, v) in volumes {
            for (measure, value) in [
                ("received", count(v.received)),
                ("decided", count(v.decided)),
                ("approved", count(v.approved)),
                ("rejected", count(v.rejected)),
                ("decided_with_deadline", count(v.with_deadline)),
                ("decided_on_time", count(v.on_time)),
                ("on_time_rate", fraction(v.on_time_rate())),
                ("completed", count(v.completed)),
            ] {
                push("volume", department.clone(), String::new(), measure, value);
            }
        }
        let satisfaction = self
            .satisfaction
            .iter()
            .map(|d| (name(&d.name), d.figures))
            .chain([(total.to_owned(), self.satisfaction_total)]);
        for (department, f) in satisfaction {
            for (measure, value) in [
                ("ratings", count(f.ratings)),
                (
                    "satisfaction_rate",
                    fraction(shown_rate(f.satisfaction_rate, f.ratings)),
                ),
                ("bad_reviews", count(f.bad)),
                (
                    "bad_review_rate",
                    fraction(shown_rate(f.bad_review_rate, f.ratings)),
                ),
                ("rectifications", count(f.rectifications)),
                ("rectifications_closed", count(f.closed)),
                ("rectifications_closed_on_time", count(f.closed_on_time)),
                ("rectifications_open_overdue", count(f.open_overdue)),
            ] {
                push(
                    "satisfaction",
                    department.clone(),
                    String::new(),
                    measure,
                    value,
                );
            }
        }
        for entry in &self.ranking.entries {
            let rank = entry.rank.map(|r| r.to_string()).unwrap_or_default();
            push(
                "ranking",
                name(&entry.department),
                String::new(),
                "rank",
                rank,
            );
        }
        for problem in &self.problems.common {
            let item = format!(
                "{} · {}",
                name(&problem.service),
                problem.cause.label(locale)
            );
            push(
                "common_problem",
                name(&problem.department),
                item.clone(),
                "bad_reviews",
                count(problem.ratings),
            );
            push(
                "common_problem",
                name(&problem.department),
                item,
                "residents",
                count(problem.residents),
            );
        }
        for alert in &self.alerts {
            let rate = satisfaction_rate(alert.satisfied, alert.ratings);
            push(
                "alert",
                name(&alert.department),
                String::new(),
                "satisfaction_rate_30_days",
                fraction(rate),
            );
        }
        for alert in &self.raised_alerts {
            let department = alert.department.as_ref().map(&name).unwrap_or_default();
            let item = format!(
                "{} · {}",
                alert.rule.label(locale),
                name(&alert.subject_name)
            );
            push(
                "alert_raised",
                department,
                item,
                alert.level.as_str(),
                alert.evidence.count.to_string(),
            );
        }
        for campaign in &self.campaigns {
            let c = campaign.conversion;
            let item = format!("{} · {}", campaign.name, name(&campaign.service));
            for (measure, value) in [
                ("delivered", c.delivered.to_string()),
                ("read", c.read.to_string()),
                ("applied", c.applied.to_string()),
                ("conversion_rate", fraction(campaign.conversion_rate())),
            ] {
                push("campaign", String::new(), item.clone(), measure, value);
            }
        }
        for m in &self.trend {
            for (measure, value) in [
                ("received", count(m.received)),
                ("decided", count(m.decided)),
                ("on_time_rate", fraction(m.on_time_rate())),
                ("ratings", count(m.ratings)),
                ("satisfaction_rate", fraction(m.satisfaction_rate())),
            ] {
                push("trend", String::new(), m.month.clone(), measure, value);
            }
        }
        rows
    }

    /// The CSV file: a byte-order mark (so that spreadsheets read the Chinese as UTF-8), a
    /// header and [`MonthlyReport::csv_rows`], each field quoted by [`csv::field`].
    pub fn to_csv(&self, locale: Locale) -> String {
        let mut out = String::from("\u{feff}month,section,department,item,measure,value\r\n");
        for row in self.csv_rows(locale) {
            out.push_str(&csv::line(&row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{CommonProblem, ProblemCause, RankEntry};
    use crate::rating::RatingTag;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_month_is_the_last_complete_one() {
        assert_eq!(last_complete_month(day("2026-12-07")), "2026-11");
        assert_eq!(last_complete_month(day("2026-01-01")), "2025-12");
    }

    #[test]
    fn months_begun_have_a_report_and_others_are_a_bad_parameter() {
        let today = day("2026-12-07");
        assert_eq!(
            report_period("2026-11", today).unwrap().to,
            day("2026-11-30")
        );
        assert_eq!(
            report_period("2026-12", today).unwrap().from,
            day("2026-12-01")
        );
        for bad in ["2027-01", "2026-13", "26-11", "", "2026-11-01", "last12"] {
            let error = report_period(bad, today).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidParameter, "{bad}");
            assert_eq!(error.field.as_deref(), Some("month"), "{bad}");
        }
        let months = report_months(today);
        assert_eq!(months.first().map(String::as_str), Some("2026-12"));
        assert_eq!(months.last().map(String::as_str), Some("2025-12"));
        assert_eq!(months.len(), 13);
    }

    #[test]
    fn the_trend_is_twelve_months_ending_with_the_reports() {
        let months = trend_months(&Period::parse_month("2026-03").unwrap());
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], Period::parse_month("2025-04").unwrap());
        assert_eq!(months[11], Period::parse_month("2026-03").unwrap());
        assert!(
            months
                .windows(2)
                .all(|w| w[0].to + chrono::Duration::days(1) == w[1].from)
        );
    }

    #[test]
    fn a_rate_from_fewer_than_ten_cases_is_not_shown() {
        let nine = Volume {
            decided: 9,
            with_deadline: 9,
            on_time: 9,
            ..Volume::default()
        };
        assert_eq!(nine.on_time_rate(), None);
        let ten = Volume {
            decided: 12,
            with_deadline: 10,
            on_time: 8,
            ..Volume::default()
        };
        assert_eq!(ten.on_time_rate(), Some(0.8));
        assert_eq!((nine + ten).on_time_rate(), Some(17.0 / 19.0));
        assert_eq!(shown_rate(Some(0.5), 9), None);
        assert_eq!(shown_rate(None, 100), None);
    }

    fn report() -> MonthlyReport {
        let mz = LocalizedText::new("民政局".to_owned(), Some("Civil Affairs".to_owned()));
        let volume = Volume {
            received: 30,
            decided: 20,
            approved: 18,
            rejected: 2,
            with_deadline: 20,
            on_time: 15,
            completed: 10,
        };
        MonthlyReport {
            month: "2026-11".to_owned(),
            period: Period {
                from: day("2026-11-01"),
                to: day("2026-11-30"),
            },
            partial: false,
            department_id: None,
            department: None,
            generated_at: Utc::now(),
            volumes: vec![DepartmentVolume {
                department_id: 1,
                code: "mz".to_owned(),
                name: mz.clone(),
                volume,
            }],
            volume_total: volume,
            satisfaction: vec![DepartmentFigures {
                id: 1,
                code: "mz".to_owned(),
                name: mz.clone(),
                figures: Figures {
                    ratings: 5,
                    satisfied: 5,
                    satisfaction_rate: Some(1.0),
                    ..Figures::default()
                },
            }],
            satisfaction_total: Figures::default(),
            ranking: Ranking {
                month: "2026-11".to_owned(),
                entries: vec![RankEntry {
                    rank: None,
                    department_id: 1,
                    department: mz.clone(),
                    ratings: 5,
                    satisfaction_rate: Some(1.0),
                }],
            },
            problems: ProblemReport {
                bad_reviews: 4,
                common: vec![CommonProblem {
                    service_code: "dibao".to_owned(),
                    service: LocalizedText::new("最低生活保障, \"低保\"".to_owned(), None),
                    department: mz,
                    cause: ProblemCause::Tag(RatingTag::MaterialsInaccurate),
                    ratings: 4,
                    residents: 3,
                }],
                individual: 0,
                survey_common: Vec::new(),
            },
            alerts: Vec::new(),
            raised_alerts: Vec::new(),
            campaigns: Vec::new(),
            trend: vec![MonthFigures {
                month: "2026-10".to_owned(),
                received: 7,
                ratings: 12,
                satisfied: 9,
                ..MonthFigures::default()
            }],
            department_choices: Vec::new(),
            months: Vec::new(),
        }
    }

    #[test]
    fn the_csv_has_one_figure_per_row_and_hides_small_rates() {
        let report = report();
        let rows = report.csv_rows(Locale::zh_CN);
        let find = |section: &str, department: &str, measure: &str| {
            rows.iter()
                .find(|r| r[1] == section && r[2] == department && r[4] == measure)
                .map(|r| r[5].clone())
        };
        assert_eq!(find("volume", "民政局", "received").as_deref(), Some("30"));
        assert_eq!(
            find("volume", "合计", "on_time_rate").as_deref(),
            Some("0.7500")
        );
        // Five ratings: the count is there, the rate is not.
        assert_eq!(
            find("satisfaction", "民政局", "ratings").as_deref(),
            Some("5")
        );
        assert_eq!(
            find("satisfaction", "民政局", "satisfaction_rate").as_deref(),
            Some("")
        );
        assert_eq!(find("ranking", "民政局", "rank").as_deref(), Some(""));
        assert!(rows.iter().all(|r| r[0] == "2026-11"));
        let trend = |measure: &str| {
            rows.iter()
                .find(|r| r[1] == "trend" && r[3] == "2026-10" && r[4] == measure)
                .map(|r| r[5].clone())
        };
        assert_eq!(trend("received").as_deref(), Some("7"));
        assert_eq!(trend("satisfaction_rate").as_deref(), Some("0.7500"));
        assert_eq!(trend("on_time_rate").as_deref(), Some(""));
        let english = report.csv_rows(Locale::en);
        assert!(
            english
                .iter()
                .any(|r| r[2] == "Civil Affairs" && r[4] == "received")
        );
        assert!(english.iter().any(|r| r[2] == "Total"));
    }

    #[test]
    fn the_csv_file_quotes_what_needs_quoting() {
        let csv = report().to_csv(Locale::zh_CN);
        assert!(csv.starts_with("\u{feff}month,section,department,item,measure,value\r\n"));
        assert!(
            csv.contains("\"最低生活保障, \"\"低保\"\" · 材料清单不准确\""),
            "{csv}"
        );
        assert!(csv.lines().skip(1).all(|line| !line.is_empty()));
    }
}
