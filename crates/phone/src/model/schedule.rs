//! Schedules: business hours and the weekly and date ranges that answering
//! rules match on. Times are local to the owner's time zone.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{DateTime, Time, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time of day as RingCentral writes it, `"09:00"`, in minutes since
/// midnight. `"24:00"` is allowed as the end of a range that runs to
/// midnight, which `jiff::civil::Time` cannot represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeOfDay(u16);

/// Minutes in a day; the largest valid [`TimeOfDay`].
const DAY_MINUTES: u16 = 24 * 60;

/// A time of day that is not `HH:MM` between `00:00` and `24:00`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time of day {0:?}: expected HH:MM between 00:00 and 24:00")]
pub struct InvalidTimeOfDay(pub String);

impl TimeOfDay {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: Self = Self(0);
    /// Midnight at the end of the day (`"24:00"`).
    pub const END_OF_DAY: Self = Self(DAY_MINUTES);

    /// `hour:minute`; `None` when out of range.
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        let total = u16::from(hour) * 60 + u16::from(minute);
        (minute < 60 && total <= DAY_MINUTES).then_some(Self(total))
    }

    /// Minutes since midnight, 0..=1440.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// The time of day of a civil time, truncated to the minute.
    pub fn of(time: Time) -> Self {
        Self(u16::try_from(time.hour()).unwrap_or(0) * 60 + time.minute() as u16)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for TimeOfDay {
    type Err = InvalidTimeOfDay;

    /// Accepts `HH:MM` and, for tolerance, `HH:MM:SS` (seconds dropped).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidTimeOfDay(s.to_owned());
        let mut parts = s.split(':');
        let hour: u8 = parts.next().and_then(|h| h.parse().ok()).ok_or_else(bad)?;
        let minute: u8 = parts.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
        if parts.next().is_some_and(|sec| sec.parse::<u8>().is_err()) {
            return Err(bad());
        }
        Self::new(hour, minute).ok_or_else(bad)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `{from: "09:00", to: "17:00"}`: half-open, so `to` is the first minute
/// outside the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub from: TimeOfDay,
    pub to: TimeOfDay,
}

impl TimeRange {
    /// Whether `time` falls in `[from, to)`.
    pub fn contains(&self, time: TimeOfDay) -> bool {
        self.from <= time && time < self.to
    }
}

/// `WeeklyScheduleInfo`: ranges per weekday. A day with no ranges is
/// closed, unless every day is empty, which RingCentral reads as 24/7.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyRanges {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuesday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wednesday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thursday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturday: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sunday: Vec<TimeRange>,
}

impl WeeklyRanges {
    /// The ranges of one weekday.
    pub fn day(&self, weekday: Weekday) -> &[TimeRange] {
        match weekday {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    /// Mutable ranges of one weekday, for building schedules.
    pub fn day_mut(&mut self, weekday: Weekday) -> &mut Vec<TimeRange> {
        match weekday {
            Weekday::Monday => &mut self.monday,
            Weekday::Tuesday => &mut self.tuesday,
            Weekday::Wednesday => &mut self.wednesday,
            Weekday::Thursday => &mut self.thursday,
            Weekday::Friday => &mut self.friday,
            Weekday::Saturday => &mut self.saturday,
            Weekday::Sunday => &mut self.sunday,
        }
    }

    /// Whether no day has any range.
    pub fn is_empty(&self) -> bool {
        ALL_WEEKDAYS.iter().all(|d| self.day(*d).is_empty())
    }

    /// The same range on Monday to Friday, the common office schedule.
    pub fn weekdays(range: TimeRange) -> Self {
        let mut ranges = Self::default();
        for day in &ALL_WEEKDAYS[..5] {
            ranges.day_mut(*day).push(range);
        }
        ranges
    }

    /// Whether a local date and time falls in one of its day's ranges.
    /// An empty schedule contains every moment.
    pub fn contains(&self, local: DateTime) -> bool {
        if self.is_empty() {
            return true;
        }
        let time = TimeOfDay::of(local.time());
        self.day(local.weekday()).iter().any(|r| r.contains(time))
    }
}

/// Monday first, as RingCentral lists them.
pub const ALL_WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// `RangesInfo`: a span of local date and time for custom rules
/// (holidays). Inputs with a `Z` or offset keep the written local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(with = "local_date_time")]
    pub from: DateTime,
    #[serde(with = "local_date_time")]
    pub to: DateTime,
}

impl DateRange {
    /// Whether `local` falls in `[from, to)`.
    pub fn contains(&self, local: DateTime) -> bool {
        self.from <= local && local < self.to
    }
}

/// `ref` of a rule schedule: follow the owner's business hours or their
/// complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScheduleRef {
    BusinessHours,
    AfterHours,
}

