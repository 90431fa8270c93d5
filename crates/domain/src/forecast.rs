//! The backlog forecast (积压预测): for each service of a department, how many of its open
//! tasks will run past their deadline in the next working days if the team keeps its recent
//! pace, and how many handlings a working day would prevent it.
//!
//! The model, which the page states beside the figures:
//! - **pace**: the tasks decided (approved or rejected) per working day over the last
//!   [`HISTORY_WEEKS`] weeks;
//! - **arrivals**: the tasks accepted per working day over the same weeks; an arrival's
//!   deadline is the service's promised working days after its acceptance, so it counts
//!   only when that falls inside the window;
//! - **order**: the earliest deadline first, the tasks already overdue before all others;
//! - a task is late when the day of its deadline ends before the team reaches it. Tasks
//!   waiting for a supplement are left out: their clock stands still.

use crate::text::LocalizedText;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Working days ahead the forecast looks, today included when it is a working day.
pub const HORIZON: usize = 5;
/// Weeks of history the pace and the arrivals are taken from.
pub const HISTORY_WEEKS: u32 = 8;

/// What the store counts for one service of a department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueueCounts {
    /// Running tasks (accepted, the clock running) past their deadline now.
    pub overdue: u32,
    /// Running tasks not overdue yet, due by the end of each working day of the window,
    /// the first day first.
    pub due: [u32; HORIZON],
    /// Running tasks due after the window.
    pub later: u32,
    /// Tasks accepted in the history weeks.
    pub accepted: u32,
    /// Tasks decided in the history weeks.
    pub decided: u32,
    /// The service's promised time limit in working days.
    pub promised_days: u32,
}

impl QueueCounts {
    /// Running tasks due inside the window (not yet overdue).
    pub fn due_in_window(&self) -> u32 {
        self.due.iter().sum()
    }

    /// Whether there is anything to show: work waiting or work done lately.
    pub fn is_empty(&self) -> bool {
        self.overdue == 0
            && self.due_in_window() == 0
            && self.later == 0
            && self.accepted == 0
            && self.decided == 0
    }
}

/// What the model expects for one service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Outlook {
    /// Tasks decided per working day lately.
    pub pace: f64,
    /// Tasks accepted per working day lately.
    pub arrivals: f64,
    /// Tasks that will become overdue in the window at that pace (rounded expectation).
    pub will_be_overdue: u32,
    /// The fewest handlings per working day with which none does (the overdue ones first).
    pub needed: u32,
}

impl Outlook {
    /// Whether the recent pace already keeps every deadline of the window.
    pub fn pace_suffices(&self) -> bool {
        self.pace + 1e-9 >= f64::from(self.needed)
    }
}

/// The forecast of one queue from its counts, over `history_days` working days of history.
pub fn outlook(counts: &QueueCounts, history_days: u32) -> Outlook {
    let per_day = |n: u32| {
        if history_days == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(history_days)
        }
    };
    let pace = per_day(counts.decided);
    let arrivals = per_day(counts.accepted);

    // Expected tasks due by the end of each day of the window: those open now, and the
    // arrivals of day `k` whose limit runs out on day `k + promised_days` inside it.
    let mut due: [f64; HORIZON] = counts.due.map(f64::from);
    let limit = counts.promised_days as usize;
    for arrival_day in 1..=HORIZON {
        if let Some(slot) = due.get_mut(arrival_day + limit - 1) {
            *slot += arrivals;
        }
    }

    // Earliest deadline first: after day `d` the team has reached the first `pace × d`
    // tasks in deadline order; the tasks due on day `d` are those at positions
    // `(before, through]`, and those past what was reached are late.
    let mut before = f64::from(counts.overdue);
    let mut late = 0.0;
    let mut needed = 0u32;
    for (index, due_that_day) in due.iter().enumerate() {
        let day = (index + 1) as f64;
        let through = before + due_that_day;
        late += (through - before.max(pace * day)).max(0.0);
        // Reaching `through` tasks by the end of day `d` takes `through / d` a day.
        needed = needed.max(whole_per_day(through, day));
        before = through;
    }
    Outlook {
        pace,
        arrivals,
        will_be_overdue: late.round() as u32,
        needed,
    }
}

/// The whole number of handlings a day that reaches `tasks` in `days` days (a hair of
/// floating-point noise forgiven).
fn whole_per_day(tasks: f64, days: f64) -> u32 {
    (tasks / days - 1e-9).ceil().max(0.0) as u32
}

/// One service of a department in the forecast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ForecastRow {
    pub department_id: i64,
    pub department: LocalizedText,
    pub service_code: String,
    pub service: LocalizedText,
    pub counts: QueueCounts,
    pub outlook: Outlook,
}

