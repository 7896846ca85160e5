//! Hours as a city's staff write them: `周一至周五 8:30-12:00，14:00-17:30`,
//! `工作日9:00-17:00 周末休息`, `24小时`, `早8点到晚8点`, `节假日闭馆`, with full-width
//! digits, colons and commas, turned into an OpenStreetMap `opening_hours` string that
//! the evaluator (`model`) understands.
//!
//! Why a converter and not a second evaluator: the portal evaluates one syntax, checked by
//! a maintained crate; a clerk's spreadsheet holds another. Converting at the edge (the
//! import and the hours editor, each showing the result beside the original for the clerk
//! to accept) keeps the stored hours in the one syntax every part of the portal and every
//! open-data consumer reads.
//!
//! The reading is a small grammar, not a guess: the text is cut into words (days, day
//! ranges, holidays, times with their 上午/下午/晚上, "off" and "open" words, a lunch break)
//! and each word is known or the whole text is refused, naming the part not understood.
//! Rules come out in the order written, so a later rule overrides an earlier one for its
//! days, as `opening_hours` itself reads them (`每天8:00-18:00，周一闭馆` →
//! `Mo-Su 08:00-18:00; Mo off`).

use crate::message::Msg;

/// A reading of a text: the `opening_hours` string, and whether it had to be converted
/// (false: the text already was `opening_hours`, kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub osm: String,
    pub converted: bool,
}

/// The longest text read (a cell of a spreadsheet, a form field).
const MAX_CHARS: usize = 200;

/// Reads hours written in either syntax. `Err` names the part not understood (the
/// message's text carries an example of a form that works).
pub fn to_osm(text: &str) -> Result<Converted, Msg> {
    let original = text.trim();
    if original.is_empty() {
        return Err(Msg::new("hours.required"));
    }
    if original.chars().count() > MAX_CHARS {
        return Err(Msg::new("hours.zh_too_long"));
    }
    if super::model::validate(original).is_ok() && !has_cjk(original) {
        return Ok(Converted {
            osm: original.to_string(),
            converted: false,
        });
    }
    let norm = normalize(original);
    // Written in `opening_hours` with full-width digits or punctuation.
    if !has_cjk(&norm) && super::model::validate(&norm).is_ok() {
        return Ok(Converted {
            osm: norm,
            converted: true,
        });
    }
    let tokens = tokenize(&norm)?;
    let rules = build_rules(&tokens)?;
    let osm = render(&rules);
    super::model::validate(&osm).map_err(|_| Msg::new("hours.zh_unknown").arg("part", original))?;
    Ok(Converted {
        osm,
        converted: true,
    })
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

/// Full-width forms to ASCII, the many dashes and tildes to `-`, Chinese punctuation to
/// its ASCII meaning, every kind of space to a space.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Full-width forms first (８, ：, ，, ～, （ …), then what they and the other
        // Chinese marks mean here.
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            other => other,
        };
        let c = match c {
            '\u{3000}' | '\t' | '\r' | '\n' => ' ',
            '∶' => ':',
            '、' => ',',
            '。' => ';',
            '—' | '–' | '―' | '‐' | '‑' | '〜' | '~' => '-',
            '【' | '[' | '〔' => '(',
            '】' | ']' | '〕' => ')',
            other => other,
        };
        out.push(c);
    }
    out
}

/// A part of the day a time is said in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Morning,
    Noon,
    Afternoon,
    Night,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Weekdays, Monday = 0.
    Days(Vec<u8>),
    Holidays,
    /// A weekday said bare after a range or list mark (`周一至五`, `周一、三`).
    BareDay(u8),
    /// Minutes since midnight, whether it was said with 点/时 (an hour of a 12-hour
    /// clock in speech) and the part of the day said before it.
    Time {
        min: u16,
        spoken: bool,
    },
    Period(Period),
    To,
    AllDay,
    Off,
    /// 照常/正常: the same hours as before.
    AsUsual,
    Break,
    Except,
    Sep,
    Open,
    Close,
}

