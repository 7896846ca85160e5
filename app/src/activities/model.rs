//! The rules of activities, without a database: what a new activity must be, whether a
//! sign-up is confirmed or waitlisted, where a person stands in line, the check-in code
//! and its QR text, and when check-in is open.

use crate::calendar_types::Day;
use crate::message::Msg;
use serde::{Deserialize, Serialize};

pub const KINDS: [&str; 2] = ["red_saturday", "project"];

/// The translation key of a kind's name.
pub fn kind_label_key(kind: &str) -> &'static str {
    match kind {
        "project" => "activities.project",
        _ => "activities.red_saturday",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    Confirmed,
    Waitlisted,
    Withdrawn,
}

impl SignupStatus {
    pub fn code(self) -> &'static str {
        match self {
            SignupStatus::Confirmed => "confirmed",
            SignupStatus::Waitlisted => "waitlisted",
            SignupStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SignupStatus::Confirmed,
            SignupStatus::Waitlisted,
            SignupStatus::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

/// A new sign-up is confirmed while seats remain, else it joins the end of the line.
pub fn signup_status(confirmed: i64, capacity: i64) -> SignupStatus {
    if confirmed < capacity {
        SignupStatus::Confirmed
    } else {
        SignupStatus::Waitlisted
    }
}

/// Activities shown per page of the list.
pub const PAGE_SIZE: i64 = 20;

/// Which days the list shows (`when`): `weekend` is this Saturday and Sunday (today on
/// a weekend), `week` today and the six days after, anything else from today on.
/// Returns the first and last day (`YYYY-MM-DD`, last `None` for no end).
#[cfg(feature = "ssr")]
pub fn day_window(when: &str, today: chrono::NaiveDate) -> (String, Option<String>) {
    use chrono::{Datelike, Duration};
    let ymd = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    match when {
        "weekend" => {
            let wd = i64::from(today.weekday().number_from_monday());
            let (from, to) = match wd {
                6 => (today, today + Duration::days(1)),
                7 => (today, today),
                _ => (
                    today + Duration::days(6 - wd),
                    today + Duration::days(7 - wd),
                ),
            };
            (ymd(from), Some(ymd(to)))
        }
        "week" => (ymd(today), Some(ymd(today + Duration::days(6)))),
        _ => (ymd(today), None),
    }
}

/// Sign-ups close when the activity's day has passed (dates as `YYYY-MM-DD`).
pub fn may_sign_up(day: Day, today: Day) -> Result<(), Msg> {
    if day < today {
        Err(Msg::new("activities.ended_sign_up"))
    } else {
        Ok(())
    }
}

/// Check-in is done at the event, on its day.
pub fn may_check_in(day: Day, today: Day) -> Result<(), Msg> {
    match day.cmp(&today) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => {
            Err(Msg::new("activities.check_in_wrong_day").arg("day", day.to_string()))
        }
        std::cmp::Ordering::Less => Err(Msg::new("activities.ended_check_in")),
    }
}

/// Check-in codes: 8 characters from the booking codes' alphabet (no look-alikes).
pub const CHECKIN_LEN: usize = 8;
const QR_PREFIX: &str = "LINLI:ACT:";

/// The text a volunteer's check-in QR code carries.
pub fn qr_payload(code: &str) -> String {
    format!("{QR_PREFIX}{code}")
}

/// A check-in code as typed by staff or sent by a scanner (which types the QR text).
pub fn parse_checkin(input: &str) -> Result<String, Msg> {
    let t = input.trim();
    let t = t
        .get(..QR_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(QR_PREFIX))
        .map_or(t, |_| &t[QR_PREFIX.len()..]);
    let c: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let alphabet = crate::booking::model::CODE_ALPHABET;
    if c.len() == CHECKIN_LEN && c.bytes().all(|b| alphabet.contains(&b)) {
        Ok(c)
    } else {
        Err(Msg::new("activities.code_format"))
    }
}

/// An activity as staff post it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewActivity {
    pub community: i64,
    /// `project` or `red_saturday`.
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub place: String,
    pub capacity: i64,
    /// Volunteer hours recorded for each person checked in.
    pub hours: i64,
    /// Points credited to each person checked in.
    pub points: i64,
    /// `HH:MM`, local time.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// What it is about, what to bring (up to 300 characters).
    #[serde(default)]
    pub description: String,
}

