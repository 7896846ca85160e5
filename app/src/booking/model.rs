//! Extended-hours booking as plain rules: a centre's schedule, the slots it yields on a
//! date (holidays and make-up working days counted), confirmation codes, the booking
//! life cycle, and the resident's limits. Tested without a database; the database then
//! enforces capacity and limits under concurrency.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

/// Days ahead a resident may book (today counts as day 0).
pub const BOOK_AHEAD_DAYS: i64 = 14;
/// Active bookings a resident may hold at once.
pub const MAX_ACTIVE: i64 = 3;

/// One extended window, e.g. weekdays 17:30–20:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// ISO weekdays 1 (Monday) to 7 (Sunday).
    pub days: Vec<u32>,
    /// `HH:MM`.
    pub start: String,
    pub end: String,
}

/// A centre's extended-hours schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub windows: Vec<Window>,
    pub slot_minutes: u32,
    /// Seats per slot: the staff on duty.
    pub capacity: u32,
    /// Catalogue item codes accepted in extended hours.
    pub items: Vec<String>,
}

/// Minutes since midnight of `HH:MM`.
pub fn minutes(hm: &str) -> Option<u32> {
    crate::calendar_types::ClockTime::parse(hm).map(crate::calendar_types::ClockTime::minutes)
}

pub fn hm(mins: u32) -> String {
    format!("{:02}:{:02}", mins / 60, mins % 60)
}

impl Schedule {
    /// The rules a schedule must meet, each problem in Chinese.
    pub fn problems(&self) -> Vec<Msg> {
        let mut p = Vec::new();
        if !(10..=120).contains(&self.slot_minutes) {
            p.push(Msg::new("desk.slot_minutes_range"));
        }
        if !(1..=20).contains(&self.capacity) {
            p.push(Msg::new("desk.capacity_range"));
        }
        if self.windows.is_empty() {
            p.push(Msg::new("desk.no_windows"));
        }
        for w in &self.windows {
            let ok_days = !w.days.is_empty() && w.days.iter().all(|d| (1..=7).contains(d));
            match (minutes(&w.start), minutes(&w.end), ok_days) {
                (Some(s), Some(e), true) if s < e && e - s >= self.slot_minutes => {}
                (_, _, false) => p.push(Msg::new("desk.window_no_days")),
                _ => p.push(
                    Msg::new("desk.bad_window")
                        .arg("start", &w.start)
                        .arg("end", &w.end),
                ),
            }
        }
        p
    }

    /// Slot start–end times (minutes) on a day worked as ISO weekday `wd`.
    pub fn slots_for_weekday(&self, wd: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for w in self.windows.iter().filter(|w| w.days.contains(&wd)) {
            let (Some(s), Some(e)) = (minutes(&w.start), minutes(&w.end)) else {
                continue;
            };
            let mut t = s;
            while t + self.slot_minutes <= e && self.slot_minutes > 0 {
                out.push((t, t + self.slot_minutes));
                t += self.slot_minutes;
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Parses windows written one per line as `1-5 17:30-20:00` or `6,7 09:00-12:00`
/// (ISO weekdays; 1 is Monday).
/// At most this many lines in a schedule (a week has 7 days; a few windows each).
pub const MAX_WINDOW_LINES: usize = 14;

pub fn parse_windows(text: &str) -> Result<Vec<Window>, Msg> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_WINDOW_LINES {
        return Err(Msg::new("desk.too_many_windows").arg("n", MAX_WINDOW_LINES));
    }
    for line in lines {
        // A line is echoed in the message: only its first 30 characters.
        let shown: String = line.chars().take(30).collect();
        let err = || Msg::new("desk.window_unreadable").arg("line", &shown);
        let (days, times) = line.split_once(' ').ok_or_else(err)?;
        // ISO weekdays 1..=7, checked before anything is allocated for them.
        let day = |s: &str| -> Result<u32, Msg> {
            s.trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=7).contains(d))
                .ok_or_else(err)
        };
        let mut ds = Vec::new();
        for part in days.split(',').take(8) {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    if a > b {
                        return Err(err());
                    }
                    ds.extend(a..=b);
                }
                None => ds.push(day(part)?),
            }
        }
        ds.sort_unstable();
        ds.dedup();
        let (start, end) = times.trim().split_once('-').ok_or_else(err)?;
        out.push(Window {
            days: ds,
            start: start.trim().to_string(),
            end: end.trim().to_string(),
        });
    }
    if out.is_empty() {
        return Err(Msg::new("desk.windows_empty"));
    }
    Ok(out)
}