/// Words that are read and carry nothing (开放时间, 营业, 起 …), longest first.
const FILLER: &[&str] = &[
    "开放时间",
    "营业时间",
    "服务时间",
    "办公时间",
    "工作时间",
    "开门",
    "开放",
    "营业",
    "服务",
    "办公",
    "对外",
    "时间",
    "时段",
    "期间",
    "均为",
    "均",
    "都",
    "为",
    "是",
    "从",
    "自",
    "起",
    "开始",
    "截止",
    "止",
    "左右",
    "次日",
    "第二天",
    "以内",
    "内",
];

/// Words that close (休息, 闭馆 …).
const OFF: &[&str] = &[
    "不开放",
    "不营业",
    "不对外",
    "停止开放",
    "暂停开放",
    "暂停服务",
    "闭馆",
    "闭站",
    "休馆",
    "休息",
    "关闭",
    "关门",
    "歇业",
    "停业",
    "休",
    "闭",
];

const WEEKDAY_PREFIX: &[&str] = &["星期", "礼拜", "周", "週"];

fn day_char(c: char) -> Option<u8> {
    Some(match c {
        '一' | '1' => 0,
        '二' | '2' => 1,
        '三' | '3' => 2,
        '四' | '4' => 3,
        '五' | '5' => 4,
        '六' | '6' => 5,
        '日' | '天' | '七' | '7' => 6,
        _ => return None,
    })
}

fn hhmm_err(part: &str) -> Msg {
    Msg::new("hours.zh_bad_time").arg("part", part)
}

fn unknown(part: &str) -> Msg {
    Msg::new("hours.zh_unknown").arg("part", part)
}

