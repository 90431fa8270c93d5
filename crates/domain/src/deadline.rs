//! The promised time limit (承诺时限) of a task: counted in working days from acceptance,
//! paused while a supplement is requested (补正期间不计时).

use super::working_days::WorkingCalendar;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Offices keep China Standard Time; every date of the clock is a date there.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    let offset = FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    at.with_timezone(&offset).date_naive()
}

/// The last day of the limit: `promised_days` working days after the day of acceptance, plus
/// the working days the clock stood still.
pub fn due_on(
    calendar: &WorkingCalendar,
    accepted_on: NaiveDate,
    promised_days: u32,
    paused_working_days: u32,
) -> NaiveDate {
    calendar.add_working_days(accepted_on, promised_days + paused_working_days)
}

/// Working days a pause took: from the day the supplement was requested to the day the
/// resident resubmitted. A same-day answer costs nothing.
pub fn paused_days(calendar: &WorkingCalendar, paused_on: NaiveDate, resumed_on: NaiveDate) -> u32 {
    calendar.working_days_between(paused_on, resumed_on)
}

/// Midnight at the start of `day` in China.
pub fn start_of_china_day(day: NaiveDate) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(day.and_time(chrono::NaiveTime::MIN), Utc)
        - chrono::Duration::hours(8)
}

/// The end of `day` in China, the moment a task due that day becomes overdue.
pub fn end_of_china_day(day: NaiveDate) -> DateTime<Utc> {
    let end = day.and_hms_opt(23, 59, 59).unwrap_or_default();
    DateTime::<Utc>::from_naive_utc_and_offset(end, Utc) - chrono::Duration::hours(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::working_days::schedule_2026;

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
    fn dates_are_china_dates() {
        let late_utc = DateTime::parse_from_rfc3339("2026-11-27T17:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(china_date(late_utc), d(11, 28), "01:30 next day in Beijing");
        assert_eq!(
            end_of_china_day(d(11, 28)).to_rfc3339(),
            "2026-11-28T15:59:59+00:00"
        );
    }

    #[test]
    fn on_the_spot_services_are_due_the_day_they_are_accepted() {
        assert_eq!(due_on(&calendar(), d(11, 27), 0, 0), d(11, 27));
    }

    #[test]
    fn the_limit_skips_weekends() {
        // Accepted Friday 11-27 with 5 working days: Mon 11-30 … Fri 12-4.
        assert_eq!(due_on(&calendar(), d(11, 27), 5, 0), d(12, 4));
    }

    #[test]
    fn spring_festival_stops_the_clock_and_make_up_days_count() {
        let cal = calendar();
        // Accepted Thursday 2-12, 3 days: Fri 2-13, Sat 2-14 (调休上班), then the holiday
        // runs 2-15..2-23, so day 3 is Tuesday 2-24.
        assert_eq!(due_on(&cal, d(2, 12), 3, 0), d(2, 24));
        // 10 days from Friday 2-13: 2-14, 2-24..2-27 (5), Sat 2-28 (调休, 6), 3-2..3-5 (10).
        assert_eq!(due_on(&cal, d(2, 13), 10, 0), d(3, 5));
    }

    #[test]
    fn national_day_week_stops_the_clock() {
        let cal = calendar();
        // Accepted Friday 9-25 (中秋 holiday itself): the clock starts on the next working
        // day. 9-28, 9-29, 9-30 are days 1–3; 10-1..10-7 off; 10-8 is day 4, 10-9 day 5.
        assert_eq!(due_on(&cal, d(9, 25), 5, 0), d(10, 9));
        // Make-up Saturday 10-10 is day 6.
        assert_eq!(due_on(&cal, d(9, 25), 6, 0), d(10, 10));
    }

    #[test]
    fn a_supplement_pause_moves_the_due_date_by_the_working_days_it_took() {
        let cal = calendar();
        // Accepted Monday 11-2 with 10 days: due Monday 11-16.
        assert_eq!(due_on(&cal, d(11, 2), 10, 0), d(11, 16));
        // Supplement requested Wednesday 11-4, answered Monday 11-9: Thu, Fri, Mon = 3 days.
        let paused = paused_days(&cal, d(11, 4), d(11, 9));
        assert_eq!(paused, 3);
        assert_eq!(due_on(&cal, d(11, 2), 10, paused), d(11, 19));
        // Answered the same day: no delay.
        assert_eq!(paused_days(&cal, d(11, 4), d(11, 4)), 0);
    }

    #[test]
    fn a_pause_over_national_day_counts_only_working_days() {
        let cal = calendar();
        // Requested Tuesday 9-29, answered Thursday 10-8: 9-30 and 10-8 are working days.
        assert_eq!(paused_days(&cal, d(9, 29), d(10, 8)), 2);
        // Requested Friday 2-13, answered Tuesday 2-24 after the Spring Festival: 2-14 and 2-24.
        assert_eq!(paused_days(&cal, d(2, 13), d(2, 24)), 2);
    }
}
