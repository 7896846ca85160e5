//! Extended-hours booking against the real server: the happy path, the denials, and
//! the races (capacity, limits, cancel-and-rebook, reminders) on whichever database.

use crate::helpers::{spawn_app, TestApp};
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
    let community: i64 = sqlx::query_scalar("SELECT community_id FROM stations WHERE id = $1")
        .bind(center)
        .fetch_one(&db.pool)
        .await
        .unwrap();
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
    sqlx::query("UPDATE booking_slots SET capacity = $1 WHERE id = $2")
        .bind(capacity)
        .bind(slot)
        .execute(&db.pool)
        .await
        .unwrap();
    (center, community, slot)
}

async fn book(app: &TestApp, c: &reqwest::Client, slot: i64) -> reqwest::Response {
    c.post(app.url("/api/booking/create"))
        .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
        .send()
        .await
        .unwrap()
}

async fn booked(app: &TestApp, slot: i64) -> (i64, i64) {
    let db = &app.state.db.pool;
    let seats: i64 = sqlx::query_scalar("SELECT booked FROM booking_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(db)
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'",
    )
    .bind(slot)
    .fetch_one(db)
    .await
    .unwrap();
    (seats, rows)
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
    assert_eq!(booked(&app, slot).await, (3, 3));
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
    assert_eq!(booked(&app, slot).await, (3, 3));
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
    let (seats, rows) = booked(&app, slot).await;
    assert_eq!(seats, rows, "the seat count matches the active bookings");
    assert!(seats <= 1);
}

#[tokio::test]
async fn three_active_bookings_at_most_none_overlapping_even_when_raced() {
    let app = spawn_app().await;
    let (center, _, first) = a_slot(&app, 5).await;
    let day: String = sqlx::query_scalar("SELECT day FROM booking_slots WHERE id = $1")
        .bind(first)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let slots: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM booking_slots WHERE center_id = $1 AND day = $2 ORDER BY start_min",
    )
    .bind(center)
    .bind(&day)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
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
    let next: i64 = sqlx::query_scalar(
        "SELECT id FROM booking_slots WHERE center_id = $1 AND day = (SELECT day FROM booking_slots WHERE id = $2) AND id <> $2 ORDER BY start_min",
    )
    .bind(center)
    .bind(slot)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let (me, _) = app.session_for("13300000001").await;
    let code: String = book(&app, &me, slot).await.json().await.unwrap();
    let r = me
        .post(app.url("/api/booking/reschedule"))
        .form(&[("code", code.clone()), ("slot_id", next.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(booked(&app, slot).await, (0, 0));
    assert_eq!(booked(&app, next).await, (1, 1));
    let r = me
        .post(app.url("/api/booking/cancel"))
        .form(&[("code", code.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(booked(&app, next).await, (0, 0));
    // Cancelling twice: 409, nothing changes.
    let r = me
        .post(app.url("/api/booking/cancel"))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(booked(&app, next).await, (0, 0));
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
    sqlx::query("UPDATE booking_slots SET day = $1, start_min = 1439 WHERE id = $2")
        .bind(app::time::today())
        .bind(slot)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
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
    let day: String = sqlx::query_scalar("SELECT day FROM booking_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
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