/// Cuts the normalized text into words.
fn tokenize(s: &str) -> Result<Vec<Tok>, Msg> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out: Vec<Tok> = Vec::new();
    let starts = |i: usize, w: &str| -> bool {
        let w: Vec<char> = w.chars().collect();
        chars.len() >= i + w.len() && chars[i..i + w.len()] == w[..]
    };
    'outer: while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == ',' || c == ';' || c == '/' || c == '|' || c == '和' || c == '及' {
            out.push(Tok::Sep);
            i += 1;
            continue;
        }
        if c == '(' {
            out.push(Tok::Open);
            i += 1;
            continue;
        }
        if c == ')' {
            out.push(Tok::Close);
            i += 1;
            continue;
        }
        if c == '-' || c == '至' || c == '到' {
            out.push(Tok::To);
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            // A time (8:30, 8.30, 8点, 8点半, 8点30分, 8时) or a bare hour (9-17).
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let digits: String = chars[i..j].iter().collect();
            // `24小时`, `7x24小时`: all day.
            if digits == "24" && starts(j, "小时") {
                out.push(Tok::AllDay);
                i = j + 2;
                continue;
            }
            if digits == "24" && (starts(j, "h") || starts(j, "H")) {
                out.push(Tok::AllDay);
                i = j + 1;
                continue;
            }
            if digits == "7" && j < chars.len() && matches!(chars[j], 'x' | 'X' | '*' | '×') {
                // 7x24: read as every day; the 24 that follows is all day.
                out.push(Tok::Days((0..7).collect()));
                i = j + 1;
                continue;
            }
            let part: String = chars[i..(j + 3).min(chars.len())].iter().collect();
            let hour: u16 = digits.parse().map_err(|_| hhmm_err(&part))?;
            if digits.len() > 2 || hour > 24 {
                return Err(hhmm_err(&part));
            }
            let mut min = 0u16;
            let mut spoken = false;
            let mut k = j;
            if k < chars.len() && (chars[k] == ':' || chars[k] == '.') {
                let m0 = k + 1;
                let mut m1 = m0;
                while m1 < chars.len() && chars[m1].is_ascii_digit() {
                    m1 += 1;
                }
                if m1 - m0 != 2 {
                    return Err(hhmm_err(
                        &chars[i..m1.min(chars.len())].iter().collect::<String>(),
                    ));
                }
                min = chars[m0..m1]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .map_err(|_| hhmm_err(&part))?;
                k = m1;
            } else if k < chars.len() && (chars[k] == '点' || chars[k] == '时') {
                spoken = true;
                k += 1;
                if k < chars.len() && chars[k] == '半' {
                    min = 30;
                    k += 1;
                } else if k < chars.len() && chars[k].is_ascii_digit() {
                    let m0 = k;
                    while k < chars.len() && chars[k].is_ascii_digit() {
                        k += 1;
                    }
                    min = chars[m0..k]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .map_err(|_| hhmm_err(&part))?;
                    if k - m0 > 2 {
                        return Err(hhmm_err(&part));
                    }
                    if k < chars.len() && chars[k] == '分' {
                        k += 1;
                    }
                } else if starts(k, "整") {
                    k += 1;
                }
            } else {
                // A bare number: an hour only beside a range mark (9-17, 9至17点).
                spoken = true;
            }
            if min > 59 || (hour == 24 && min > 0) {
                return Err(hhmm_err(&chars[i..k].iter().collect::<String>()));
            }
            out.push(Tok::Time {
                min: hour * 60 + min,
                spoken,
            });
            i = k;
            continue;
        }
        // Day names: 周一, 星期三, 礼拜天, 周1.
        for p in WEEKDAY_PREFIX {
            if starts(i, p) {
                let k = i + p.chars().count();
                if starts(k, "末") {
                    out.push(Tok::Days(vec![5, 6]));
                    i = k + 1;
                    continue 'outer;
                }
                // 周六日, 周六、日: the bare ones are read below.
                if let Some(d) = chars.get(k).copied().and_then(day_char) {
                    out.push(Tok::Days(vec![d]));
                    i = k + 1;
                    continue 'outer;
                }
            }
        }
        // A bare weekday after a weekday or a range/list mark.
        if let Some(d) = day_char(c) {
            let after_day = matches!(out.last(), Some(Tok::Days(_)) | Some(Tok::BareDay(_)));
            let after_mark = matches!(out.last(), Some(Tok::To) | Some(Tok::Sep))
                && out
                    .iter()
                    .rev()
                    .nth(1)
                    .is_some_and(|t| matches!(t, Tok::Days(_) | Tok::BareDay(_)));
            if !c.is_ascii_digit() && (after_day || after_mark) {
                out.push(Tok::BareDay(d));
                i += 1;
                continue;
            }
        }
        let words: &[(&str, Tok)] = &[
            ("法定节假日", Tok::Holidays),
            ("国定假日", Tok::Holidays),
            ("法定假日", Tok::Holidays),
            ("节假日", Tok::Holidays),
            ("节日", Tok::Holidays),
            ("假日", Tok::Holidays),
            ("假期", Tok::Holidays),
            ("工作日", Tok::Days((0..5).collect())),
            ("双休日", Tok::Days(vec![5, 6])),
            ("周末", Tok::Days(vec![5, 6])),
            ("全年无休", Tok::Days((0..7).collect())),
            ("全年", Tok::Days((0..7).collect())),
            ("全周", Tok::Days((0..7).collect())),
            ("每天", Tok::Days((0..7).collect())),
            ("每日", Tok::Days((0..7).collect())),
            ("天天", Tok::Days((0..7).collect())),
            ("无休", Tok::Days((0..7).collect())),
            ("全天候", Tok::AllDay),
            ("全天", Tok::AllDay),
            ("整天", Tok::AllDay),
            ("通宵", Tok::AllDay),
            ("不打烊", Tok::AllDay),
            ("小时", Tok::AllDay),
            ("除外", Tok::Except),
            ("午休", Tok::Break),
            ("中午休息", Tok::Break),
            ("照常", Tok::AsUsual),
            ("正常", Tok::AsUsual),
            ("同平日", Tok::AsUsual),
            ("上午", Tok::Period(Period::Morning)),
            ("早上", Tok::Period(Period::Morning)),
            ("早晨", Tok::Period(Period::Morning)),
            ("清晨", Tok::Period(Period::Morning)),
            ("凌晨", Tok::Period(Period::Morning)),
            ("早", Tok::Period(Period::Morning)),
            ("中午", Tok::Period(Period::Noon)),
            ("下午", Tok::Period(Period::Afternoon)),
            ("傍晚", Tok::Period(Period::Night)),
            ("晚上", Tok::Period(Period::Night)),
            ("夜间", Tok::Period(Period::Night)),
            ("夜里", Tok::Period(Period::Night)),
            ("晚", Tok::Period(Period::Night)),
        ];
        for (w, t) in words {
            if starts(i, w) {
                // "小时" alone means all day only as in 24小时; elsewhere it is not known.
                if *w == "小时" {
                    return Err(unknown(&rest(&chars, i)));
                }
                out.push(t.clone());
                i += w.chars().count();
                continue 'outer;
            }
        }
        for w in OFF {
            if starts(i, w) {
                out.push(Tok::Off);
                i += w.chars().count();
                continue 'outer;
            }
        }
        for w in FILLER {
            if starts(i, w) {
                i += w.chars().count();
                continue 'outer;
            }
        }
        if c == ':' || c == '.' {
            // After a day name (周一至周五：9:00-17:00).
            out.push(Tok::Sep);
            i += 1;
            continue;
        }
        return Err(unknown(&rest(&chars, i)));
    }
    Ok(out)
}

