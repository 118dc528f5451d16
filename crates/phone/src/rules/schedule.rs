//! Schedule evaluation: whether an instant falls inside business hours, a
//! rule's weekly ranges or its date ranges, in the owner's time zone.
//!
//! Every comparison is made on the local wall clock, because that is what
//! the people who wrote "09:00" meant. On the spring-forward day the skipped
//! local times never happen, so a range inside the gap never matches and a
//! range across it is an hour shorter; on the fall-back day the repeated
//! hour is matched twice, once for each instant that shows it.
//!
//! Weekly ranges (`{from, to}` per weekday):
//! - `from < to`: from `from` up to, not including, `to` on that day.
//! - `to` of `24:00` or `23:59`: up to midnight at the end of the day; the
//!   web UI's last choice is 11:59 PM and people mean "until midnight".
//! - `to < from` (22:00-06:00): wraps midnight, from `from` on that day to
//!   `to` on the next day; Sunday's range wraps into Monday.
//! - `from == to`: the whole 24 hours starting at `from`.
//! - A schedule in which every day is empty is RingCentral's "24/7".
//!
//! Date ranges (`ranges[{from, to}]`) are local date-times in the same zone,
//! `from` included and `to` excluded, so holidays chain without overlap;
//! a `to` at 23:59 runs to the following midnight, like weekly ranges. A
//! range whose `to` is not after its `from` is empty and ignored.

use jiff::Timestamp;
use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;

use crate::model::WeeklyRanges;
use crate::model::{BusinessHours, DateRange, Schedule, ScheduleRef, TimeOfDay, TimeRange};

/// Minutes in a day.
const DAY: u16 = 24 * 60;

/// The last minute of the day, which as a `to` means "until midnight".
const LAST_MINUTE: u16 = DAY - 1;

/// The wall-clock date and time of `instant` in `tz`.
pub fn local_time(instant: Timestamp, tz: &TimeZone) -> DateTime {
    tz.to_datetime(instant)
}

/// Whether `instant` is within business hours evaluated in `tz`.
pub fn is_business_hours(hours: &BusinessHours, instant: Timestamp, tz: &TimeZone) -> bool {
    weekly_contains(&hours.schedule.weekly_ranges, local_time(instant, tz))
}

/// Whether a local date and time falls in one of the weekly ranges,
/// including a range of the previous day that wraps past midnight.
pub fn weekly_contains(ranges: &WeeklyRanges, local: DateTime) -> bool {
    if ranges.is_empty() {
        return true;
    }
    let minute = minute_of_day(local.time());
    let today = local.weekday();
    let yesterday = today.previous();

    ranges
        .day(today)
        .iter()
        .any(|r| same_day_part_contains(r, minute))
        || ranges
            .day(yesterday)
            .iter()
            .any(|r| next_day_part_contains(r, minute))
}

/// Whether a local date and time falls in any of the date ranges.
pub fn date_ranges_contain(ranges: &[DateRange], local: DateTime) -> bool {
    ranges.iter().any(|r| date_range_contains(r, local))
}

/// Whether a rule's schedule holds at a local date and time.
///
/// `business_hours` is the owner's effective business hours, needed by
/// `ref`. RingCentral allows one of weekly ranges, date ranges and `ref`;
/// when a stored rule carries several, all of them must hold, which can
/// only narrow when the rule applies, never widen it.
pub fn schedule_contains(
    schedule: &Schedule,
    business_hours: &WeeklyRanges,
    local: DateTime,
) -> bool {
    let weekly = schedule
        .weekly_ranges
        .as_ref()
        .is_none_or(|w| weekly_contains(w, local));
    let dates = schedule.ranges.is_empty() || date_ranges_contain(&schedule.ranges, local);
    let by_ref = match schedule.schedule_ref {
        None => true,
        Some(ScheduleRef::BusinessHours) => weekly_contains(business_hours, local),
        Some(ScheduleRef::AfterHours) => !weekly_contains(business_hours, local),
    };
    weekly && dates && by_ref
}

/// Whether a schedule has any condition at all.
pub fn is_unconditional(schedule: &Schedule) -> bool {
    schedule.weekly_ranges.is_none()
        && schedule.ranges.is_empty()
        && schedule.schedule_ref.is_none()
}

/// The part of a range that lies on its own day, as minutes `[start, end)`.
fn same_day_part(range: &TimeRange) -> (u16, u16) {
    let from = range.from.minutes();
    match end_minute(range.to) {
        to if to > from => (from, to),
        _ => (from, DAY),
    }
}

/// The part of a wrapping range that spills into the next day, `[0, end)`.
fn next_day_part(range: &TimeRange) -> (u16, u16) {
    let from = range.from.minutes();
    match end_minute(range.to) {
        to if to > from => (0, 0),
        to => (0, to.min(from)),
    }
}

fn same_day_part_contains(range: &TimeRange, minute: u16) -> bool {
    let (start, end) = same_day_part(range);
    start <= minute && minute < end
}

