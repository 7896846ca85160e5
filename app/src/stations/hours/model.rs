//! Opening hours, evaluated, not guessed: the `opening-hours` crate parses and evaluates
//! OpenStreetMap `opening_hours` strings; this module feeds it the city's holiday
//! calendar (for `PH`), works in Asia/Shanghai local time, and applies make-up working
//! days (调休) for stations that follow them.

use crate::calendar::model::Calendar;
use crate::message::Msg;
use crate::stations::model::OpenStatus;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Asia::Shanghai;
use opening_hours::{Context, OpeningHours};
use std::sync::Arc;

/// Checks a string for staff editing it: valid syntax or a Chinese message.
pub fn validate(s: &str) -> Result<(), Msg> {
    let s = s.trim();
    if s.is_empty() || s.len() > 255 {
        return Err(Msg::new("hours.required"));
    }
    s.parse::<OpeningHours>()
        .map(|_| ())
        .map_err(|_| Msg::new("hours.bad_format").arg("s", s))
}

/// The calendar as the crate wants it: public holidays for `PH`.
pub fn context(cal: &Calendar) -> Context {
    let mut public = compact_calendar::CompactCalendar::default();
    for d in cal.holidays() {
        public.insert(d);
    }
    Context::default().with_holidays(opening_hours::ContextHolidays::new(
        Arc::new(public),
        Arc::default(),
    ))
}

/// A parsed schedule, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Hours {
    oh: OpeningHours,
    follows_workdays: bool,
}

impl Hours {
    pub fn parse(s: &str, ctx: &Context, follows_workdays: bool) -> Option<Hours> {
        s.parse::<OpeningHours>().ok().map(|oh| Hours {
            oh: oh.with_context(ctx.clone()),
            follows_workdays,
        })
    }

    /// The date whose rules apply on `date`: itself, or, on a make-up working day of a
    /// station that follows them, the latest ordinary day with the weekday it is
    /// worked as.
    fn rule_date(&self, cal: &Calendar, date: NaiveDate) -> NaiveDate {
        if !self.follows_workdays {
            return date;
        }
        let Some(as_wd) = cal.makeup_as(date) else {
            return date;
        };
        (1..=35)
            .map(|i| date - Duration::days(i))
            .find(|d| d.weekday() == as_wd && cal.get(*d).is_none())
            .unwrap_or(date)
    }

    /// Evaluates at a local (Asia/Shanghai) time.
    pub fn status_at(&self, cal: &Calendar, at: NaiveDateTime) -> OpenStatus {
        let day = at.date();
        let proxy_day = self.rule_date(cal, day);
        let shift = day - proxy_day;
        let proxy_at = at - shift;
        let open = self.oh.is_open(proxy_at);
        let mut next = self.oh.next_change(proxy_at).map(|n| n + shift);
        // A change computed on the proxy day is only valid within that day; past it,
        // evaluate the real calendar from the next midnight.
        if shift != Duration::zero() {
            let midnight = (day + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or(at);
            if next.is_none_or(|n| n >= midnight) {
                let open_next = self.status_plain(midnight).0;
                next = if open_next != open {
                    Some(midnight)
                } else {
                    self.status_plain(midnight).1
                };
            }
        }
        // Far-off changes (a year) mean "no change ahead".
        let next = next.filter(|n| *n - at < Duration::days(366));
        OpenStatus {
            open,
            always: open && next.is_none(),
            change_day: next.map(|n| (n.date() - day).num_days()),
            change_time: next.map(|n| format!("{:02}:{:02}", n.hour(), n.minute())),
            next_change: next
                .and_then(|n| Shanghai.from_local_datetime(&n).single())
                .map(|t| t.to_rfc3339()),
        }
    }

    fn status_plain(&self, at: NaiveDateTime) -> (bool, Option<NaiveDateTime>) {
        (self.oh.is_open(at), self.oh.next_change(at))
    }

    /// Opening spans on a local date as local times, in order; the last may end at the
    /// next midnight. Empty when closed all day.
    pub fn spans_on(&self, cal: &Calendar, date: NaiveDate) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        let proxy = self.rule_date(cal, date);
        let shift = date - proxy;
        let Some(mut t) = proxy.and_hms_opt(0, 0, 0) else {
            return Vec::new();
        };
        let end = t + Duration::days(1);
        let mut out = Vec::new();
        while t < end {
            let next = match self.oh.next_change(t) {
                Some(n) if n > t => n.min(end),
                _ => end,
            };
            if self.oh.is_open(t) {
                out.push((t + shift, next + shift));
            }
            t = next;
        }
        out
    }