/// Minutes of the day of `HH:MM` (00:00–23:59).
pub fn minutes_of(s: &str) -> Option<i64> {
    crate::calendar_types::ClockTime::parse(s).map(|t| i64::from(t.minutes()))
}

/// `HH:MM` of minutes of the day.
pub fn hhmm(min: i64) -> String {
    format!(
        "{:02}:{:02}",
        min.clamp(0, 1439) / 60,
        min.clamp(0, 1439) % 60
    )
}

/// ISO weekday (1 = Monday … 7 = Sunday) of a `YYYY-MM-DD` date (Sakamoto's method; no
/// calendar library in the browser build).
pub fn iso_weekday(ymd: &str) -> Option<u32> {
    let mut parts = ymd.split('-');
    let (y, m, d): (i64, i64, i64) = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    const T: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    if !(1..=12).contains(&m) {
        return None;
    }
    let y = if m < 3 { y - 1 } else { y };
    let dow = (y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d).rem_euclid(7);
    Some(if dow == 0 { 7 } else { dow as u32 })
}

impl NewActivity {
    /// Everything wrong with it, in Chinese; empty when it may be stored.
    pub fn problems(&self, today: Day) -> Vec<Msg> {
        let mut p = Vec::new();
        let n = |s: &str| s.trim().chars().count();
        if !KINDS.contains(&self.kind.as_str()) {
            p.push(Msg::new("activities.kind_required"));
        }
        if n(&self.title) == 0 || n(&self.title) > 40 {
            p.push(Msg::new("activities.name_length"));
        }
        if n(&self.place) == 0 || n(&self.place) > 60 {
            p.push(Msg::new("activities.place_length"));
        }
        match Day::parse(&self.day) {
            None => p.push(Msg::new("activities.day_format")),
            Some(d) if d < today => p.push(Msg::new("activities.day_past")),
            Some(_) => {}
        }
        if !(1..=500).contains(&self.capacity) {
            p.push(Msg::new("activities.capacity_range"));
        }
        if !(1..=12).contains(&self.hours) {
            p.push(Msg::new("activities.hours_range"));
        }
        if !(1..=50).contains(&self.points) {
            p.push(Msg::new("activities.points_range"));
        }
        match (minutes_of(&self.start), minutes_of(&self.end)) {
            (Some(a), Some(b)) if a < b => {}
            _ => p.push(Msg::new("activities.times_invalid")),
        }
        if n(&self.description) > 300 {
            p.push(Msg::new("activities.description_too_long"));
        }
        // 红色星期六 is on Saturdays.
        if self.kind == "red_saturday" && iso_weekday(self.day.trim()).is_some_and(|w| w != 6) {
            p.push(Msg::new("activities.red_saturday_not_saturday"));
        }
        p
    }
}

/// The reason staff give for checking someone in without their code: 2 to 60
/// characters, no control characters.
pub fn parse_reason(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    let n = s.chars().count();
    if (2..=60).contains(&n) && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err(Msg::new("activities.check_in_reason_length"))
    }
}

#[cfg(test)]
mod times {
    use super::*;