/// The text from `i`, a few characters of it, to name in a message.
fn rest(chars: &[char], i: usize) -> String {
    chars[i..(i + 8).min(chars.len())].iter().collect()
}

/// One `opening_hours` rule: its days (weekdays and public holidays), its time ranges
/// or "off".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rule {
    weekdays: Vec<u8>,
    holidays: bool,
    times: Vec<(u16, u16)>,
    breaks: Vec<(u16, u16)>,
    off: bool,
    as_usual: bool,
}

impl Rule {
    fn has_days(&self) -> bool {
        !self.weekdays.is_empty() || self.holidays
    }
    fn has_body(&self) -> bool {
        !self.times.is_empty() || self.off || self.as_usual
    }
}

fn apply_period(min: u16, spoken: bool, p: Option<Period>) -> u16 {
    let (h, m) = (min / 60, min % 60);
    let h = match p {
        Some(Period::Afternoon) | Some(Period::Night) if h < 12 => h + 12,
        Some(Period::Noon) if h < 6 => h + 12,
        Some(Period::Night) if h == 12 && spoken => 24,
        _ => h,
    };
    h * 60 + m
}

/// Folds the words into rules, in the order written.
fn build_rules(tokens: &[Tok]) -> Result<Vec<Rule>, Msg> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut cur = Rule::default();
    let mut period: Option<Period> = None;
    let mut in_break = false;
    let mut in_paren = false;
    let mut i = 0;
    let push_days = |cur: &mut Rule, rules: &mut Vec<Rule>| {
        if cur.has_body() {
            rules.push(std::mem::take(cur));
        }
    };
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Days(d) => {
                push_days(&mut cur, &mut rules);
                // A range: 周一至周五, 周一至五, 周五至周日.
                if let (Some(Tok::To), Some(end @ (Tok::Days(_) | Tok::BareDay(_)))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    let to = match end {
                        Tok::BareDay(b) => *b,
                        Tok::Days(e) => e.last().copied().unwrap_or(0),
                        _ => 0,
                    };
                    let from = d.first().copied().unwrap_or(0);
                    let mut day = from;
                    loop {
                        if !cur.weekdays.contains(&day) {
                            cur.weekdays.push(day);
                        }
                        if day == to {
                            break;
                        }
                        day = (day + 1) % 7;
                    }
                    i += 3;
                    continue;
                }
                for x in d {
                    if !cur.weekdays.contains(x) {
                        cur.weekdays.push(*x);
                    }
                }
            }
            Tok::BareDay(d) => {
                if !cur.weekdays.contains(d) {
                    cur.weekdays.push(*d);
                }
            }
            Tok::Holidays => {
                push_days(&mut cur, &mut rules);
                cur.holidays = true;
            }
            Tok::Period(p) => period = Some(*p),
            Tok::AllDay => {
                if in_break {
                    return Err(unknown("午休"));
                }
                cur.times.push((0, 24 * 60));
            }
            Tok::Time { min, spoken } => {
                let start = apply_period(*min, *spoken, period);
                // A range needs its end: `-` and a time, perhaps with its own period
                // (spaces around either: `8:00 起 至 20:00`).
                let skip = |mut j: usize| {
                    while tokens.get(j) == Some(&Tok::Sep) {
                        j += 1;
                    }
                    j
                };
                let mut j = skip(i + 1);
                if tokens.get(j) != Some(&Tok::To) {
                    return Err(Msg::new("hours.zh_no_end").arg("part", fmt(start)));
                }
                j = skip(j + 1);
                let mut end_period = None;
                if let Some(Tok::Period(p)) = tokens.get(j) {
                    end_period = Some(*p);
                    j = skip(j + 1);
                }
                let Some(Tok::Time {
                    min: end_min,
                    spoken: end_spoken,
                }) = tokens.get(j)
                else {
                    return Err(Msg::new("hours.zh_no_end").arg("part", fmt(start)));
                };
                let mut end = apply_period(*end_min, *end_spoken, end_period.or(period));
                // "9点-5点", "8-6": a spoken end before the start is in the afternoon.
                if end <= start && end_period.is_none() && *end_spoken && end < 12 * 60 {
                    end += 12 * 60;
                }
                if end == start {
                    return Err(hhmm_err(&format!("{}-{}", fmt(start), fmt(end))));
                }
                if in_break {
                    cur.breaks.push((start, end));
                    in_break = false;
                } else {
                    cur.times.push((start, end));
                }
                period = None;
                i = j + 1;
                continue;
            }
            Tok::To => return Err(unknown("-")),
            Tok::Off => {
                if in_break {
                    // 午休 … 休息: already a break.
                } else if cur.has_days() {
                    cur.off = true;
                } else {
                    return Err(unknown("休息"));
                }
            }
            Tok::Except => {
                if cur.has_days() && cur.times.is_empty() {
                    cur.off = true;
                } else {
                    return Err(unknown("除外"));
                }
            }
            Tok::AsUsual => cur.as_usual = true,
            Tok::Break => in_break = true,
            Tok::Open => in_paren = true,
            Tok::Close => {
                if !in_paren {
                    return Err(unknown(")"));
                }
                in_paren = false;
            }
            Tok::Sep => {}
        }
        i += 1;
    }
    if cur.has_days() || cur.has_body() {
        rules.push(cur);
    }
    // Rules with days and nothing else take the times of the next one (周六、周日：见下),
    // or the one before when said "as usual".
    let mut out: Vec<Rule> = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_ph = false;
    for mut r in rules {
        if !r.has_body() {
            pending.extend(r.weekdays.iter().copied());
            pending_ph |= r.holidays;
            continue;
        }
        for d in pending.drain(..) {
            if !r.weekdays.contains(&d) {
                r.weekdays.push(d);
            }
        }
        r.holidays |= std::mem::take(&mut pending_ph);
        if r.as_usual && r.times.is_empty() && !r.off {
            match out.last() {
                Some(prev) if !prev.times.is_empty() => r.times = prev.times.clone(),
                // 节假日照常开放 with nothing before it: the holidays follow the weekdays.
                _ if r.holidays && r.weekdays.is_empty() => continue,
                _ => return Err(Msg::new("hours.zh_no_times")),
            }
        }
        if r.times.is_empty() && !r.off {
            return Err(Msg::new("hours.zh_no_times"));
        }
        if !r.breaks.is_empty() && r.times.is_empty() {
            return Err(unknown("午休"));
        }
        out.push(r);
    }
    if !pending.is_empty() || pending_ph {
        return Err(Msg::new("hours.zh_no_times"));
    }
    if out.is_empty() {
        return Err(Msg::new("hours.zh_no_times"));
    }
    Ok(out)
}