    /// Opening intervals (`HH:MM-HH:MM`) on a local date; empty when closed all day.
    pub fn intervals_on(&self, cal: &Calendar, date: NaiveDate) -> Vec<String> {
        let hm = |t: NaiveDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
        self.spans_on(cal, date)
            .into_iter()
            .map(|(s, e)| {
                let e = if e.date() > date {
                    "24:00".to_string()
                } else {
                    hm(e)
                };
                format!("{}-{e}", hm(s))
            })
            .collect()
    }

    /// Opening spans from the local midnight of `from` for `days` days, as Unix seconds,
    /// with spans that touch joined (open until midnight and from midnight is one span):
    /// what a page needs to say "open now" and "closes at" without the server.
    pub fn open_spans(&self, cal: &Calendar, from: NaiveDate, days: u32) -> Vec<(i64, i64)> {
        let ts = |t: NaiveDateTime| {
            Shanghai
                .from_local_datetime(&t)
                .single()
                .map(|z| z.timestamp())
        };
        let mut out: Vec<(i64, i64)> = Vec::new();
        for d in 0..days {
            let date = from + Duration::days(i64::from(d));
            for (s, e) in self.spans_on(cal, date) {
                let (Some(s), Some(e)) = (ts(s), ts(e)) else {
                    continue;
                };
                match out.last_mut() {
                    Some(last) if last.1 >= s => last.1 = last.1.max(e),
                    _ => out.push((s, e)),
                }
            }
        }
        out
    }
}

/// A station's special dates: from one date to another (inclusive), its own hours
/// (`HH:MM-HH:MM`, several with commas) or closed (empty), and a note (闭馆维修,
/// 春节期间). Staff keep them on the station's hours page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpecialHours {
    pub id: i64,
    pub station_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub hours: String,
    pub note: String,
}

/// The most days one special range may span (a season, not a new schedule).
pub const MAX_SPECIAL_DAYS: i64 = 120;
/// The most special ranges a station may have ahead (today or later): a year of
/// holidays and repairs fits many times over, and a station's rule stays short.
pub const MAX_SPECIALS_AHEAD: i64 = 60;

/// Checks a special range as staff type it; errors are message keys.
pub fn check_special(
    from: NaiveDate,
    to: NaiveDate,
    hours: &str,
    note: &str,
) -> Result<(), &'static str> {
    if to < from {
        return Err("hours.special_order");
    }
    if (to - from).num_days() >= MAX_SPECIAL_DAYS {
        return Err("hours.special_too_long");
    }
    if note.trim().is_empty() || note.chars().count() > 40 {
        return Err("hours.special_note_length");
    }
    let hours = hours.trim();
    if hours.is_empty() {
        return Ok(());
    }
    let span_ok = |span: &str| {
        let Some((a, b)) = span.trim().split_once('-') else {
            return false;
        };
        // `HH:MM` in full, as the evaluator reads it; 24:00 ends a day.
        let hm = |t: &str| {
            let t = t.trim();
            (t.len() == 5)
                .then(|| crate::calendar_types::ClockTime::parse_end(t))
                .flatten()
                .map(crate::calendar_types::ClockTime::minutes)
        };
        matches!((hm(a), hm(b)), (Some(a), Some(b)) if a < b)
    };
    if hours.len() > 80 || !hours.split(',').all(span_ok) {
        return Err("hours.special_spans_invalid");
    }
    Ok(())
}

/// The schedule as evaluated: the regular hours, then each special range as a later
/// rule, which overrides them on its days (OpenStreetMap's rule order), so one crate
/// evaluates both and "open now" needs no second path.
pub fn effective(base: &str, specials: &[SpecialHours]) -> String {
    let mut s = base.trim().trim_end_matches(';').to_string();
    for sp in specials {
        let day = |d: NaiveDate| d.format("%Y %b %d").to_string();
        let hours = sp.hours.trim();
        s.push_str(&format!(
            "; {}-{} {}",
            day(sp.from),
            day(sp.to),
            if hours.is_empty() { "off" } else { hours }
        ));
    }
    s
}