    #[test]
    fn weekdays_and_times() {
        assert_eq!(iso_weekday("2026-12-05"), Some(6));
        assert_eq!(iso_weekday("2026-12-01"), Some(2));
        assert_eq!(iso_weekday("2024-02-29"), Some(4));
        assert_eq!(iso_weekday("2026-13-01"), None);
        assert_eq!(minutes_of("09:30"), Some(570));
        assert_eq!(minutes_of("24:00"), None);
        assert_eq!(minutes_of("9:30"), Some(570)); // one rule for every HH:MM (calendar_types::ClockTime)
        assert_eq!(hhmm(570), "09:30");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn the_weekend_is_the_coming_saturday_and_sunday() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let w = |when: &str, today: &str| {
            let (a, b) = day_window(when, d(today));
            (a, b.unwrap_or_default())
        };
        // 2026-12-02 is a Wednesday.
        assert_eq!(
            w("weekend", "2026-12-02"),
            ("2026-12-05".into(), "2026-12-06".into())
        );
        assert_eq!(
            w("weekend", "2026-12-05"),
            ("2026-12-05".into(), "2026-12-06".into())
        );
        assert_eq!(
            w("weekend", "2026-12-06"),
            ("2026-12-06".into(), "2026-12-06".into())
        );
        assert_eq!(
            w("weekend", "2026-12-07"),
            ("2026-12-12".into(), "2026-12-13".into())
        );
        assert_eq!(
            w("week", "2026-12-30"),
            ("2026-12-30".into(), "2027-01-05".into())
        );
        assert_eq!(day_window("", d("2026-12-02")), ("2026-12-02".into(), None));
    }

    #[test]
    fn sign_ups_are_confirmed_until_full_then_waitlisted() {
        assert_eq!(signup_status(0, 5), SignupStatus::Confirmed);
        assert_eq!(signup_status(4, 5), SignupStatus::Confirmed);
        assert_eq!(signup_status(5, 5), SignupStatus::Waitlisted);
        for s in [
            SignupStatus::Confirmed,
            SignupStatus::Waitlisted,
            SignupStatus::Withdrawn,
        ] {
            assert_eq!(SignupStatus::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn check_in_is_open_on_the_day_only() {
        assert!(may_check_in(d("2026-11-28"), d("2026-11-28")).is_ok());
        assert!(may_check_in(d("2026-11-29"), d("2026-11-28"))
            .unwrap_err()
            .zh()
            .contains("当天"));
        assert!(may_check_in(d("2026-11-27"), d("2026-11-28"))
            .unwrap_err()
            .zh()
            .contains("结束"));
        assert!(may_sign_up(d("2026-11-28"), d("2026-11-28")).is_ok());
        assert!(may_sign_up(d("2026-11-27"), d("2026-11-28")).is_err());
    }

    #[test]
    fn check_in_codes_are_read_from_typing_or_a_scanner() {
        let code = "ACDEFGHJ";
        assert_eq!(parse_checkin(&qr_payload(code)).unwrap(), code);
        assert_eq!(parse_checkin(" linli:act:acde fghj ").unwrap(), code);
        assert_eq!(parse_checkin("acdefghj").unwrap(), code);
        assert!(parse_checkin("LINLI:BOOKING:ACDEFG").is_err());
        assert!(parse_checkin("ACDEFGH0").is_err());
        assert!(parse_checkin("").is_err());
    }

    #[test]
    fn new_activities_are_checked_field_by_field() {
        let ok = NewActivity {
            community: 1,
            kind: "red_saturday".into(),
            title: "红色星期六·楼道清理".into(),
            day: "2026-12-05".into(),
            place: "3号楼楼下".into(),
            capacity: 12,
            hours: 2,
            points: 5,
            start: "09:00".into(),
            end: "11:00".into(),
            description: String::new(),
        };
        assert!(ok.problems(d("2026-11-28")).is_empty());
        let bad = NewActivity {
            kind: "party".into(),
            title: " ".into(),
            day: "2026-11-01".into(),
            capacity: 0,
            hours: 30,
            points: 0,
            ..ok.clone()
        };
        let p = bad
            .problems(d("2026-11-28"))
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("；");
        for word in ["类型", "名称", "早于今天", "名额", "时长", "积分"] {
            assert!(p.contains(word), "{word} in {p}");
        }
        // 红色星期六 only on Saturdays; times in order.
        let tuesday = NewActivity {
            day: "2026-12-01".into(),
            ..ok.clone()
        };
        assert!(tuesday
            .problems(d("2026-11-28"))
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("")
            .contains("星期六"));
        let backwards = NewActivity {
            start: "11:00".into(),
            end: "09:00".into(),
            ..ok
        };
        assert!(backwards
            .problems(d("2026-11-28"))
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("")
            .contains("时间"));
    }
}
