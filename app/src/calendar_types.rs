//! The two calendar values every feature reads from forms and files: a day ([`Day`],
//! `YYYY-MM-DD`) and a time of day ([`ClockTime`], `HH:MM`). One parser each, with its
//! bounds tested here, so that booking, activities, the calendar and the stations agree on
//! what a day or a time is: days lie between 2000 and 2100 (nothing the portal keeps lies
//! outside, and a year like +262142 once made a page panic), times between 00:00 and
//! 23:59, and 24:00 only where an interval ends (opening hours `13:00-24:00`). Both are
//! pure (no chrono): models check them in the WebAssembly build too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day in Asia/Shanghai, stored and shown as `YYYY-MM-DD`. Pure arithmetic (no
/// chrono), so that rules in `model.rs` files check days in the WebAssembly build too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl Day {
    /// The earliest and latest year a day may have.
    pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;
    /// The last day a day may be.
    pub const LAST: Day = Day {
        year: 2100,
        month: 12,
        day: 31,
    };

    /// `YYYY-MM-DD` (surrounding spaces ignored), a real date between 2000 and 2100.
    pub fn parse(s: &str) -> Option<Day> {
        let t = s.trim();
        let b = t.as_bytes();
        // The exact shape: no sign, no short fields (`+262142-12-31`, `2026-1-5`).
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = &b[r];
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0u16, |n, c| n * 10 + u16::from(c - b'0')))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Day::new(year, month, day)
    }

    /// A day from its parts, if it exists and its year is in range.
    pub fn new(year: u16, month: u16, day: u16) -> Option<Day> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (Self::YEARS.contains(&year) && (1..=days).contains(&day)).then_some(Day {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The day as a chrono date (server side).
    #[cfg(feature = "ssr")]
    pub fn date(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(
            i32::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
        .unwrap_or_default()
    }

    /// A chrono date as a day, if its year is in range (server side).
    #[cfg(feature = "ssr")]
    pub fn from_date(d: chrono::NaiveDate) -> Option<Day> {
        use chrono::Datelike;
        let year = u16::try_from(d.year()).ok()?;
        Day::new(year, d.month() as u16, d.day() as u16)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A time of day as minutes since midnight, shown as `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// `H:MM` or `HH:MM` between 00:00 and 23:59 (surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<ClockTime> {
        Self::parse_up_to(s, 23 * 60 + 59)
    }

    /// The same, also 24:00: the end of an interval that runs to midnight.
    pub fn parse_end(s: &str) -> Option<ClockTime> {
        Self::parse_up_to(s, 24 * 60)
    }

    fn parse_up_to(s: &str, max: u16) -> Option<ClockTime> {
        let (h, m) = s.trim().split_once(':')?;
        let digits = |x: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&x.len()) && x.bytes().all(|c| c.is_ascii_digit())
        };
        if !digits(h, 1..=2) || !digits(m, 2..=2) {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        let t = h.checked_mul(60)?.checked_add(m)?;
        (m < 60 && t <= max).then_some(ClockTime(t))
    }

    /// A time from minutes since midnight (0–1440).
    pub fn from_minutes(min: u32) -> Option<ClockTime> {
        (min <= 24 * 60).then_some(ClockTime(min as u16))
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

// On the wire and in JSON both are the text people read (`2026-12-09`, `08:30`), so a
// field can change from `String` to `Day` without changing any API.
impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Day::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("a day is YYYY-MM-DD, 2000 to 2100"))
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ClockTime::parse_end(&text)
            .ok_or_else(|| serde::de::Error::custom("a time is HH:MM, 00:00 to 24:00"))
    }
}

/// A day stored as `YYYY-MM-DD` text, read from a row (server side): one decoder for
/// every store.
#[cfg(feature = "ssr")]
pub fn day_column(r: &sqlx::any::AnyRow, column: &str) -> Result<Day, sqlx::Error> {
    use sqlx::Row;
    let text: String = r.try_get(column)?;
    Day::parse(&text)
        .ok_or_else(|| sqlx::Error::Decode(format!("{column}: not a day: {text:.20}").into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_travel_as_the_text_people_read() {
        let d = Day::parse("2026-12-09").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-12-09\"");
        assert_eq!(serde_json::from_str::<Day>("\"2026-12-09\"").unwrap(), d);
        assert!(serde_json::from_str::<Day>("\"+262142-12-31\"").is_err());
        let t = ClockTime::parse("8:30").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"08:30\"");
        assert_eq!(
            serde_json::from_str::<ClockTime>("\"24:00\"")
                .unwrap()
                .minutes(),
            1440
        );
        assert!(serde_json::from_str::<ClockTime>("\"24:01\"").is_err());
    }

    #[test]
    fn a_day_is_a_real_date_between_2000_and_2100_in_one_shape() {
        assert_eq!(
            Day::parse("2026-12-09").map(|d| d.to_string()).as_deref(),
            Some("2026-12-09")
        );
        assert_eq!(
            Day::parse(" 2000-01-01 ").map(|d| d.to_string()).as_deref(),
            Some("2000-01-01")
        );
        assert!(Day::parse("2100-12-31").is_some());
        assert!(Day::parse("2024-02-29").is_some());
        for bad in [
            "1999-12-31",
            "2101-01-01",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-5",
            "+262142-12-31",
            "26-12-09",
            "2026/12/09",
            "2026-12-09x",
            "",
            "２０２６-12-09",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(Day::new(1999, 1, 1), None);
        #[cfg(feature = "ssr")]
        {
            let d = chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap_or_default();
            assert_eq!(Day::from_date(d).map(Day::date), Some(d));
            let old = chrono::NaiveDate::from_ymd_opt(1999, 1, 1).unwrap_or_default();
            assert_eq!(Day::from_date(old), None);
        }
    }

    #[test]
    fn a_time_is_between_midnight_and_a_minute_to_and_24_00_only_as_an_end() {
        assert_eq!(ClockTime::parse("00:00").map(ClockTime::minutes), Some(0));
        assert_eq!(ClockTime::parse("9:05").map(ClockTime::minutes), Some(545));
        assert_eq!(
            ClockTime::parse(" 23:59 ").map(ClockTime::minutes),
            Some(1439)
        );
        assert_eq!(ClockTime::parse("24:00"), None);
        assert_eq!(
            ClockTime::parse_end("24:00").map(ClockTime::minutes),
            Some(1440)
        );
        for bad in [
            "24:01", "23:60", "7:5", "123:00", "-1:00", "ab:cd", "12", "12:", ":30", "",
        ] {
            assert_eq!(ClockTime::parse_end(bad), None, "{bad}");
        }
        assert_eq!(
            ClockTime::parse("9:05").map(|t| t.to_string()).as_deref(),
            Some("09:05")
        );
        assert_eq!(ClockTime::from_minutes(1441), None);
    }
}