/// One row of the schedule form's picker: the weekdays ticked (`1`–`7`) and the hours.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WindowRow {
    #[serde(default)]
    pub days: Vec<String>,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

/// The windows the picker's rows describe, checked by the same rules as typed lines
/// ([`parse_windows`]). Rows left blank are skipped; a row with hours but no weekday
/// (or weekdays but no hours) is an error naming the row.
pub fn windows_from_rows(rows: &[WindowRow]) -> Result<Vec<Window>, Msg> {
    let mut lines = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let (start, end) = (r.start.trim(), r.end.trim());
        let days: Vec<&str> = r
            .days
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .collect();
        if days.is_empty() && start.is_empty() && end.is_empty() {
            continue;
        }
        if days.is_empty() || start.is_empty() || end.is_empty() {
            return Err(Msg::new("desk.row_incomplete").arg("n", (i + 1).to_string()));
        }
        if days
            .iter()
            .any(|d| !matches!(*d, "1" | "2" | "3" | "4" | "5" | "6" | "7"))
        {
            return Err(Msg::new("desk.row_incomplete").arg("n", (i + 1).to_string()));
        }
        lines.push(format!("{} {start}-{end}", days.join(",")));
    }
    parse_windows(&lines.join("\n"))
}

/// The windows in the form `parse_windows` reads.
pub fn format_windows(ws: &[Window]) -> String {
    ws.iter()
        .map(|w| {
            let days: Vec<String> = w.days.iter().map(u32::to_string).collect();
            format!("{} {}-{}", days.join(","), w.start, w.end)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What kind of day it is for extended hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRule {
    /// A public holiday: no extended hours.
    Closed,
    /// Worked as this ISO weekday (itself, or the weekday a make-up day is worked as).
    As(u32),
}

/// How a date is worked: closed on public holidays; a make-up working day as the weekday
/// it stands for; any other day as itself.
#[cfg(feature = "ssr")]
pub fn day_rule(cal: &crate::calendar::model::Calendar, d: chrono::NaiveDate) -> DayRule {
    use chrono::Datelike;
    if cal.is_holiday(d) {
        DayRule::Closed
    } else {
        DayRule::As(
            cal.makeup_as(d)
                .map(|w| w.number_from_monday())
                .unwrap_or(d.weekday().number_from_monday()),
        )
    }
}

/// Slots on a date: none on holidays; make-up working days use the weekday they stand for.
pub fn slots_on(schedule: &Schedule, rule: DayRule) -> Vec<(u32, u32)> {
    match rule {
        DayRule::Closed => Vec::new(),
        DayRule::As(wd) => schedule.slots_for_weekday(wd),
    }
}

/// Confirmation codes: no look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B are left out).
pub const CODE_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";
pub const CODE_LEN: usize = 6;

pub fn parse_code(input: &str) -> Result<String, Msg> {
    let c: String = input
        .trim()
        .trim_start_matches("LINLI:BOOKING:")
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if c.len() == CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        Ok(c)
    } else {
        Err(Msg::new("booking.code_format"))
    }
}

/// The text a QR code carries: the staff desk accepts it as typed or scanned.
pub fn qr_payload(code: &str) -> String {
    format!("LINLI:BOOKING:{code}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Cancelled,
    CheckedIn,
    Done,
    NoShow,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Cancelled => "cancelled",
            Status::CheckedIn => "checked_in",
            Status::Done => "done",
            Status::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Active,
            Status::Cancelled,
            Status::CheckedIn,
            Status::Done,
            Status::NoShow,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Active => "booking.status_active",
            Status::Cancelled => "booking.status_cancelled",
            Status::CheckedIn => "booking.status_checked_in",
            Status::Done => "booking.status_done",
            Status::NoShow => "booking.status_no_show",
        }
    }

    /// Whether the booking keeps its seat in the slot's `booked` count: every state but a
    /// cancellation (a no-show kept the seat from someone else; the desk's marks never
    /// free it).
    pub fn holds_seat(self) -> bool {
        !matches!(self, Status::Cancelled)
    }
}

/// A step of a booking's life. Also what the desk's and the confirmation page's forms
/// post (`action=check_in`, …): one enum decides the state machine, who may take the
/// step and which buttons are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The resident, before the slot starts.
    Cancel,
    /// The resident, before the slot starts: another slot, the same code.
    Reschedule,
    /// Staff: the resident has come.
    CheckIn,
    /// Staff: served.
    #[serde(rename = "done")]
    MarkDone,
    /// Staff: did not come (once the slot has started).
    #[serde(rename = "no_show")]
    MarkNoShow,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Cancel => "cancel",
            Action::Reschedule => "reschedule",
            Action::CheckIn => "check_in",
            Action::MarkDone => "done",
            Action::MarkNoShow => "no_show",
        }
    }

    /// Whether the step is the resident's (else the desk's).
    pub fn residents(self) -> bool {
        matches!(self, Action::Cancel | Action::Reschedule)
    }
}

