//! The service desk against the real server: check-in on the booking's own day,
//! closing and reopening slots (audited, the residents texted through the outbox, no
//! deadlock beside cancellations), walk-ins, the desk's day switcher and the schedule
//! picker, and the resident named after a check-in.

use crate::helpers::{post, race, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn staff_actions_at_the_desk_are_audited_and_texts_are_queued() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"]
        .as_i64()
        .expect("demo staff has a community");
    // The desk user needs the demo staff to exist before the slot is chosen.
    let (slot, item) = app.desk_slot(5).await;
    let (_, code) = app.book_in("13244440001", (slot, item.clone())).await;
    let (_, code2) = app.book_in("13244440002", (slot, item.clone())).await;
    // A booking for another day is not checked in (it would record a visit that did
    // not happen); on its day it is, and audited.
    let mark = |code: String| {
        let (app, staff) = (&app, &staff);
        async move {
            post(
                app,
                staff,
                "/api/desk/mark",
                &[("code", code), ("action", "check_in".into())],
            )
            .await
            .status()
            .as_u16()
        }
    };
    if app.slot_day(slot).await != app::time::today() {
        assert_eq!(mark(code2.clone()).await, 409);
        assert_eq!(app.booking_status(&code2).await, "active");
        // Moved to today for the test (no other slot of that centre starts then).
        app.move_slot_to_tonight(slot).await;
    }
    assert_eq!(mark(code2).await, 200);
    assert_eq!(app.audit_count("desk_check_in").await, 1);
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", slot.to_string()), ("reason", "停电".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.audit_count("close_slot").await, 1);
    // The residents' texts were queued with the closing, and go out once.
    assert_eq!(
        app.texts_queued("slot_closed").await,
        1,
        "the resident still booked; the one checked in is not cancelled"
    );
    let texts: Vec<Value> = app
        .sent_sms()
        .await
        .into_iter()
        .filter(|m| m["purpose"] == "slot_closed")
        .collect();
    assert_eq!(texts.len(), 1);
    assert!(texts
        .iter()
        .any(|m| m["text"].as_str().unwrap().contains(&code)));
    let r = post(
        &app,
        &staff,
        "/api/desk/reopen-slot",
        &[("slot_id", slot.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.audit_count("reopen_slot").await, 1);
    let r = post(&app, &staff, "/api/desk/walk-in", &[("item_code", item)]).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(app.audit_count("walk_in").await, 1);
    // Another centre's slot answers exactly as one that does not exist.
    let other = app.slot_outside(own).await;
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", other.to_string()), ("reason", "x".into())],
    )
    .await;
    let unknown = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", "99999999".into()), ("reason", "x".into())],
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.status(), unknown.status());
    assert_eq!(r.text().await.unwrap(), unknown.text().await.unwrap());
    // A slot that has begun cannot be closed.
    // tamper: the clock moves past the slot's start.
    sqlx::query("UPDATE booking_slots SET starts_at = 1 WHERE id = $1")
        .bind(slot)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.state.db.wrote();
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", slot.to_string()), ("reason", "太晚".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
}

/// Closing a slot while its residents cancel: every transaction takes the slot's row
/// first, so there is no deadlock and no 500, and the count ends exact.
#[tokio::test]
async fn closing_a_slot_while_residents_cancel_gives_no_deadlock_and_no_500() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (slot, item) = app.desk_slot(20).await;
    let mut people = Vec::new();
    for i in 0..20 {
        people.push(
            app.book_in(&format!("132555{i:05}"), (slot, item.clone()))
                .await,
        );
    }
    let mut requests: Vec<reqwest::RequestBuilder> = people
        .iter()
        .map(|(c, code)| {
            c.post(app.url("/api/booking/cancel"))
                .form(&[("code", code.as_str())])
        })
        .collect();
    requests.insert(
        10,
        staff
            .post(app.url("/api/desk/close-slot"))
            .form(&[("slot_id", slot.to_string()), ("reason", "临时停电".into())]),
    );
    let statuses = race(requests).await;
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], 200, "the closing itself goes through");
    assert_eq!(app.slot_seats(slot).await, (0, 0));
}

