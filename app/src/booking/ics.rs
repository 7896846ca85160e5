//! The booking as an iCalendar file (RFC 5545), in Asia/Shanghai time, for phones'
//! calendars. The `icalendar` crate writes the event; the VTIMEZONE the standard asks
//! for with a TZID is added beside it (China has had no daylight saving since 1991).

use crate::booking::views::BookingView;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

fn local(day: &str, hm: &str) -> Option<chrono::NaiveDateTime> {
    let (day, at) = (
        crate::calendar_types::Day::parse(day)?,
        crate::calendar_types::ClockTime::parse_end(hm)?,
    );
    day.date()
        .and_hms_opt(0, 0, 0)
        .map(|t| t + chrono::Duration::minutes(i64::from(at.minutes())))
}

pub fn render(b: &BookingView) -> Option<String> {
    let (start, end) = (local(&b.day, &b.start)?, local(&b.day, &b.end)?);
    let tz = |t| CalendarDateTime::WithTimezone {
        date_time: t,
        tzid: "Asia/Shanghai".into(),
    };
    let bring: Vec<String> = b
        .bring
        .iter()
        .filter(|m| m.3)
        .map(|m| format!("{}（原件{}份，复印件{}份）", m.0, m.1, m.2))
        .collect();
    let event = Event::new()
        .uid(&format!("booking-{}@linli", b.code))
        .summary(&format!("延时服务：{}", b.item_name))
        .location(&format!("{} {}", b.center_name, b.center_address))
        .description(&format!("预约码 {}\n请携带：{}", b.code, bring.join("；")))
        .starts(tz(start))
        .ends(tz(end))
        .done();
    let cal = Calendar::new()
        .name("邻里预约")
        .push(event)
        .done()
        .to_string();
    // Put the time zone definition before the event.
    Some(match cal.find("BEGIN:VEVENT") {
        Some(i) => format!("{}{VTIMEZONE}{}", &cal[..i], &cal[i..]),
        None => cal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::model::Status;

    #[test]
    fn a_booking_becomes_a_valid_calendar_event_in_shanghai_time() {
        let b = BookingView {
            code: "K7M3QA".into(),
            status: Status::Active,
            item_code: "MZ-01".into(),
            item_name: "最低生活保障申请".into(),
            center_id: 1,
            center_name: "华光路社区党群服务中心".into(),
            center_address: "张店区华光路1号".into(),
            day: "2026-12-01".into(),
            start: "17:30".into(),
            end: "18:00".into(),
            slot_closed: false,
            close_reason: String::new(),
            upcoming: true,
            actions: vec![],
            qr_svg: String::new(),
            bring: vec![("居民身份证".into(), 1, 1, true)],
        };
        let ics = render(&b).unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR"));
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai"));
        assert!(
            ics.contains("DTSTART;TZID=Asia/Shanghai:20261201T173000"),
            "{ics}"
        );
        assert!(ics.contains("DTEND;TZID=Asia/Shanghai:20261201T180000"));
        assert!(ics.contains("UID:booking-K7M3QA@linli"));
        assert!(ics.find("BEGIN:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
        assert!(ics.trim_end().ends_with("END:VCALENDAR"));
    }
}