/// The steps a viewer may take on a booking in `status` (`started`: its slot has begun):
/// the resident's own (cancel, reschedule) or the desk's (check in, done, no-show). The
/// buttons of the confirmation page and the desk come from here, like every step's
/// check when it is posted.
pub fn actions_for(status: Status, started: bool, desk: bool) -> Vec<Action> {
    [
        Action::Cancel,
        Action::Reschedule,
        Action::CheckIn,
        Action::MarkDone,
        Action::MarkNoShow,
    ]
    .into_iter()
    .filter(|a| a.residents() != desk && transition(status, *a, started).is_ok())
    .collect()
}

/// The booking life cycle. `started` says whether the slot has begun.
pub fn transition(from: Status, action: Action, started: bool) -> Result<Status, Msg> {
    use Action::*;
    use Status::*;
    match (from, action) {
        (Active, Cancel) | (Active, Reschedule) if started => Err(Msg::new("booking.slot_started")),
        (Active, Cancel) => Ok(Cancelled),
        (Active, Reschedule) => Ok(Active),
        (Active, CheckIn) => Ok(CheckedIn),
        (CheckedIn, MarkDone) => Ok(Done),
        (Active, MarkNoShow) if started => Ok(NoShow),
        (Active, MarkNoShow) => Err(Msg::new("booking.slot_not_started")),
        (Cancelled, _) => Err(Msg::new("booking.already_cancelled")),
        (Done, _) | (NoShow, _) => Err(Msg::new("booking.already_done")),
        (CheckedIn, CheckIn) => Err(Msg::new("booking.already_checked_in")),
        (CheckedIn, _) => Err(Msg::new("booking.checked_in_only_done")),
        (Active, MarkDone) => Err(Msg::new("booking.check_in_first")),
    }
}

/// Whether two slots on the same day overlap.
pub fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// A slot as the resident's limits see it: its day and its minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub day: crate::calendar_types::Day,
    pub start: u32,
    pub end: u32,
}

/// Whether a resident holding the active bookings `held` (still ahead) may book
/// `want`: at most [`MAX_ACTIVE`] at once (not counted when a booking moves, `moving`:
/// it keeps its place), and none overlapping it.
pub fn may_book(held: &[Held], want: &Held, moving: bool) -> Result<(), Msg> {
    if !moving && held.len() as i64 >= MAX_ACTIVE {
        return Err(Msg::new("booking.active_limit").arg("MAX_ACTIVE", MAX_ACTIVE));
    }
    if held
        .iter()
        .any(|h| h.day == want.day && overlaps((h.start, h.end), (want.start, want.end)))
    {
        return Err(Msg::new("booking.overlaps"));
    }
    Ok(())
}

#[cfg(test)]
mod bounds {
    use super::*;