/// `ScheduleInfo` of an answering rule: at most one of the three is used.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_ranges: Option<WeeklyRanges>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<DateRange>,
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub schedule_ref: Option<ScheduleRef>,
}

/// The business hours of the company or of one extension
/// (`{schedule:{weeklyRanges}}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessHours {
    #[serde(default)]
    pub schedule: BusinessHoursSchedule,
}

/// The `schedule` of [`BusinessHours`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessHoursSchedule {
    #[serde(default)]
    pub weekly_ranges: WeeklyRanges,
}

impl BusinessHours {
    /// Business hours with the given weekly ranges.
    pub fn new(weekly_ranges: WeeklyRanges) -> Self {
        Self {
            schedule: BusinessHoursSchedule { weekly_ranges },
        }
    }

    /// Whether a local date and time is within business hours.
    pub fn contains(&self, local: DateTime) -> bool {
        self.schedule.weekly_ranges.contains(local)
    }
}

/// Serde for RingCentral's local date-times, tolerant of a trailing offset.
mod local_date_time {
    use jiff::civil::DateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(dt: &DateTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&dt.strftime("%Y-%m-%dT%H:%M:%S"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
        let text = String::deserialize(d)?;
        without_offset(&text)
            .parse()
            .map_err(serde::de::Error::custom)
    }

    /// Drops `Z`, `+01:00` or `+0100` after the time part.
    fn without_offset(text: &str) -> &str {
        let text = text.strip_suffix('Z').unwrap_or(text);
        let Some(t) = text.find('T') else { return text };
        match text[t..].rfind(['+', '-']) {
            Some(sign) => &text[..t + sign],
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_round_trips_and_allows_end_of_day() {
        let t: TimeOfDay = "09:30".parse().unwrap();
        assert_eq!(t.minutes(), 570);
        assert_eq!(t.to_string(), "09:30");
        assert_eq!("24:00".parse::<TimeOfDay>().unwrap(), TimeOfDay::END_OF_DAY);
        assert!("24:01".parse::<TimeOfDay>().is_err());
        assert!("9".parse::<TimeOfDay>().is_err());
    }

    #[test]
    fn business_hours_parse_from_ringcentral_json() {
        let json = r#"{"schedule":{"weeklyRanges":{"monday":[{"from":"09:00","to":"17:00"}]}}}"#;
        let hours: BusinessHours = serde_json::from_str(json).unwrap();
        let monday_ten = jiff::civil::date(2026, 11, 30).at(10, 0, 0, 0);
        let tuesday_ten = jiff::civil::date(2026, 12, 1).at(10, 0, 0, 0);
        assert!(hours.contains(monday_ten));
        assert!(!hours.contains(tuesday_ten));
        assert_eq!(serde_json::to_string(&hours).unwrap(), json);
    }

    #[test]
    fn date_ranges_accept_offsets_and_keep_local_time() {
        let json = r#"{"from":"2026-12-24T00:00:00Z","to":"2026-12-26T00:00:00+0100"}"#;
        let range: DateRange = serde_json::from_str(json).unwrap();
        assert_eq!(range.from, jiff::civil::date(2026, 12, 24).at(0, 0, 0, 0));
        assert_eq!(range.to, jiff::civil::date(2026, 12, 26).at(0, 0, 0, 0));
    }
}
