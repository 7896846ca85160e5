//! Holidays and make-up working days as plain data, and the rules that use them.
//!
//! A make-up working day (调休上班, usually a Saturday or Sunday) is worked "as" a given
//! weekday; a station or centre that follows the government's working days opens then
//! with that weekday's hours.

use crate::message::Msg;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日: `PH` in opening hours.
    Holiday,
    /// 调休上班: a weekend day worked as `as_weekday`.
    Workday,
}

impl DayKind {
    pub fn code(self) -> &'static str {
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name (元旦, 春节 …).
    pub name: String,
    /// For a make-up working day: the weekday whose hours apply.
    pub as_weekday: Option<Weekday>,
}

/// The calendar in force: a lookup by date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = SpecialDay>) -> Self {
        Calendar {
            days: days.into_iter().map(|d| (d.date, d)).collect(),
        }
    }

    pub fn get(&self, d: NaiveDate) -> Option<&SpecialDay> {
        self.days.get(&d)
    }

    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.get(d).is_some_and(|s| s.kind == DayKind::Holiday)
    }

    /// The weekday a make-up working day is worked as, if `d` is one.
    pub fn makeup_as(&self, d: NaiveDate) -> Option<Weekday> {
        self.get(d)
            .filter(|s| s.kind == DayKind::Workday)
            .map(|s| s.as_weekday.unwrap_or(Weekday::Mon))
    }

    /// Whether offices work on `d`: Monday to Friday unless a holiday, plus make-up days.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.get(d).map(|s| s.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.days
            .values()
            .filter(|s| s.kind == DayKind::Holiday)
            .map(|s| s.date)
    }

    pub fn days(&self) -> impl Iterator<Item = &SpecialDay> {
        self.days.values()
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    // The table below is fixed and valid; an impossible date would be a typo caught by
    // the tests, so fall back to the epoch rather than panic at run time.
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// 2026, as published by the State Council General Office (国务院办公厅关于2026年部分节假日
/// 安排的通知). Seeded by the demo; staff keep the calendar current.
pub fn china_2026() -> Vec<SpecialDay> {
    let mut v = Vec::new();
    let mut holiday = |name: &str, from: NaiveDate, days: i64| {
        for i in 0..days {
            v.push(SpecialDay {
                date: from + chrono::Duration::days(i),
                kind: DayKind::Holiday,
                name: name.to_string(),
                as_weekday: None,
            });
        }
    };
    holiday("元旦", d(2026, 1, 1), 3);
    holiday("春节", d(2026, 2, 15), 9);
    holiday("清明节", d(2026, 4, 4), 3);
    holiday("劳动节", d(2026, 5, 1), 5);
    holiday("端午节", d(2026, 6, 19), 3);
    holiday("中秋节", d(2026, 9, 25), 3);
    holiday("国庆节", d(2026, 10, 1), 7);
    let workday = |name: &str, date: NaiveDate, as_weekday: Weekday| SpecialDay {
        date,
        kind: DayKind::Workday,
        name: format!("{name}调休上班"),
        as_weekday: Some(as_weekday),
    };
    v.push(workday("元旦", d(2026, 1, 4), Weekday::Fri));
    v.push(workday("春节", d(2026, 2, 14), Weekday::Mon));
    v.push(workday("春节", d(2026, 2, 28), Weekday::Mon));
    v.push(workday("劳动节", d(2026, 5, 9), Weekday::Mon));
    v.push(workday("国庆节", d(2026, 9, 20), Weekday::Mon));
    v.push(workday("国庆节", d(2026, 10, 10), Weekday::Fri));
    v
}

/// Parses `YYYY-MM-DD` with a Chinese message.
/// A `YYYY-MM-DD` date between 2000 and 2100 (nothing the portal keeps lies outside).
pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    let shown: String = s.chars().take(20).collect();
    crate::calendar_types::Day::parse(s)
        .map(crate::calendar_types::Day::date)
        .ok_or_else(|| Msg::new("holidays.bad_date").arg("s", shown))
}

pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Mo",
        Weekday::Tue => "Tu",
        Weekday::Wed => "We",
        Weekday::Thu => "Th",
        Weekday::Fri => "Fr",
        Weekday::Sat => "Sa",
        Weekday::Sun => "Su",
    }
}

pub fn parse_weekday(s: &str) -> Option<Weekday> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|w| weekday_code(*w) == s)
}

/// The most lines one pasted list may hold (a year has about 40 special days).
pub const MAX_LIST_LINES: usize = 400;

/// A weekday as staff write it: 周一…周日 (or 星期一), Mo…Su, Mon…Sun, or 1–7.
pub fn parse_weekday_loose(s: &str) -> Option<Weekday> {
    let s = s.trim();
    let all = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let zh = ["一", "二", "三", "四", "五", "六", "日"];
    let en = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let tail = s
        .strip_prefix("周")
        .or_else(|| s.strip_prefix("星期"))
        .unwrap_or(s);
    let lower = s.to_ascii_lowercase();
    (0..7)
        .find(|i| {
            tail == zh[*i]
                || (*i == 6 && tail == "天")
                || lower == en[*i]
                || lower == en[*i][..2]
                || s == (i + 1).to_string()
        })
        .map(|i| all[i])
}