/// The backlog forecast of the viewer's scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BacklogForecast {
    /// The working days of the window, the first first.
    pub days: Vec<NaiveDate>,
    /// Working days in the history weeks (the divisor of pace and arrivals).
    pub history_working_days: u32,
    pub history_weeks: u32,
    /// The services with work waiting or done lately, those that will fall behind the most
    /// first.
    pub rows: Vec<ForecastRow>,
}

/// Orders rows for the page: the most tasks about to be overdue first, then the most
/// already overdue, then by department and service code.
pub fn rank_rows(rows: &mut [ForecastRow]) {
    rows.sort_by(|a, b| {
        b.outlook
            .will_be_overdue
            .cmp(&a.outlook.will_be_overdue)
            .then(b.counts.overdue.cmp(&a.counts.overdue))
            .then(a.department_id.cmp(&b.department_id))
            .then(a.service_code.cmp(&b.service_code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(overdue: u32, due: [u32; HORIZON], accepted: u32, decided: u32) -> QueueCounts {
        QueueCounts {
            overdue,
            due,
            later: 0,
            accepted,
            decided,
            promised_days: 10,
        }
    }

    #[test]
    fn nothing_due_needs_nothing() {
        let outlook = outlook(&counts(0, [0; HORIZON], 0, 0), 40);
        assert_eq!(outlook.will_be_overdue, 0);
        assert_eq!(outlook.needed, 0);
        assert!(outlook.pace_suffices());
    }

    #[test]
    fn what_the_pace_does_not_reach_by_its_day_is_late() {
        // Two a day (80 in 40 working days); three due today: one is late.
        let outlook = outlook(&counts(0, [3, 0, 0, 0, 0], 0, 80), 40);
        assert_eq!(outlook.pace, 2.0);
        assert_eq!(outlook.will_be_overdue, 1);
        assert_eq!(outlook.needed, 3);
        assert!(!outlook.pace_suffices());
    }

    #[test]
    fn the_overdue_are_handled_first() {
        // One a day, four overdue, two due on day 2: by the end of day 2 the team has
        // handled two of the overdue, so both of day 2's are late. Clearing the four on day
        // one takes four a day; then six by day two needs only three.
        let outlook = outlook(&counts(4, [0, 2, 0, 0, 0], 0, 40), 40);
        assert_eq!(outlook.will_be_overdue, 2);
        assert_eq!(outlook.needed, 4);
    }

    #[test]
    fn a_pace_that_keeps_up_leaves_nothing_late() {
        // Three a day against 1, 2, 3, 2, 1 due: always ahead.
        let outlook = outlook(&counts(0, [1, 2, 3, 2, 1], 0, 120), 40);
        assert_eq!(outlook.will_be_overdue, 0);
        assert_eq!(outlook.needed, 2);
        assert!(outlook.pace_suffices());
    }

    #[test]
    fn arrivals_count_when_their_limit_ends_inside_the_window() {
        // One arrival a day, two working days promised: the arrivals of days 1 to 3 are due
        // on days 3 to 5. Nobody handles anything: all three are late.
        let mut queue = counts(0, [0; HORIZON], 40, 0);
        queue.promised_days = 2;
        let outlook = outlook(&queue, 40);
        assert_eq!(outlook.arrivals, 1.0);
        assert_eq!(outlook.will_be_overdue, 3);
        assert_eq!(outlook.needed, 1);
        // A limit longer than the window: arrivals cannot be late inside it.
        queue.promised_days = 10;
        assert_eq!(super::outlook(&queue, 40).will_be_overdue, 0);
    }

    #[test]
    fn no_history_means_no_pace() {
        let outlook = outlook(&counts(1, [1, 0, 0, 0, 0], 5, 5), 0);
        assert_eq!(outlook.pace, 0.0);
        assert_eq!(outlook.arrivals, 0.0);
        assert_eq!(outlook.will_be_overdue, 1);
        assert_eq!(outlook.needed, 2);
    }

    #[test]
    fn rows_most_at_risk_first() {
        let row = |department_id, code: &str, late, overdue| ForecastRow {
            department_id,
            department: LocalizedText::default(),
            service_code: code.to_owned(),
            service: LocalizedText::default(),
            counts: QueueCounts {
                overdue,
                ..QueueCounts::default()
            },
            outlook: Outlook {
                will_be_overdue: late,
                ..Outlook::default()
            },
        };
        let mut rows = vec![row(1, "b", 0, 0), row(2, "a", 3, 0), row(1, "a", 0, 5)];
        rank_rows(&mut rows);
        let order: Vec<_> = rows
            .iter()
            .map(|r| (r.department_id, r.service_code.as_str()))
            .collect();
        assert_eq!(order, [(2, "a"), (1, "a"), (1, "b")]);
    }
}
