//! Working days (工作日): promised time limits count only days on which offices work.
//!
//! Weekends are days off unless the State Council's schedule makes one a make-up working day
//! (调休上班); public holidays are days off even on a weekday. The schedule is data (the
//! `calendar_day` table); this module is the rule.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a calendar entry changes an ordinary day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub enum DayKind {
    /// A public holiday: no work, even on a weekday.
    Holiday,
    /// A weekend day on which offices work (调休).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut calendar = Self::default();
        for (day, kind) in entries {
            match kind {
                DayKind::Holiday => calendar.holidays.insert(day),
                DayKind::Workday => calendar.workdays.insert(day),
            };
        }
        calendar
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.holidays.contains(&day) {
            return false;
        }
        if self.workdays.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The day on which a limit of `days` working days, counted from the day after `start`,
    /// runs out. A limit of 0 is due on `start` itself.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let mut day = start;
        let mut left = days;
        while left > 0 {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| self.is_working_day(*day))
            .count() as u32
    }
}

/// The 2026 schedule published by the State Council General Office (国务院办公厅).
pub fn schedule_2026() -> Vec<(NaiveDate, DayKind, &'static str)> {
    let mut days = Vec::new();
    let mut off = |from: (u32, u32), to: (u32, u32), name: &'static str| {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(2026, from.0, from.1),
            NaiveDate::from_ymd_opt(2026, to.0, to.1),
        ) else {
            return;
        };
        for day in first.iter_days().take_while(|d| *d <= last) {
            days.push((day, DayKind::Holiday, name));
        }
    };
    off((1, 1), (1, 3), "元旦");
    off((2, 15), (2, 23), "春节");
    off((4, 4), (4, 6), "清明节");
    off((5, 1), (5, 5), "劳动节");
    off((6, 19), (6, 21), "端午节");
    off((9, 25), (9, 27), "中秋节");
    off((10, 1), (10, 7), "国庆节");
    let workdays = [
        ((1, 4), "元旦调休"),
        ((2, 14), "春节调休"),
        ((2, 28), "春节调休"),
        ((5, 9), "劳动节调休"),
        ((9, 20), "国庆节调休"),
        ((10, 10), "国庆节调休"),
    ];
    for ((month, day), name) in workdays {
        if let Some(date) = NaiveDate::from_ymd_opt(2026, month, day) {
            days.push((date, DayKind::Workday, name));
        }
    }
    days
}

crate::stored::stored_as_words!(DayKind);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::new(
            schedule_2026()
                .into_iter()
                .map(|(day, kind, _)| (day, kind)),
        )
    }

    #[test]
    fn ordinary_weeks_skip_the_weekend() {
        let cal = calendar();
        // Friday 2026-11-27 + 1 working day = Monday 11-30.
        assert_eq!(cal.add_working_days(d(11, 27), 1), d(11, 30));
        // Thursday + 5 = next Thursday.
        assert_eq!(cal.add_working_days(d(11, 26), 5), d(12, 3));
        assert_eq!(cal.add_working_days(d(11, 26), 0), d(11, 26));
    }

    #[test]
    fn spring_festival_week_is_skipped_and_make_up_saturdays_count() {
        let cal = calendar();
        assert!(
            cal.is_working_day(d(2, 14)),
            "Saturday 2-14 is a make-up working day"
        );
        assert!(!cal.is_working_day(d(2, 16)), "Monday 2-16 is a holiday");
        assert!(
            cal.is_working_day(d(2, 28)),
            "Saturday 2-28 is a make-up working day"
        );
        // Accepted Friday 2-13: the 14th (Sat, worked) is day 1, then the holiday runs to
        // 2-23, so 2-24 is day 2 and 2-27 is day 5.
        assert_eq!(cal.add_working_days(d(2, 13), 1), d(2, 14));
        assert_eq!(cal.add_working_days(d(2, 13), 2), d(2, 24));
        assert_eq!(cal.add_working_days(d(2, 13), 5), d(2, 27));
        assert_eq!(cal.add_working_days(d(2, 13), 6), d(2, 28));
    }

    #[test]
    fn national_day_week_is_skipped() {
        let cal = calendar();
        // Accepted Wednesday 9-30: 10-1..10-7 are holidays, Thursday 10-8 is day 1,
        // Friday 10-9 day 2, Saturday 10-10 (make-up) day 3, Monday 10-12 day 4.
        assert_eq!(cal.add_working_days(d(9, 30), 1), d(10, 8));
        assert_eq!(cal.add_working_days(d(9, 30), 3), d(10, 10));
        assert_eq!(cal.add_working_days(d(9, 30), 4), d(10, 12));
        // Sunday 9-20 is worked.
        assert!(cal.is_working_day(d(9, 20)));
    }

    #[test]
    fn counting_between_days_agrees_with_adding() {
        let cal = calendar();
        for start in [d(2, 10), d(9, 28), d(11, 27)] {
            for n in 0..25 {
                let due = cal.add_working_days(start, n);
                assert_eq!(
                    cal.working_days_between(start, due),
                    n,
                    "from {start} + {n}"
                );
            }
        }
        assert_eq!(cal.working_days_between(d(3, 5), d(3, 1)), 0);
    }
}