/// Reads a year's list of special days as staff paste it from the State Council's
/// notice or an Excel sheet: one day a line, `date, kind, name[, worked as]`, separated
/// by commas or tabs (what copying Excel cells gives). Kind: 休/假/holiday or
/// 班/workday; a make-up workday names the weekday it is worked as (else Monday).
/// A header line (starting with 日期 or date) is skipped. Every bad line is listed
/// (line number and reason key); all lines or none.
pub fn parse_list(text: &str) -> Result<Vec<SpecialDay>, Vec<(usize, &'static str)>> {
    let mut days = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_LIST_LINES {
        return Err(vec![(MAX_LIST_LINES + 1, "holidays.too_many_lines")]);
    }
    for (n, line) in lines.iter().enumerate() {
        let n = n + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty()
            || line.starts_with("日期")
            || line.to_ascii_lowercase().starts_with("date")
        {
            continue;
        }
        let cells: Vec<&str> = line.split(['\t', ',', '，']).map(str::trim).collect();
        let (date, kind, name) = match cells.as_slice() {
            [d, k, n, ..] => (*d, *k, *n),
            _ => {
                problems.push((n, "holidays.columns_invalid"));
                continue;
            }
        };
        let Ok(date) = parse_date(date) else {
            problems.push((n, "holidays.date_format"));
            continue;
        };
        let kind = match kind {
            "休" | "假" | "休息" | "holiday" => DayKind::Holiday,
            "班" | "上班" | "workday" => DayKind::Workday,
            _ => {
                problems.push((n, "holidays.kind_invalid"));
                continue;
            }
        };
        if name.is_empty() || name.chars().count() > 20 {
            problems.push((n, "holidays.name_length"));
            continue;
        }
        let as_weekday = match (kind, cells.get(3).filter(|c| !c.is_empty())) {
            (DayKind::Workday, Some(w)) => match parse_weekday_loose(w) {
                Some(w) => Some(w),
                None => {
                    problems.push((n, "holidays.weekday_invalid"));
                    continue;
                }
            },
            (DayKind::Workday, None) => Some(Weekday::Mon),
            (DayKind::Holiday, _) => None,
        };
        if !seen.insert(date) {
            problems.push((n, "holidays.day_twice"));
            continue;
        }
        days.push(SpecialDay {
            date,
            kind,
            name: name.to_string(),
            as_weekday,
        });
    }
    if problems.is_empty() {
        Ok(days)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_calendar_has_the_statutory_days() {
        let cal = Calendar::new(china_2026());
        let holidays: Vec<_> = cal.holidays().collect();
        assert_eq!(holidays.len(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert!(cal.is_holiday(d(2026, 10, 1)));
        assert!(cal.is_holiday(d(2026, 2, 17)));
        assert!(!cal.is_holiday(d(2026, 3, 2)));
        // Every make-up day is a weekend day, and every holiday is in 2026.
        for s in cal.days() {
            assert_eq!(s.date.year(), 2026);
            if s.kind == DayKind::Workday {
                assert!(
                    matches!(s.date.weekday(), Weekday::Sat | Weekday::Sun),
                    "{}",
                    s.date
                );
            }
        }
    }

    #[test]
    fn working_days_follow_holidays_and_make_up_days() {
        let cal = Calendar::new(china_2026());
        assert!(cal.is_working_day(d(2026, 11, 26))); // an ordinary Thursday
        assert!(!cal.is_working_day(d(2026, 11, 28))); // an ordinary Saturday
        assert!(!cal.is_working_day(d(2026, 10, 5))); // 国庆 Monday
        assert!(cal.is_working_day(d(2026, 10, 10))); // make-up Saturday
        assert_eq!(cal.makeup_as(d(2026, 10, 10)), Some(Weekday::Fri));
        assert_eq!(cal.makeup_as(d(2026, 10, 11)), None);
    }

    #[test]
    fn dates_and_weekdays_parse() {
        assert_eq!(parse_date("2026-10-01").unwrap(), d(2026, 10, 1));
        assert!(parse_date("2026-13-01")
            .unwrap_err()
            .zh()
            .contains("YYYY-MM-DD"));
        assert_eq!(parse_weekday("Sa"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("Xx"), None);
    }

    #[test]
    fn a_pasted_year_list_is_read_with_every_bad_line_named() {
        let text = "日期\t类型\t名称\t按周几上班\n2027-01-01\t休\t元旦\n2027-02-06,班,春节,周五\n2027-02-07，workday，春节，Fri\n\n2027-02-11,休,春节";
        let days = parse_list(text).unwrap();
        assert_eq!(days.len(), 4);
        assert_eq!(days[1].kind, DayKind::Workday);
        assert_eq!(days[1].as_weekday, Some(Weekday::Fri));
        assert_eq!(days[2].as_weekday, Some(Weekday::Fri));
        assert_eq!(days[3].name, "春节");
        let bad = "2027-13-01,休,元旦\n2027-01-02,玩,元旦\n2027-01-03,休\n2027-01-04,班,调休,周八\n2027-01-05,休,元旦\n2027-01-05,休,元旦";
        assert_eq!(
            parse_list(bad).unwrap_err(),
            vec![
                (1, "holidays.date_format"),
                (2, "holidays.kind_invalid"),
                (3, "holidays.columns_invalid"),
                (4, "holidays.weekday_invalid"),
                (6, "holidays.day_twice"),
            ]
        );
        assert_eq!(parse_weekday_loose("星期日"), Some(Weekday::Sun));
        assert_eq!(parse_weekday_loose("周天"), Some(Weekday::Sun));
        assert_eq!(parse_weekday_loose("7"), Some(Weekday::Sun));
        assert_eq!(parse_weekday_loose("Tu"), Some(Weekday::Tue));
    }
}