#[tokio::test]
async fn after_a_check_in_the_desk_names_the_resident_and_the_item() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (slot, item) = app.desk_slot(3).await;
    // Today, late: the desk's own day.
    app.move_slot_to_tonight(slot).await;
    let (me, uid) = app.session_for("13900002222").await;
    app::accounts::store::set_profile(db, uid, "赵阿姨", None)
        .await
        .unwrap();
    let code: String = post(
        &app,
        &me,
        "/api/booking/create",
        &[("slot_id", slot.to_string()), ("item_code", item)],
    )
    .await
    .json()
    .await
    .unwrap();
    let r = staff
        .post(app.url("/api/desk/mark"))
        .header("accept", "text/html")
        .form(&[("code", code.as_str()), ("action", "check_in")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/desk?marked="), "{to}");
    let html = app.page_as(&staff, &to).await;
    assert!(
        html.contains("id=\"marked\"") && html.contains("赵阿姨"),
        "{html}"
    );
    assert!(html.contains("autofocus"));
    // A code that is not today's list names nobody.
    let html = app.page_as(&staff, "/desk?marked=ZZZZZZ").await;
    assert!(!html.contains("id=\"marked\""));
}

#[tokio::test]
async fn the_desk_switches_days_and_uses_pickers_for_walk_ins_and_the_schedule() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"]
        .as_i64()
        .expect("demo staff has a community");
    let html = app.page_as(&staff, "/desk").await;
    assert!(html.contains("后一天") && html.contains("前一天"));
    // Walk-ins and schedule items by name, not typed codes.
    assert!(html.contains("<select id=\"walk-item\" name=\"item_code\""));
    assert!(html.contains(">最低生活保障申请</option>"));
    // The schedule has its own page, named from the desk.
    assert!(
        !html.contains("name=\"rows[0][days][1]\""),
        "no editor on the desk"
    );
    assert!(html.contains("href=\"/desk/schedule\""));
    let html = app.page_as(&staff, "/desk/schedule").await;
    assert!(html.contains("name=\"rows[0][days][1]\""));
    assert!(html.contains("name=\"pick[0]\""));
    // Residents get the page's refusal, not the form.
    let (resident, _) = app.session_for("13944440009").await;
    let r = resident
        .get(app.url("/desk/schedule"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains("rows[0][days][1]"));
    let tomorrow = app::time::ymd(app::time::today_local() + chrono::Duration::days(1));
    let html = app.page_as(&staff, &format!("/desk?day={tomorrow}")).await;
    assert!(html.contains("回到今天"));

    // The picker as a browser sends it (brackets percent-encoded): Mon–Fri evenings and
    // Saturday morning, two items ticked.
    let center = app.centre_of(own).await;
    let mut form: Vec<(String, String)> = vec![
        ("windows".into(), String::new()),
        ("items".into(), String::new()),
        ("slot_minutes".into(), "30".into()),
        ("capacity".into(), "2".into()),
        ("pick[0]".into(), "MZ-01".into()),
        ("pick[3]".into(), "MZ-02".into()),
        ("rows[0][start]".into(), "17:30".into()),
        ("rows[0][end]".into(), "20:00".into()),
        ("rows[1][days][6]".into(), "6".into()),
        ("rows[1][start]".into(), "09:00".into()),
        ("rows[1][end]".into(), "12:00".into()),
        ("rows[2][start]".into(), String::new()),
        ("rows[2][end]".into(), String::new()),
    ];
    for d in 1..=5 {
        form.push((format!("rows[0][days][{d}]"), d.to_string()));
    }
    let r = staff
        .post(app.url("/api/desk/schedule"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    assert_eq!(status, 200, "{}", r.text().await.unwrap());
    let s = app::booking::store::schedule(&app.state.db, center)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        s.windows,
        app::booking::model::parse_windows("1-5 17:30-20:00\n6 09:00-12:00").unwrap()
    );
    assert_eq!(s.items, vec!["MZ-01".to_string(), "MZ-02".to_string()]);
    // A row with times but no weekday: a 400 naming the row, nothing changed.
    let bad: Vec<(String, String)> = vec![
        ("windows".into(), String::new()),
        ("items".into(), String::new()),
        ("slot_minutes".into(), "30".into()),
        ("capacity".into(), "2".into()),
        ("pick[0]".into(), "MZ-01".into()),
        ("rows[0][start]".into(), "17:30".into()),
        ("rows[0][end]".into(), "20:00".into()),
    ];
    let r = staff
        .post(app.url("/api/desk/schedule"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("时段1"));
    let again = app::booking::store::schedule(&app.state.db, center)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, s);
}

/// A new schedule reaches the slots already made: fewer seats apply at once (never below
/// the bookings already made, which are kept), and a window that is gone takes its
/// slots with it — deleted if nobody booked them, else closed with every holder told.
#[tokio::test]
async fn a_schedule_change_reaches_the_slots_already_made() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (slot_id, item) = app.desk_slot(3).await;
    let (_, first) = app.book_in("13511110001", (slot_id, item.clone())).await;
    let (_, second) = app.book_in("13511110002", (slot_id, item.clone())).await;
    let db = &app.state.db;
    let center = app.slot_center(slot_id).await;
    let slot = |id: i64| {
        let db = db.clone();
        async move { app::booking::store::slot(&db, id).await.unwrap() }
    };
    let old = app::booking::store::schedule(db, center)
        .await
        .unwrap()
        .unwrap();
    let save = |windows: String, capacity: u32| {
        let (app, staff, item) = (&app, &staff, item.clone());
        async move {
            post(
                app,
                staff,
                "/api/desk/schedule",
                &[
                    ("windows", windows),
                    ("items", item),
                    ("slot_minutes", old_minutes(app, center).await.to_string()),
                    ("capacity", capacity.to_string()),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    // Fewer seats: the booked slot keeps its two bookings (2 seats, none left); an
    // unbooked slot ahead has one.
    let windows = app::booking::model::format_windows(&old.windows);
    assert_eq!(save(windows, 1).await, 200);
    let s = slot(slot_id).await.unwrap();
    assert_eq!((s.capacity, s.booked, s.seats_left()), (2, 2, 0));
    assert_eq!(app.booking_status(&first).await, "active");
    let now = app::time::now_ts();
    let mut conn = db.pool.acquire().await.unwrap();
    let ahead = app::booking::store::future_slots(&mut conn, center, now)
        .await
        .unwrap();
    drop(conn);
    assert!(
        ahead
            .iter()
            .filter(|x| x.id != slot_id)
            .all(|x| x.capacity == 1),
        "{ahead:?}"
    );
    // The booked slot's window goes: it is closed, both holders are told; the window's
    // unbooked slots are gone; the new window's slots are there.
    let new_window = if s.start.minutes() < 12 * 60 {
        "1-7 13:00-14:00"
    } else {
        "1-7 08:00-09:00"
    };
    let texts_before = app.sent_sms().await.len();
    assert_eq!(save(new_window.to_string(), 1).await, 200);
    let s = slot(slot_id).await.unwrap();
    assert!(s.closed, "{s:?}");
    for code in [&first, &second] {
        assert_eq!(app.booking_status(code).await, "cancelled");
    }
    let texts = app.sent_sms().await;
    let told: Vec<_> = texts[texts_before..]
        .iter()
        .filter(|m| m["purpose"] == "slot_closed")
        .map(|m| m["phone"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        told.contains(&"13511110001".to_string()) && told.contains(&"13511110002".to_string()),
        "{told:?}"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    let ahead = app::booking::store::future_slots(&mut conn, center, app::time::now_ts())
        .await
        .unwrap();
    let wanted = app::booking::model::parse_windows(new_window).unwrap();
    let (a, b) = (
        app::booking::model::minutes(&wanted[0].start).unwrap(),
        app::booking::model::minutes(&wanted[0].end).unwrap(),
    );
    assert!(!ahead.is_empty(), "the new window's slots are made");
    assert!(
        ahead
            .iter()
            .all(|x| x.start.minutes() >= a && x.end.minutes() <= b),
        "no open slot of the old windows is left: {ahead:?}"
    );
    assert_eq!(
        app.audit_count_on("set_schedule", &format!("schedule:{center}"))
            .await,
        2
    );
}

/// The slot length of a centre's schedule now.
async fn old_minutes(app: &crate::helpers::TestApp, center: i64) -> u32 {
    app::booking::store::schedule(&app.state.db, center)
        .await
        .unwrap()
        .unwrap()
        .slot_minutes
}
