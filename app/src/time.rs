//! The one clock of the portal: what "now" and "today" are, in Asia/Shanghai.
//!
//! Why one module: the city lives in one time zone and every rule (opening hours, booking
//! days, claim deadlines, check-in "on the day") must agree on it. Stores never read the
//! clock — they take `now` (Unix seconds) or a day as an argument — so that services decide
//! the time once per request and tests can pass any time they like.
//!
//! Storage forms: instants are Unix seconds (`i64`), calendar days are `YYYY-MM-DD` text.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Asia::Shanghai;

/// Now, as Unix seconds (what the database stores).
pub fn now_ts() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Now, as a local time in Asia/Shanghai.
pub fn now_local() -> NaiveDateTime {
    chrono::Utc::now().with_timezone(&Shanghai).naive_local()
}

/// Today's date in Asia/Shanghai.
pub fn today_local() -> NaiveDate {
    now_local().date()
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