fn next_day_part_contains(range: &TimeRange, minute: u16) -> bool {
    let (start, end) = next_day_part(range);
    start <= minute && minute < end
}

/// `to` in minutes, with the last minute of the day read as midnight.
fn end_minute(to: TimeOfDay) -> u16 {
    match to.minutes() {
        LAST_MINUTE => DAY,
        m => m,
    }
}

fn minute_of_day(time: Time) -> u16 {
    // hour() is 0..=23 and minute() 0..=59, so both casts are lossless.
    time.hour() as u16 * 60 + time.minute() as u16
}

fn date_range_contains(range: &DateRange, local: DateTime) -> bool {
    range.from <= local && local < date_range_end(range.to)
}

/// `to`, with 23:59 on any day read as the following midnight.
fn date_range_end(to: DateTime) -> DateTime {
    if to.hour() == 23 && to.minute() == 59 {
        return to
            .date()
            .tomorrow()
            .map_or(to, |d| d.to_datetime(Time::midnight()));
    }
    to
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    fn range(from: &str, to: &str) -> TimeRange {
        TimeRange {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
        }
    }

    fn on(day: Weekday, from: &str, to: &str) -> WeeklyRanges {
        let mut ranges = WeeklyRanges::default();
        ranges.day_mut(day).push(range(from, to));
        ranges
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    // 2026-12-07 is a Monday.
    fn monday_at(h: i8, m: i8) -> DateTime {
        date(2026, 12, 7).at(h, m, 0, 0)
    }

    #[test]
    fn a_plain_range_includes_from_and_excludes_to() {
        let hours = on(Weekday::Monday, "09:00", "17:00");

        assert!(!weekly_contains(&hours, monday_at(8, 59)));
        assert!(weekly_contains(&hours, monday_at(9, 0)));
        assert!(weekly_contains(&hours, monday_at(16, 59)));
        assert!(!weekly_contains(&hours, monday_at(17, 0)));
    }

    #[test]
    fn a_range_only_applies_on_its_own_weekday() {
        let hours = on(Weekday::Monday, "09:00", "17:00");

        assert!(!weekly_contains(&hours, date(2026, 12, 8).at(10, 0, 0, 0)));
    }

    #[test]
    fn a_range_wrapping_midnight_covers_the_next_morning() {
        let nights = on(Weekday::Monday, "22:00", "06:00");

        assert!(weekly_contains(&nights, monday_at(23, 30)));
        assert!(weekly_contains(&nights, date(2026, 12, 8).at(5, 59, 0, 0)));
        assert!(!weekly_contains(&nights, date(2026, 12, 8).at(6, 0, 0, 0)));
        assert!(!weekly_contains(&nights, monday_at(5, 0)));
    }

    #[test]
    fn a_sunday_night_range_wraps_the_week_into_monday() {
        let nights = on(Weekday::Sunday, "22:00", "06:00");

        assert!(weekly_contains(&nights, monday_at(3, 0)));
        assert!(!weekly_contains(&nights, date(2026, 12, 8).at(3, 0, 0, 0)));
    }

    #[test]
    fn to_of_24_00_and_23_59_both_run_until_midnight() {
        for to in ["24:00", "23:59"] {
            let evenings = on(Weekday::Monday, "18:00", to);

            assert!(weekly_contains(&evenings, monday_at(23, 59)), "{to}");
            assert!(
                !weekly_contains(&evenings, date(2026, 12, 8).at(0, 0, 0, 0)),
                "{to}"
            );
        }
    }

    #[test]
    fn equal_from_and_to_means_the_whole_day_from_that_time() {
        let all_day = on(Weekday::Monday, "00:00", "00:00");

        assert!(weekly_contains(&all_day, monday_at(0, 0)));
        assert!(weekly_contains(&all_day, monday_at(23, 59)));
        assert!(!weekly_contains(&all_day, date(2026, 12, 8).at(0, 0, 0, 0)));
    }

    #[test]
    fn an_empty_weekly_schedule_is_open_around_the_clock() {
        assert!(weekly_contains(&WeeklyRanges::default(), monday_at(3, 0)));
    }

    #[test]
    fn business_hours_follow_new_york_wall_clock_in_winter_and_summer() {
        let hours = BusinessHours::new(WeeklyRanges::weekdays(range("09:00", "17:00")));
        let new_york = zone("America/New_York");

        // 09:30 EST is 14:30 UTC; 09:30 EDT is 13:30 UTC.
        assert!(is_business_hours(
            &hours,
            instant("2026-12-07T14:30:00Z"),
            &new_york
        ));
        assert!(!is_business_hours(
            &hours,
            instant("2026-12-07T13:30:00Z"),
            &new_york
        ));
        assert!(is_business_hours(
            &hours,
            instant("2026-07-06T13:30:00Z"),
            &new_york
        ));
    }

    #[test]
    fn the_skipped_hour_of_spring_forward_never_matches() {
        // 2026-03-08 is a Sunday; New York jumps from 02:00 to 03:00.
        let gap = on(Weekday::Sunday, "02:00", "03:00");
        let new_york = zone("America/New_York");

        // 06:59 UTC is 01:59 EST, 07:00 UTC is 03:00 EDT.
        assert!(!weekly_contains(
            &gap,
            local_time(instant("2026-03-08T06:59:00Z"), &new_york)
        ));
        assert!(!weekly_contains(
            &gap,
            local_time(instant("2026-03-08T07:00:00Z"), &new_york)
        ));
    }

    #[test]
    fn a_range_across_spring_forward_is_an_hour_shorter() {
        let early = on(Weekday::Sunday, "01:00", "04:00");
        let new_york = zone("America/New_York");

        assert!(weekly_contains(
            &early,
            local_time(instant("2026-03-08T06:30:00Z"), &new_york)
        ));
        assert!(weekly_contains(
            &early,
            local_time(instant("2026-03-08T07:30:00Z"), &new_york)
        ));
        // 08:00 UTC is already 04:00 EDT: two real hours after 01:00 EST.
        assert!(!weekly_contains(
            &early,
            local_time(instant("2026-03-08T08:00:00Z"), &new_york)
        ));
    }

    #[test]
    fn the_repeated_hour_of_fall_back_matches_both_times_in_london() {
        // 2026-10-25 is a Sunday; London repeats 01:00-02:00 (BST then GMT).
        let one_am = on(Weekday::Sunday, "01:00", "02:00");
        let london = zone("Europe/London");

        assert!(weekly_contains(
            &one_am,
            local_time(instant("2026-10-25T00:30:00Z"), &london)
        ));
        assert!(weekly_contains(
            &one_am,
            local_time(instant("2026-10-25T01:30:00Z"), &london)
        ));
        assert!(!weekly_contains(
            &one_am,
            local_time(instant("2026-10-25T02:00:00Z"), &london)
        ));
    }

    #[test]
    fn the_same_instant_is_business_hours_in_one_zone_and_not_another() {
        let hours = BusinessHours::new(WeeklyRanges::weekdays(range("09:00", "17:00")));
        let noon_utc = instant("2026-12-07T12:00:00Z");

        assert!(is_business_hours(&hours, noon_utc, &zone("Europe/London")));
        assert!(!is_business_hours(
            &hours,
            noon_utc,
            &zone("America/Los_Angeles")
        ));
    }

    #[test]
    fn date_ranges_include_from_and_exclude_to() {
        let christmas = DateRange {
            from: date(2026, 12, 25).at(0, 0, 0, 0),
            to: date(2026, 12, 26).at(0, 0, 0, 0),
        };

        assert!(date_ranges_contain(
            &[christmas],
            date(2026, 12, 25).at(0, 0, 0, 0)
        ));
        assert!(date_ranges_contain(
            &[christmas],
            date(2026, 12, 25).at(23, 59, 59, 0)
        ));
        assert!(!date_ranges_contain(
            &[christmas],
            date(2026, 12, 26).at(0, 0, 0, 0)
        ));
        assert!(!date_ranges_contain(
            &[christmas],
            date(2026, 12, 24).at(23, 59, 59, 0)
        ));
    }

    #[test]
    fn a_date_range_ending_at_23_59_includes_the_last_minute() {
        let holiday = DateRange {
            from: date(2026, 12, 25).at(0, 0, 0, 0),
            to: date(2026, 12, 25).at(23, 59, 0, 0),
        };

        assert!(date_ranges_contain(
            &[holiday],
            date(2026, 12, 25).at(23, 59, 30, 0)
        ));
        assert!(!date_ranges_contain(
            &[holiday],
            date(2026, 12, 26).at(0, 0, 0, 0)
        ));
    }

    #[test]
    fn a_backwards_date_range_is_empty() {
        let backwards = DateRange {
            from: date(2026, 12, 26).at(0, 0, 0, 0),
            to: date(2026, 12, 25).at(0, 0, 0, 0),
        };

        assert!(!date_ranges_contain(
            &[backwards],
            date(2026, 12, 25).at(12, 0, 0, 0)
        ));
    }

    #[test]
    fn an_after_hours_ref_is_the_complement_of_business_hours() {
        let hours = WeeklyRanges::weekdays(range("09:00", "17:00"));
        let after = Schedule {
            schedule_ref: Some(ScheduleRef::AfterHours),
            ..Schedule::default()
        };

        assert!(schedule_contains(&after, &hours, monday_at(18, 0)));
        assert!(!schedule_contains(&after, &hours, monday_at(10, 0)));
    }

    #[test]
    fn several_schedule_conditions_must_all_hold() {
        let hours = WeeklyRanges::weekdays(range("09:00", "17:00"));
        let both = Schedule {
            weekly_ranges: Some(on(Weekday::Monday, "12:00", "13:00")),
            schedule_ref: Some(ScheduleRef::AfterHours),
            ..Schedule::default()
        };

        assert!(!schedule_contains(&both, &hours, monday_at(12, 30)));
    }
}