fn fmt(min: u16) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// The weekdays as `opening_hours` writes them: runs of three or more as a range
/// (`Mo-Fr`), others listed (`Sa,Su`, `Mo,We`).
fn days_text(days: &[u8]) -> String {
    const NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let mut d: Vec<u8> = days.to_vec();
    d.sort_unstable();
    d.dedup();
    let mut parts = Vec::new();
    let mut k = 0;
    while k < d.len() {
        let mut e = k;
        while e + 1 < d.len() && d[e + 1] == d[e] + 1 {
            e += 1;
        }
        if e - k >= 2 {
            parts.push(format!("{}-{}", NAMES[d[k] as usize], NAMES[d[e] as usize]));
        } else {
            for x in &d[k..=e] {
                parts.push(NAMES[*x as usize].to_string());
            }
        }
        k = e + 1;
    }
    parts.join(",")
}

/// The ranges with the breaks cut out, in order, overlaps merged.
fn cut(times: &[(u16, u16)], breaks: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &(s, e) in times {
        let mut pieces = vec![(s, e)];
        for &(bs, be) in breaks {
            pieces = pieces
                .into_iter()
                .flat_map(|(s, e)| {
                    if s < e && bs < e && be > s {
                        let mut v = Vec::new();
                        if bs > s {
                            v.push((s, bs));
                        }
                        if be < e {
                            v.push((be, e));
                        }
                        v
                    } else {
                        vec![(s, e)]
                    }
                })
                .collect();
        }
        out.extend(pieces);
    }
    // Overnight ranges (22:00-02:00) are kept as written; same-day ones sorted and merged.
    let (mut day, night): (Vec<_>, Vec<_>) = out.into_iter().partition(|(s, e)| s < e);
    day.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for (s, e) in day {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged.extend(night);
    merged
}

fn render(rules: &[Rule]) -> String {
    let mut parts = Vec::new();
    for r in rules {
        let mut sel = Vec::new();
        if r.weekdays.is_empty() && !r.holidays {
            sel.push("Mo-Su".to_string());
        }
        if !r.weekdays.is_empty() {
            sel.push(days_text(&r.weekdays));
        }
        if r.holidays {
            sel.push("PH".to_string());
        }
        let sel = sel.join(",");
        if r.off {
            parts.push(format!("{sel} off"));
            continue;
        }
        let times = cut(&r.times, &r.breaks)
            .iter()
            .map(|&(s, e)| format!("{}-{}", fmt(s), fmt(e)))
            .collect::<Vec<_>>()
            .join(",");
        parts.push(format!("{sel} {times}"));
    }
    if parts.len() == 1 && parts[0] == "Mo-Su 00:00-24:00" {
        return "24/7".into();
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osm(s: &str) -> String {
        match to_osm(s) {
            Ok(c) => c.osm,
            Err(e) => panic!("{s}: {e:?}"),
        }
    }

    fn refused(s: &str) -> Msg {
        match to_osm(s) {
            Ok(c) => panic!("{s} read as {}", c.osm),
            Err(e) => e,
        }
    }

    #[test]
    fn the_issue_s_own_examples() {
        assert_eq!(
            osm("周一至周五 8:30-12:00，14:00-17:30"),
            "Mo-Fr 08:30-12:00,14:00-17:30"
        );
        assert_eq!(
            osm("工作日9:00-17:00 周末休息"),
            "Mo-Fr 09:00-17:00; Sa,Su off"
        );
        assert_eq!(osm("24小时"), "24/7");
        assert_eq!(osm("全天开放"), "24/7");
        assert_eq!(osm("早8点到晚8点"), "Mo-Su 08:00-20:00");
        assert_eq!(osm("节假日闭馆"), "PH off");
    }

    #[test]
    fn opening_hours_as_written_is_kept() {
        let c = to_osm("Mo-Fr 08:30-17:30; PH off").unwrap();
        assert_eq!(c.osm, "Mo-Fr 08:30-17:30; PH off");
        assert!(!c.converted);
        let c = to_osm("24/7").unwrap();
        assert!(!c.converted);
    }

    #[test]
    fn full_width_digits_colons_and_commas() {
        assert_eq!(
            osm("周一至周五　８：３０－１２：００，１４：００－１７：３０"),
            "Mo-Fr 08:30-12:00,14:00-17:30"
        );
        assert_eq!(osm("每天８：００～２０：００"), "Mo-Su 08:00-20:00");
        assert_eq!(
            osm("Ｍｏ－Ｆｒ ０８：００－１７：００"),
            "Mo-Fr 08:00-17:00"
        );
        assert_eq!(osm("周一至周五9：00—17：00"), "Mo-Fr 09:00-17:00");
    }

    #[test]
    fn all_day_in_its_many_words() {
        for s in [
            "24小时",
            "24小时开放",
            "24小时营业",
            "全天",
            "全天候开放",
            "全年无休24小时",
            "7x24小时",
            "7*24小时服务",
            "每天0:00-24:00",
            "每天00:00-24:00",
            "全天24小时开放",
            "24h",
            "不打烊",
        ] {
            assert_eq!(osm(s), "24/7", "{s}");
        }
    }

    #[test]
    fn day_ranges_and_lists() {
        assert_eq!(osm("周一到周五 9:00-17:00"), "Mo-Fr 09:00-17:00");
        assert_eq!(osm("周一至五 9:00-17:00"), "Mo-Fr 09:00-17:00");
        assert_eq!(osm("星期一至星期五 9:00-17:00"), "Mo-Fr 09:00-17:00");
        assert_eq!(osm("礼拜一到礼拜六 8:00-18:00"), "Mo-Sa 08:00-18:00");
        assert_eq!(osm("周一-周日 7:00-21:00"), "Mo-Su 07:00-21:00");
        assert_eq!(osm("周一、三、五 9:00-11:00"), "Mo,We,Fr 09:00-11:00");
        assert_eq!(osm("周六、周日 9:00-12:00"), "Sa,Su 09:00-12:00");
        assert_eq!(osm("周六日 9:00-12:00"), "Sa,Su 09:00-12:00");
        assert_eq!(
            osm("周二至周日9:00-17:00，周一闭馆"),
            "Tu-Su 09:00-17:00; Mo off"
        );
        assert_eq!(osm("周五至周一 10:00-22:00"), "Mo,Fr-Su 10:00-22:00");
        assert_eq!(osm("周1至周5 8:00-17:00"), "Mo-Fr 08:00-17:00");
    }

    #[test]
    fn workdays_weekends_and_every_day() {
        assert_eq!(osm("工作日 8:30-17:30"), "Mo-Fr 08:30-17:30");
        assert_eq!(osm("双休日 9:00-16:00"), "Sa,Su 09:00-16:00");
        assert_eq!(osm("每日 7:00-21:00"), "Mo-Su 07:00-21:00");
        assert_eq!(osm("天天 7:00-21:00"), "Mo-Su 07:00-21:00");
        assert_eq!(osm("全年无休 8:00-20:00"), "Mo-Su 08:00-20:00");
        // Already `opening_hours` (every day): kept as written.
        assert_eq!(osm("8:00-20:00"), "8:00-20:00");
        assert_eq!(osm("周末 10:00-16:00"), "Sa,Su 10:00-16:00");
    }

    #[test]
    fn spoken_times() {
        assert_eq!(osm("早8点到晚8点"), "Mo-Su 08:00-20:00");
        assert_eq!(osm("早上8点至晚上9点"), "Mo-Su 08:00-21:00");
        assert_eq!(osm("上午8点半到下午5点半"), "Mo-Su 08:30-17:30");
        assert_eq!(osm("8点-18点"), "Mo-Su 08:00-18:00");
        assert_eq!(osm("9点到5点"), "Mo-Su 09:00-17:00");
        assert_eq!(osm("8时至17时30分"), "Mo-Su 08:00-17:30");
        assert_eq!(osm("下午2点-5点"), "Mo-Su 14:00-17:00");
        assert_eq!(osm("晚上6点到10点"), "Mo-Su 18:00-22:00");
        assert_eq!(osm("9-17点"), "Mo-Su 09:00-17:00");
        assert_eq!(osm("中午12点到下午2点"), "Mo-Su 12:00-14:00");
        assert_eq!(osm("8.30-17.30"), "Mo-Su 08:30-17:30");
    }

    #[test]
    fn morning_and_afternoon_sessions() {
        assert_eq!(
            osm("上午8:30-11:30 下午2:00-5:30"),
            "Mo-Su 08:30-11:30,14:00-17:30"
        );
        assert_eq!(
            osm("工作日上午9:00-12:00，下午13:30-17:00"),
            "Mo-Fr 09:00-12:00,13:30-17:00"
        );
    }

    #[test]
    fn a_lunch_break_is_cut_out() {
        assert_eq!(
            osm("周一至周五 9:00-17:00（午休12:00-13:30）"),
            "Mo-Fr 09:00-12:00,13:30-17:00"
        );
        assert_eq!(
            osm("8:30-17:30 中午休息12:00-14:00"),
            "Mo-Su 08:30-12:00,14:00-17:30"
        );
    }

    #[test]
    fn holidays() {
        assert_eq!(
            osm("周一至周五 8:30-17:30；法定节假日休息"),
            "Mo-Fr 08:30-17:30; PH off"
        );
        assert_eq!(
            osm("周一至周五9:00-17:00（节假日除外）"),
            "Mo-Fr 09:00-17:00; PH off"
        );
        assert_eq!(
            osm("每天8:00-20:00，节假日照常开放"),
            "Mo-Su 08:00-20:00; PH 08:00-20:00"
        );
        assert_eq!(osm("节假日 9:00-15:00"), "PH 09:00-15:00");
        assert_eq!(
            osm("周六、周日及节假日 10:00-16:00"),
            "Sa,Su,PH 10:00-16:00"
        );
        assert_eq!(osm("法定节假日闭馆"), "PH off");
    }

    #[test]
    fn several_rules_override_in_order() {
        assert_eq!(osm("每天8:00-18:00，周一闭馆"), "Mo-Su 08:00-18:00; Mo off");
        assert_eq!(
            osm("周一至周五 8:00-20:00；周六 9:00-17:00；周日休息"),
            "Mo-Fr 08:00-20:00; Sa 09:00-17:00; Su off"
        );
        assert_eq!(
            osm("周一至周五：9:00-17:00 周六、日：10:00-15:00"),
            "Mo-Fr 09:00-17:00; Sa,Su 10:00-15:00"
        );
        assert_eq!(
            osm("周一至周五 8:00-18:00，周末照常"),
            "Mo-Fr 08:00-18:00; Sa,Su 08:00-18:00"
        );
    }

    #[test]
    fn overnight_and_next_day() {
        assert_eq!(osm("18:00-次日2:00"), "Mo-Su 18:00-02:00");
        assert_eq!(osm("每天22:00至凌晨6:00"), "Mo-Su 22:00-06:00");
    }

    #[test]
    fn with_the_words_around_them() {
        assert_eq!(osm("开放时间：周一至周五 8:30-17:30"), "Mo-Fr 08:30-17:30");
        assert_eq!(osm("营业时间:每天9:00-21:00"), "Mo-Su 09:00-21:00");
        assert_eq!(osm("每天 8:00 起 至 20:00"), "Mo-Su 08:00-20:00");
    }

    #[test]
    fn what_cannot_be_read_is_named() {
        let e = refused("夏季8:00-18:00");
        assert_eq!(e.key, "hours.zh_unknown");
        assert!(e.args.iter().any(|(k, _)| k == "part"));
        assert_eq!(refused("周一至周五").key, "hours.zh_no_times");
        assert_eq!(refused("每天 8:00").key, "hours.zh_no_end");
        assert_eq!(refused("25:00-26:00").key, "hours.zh_bad_time");
        assert_eq!(refused("8:75-9:00").key, "hours.zh_bad_time");
        assert_eq!(refused("看情况").key, "hours.zh_unknown");
        assert_eq!(refused("").key, "hours.required");
        assert_eq!(refused(&"周一".repeat(300)).key, "hours.zh_too_long");
        assert_eq!(refused("休息").key, "hours.zh_unknown");
    }

    #[test]
    fn every_result_is_valid_opening_hours() {
        for s in [
            "周一至周五 8:30-12:00，14:00-17:30",
            "工作日9:00-17:00 周末休息",
            "周二至周日9:00-17:00，周一闭馆",
            "周一至周五 9:00-17:00（午休12:00-13:30）",
            "周六、周日及节假日 10:00-16:00",
            "18:00-次日2:00",
        ] {
            assert!(super::super::model::validate(&osm(s)).is_ok(), "{s}");
        }
    }

    #[test]
    fn no_text_panics() {
        for s in [
            "-",
            "至",
            "周",
            "（",
            "）",
            "8",
            "8:",
            "8:0",
            "点",
            "午休",
            "除外",
            "周一至",
            "1234:00",
            "8点-",
            "-9点",
            "晚",
            "24",
            "7x",
            "周一至周五9",
            "：：：",
            "()",
            "12点半半",
        ] {
            let _ = to_osm(s);
        }
    }
}
