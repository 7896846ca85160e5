//! Extended-hours booking against the real server: the happy path, the denials, and
//! the races (capacity, limits, cancel-and-rebook, reminders) on whichever database;
//! check-in by code at the booking's own centre; the booking pages (time and place
//! first, the centres to choose from, a refused booking keeping the choice) and where
//! booking is reached from. The desk's own tests are desk.rs's.

use crate::helpers::{post, spawn_app, TestApp};
use app::booking::store;
use serde_json::Value;

/// A centre with a schedule, its community, and a slot a few days ahead on a day the
/// booking page itself offers seats (holidays have none; make-up days do), so the
/// fixture holds at any date the suite runs at.
async fn a_slot(app: &TestApp, capacity: i64) -> (i64, i64, i64) {
    let db = &app.state.db;
    let (center, sched) = store::schedules(db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a scheduled centre");
    assert!(sched.items.contains(&"MZ-01".to_string()));
    let community = app.station_community(center).await;
    let days: Value = app
        .client
        .post(app.url("/api/booking/choices"))
        .form(&[
            ("item", "MZ-01".to_string()),
            ("center", center.to_string()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Two or more days ahead (reminders go out the day before), the first with seats.
    let day = days["days"]
        .as_array()
        .unwrap()
        .iter()
        .skip(2)
        .find(|d| d[2].as_i64().unwrap_or(0) > 0)
        .and_then(|d| d[0].as_str())
        .expect("a day with seats in the fortnight")
        .to_string();
    let r = app
        .client
        .post(app.url("/api/booking/choices"))
        .form(&[
            ("item", "MZ-01".to_string()),
            ("center", center.to_string()),
            ("day", day.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let slot = v["slots"][0]["id"].as_i64().expect("a slot");
    app.set_slot_capacity(slot, capacity).await;
    (center, community, slot)
}

async fn book(app: &TestApp, c: &reqwest::Client, slot: i64) -> reqwest::Response {
    c.post(app.url("/api/booking/create"))
        .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_books_and_gets_a_code_a_qr_and_an_ics_only_they_can_see() {
    let app = spawn_app().await;
    let (_, _, slot) = a_slot(&app, 3).await;
    let (me, _) = app.session_for("13800001111").await;
    let r = book(&app, &me, slot).await;
    assert_eq!(r.status(), 200);
    let code: String = r.json().await.unwrap();
    assert_eq!(code.len(), 6);
    let v: Value = me
        .post(app.url("/api/booking/get"))
        .form(&[("code", &code)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "active");
    assert!(
        v["qr_svg"].as_str().unwrap().starts_with("<?xml")
            || v["qr_svg"].as_str().unwrap().contains("<svg")
    );
    assert!(v["bring"].as_array().unwrap().len() >= 2);
    let r = me
        .get(app.url(&format!("/bookings/{code}/ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.contains("TZID=Asia/Shanghai") && ics.contains(&code));
    // Someone else: 404 for the page data and the file; signed out: 401.
    let (other, _) = app.session_for("13900002222").await;
    assert_eq!(
        other
            .post(app.url("/api/booking/get"))
            .form(&[("code", &code)])
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        other
            .get(app.url(&format!("/bookings/{code}/ics")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.new_client()
            .get(app.url(&format!("/bookings/{code}/ics")))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // The confirmation page renders on the server.
    let html = me
        .get(app.url(&format!("/bookings/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&code) && html.contains("<svg"));
}

#[tokio::test]
async fn two_hundred_concurrent_attempts_on_three_seats_give_exactly_three() {
    let app = spawn_app().await;
    let (_, _, slot) = a_slot(&app, 3).await;
    let mut clients = Vec::new();
    for i in 0..200 {
        clients.push(app.session_for(&format!("1370000{i:04}")).await.0);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            let url = app.url("/api/booking/create");
            tokio::spawn(async move {
                let r = c
                    .post(url)
                    .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.text().await.unwrap())
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => ok += 1,
            409 => assert!(body.contains("该时段已约满"), "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(app.slot_seats(slot).await, (3, 3));
}

#[tokio::test]
async fn two_server_processes_on_one_database_never_overbook() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    let (_, _, slot) = a_slot(&app, 3).await;
    let mut tasks = Vec::new();
    for i in 0..120 {
        let (c, _) = app.session_for(&format!("1360000{i:04}")).await;
        let url = if i % 2 == 0 {
            app.url("/api/booking/create")
        } else {
            second.url("/api/booking/create")
        };
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(app.slot_seats(slot).await, (3, 3));
}

#[tokio::test]
async fn concurrent_cancel_and_rebook_keeps_the_count_exact() {
    let app = spawn_app().await;
    let (_, _, slot) = a_slot(&app, 1).await;
    let (owner, _) = app.session_for("13500000001").await;
    let code: String = book(&app, &owner, slot).await.json().await.unwrap();
    let mut tasks = Vec::new();
    {
        let (c, url, code) = (owner.clone(), app.url("/api/booking/cancel"), code.clone());
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .form(&[("code", code)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for i in 0..30 {
        let (c, _) = app.session_for(&format!("1350001{i:04}")).await;
        let url = app.url("/api/booking/create");
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        let s = t.await.unwrap();
        assert!(s == 200 || s == 409, "{s}");
    }
    let (seats, rows) = app.slot_seats(slot).await;
    assert_eq!(seats, rows, "the seat count matches the active bookings");
    assert!(seats <= 1);
}

#[tokio::test]
async fn three_active_bookings_at_most_none_overlapping_even_when_raced() {
    let app = spawn_app().await;
    let (center, _, first) = a_slot(&app, 5).await;
    let day = app.slot_day(first).await;
    let slots = app.slots_on(center, &day).await;
    assert!(slots.len() >= 4);
    let (me, _) = app.session_for("13400000001").await;
    let tasks: Vec<_> = slots
        .iter()
        .map(|s| {
            let (c, url, s) = (me.clone(), app.url("/api/booking/create"), *s);
            tokio::spawn(async move {
                c.post(url)
                    .form(&[("slot_id", s.to_string()), ("item_code", "MZ-01".into())])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 3);
    let r = book(&app, &me, slots[3]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("3个"));

    // Overlap: another resident holding a slot cannot take a second at the same time
    // elsewhere.
    let (you, _) = app.session_for("13400000002").await;
    assert_eq!(book(&app, &you, slots[0]).await.status(), 200);
    let other_center = store::schedules(&app.state.db).await.unwrap()[1].0;
    let r = app
        .client
        .post(app.url("/api/booking/choices"))
        .form(&[
            ("item", "MZ-01".to_string()),
            ("center", other_center.to_string()),
            ("day", day.to_string()),
        ])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let same_time = v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == "17:30")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = book(&app, &you, same_time).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("重叠"));
}

#[tokio::test]
async fn reschedule_moves_the_seat_and_cancel_frees_it() {
    let app = spawn_app().await;
    let (center, _, slot) = a_slot(&app, 2).await;
    let next = app
        .slots_on(center, &app.slot_day(slot).await)
        .await
        .into_iter()
        .find(|s| *s != slot)
        .expect("another slot that day");
    let (me, _) = app.session_for("13300000001").await;
    let code: String = book(&app, &me, slot).await.json().await.unwrap();
    let r = me
        .post(app.url("/api/booking/reschedule"))
        .form(&[("code", code.clone()), ("slot_id", next.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.slot_seats(slot).await, (0, 0));
    assert_eq!(app.slot_seats(next).await, (1, 1));
    let r = me
        .post(app.url("/api/booking/cancel"))
        .form(&[("code", code.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.slot_seats(next).await, (0, 0));
    // Cancelling twice: 409, nothing changes.
    let r = me
        .post(app.url("/api/booking/cancel"))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(app.slot_seats(next).await, (0, 0));
}

#[tokio::test]
async fn the_desk_checks_in_by_code_only_at_its_own_centre_and_closing_tells_residents() {
    let app = spawn_app().await;
    let (_, community, slot) = a_slot(&app, 3).await;
    let (me, _) = app.session_for("13200000001").await;
    let code: String = book(&app, &me, slot).await.json().await.unwrap();
    // Staff of another community: the code is not theirs.
    let other = app.new_client();
    let s = app.demo(&other, "staff").await;
    let other_comm = s["community_id"].as_i64().unwrap();
    if other_comm != community {
        let r = other
            .post(app.url("/api/desk/mark"))
            .form(&[("code", code.as_str()), ("action", "check_in")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    // Staff of this community: check in by the scanned QR text, then done.
    let staff = app.new_client();
    app.sign_in(&staff, "13100000001").await;
    app::accounts::admin::grant(
        &app.state.db,
        "13100000001",
        "staff",
        Some(&community.to_string()),
    )
    .await
    .unwrap();
    // Check-in happens on the booking's own day: the slot is moved to today for it.
    app.move_slot_to_tonight(slot).await;
    let scanned = format!("LINLI:BOOKING:{code}");
    let r = staff
        .post(app.url("/api/desk/mark"))
        .form(&[("code", scanned.as_str()), ("action", "check_in")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = staff
        .post(app.url("/api/desk/mark"))
        .form(&[("code", code.as_str()), ("action", "check_in")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "checked in once");
    let r = staff
        .post(app.url("/api/desk/mark"))
        .form(&[("code", code.as_str()), ("action", "done")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Closing a slot cancels its bookings, with a notice and an SMS to each resident.
    let (you, _) = app.session_for("13200000002").await;
    let code2: String = book(&app, &you, slot).await.json().await.unwrap();
    let r = staff
        .post(app.url("/api/desk/close-slot"))
        .form(&[("slot_id", slot.to_string()), ("reason", "停电检修".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<usize>().await.unwrap(), 1);
    let notices: Value = you
        .post(app.url("/api/me/notices"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(notices[0][0].as_str().unwrap().contains("停电检修"));
    assert!(app
        .sent_sms()
        .await
        .iter()
        .any(|m| m["phone"] == "13200000002" && m["text"].as_str().unwrap().contains(&code2)));
    let v: Value = you
        .post(app.url("/api/booking/get"))
        .form(&[("code", &code2)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "cancelled");
    // A closed slot takes no booking; reopened, it does.
    assert_eq!(book(&app, &you, slot).await.status(), 409);
    let r = staff
        .post(app.url("/api/desk/reopen-slot"))
        .form(&[("slot_id", slot.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(book(&app, &you, slot).await.status(), 200);
    // A resident cannot use the desk.
    assert_eq!(
        me.post(app.url("/api/desk/today"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn reminders_go_out_once_across_processes_and_never_for_cancelled_bookings() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    let (_, _, slot) = a_slot(&app, 3).await;
    let day = app.slot_day(slot).await;
    let (a, _) = app.session_for("13000000001").await;
    let (b, _) = app.session_for("13000000002").await;
    book(&app, &a, slot).await;
    let cancelled: String = book(&app, &b, slot).await.json().await.unwrap();
    b.post(app.url("/api/booking/cancel"))
        .form(&[("code", cancelled)])
        .send()
        .await
        .unwrap();
    // The evening before that day, both processes run the job at the same moment.
    let evening = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .unwrap()
        .pred_opt()
        .unwrap()
        .and_hms_opt(19, 0, 0)
        .unwrap();
    let (s1, s2) = (app.state.clone(), second.state.clone());
    let (x, y) = tokio::join!(
        app::booking::reminders::run_once(&s1.db, evening),
        app::booking::reminders::run_once(&s2.db, evening)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(
        app::booking::reminders::run_once(&s1.db, evening)
            .await
            .unwrap(),
        0
    );
    let reminders: Vec<_> = app
        .sent_sms()
        .await
        .into_iter()
        .filter(|m| m["purpose"] == "booking_reminder")
        .collect();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0]["phone"], "13000000001");
    // Before 18:00 nothing is sent.
    let morning = evening.date().and_hms_opt(9, 0, 0).unwrap();
    assert_eq!(
        app::booking::reminders::run_once(&s1.db, morning)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn bad_booking_input_is_refused_in_chinese() {
    let app = spawn_app().await;
    let (me, _) = app.session_for("12900000001").await;
    let r = me
        .post(app.url("/api/booking/create"))
        .form(&[("slot_id", "99999999"), ("item_code", "MZ-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // An item that is not done in extended hours.
    let not_extended = {
        let v: Value = app.get("/api/v1/catalogue").await.json().await.unwrap();
        v["categories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["items"].as_array().unwrap().clone())
            .find(|i| i["extended_hours"] == false)
            .map(|i| i["code"].as_str().unwrap().to_string())
    };
    if let Some(code) = not_extended {
        let r = me
            .post(app.url("/api/booking/choices"))
            .form(&[("item", code.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
    }
    let far = app::time::now_local().date() + chrono::Duration::days(30);
    let center = store::schedules(&app.state.db).await.unwrap()[0].0;
    let r = me
        .post(app.url("/api/booking/choices"))
        .form(&[
            ("item", "MZ-01".to_string()),
            ("center", center.to_string()),
            ("day", far.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("14天"));
    let r = app
        .new_client()
        .post(app.url("/api/booking/create"))
        .form(&[("slot_id", "1"), ("item_code", "MZ-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn holidays_have_no_slots_and_make_up_days_follow_their_weekday() {
    let app = spawn_app().await;
    let (center, sched) = store::schedules(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let cal = app::calendar::model::Calendar::new(app::calendar::model::china_2026());
    let from = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    app::booking::service::make_slots(&app.state.db, center, &sched, &cal, from, 10)
        .await
        .unwrap();
    assert!(
        store::slots_on_day(&app.state.db, center, "2026-10-01")
            .await
            .unwrap()
            .is_empty(),
        "国庆"
    );
    let makeup = store::slots_on_day(&app.state.db, center, "2026-10-10")
        .await
        .unwrap();
    assert_eq!(
        makeup.first().map(|s| s.start.to_string()).as_deref(),
        Some("17:30"),
        "a make-up Saturday runs Friday's evening slots"
    );
}

#[tokio::test]
async fn a_booking_page_puts_time_and_place_first_asks_before_cancelling_and_a_cancelled_one_shows_no_qr(
) {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (center, sched) = app::booking::store::schedules(db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a scheduled centre");
    let slot = app.first_slot_ahead(center).await;
    let (me, _) = app.session_for("13900001111").await;
    let r = post(
        &app,
        &me,
        "/api/booking/create",
        &[
            ("slot_id", slot.to_string()),
            ("item_code", sched.items[0].clone()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let code: String = r.json().await.unwrap();
    let page = |path: String| {
        let me = me.clone();
        let url = app.url(&path);
        async move { me.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("/bookings/{code}")).await;
    let (when, code_at) = (
        html.find("class=\"when\"").unwrap(),
        html.find("class=\"code\"").unwrap(),
    );
    assert!(when < code_at, "time and place come before the code");
    assert!(html.contains("class=\"qr\"") && html.contains("/ics"));
    // Cancel is a link to a confirmation, which writes nothing.
    assert!(html.contains(&format!("/bookings/{code}?cancel=1")));
    let asked = page(format!("/bookings/{code}?cancel=1")).await;
    assert!(asked.contains("确认取消"), "{asked}");
    assert_eq!(app.booking_status(&code).await, "active");
    let r = post(&app, &me, "/api/booking/cancel", &[("code", code.clone())]).await;
    assert_eq!(r.status(), 200);
    let html = page(format!("/bookings/{code}")).await;
    assert!(html.contains("已取消"));
    assert!(
        !html.contains("class=\"qr\""),
        "no QR for a cancelled booking"
    );
    assert!(
        !html.contains("/ics"),
        "no calendar link for a cancelled booking"
    );
    assert!(!html.contains("cancel=1"));
}

#[tokio::test]
async fn book_without_an_item_offers_the_items_that_can_be_booked() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/book").await;
    assert_eq!(status, 200);
    assert!(!html.contains("加载失败"), "{html}");
    assert!(html.contains("/book?item=MZ-01"), "{html}");
}

#[tokio::test]
async fn the_booking_page_offers_my_centre_first_then_streets_folded_and_a_search() {
    let app = spawn_app().await;
    app.demo(&app.new_client(), "staff").await;
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let item = app.desk_slot(3).await.1;
    let html = app.page_as(&resident, &format!("/book?item={item}")).await;
    // Her own community's centre leads, then every centre grouped by street, folded.
    let mine = html.find("您所在社区的服务中心").expect("own centre first");
    let streets = html.find("按街道查找").expect("streets");
    assert!(mine < streets);
    let folded = html.matches("<details class=\"street\"").count();
    assert!(folded >= 10, "{folded} street groups");
    assert!(!html.contains("<details class=\"street\" open"));
    // A search narrows to matching centres, and says how many.
    let street = app.street_of_first_centre().await;
    let html = app
        .page_as(
            &resident,
            &format!("/book?item={item}&q={}", app::util::url_encode(&street)),
        )
        .await;
    assert!(html.contains(&format!("“{street}”找到")), "{html}");
    assert!(!html.contains("<details class=\"street\""));
    let html = app
        .page_as(&resident, &format!("/book?item={item}&q=不存在的地方"))
        .await;
    assert!(html.contains("没有找到。换个字试试"));
    // Signed out: no "own centre", the streets still.
    let (_, html) = app.get_text(&format!("/book?item={item}")).await;
    assert!(!html.contains("您所在社区的服务中心") && html.contains("按街道查找"));
}

#[tokio::test]
async fn a_refused_booking_keeps_the_choice_and_links_to_the_booking_in_the_way() {
    let app = spawn_app().await;
    app.demo(&app.new_client(), "staff").await;
    let slot = app.desk_slot(5).await;
    let (me, code) = app.book_in("13900002222", slot.clone()).await;
    // The same slot again overlaps the first booking.
    let r = me
        .post(app.url("/api/booking/create"))
        .header("accept", "text/html")
        .form(&[
            ("slot_id", slot.0.to_string()),
            ("item_code", slot.1.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let center = app.slot_center(slot.0).await;
    assert!(
        to.contains(&format!("center={center}")) && to.contains("day="),
        "{to}"
    );
    assert!(to.contains(&format!("conflict={code}")), "{to}");
    let html = app.page_as(&me, &to).await;
    assert!(html.contains(&format!("/bookings/{code}")), "{html}");
    assert!(html.contains("查看与它时间冲突的预约"));
    assert!(
        html.contains("id=\"slots\""),
        "the chosen day's slots are shown again"
    );
}

#[tokio::test]
async fn booking_is_reached_from_home_services_me_and_a_centre_s_own_page() {
    let app = spawn_app().await;
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("href=\"/book\""), "home");
    let (_, services) = app.get_text("/services").await;
    assert!(services.contains("href=\"/book\""), "办事");
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let me = app.page_as(&resident, "/me").await;
    assert!(me.contains("href=\"/book\""), "我的");
    let centre = app.first_station_of_kind("center").await;
    let (_, page) = app.get_text(&format!("/station/{centre}")).await;
    assert!(page.contains(&format!("href=\"/book?center={centre}\"")));
    // From there, the items keep the centre chosen.
    let (_, pick) = app.get_text(&format!("/book?center={centre}")).await;
    assert!(
        pick.contains(&format!("&amp;center={centre}\""))
            || pick.contains(&format!("&center={centre}\"")),
        "{pick}"
    );
    // An outdoor point takes no bookings.
    let outdoor = app.first_station_of_kind("outdoor").await;
    let (_, page) = app.get_text(&format!("/station/{outdoor}")).await;
    assert!(!page.contains("/book?center="));
}