    /// The line that once made the server try to allocate 16 GiB, and its neighbours.
    #[test]
    fn weekday_numbers_are_bounded_before_anything_is_allocated() {
        for bad in [
            "1-4294967295 17:30-20:00",
            "0-7 17:30-20:00",
            "1-8 17:30-20:00",
            "99999999999999999999 17:30-20:00",
            "-1 17:30-20:00",
            "5-1 17:30-20:00",
        ] {
            assert!(parse_windows(bad).is_err(), "{bad}");
        }
        let many = "1 09:00-10:00\n".repeat(MAX_WINDOW_LINES + 1);
        assert!(parse_windows(&many).is_err());
        let w = parse_windows("1-7 17:30-20:00\n7,7,1 09:00-12:00").unwrap();
        assert_eq!(w[0].days, vec![1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(w[1].days, vec![1, 7]);
    }
}

/// Items one centre may offer in extended hours (the whole catalogue has 42).
pub const MAX_ITEMS: usize = 60;

/// The desk's schedule form as posted: windows typed as lines (`1-5 17:30-20:00`) or
/// picked as weekday and time rows (used when the text is empty), item codes typed and
/// ticked, slot length and seats per slot.
pub struct ScheduleForm<'a> {
    pub windows: &'a str,
    pub rows: Option<&'a [WindowRow]>,
    pub items: &'a str,
    pub picked: &'a [String],
    pub slot_minutes: u32,
    pub capacity: u32,
}

impl ScheduleForm<'_> {
    /// The schedule the form describes, every rule checked (the items' existence in the
    /// catalogue is the service's to check).
    pub fn schedule(&self) -> Result<Schedule, Msg> {
        let windows = match self.rows {
            Some(rows) if self.windows.trim().is_empty() => {
                if rows.len() > MAX_WINDOW_LINES * 2 {
                    return Err(Msg::new("desk.too_many_windows").arg("n", MAX_WINDOW_LINES));
                }
                windows_from_rows(rows)?
            }
            _ => parse_windows(self.windows)?,
        };
        let mut items: Vec<String> = self
            .items
            .split([',', '，', ' ', '\n'])
            .chain(self.picked.iter().map(String::as_str))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .take(MAX_ITEMS + 1)
            .collect();
        if items.len() > MAX_ITEMS {
            return Err(Msg::new("desk.too_many_items").arg("n", MAX_ITEMS));
        }
        // A code both typed and ticked counts once (after the bound above).
        let mut seen = std::collections::HashSet::new();
        items.retain(|i| seen.insert(i.clone()));
        let s = Schedule {
            windows,
            slot_minutes: self.slot_minutes,
            capacity: self.capacity,
            items,
        };
        match Msg::join(s.problems()) {
            Some(m) => Err(m),
            None => Ok(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_rows_become_the_same_windows_as_typed_lines() {
        let row = |d: &[&str], s: &str, e: &str| WindowRow {
            days: d.iter().map(|x| x.to_string()).collect(),
            start: s.into(),
            end: e.into(),
        };
        let rows = vec![
            row(&["1", "2", "3", "4", "5"], "17:30", "20:00"),
            row(&[], "", ""),
            row(&["6"], "09:00", "12:00"),
        ];
        assert_eq!(
            windows_from_rows(&rows).unwrap(),
            parse_windows("1-5 17:30-20:00\n6 09:00-12:00").unwrap()
        );
        assert!(windows_from_rows(&[row(&[], "17:30", "20:00")])
            .unwrap_err()
            .zh()
            .contains('1'));
        assert!(windows_from_rows(&[row(&["1"], "", "")]).is_err());
        assert!(windows_from_rows(&[row(&["8"], "17:30", "20:00")]).is_err());
        // As with typed lines, at least one window is needed.
        assert!(windows_from_rows(&[row(&[], "", "")]).is_err());
    }

    #[test]
    fn the_buttons_follow_the_life_cycle() {
        use Action::*;
        assert_eq!(
            actions_for(Status::Active, false, false),
            vec![Cancel, Reschedule]
        );
        assert_eq!(actions_for(Status::Active, true, false), vec![]);
        assert_eq!(actions_for(Status::Cancelled, false, false), vec![]);
        assert_eq!(actions_for(Status::Active, false, true), vec![CheckIn]);
        assert_eq!(
            actions_for(Status::Active, true, true),
            vec![CheckIn, MarkNoShow]
        );
        assert_eq!(actions_for(Status::CheckedIn, true, true), vec![MarkDone]);
        for a in [Cancel, Reschedule, CheckIn, MarkDone, MarkNoShow] {
            let json = serde_json::to_string(&a).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
    }

    fn sched() -> Schedule {
        Schedule {
            windows: vec![
                Window {
                    days: vec![1, 2, 3, 4, 5],
                    start: "17:30".into(),
                    end: "20:00".into(),
                },
                Window {
                    days: vec![6],
                    start: "09:00".into(),
                    end: "12:00".into(),
                },
            ],
            slot_minutes: 30,
            capacity: 3,
            items: vec!["MZ-01".into()],
        }
    }

    #[test]
    fn weekday_evenings_and_saturday_mornings() {
        let s = sched();
        assert_eq!(s.problems(), Vec::<Msg>::new());
        let mon = s.slots_for_weekday(1);
        assert_eq!(mon.len(), 5);
        assert_eq!(
            (hm(mon[0].0), hm(mon[4].1)),
            ("17:30".into(), "20:00".into())
        );
        assert_eq!(s.slots_for_weekday(6).len(), 6);
        assert!(s.slots_for_weekday(7).is_empty());
    }

    #[test]
    fn holidays_close_and_make_up_days_follow_their_weekday() {
        let s = sched();
        assert!(slots_on(&s, DayRule::Closed).is_empty());
        // A make-up Sunday worked as Monday has Monday's evening slots.
        assert_eq!(slots_on(&s, DayRule::As(1)), s.slots_for_weekday(1));
    }

    #[test]
    fn bad_schedules_are_refused() {
        let mut s = sched();
        s.capacity = 0;
        s.windows[0].end = "17:40".into();
        s.windows[1].days = vec![8];
        let p = s
            .problems()
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("；");
        assert!(
            p.contains("可约人数") && p.contains("17:30-17:40") && p.contains("星期"),
            "{p}"
        );
        assert_eq!(minutes("24:01"), None);
        assert_eq!(minutes("7:5"), None); // one rule for every HH:MM (calendar_types::ClockTime)
        assert_eq!(minutes("7:05"), Some(425));
    }

    #[test]
    fn codes_avoid_look_alikes_and_parse_from_scans() {
        for bad in [
            b'0', b'O', b'1', b'I', b'L', b'5', b'S', b'2', b'Z', b'8', b'B',
        ] {
            assert!(!CODE_ALPHABET.contains(&bad));
        }
        assert_eq!(
            parse_code(" k7m3qo ").unwrap_err().zh(),
            "预约码应为6位（字母和数字），请核对后再输入"
        );
        assert_eq!(parse_code("k7m3qa").unwrap(), "K7M3QA");
        assert_eq!(parse_code(&qr_payload("K7M3QA")).unwrap(), "K7M3QA");
    }

    #[test]
    fn the_life_cycle() {
        use Action::*;
        use Status::*;
        assert_eq!(transition(Active, Cancel, false), Ok(Cancelled));
        assert!(transition(Active, Cancel, true).is_err());
        assert!(transition(Active, Reschedule, true).is_err());
        assert_eq!(transition(Active, CheckIn, true), Ok(CheckedIn));
        assert_eq!(transition(CheckedIn, MarkDone, true), Ok(Done));
        assert_eq!(transition(Active, MarkNoShow, true), Ok(NoShow));
        assert!(transition(Active, MarkNoShow, false).is_err());
        assert!(transition(Cancelled, CheckIn, true).is_err());
        assert!(transition(Done, Cancel, false).is_err());
        assert!(transition(Active, MarkDone, true).is_err());
        assert!(Active.holds_seat() && !Cancelled.holds_seat() && NoShow.holds_seat());
        for s in [Active, Cancelled, CheckedIn, Done, NoShow] {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn windows_are_written_as_lines() {
        let w = parse_windows("1-5 17:30-20:00\n6 09:00-12:00").unwrap();
        assert_eq!(w[0].days, vec![1, 2, 3, 4, 5]);
        assert_eq!(
            w[1],
            Window {
                days: vec![6],
                start: "09:00".into(),
                end: "12:00".into()
            }
        );
        assert_eq!(parse_windows(&format_windows(&w)).unwrap(), w);
        assert!(parse_windows("weekdays evening")
            .unwrap_err()
            .zh()
            .contains("无法识别"));
        assert!(parse_windows("").is_err());
    }

    #[test]
    fn overlap() {
        assert!(overlaps((1050, 1080), (1060, 1090)));
        assert!(!overlaps((1050, 1080), (1080, 1110)));
    }
}

#[cfg(test)]
mod limits {
    use super::*;
    use crate::calendar_types::Day;

    fn at(day: &str, start: u32, end: u32) -> Held {
        Held {
            day: Day::parse(day).expect("a day"),
            start,
            end,
        }
    }

    #[test]
    fn three_bookings_ahead_are_the_most_but_a_move_keeps_its_place() {
        let held = [
            at("2026-12-08", 540, 550),
            at("2026-12-09", 540, 550),
            at("2026-12-10", 540, 550),
        ];
        let want = at("2026-12-11", 540, 550);
        assert_eq!(
            may_book(&held, &want, false)
                .err()
                .map(|m| m.key)
                .as_deref(),
            Some("booking.active_limit")
        );
        assert!(may_book(&held, &want, true).is_ok());
        assert!(may_book(&held[..2], &want, false).is_ok());
    }

    #[test]
    fn an_overlap_is_the_same_day_and_shared_minutes_only() {
        let held = [at("2026-12-08", 540, 560)];
        for (w, ok) in [
            (at("2026-12-08", 550, 570), false),
            (at("2026-12-08", 530, 545), false),
            (at("2026-12-08", 545, 550), false),
            (at("2026-12-08", 560, 570), true),
            (at("2026-12-08", 520, 540), true),
            (at("2026-12-09", 540, 560), true),
        ] {
            let r = may_book(&held, &w, false);
            assert_eq!(r.is_ok(), ok, "{w:?}");
            if !ok {
                assert_eq!(r.err().map(|m| m.key).as_deref(), Some("booking.overlaps"));
            }
        }
    }
}
