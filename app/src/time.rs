//! The one clock of the portal: what "now" and "today" are, in Asia/Shanghai.
//!
//! Why one module: the city lives in one time zone and every rule (opening hours, booking
//! days, claim deadlines, check-in "on the day") must agree on it. Stores never read the
//! clock — they take `now` (Unix seconds) or a day as an argument — so that services decide
//! the time once per request and tests can pass any time they like.
//!
//! Storage forms: instants are Unix seconds (`i64`), calendar days are `YYYY-MM-DD` text.
//!
//! **A clock tests can set.** A suite whose outcome depends on the hour it runs at blocks
//! a landing sooner or later, so the whole process can be started at another instant:
//! `LINLI_FAKE_NOW` (for example `2026-12-09 21:30`) moves "now" by a fixed offset, read
//! once, and the clock runs on from there; with `LINLI_FAKE_CLOCK=stopped` it stays at that
//! instant (the fixed-time test runs use this, so a run begun at 23:59 never sees its "today"
//! change half-way through a test). It is
//! honoured only in demo mode (`LINLI_DEMO=1` in the environment), which is never on for a
//! real city; the integration suite and the Playwright server are run with both set
//! (`scripts/test.sh --at`). Every reading of the wall clock in the portal goes through
//! this module, so every rule, the demo city's data and the tests see the same "now".

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Asia::Shanghai;
use std::sync::OnceLock;

/// The process's clock: the wall clock, or (demo mode only) one started at another
/// instant that runs on, or one stopped at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    Real,
    /// Seconds added to the wall clock.
    Shifted(i64),
    /// Always this instant (Unix seconds).
    Stopped(i64),
}

/// Read once per process from the environment.
static CLOCK: OnceLock<Clock> = OnceLock::new();

/// The clock `LINLI_FAKE_NOW` (and `LINLI_FAKE_CLOCK=stopped`) ask for: only with
/// `LINLI_DEMO=1` (a real city never runs in demo mode), else the wall clock. Read on
/// the first reading of the clock, so no code can see the real time before the fake one.
fn clock() -> Clock {
    *CLOCK.get_or_init(|| {
        let demo = std::env::var("LINLI_DEMO").is_ok_and(|v| v.trim() == "1");
        let stopped = std::env::var("LINLI_FAKE_CLOCK").is_ok_and(|v| v.trim() == "stopped");
        match std::env::var("LINLI_FAKE_NOW") {
            Ok(v) if demo && !v.trim().is_empty() => match parse_instant(&v) {
                Some(ts) if stopped => Clock::Stopped(ts),
                Some(ts) => Clock::Shifted(ts - chrono::Utc::now().timestamp()),
                None => {
                    tracing::warn!(value = %v, "LINLI_FAKE_NOW is not a time between 2000 and 2100; the real clock is used");
                    Clock::Real
                }
            },
            Ok(v) if !v.trim().is_empty() => {
                tracing::warn!("LINLI_FAKE_NOW is ignored outside demo mode (LINLI_DEMO=1)");
                Clock::Real
            }
            _ => Clock::Real,
        }
    })
}

/// Whether the clock runs at another instant than the wall clock (`LINLI_FAKE_NOW`).
pub fn is_shifted() -> bool {
    clock() != Clock::Real
}

/// Now as an instant, as the process's clock says.
pub fn now_utc() -> chrono::DateTime<chrono::Utc> {
    match clock() {
        Clock::Real => chrono::Utc::now(),
        Clock::Shifted(o) => chrono::Utc::now() + chrono::Duration::seconds(o),
        Clock::Stopped(ts) => chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default(),
    }
}

/// Reads the instant `LINLI_FAKE_NOW` names: RFC 3339 (`2026-12-09T21:30:00+08:00`) or a
/// local Asia/Shanghai `YYYY-MM-DD HH:MM` (also with `T`), years 2000–2100.
pub fn parse_instant(s: &str) -> Option<i64> {
    let s = s.trim();
    let ts = if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        t.timestamp()
    } else {
        let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
            .ok()?;
        Shanghai.from_local_datetime(&t).earliest()?.timestamp()
    };
    let year = local_of(ts)?.date().format("%Y").to_string();
    let year: i32 = year.parse().ok()?;
    (2000..=2100).contains(&year).then_some(ts)
}

/// Now, as Unix seconds (what the database stores).
pub fn now_ts() -> i64 {
    now_utc().timestamp()
}

/// Now, as a local time in Asia/Shanghai.
pub fn now_local() -> NaiveDateTime {
    now_utc().with_timezone(&Shanghai).naive_local()
}

/// Today's date in Asia/Shanghai.
pub fn today_local() -> NaiveDate {
    now_local().date()
}

/// Today in Asia/Shanghai as a [`Day`](crate::calendar_types::Day) (the last day the
/// portal knows once the clock runs past 2100).
pub fn today_day() -> crate::calendar_types::Day {
    crate::calendar_types::Day::from_date(today_local()).unwrap_or(crate::calendar_types::Day::LAST)
}

/// Today in Asia/Shanghai as `YYYY-MM-DD` (the form dates are stored in).
pub fn today() -> String {
    ymd(today_local())
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The local (Asia/Shanghai) date of an instant, as `YYYY-MM-DD`; empty if out of range.
pub fn date_of(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| ymd(t.with_timezone(&Shanghai).date_naive()))
        .unwrap_or_default()
}

/// The local (Asia/Shanghai) date and time of an instant.
pub fn local_of(ts: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(ts, 0).map(|t| t.with_timezone(&Shanghai).naive_local())
}

/// The local (Asia/Shanghai) `MM-DD HH:MM` of an instant, as a refusal tells when to
/// come back.
pub fn hhmm_of_ts(ts: i64) -> String {
    local_of(ts)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Unix seconds of a local (Asia/Shanghai) day and minute of the day.
pub fn local_ts(day: NaiveDate, minute: u32) -> i64 {
    let t = day
        .and_hms_opt(minute / 60, minute % 60, 0)
        .unwrap_or_default();
    Shanghai
        .from_local_datetime(&t)
        .single()
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_instants_are_read_in_shanghai_and_bounded() {
        let a = parse_instant("2026-12-09 21:30");
        assert_eq!(a, parse_instant("2026-12-09T21:30:00+08:00"));
        assert_eq!(a, parse_instant("2026-12-09T13:30:00Z"));
        assert_eq!(a.map(date_of).as_deref(), Some("2026-12-09"));
        assert_eq!(parse_instant("1999-12-31 23:59"), None);
        assert_eq!(parse_instant("2101-01-01 00:00"), None);
        assert_eq!(parse_instant("21:30"), None);
        assert_eq!(parse_instant(""), None);
    }

    #[test]
    fn days_and_instants_are_in_shanghai() {
        // 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai.
        let ts = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
            .and_then(|d| d.and_hms_opt(16, 30, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or_default();
        assert_eq!(date_of(ts), "2027-01-01");
        let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        assert_eq!(local_ts(d, 30), ts);
        assert_eq!(
            local_of(ts).map(|t| t.to_string()).as_deref(),
            Some("2027-01-01 00:30:00")
        );
    }
}