/// Parses an RFC 3339 time and returns it in Asia/Shanghai local time.
pub fn parse_at(s: &str) -> Result<NaiveDateTime, Msg> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Shanghai).naive_local())
        .map_err(|_| Msg::new("hours.bad_time").arg("s", s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::model::china_2026;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn hours(s: &str, follows: bool) -> (Hours, Calendar) {
        let cal = Calendar::new(china_2026());
        (Hours::parse(s, &context(&cal), follows).unwrap(), cal)
    }

    #[test]
    fn lunch_breaks_and_closing_times() {
        let (h, cal) = hours("Mo-Fr 08:30-12:00,13:30-17:30; PH off", false);
        // Thursday 26 November 2026.
        let s = h.status_at(&cal, at("2026-11-26 10:00"));
        assert!(s.open);
        assert_eq!(
            (s.change_day, s.change_time.as_deref()),
            (Some(0), Some("12:00"))
        );
        let s = h.status_at(&cal, at("2026-11-26 12:30"));
        assert!(!s.open);
        assert_eq!(s.change_time.as_deref(), Some("13:30"));
        // Friday evening: opens Monday.
        let s = h.status_at(&cal, at("2026-11-27 18:00"));
        assert!(!s.open);
        assert_eq!(
            (s.change_day, s.change_time.as_deref()),
            (Some(3), Some("08:30"))
        );
        assert_eq!(s.next_change.as_deref(), Some("2026-11-30T08:30:00+08:00"));
    }

    #[test]
    fn public_holidays_follow_the_calendar() {
        let (h, cal) = hours("Mo-Fr 08:30-17:30; PH off", false);
        // Thursday 1 October 2026 is 国庆节.
        assert!(!h.status_at(&cal, at("2026-10-01 10:00")).open);
        assert!(h.status_at(&cal, at("2026-10-09 10:00")).open);
    }

    #[test]
    fn make_up_saturdays_count_as_weekdays_where_the_station_says_so() {
        // Saturday 10 October 2026 is worked as a Friday.
        let (h, cal) = hours("Mo-Fr 08:30-17:30; PH off", true);
        let s = h.status_at(&cal, at("2026-10-10 10:00"));
        assert!(s.open);
        assert_eq!(s.change_time.as_deref(), Some("17:30"));
        let (h, cal) = hours("Mo-Fr 08:30-17:30; PH off", false);
        assert!(!h.status_at(&cal, at("2026-10-10 10:00")).open);
    }

    #[test]
    fn round_the_clock_is_always_open() {
        let (h, cal) = hours("24/7", false);
        let s = h.status_at(&cal, at("2026-11-26 03:00"));
        assert!(s.open && s.always);
        assert_eq!(
            h.intervals_on(&cal, at("2026-11-26 00:00").date()),
            vec!["00:00-24:00"]
        );
    }

    #[test]
    fn open_spans_cover_the_week_join_at_midnight_and_skip_holidays() {
        let ts = |s: &str| Shanghai.from_local_datetime(&at(s)).unwrap().timestamp();
        // A night station: 18:00 to 02:00 the next morning, every day.
        let (h, cal) = hours("Mo-Su 00:00-02:00,18:00-24:00", false);
        let thu = at("2026-11-26 00:00").date();
        let spans = h.open_spans(&cal, thu, 2);
        assert_eq!(
            spans,
            vec![
                (ts("2026-11-26 00:00"), ts("2026-11-26 02:00")),
                (ts("2026-11-26 18:00"), ts("2026-11-27 02:00")),
                (ts("2026-11-27 18:00"), ts("2026-11-28 00:00")),
            ]
        );
        // Open the day before 国庆节 (1 October 2026), closed on it.
        let (h, cal) = hours("Mo-Su 09:00-17:00; PH off", false);
        let spans = h.open_spans(&cal, at("2026-09-30 00:00").date(), 2);
        assert_eq!(
            spans,
            vec![(ts("2026-09-30 09:00"), ts("2026-09-30 17:00"))]
        );
        // Round the clock over 7 days is one span of exactly 7 days.
        let (h, cal) = hours("24/7", false);
        let spans = h.open_spans(&cal, thu, 7);
        assert_eq!(
            spans,
            vec![(ts("2026-11-26 00:00"), ts("2026-12-03 00:00"))]
        );
    }

    #[test]
    fn intervals_list_the_day() {
        let (h, cal) = hours(
            "Mo-Fr 08:30-12:00,13:30-20:00; Sa 09:00-12:00; PH off",
            false,
        );
        let thu = at("2026-11-26 00:00").date();
        assert_eq!(
            h.intervals_on(&cal, thu),
            vec!["08:30-12:00", "13:30-20:00"]
        );
        assert_eq!(
            h.intervals_on(&cal, thu + Duration::days(2)),
            vec!["09:00-12:00"]
        );
        assert!(h.intervals_on(&cal, thu + Duration::days(3)).is_empty());
    }

    #[test]
    fn special_dates_override_the_regular_hours_on_their_days_only() {
        let sp = |from: &str, to: &str, hours: &str| SpecialHours {
            id: 1,
            station_id: 1,
            from: NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap(),
            to: NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap(),
            hours: hours.into(),
            note: "维修".into(),
        };
        let specials = [
            sp("2026-12-07", "2026-12-09", ""),
            sp("2026-12-31", "2027-01-02", "09:00-12:00"),
        ];
        let s = effective("Mo-Fr 08:30-17:30; PH off;", &specials);
        assert_eq!(
            s,
            "Mo-Fr 08:30-17:30; PH off; 2026 Dec 07-2026 Dec 09 off; 2026 Dec 31-2027 Jan 02 09:00-12:00"
        );
        let (h, cal) = hours(&s, false);
        // Closed for repairs Monday to Wednesday, open again on Thursday.
        assert!(!h.status_at(&cal, at("2026-12-08 10:00")).open);
        assert!(h.status_at(&cal, at("2026-12-10 10:00")).open);
        assert!(h.status_at(&cal, at("2026-12-04 10:00")).open);
        // New Year: mornings only, even on the public holiday and the Saturday.
        assert_eq!(
            h.intervals_on(&cal, at("2027-01-01 00:00").date()),
            vec!["09:00-12:00"]
        );
        assert_eq!(
            h.intervals_on(&cal, at("2027-01-02 00:00").date()),
            vec!["09:00-12:00"]
        );
        assert!(h
            .intervals_on(&cal, at("2027-01-03 00:00").date())
            .is_empty());
        let s = h.status_at(&cal, at("2026-12-07 09:00"));
        assert_eq!(
            (s.change_day, s.change_time.as_deref()),
            (Some(3), Some("08:30"))
        );
    }

    #[test]
    fn special_ranges_are_checked() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            check_special(d("2026-12-01"), d("2026-12-03"), "", "维修"),
            Ok(())
        );
        assert_eq!(
            check_special(
                d("2026-12-01"),
                d("2026-12-03"),
                "09:00-12:00,13:00-24:00",
                "春节"
            ),
            Ok(())
        );
        assert_eq!(
            check_special(d("2026-12-03"), d("2026-12-01"), "", "维修"),
            Err("hours.special_order")
        );
        assert_eq!(
            check_special(d("2026-12-01"), d("2027-06-01"), "", "维修"),
            Err("hours.special_too_long")
        );
        assert_eq!(
            check_special(d("2026-12-01"), d("2026-12-01"), "", " "),
            Err("hours.special_note_length")
        );
        for bad in [
            "9-12",
            "09:00-08:00",
            "25:00-26:00",
            "09:00",
            "09:00-12:00; PH off",
            "24:30-24:40",
        ] {
            assert_eq!(
                check_special(d("2026-12-01"), d("2026-12-01"), bad, "x"),
                Err("hours.special_spans_invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn bad_syntax_is_refused_in_chinese() {
        assert!(validate("Mo-Fr 08:30-17:30; PH off").is_ok());
        assert!(validate("every day").unwrap_err().zh().contains("格式"));
        assert!(validate("").is_err());
    }

    #[test]
    fn times_parse_as_rfc3339_into_shanghai() {
        assert_eq!(
            parse_at("2026-10-01T01:00:00Z").unwrap(),
            at("2026-10-01 09:00")
        );
        assert!(parse_at("yesterday").unwrap_err().zh().contains("RFC 3339"));
    }
}
