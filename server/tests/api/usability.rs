//! Issue 13 (usability), the parts done so far: what a person sees at each step.

use crate::helpers::{post, spawn_app};

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
    let slot: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM booking_slots WHERE center_id = $1 AND starts_at > $2 AND closed = 0",
    )
    .bind(center)
    .bind(chrono::Utc::now().timestamp() + 3600)
    .fetch_one(&db.pool)
    .await
    .unwrap();
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
    let status: String = sqlx::query_scalar("SELECT status FROM bookings WHERE code = $1")
        .bind(&code)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "active");
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
async fn after_a_check_in_the_desk_names_the_resident_and_the_item() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (slot, item) = app.desk_slot(3).await;
    // Today, late: the desk's own day.
    sqlx::query("UPDATE booking_slots SET day = $1, start_min = 1439 WHERE id = $2")
        .bind(app::time::today())
        .bind(slot)
        .execute(&db.pool)
        .await
        .unwrap();
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
async fn me_shows_what_is_mine_before_the_profile_form() {
    let app = spawn_app().await;
    let (me, _) = app.session_for("13900003333").await;
    let html = app.page_as(&me, "/me").await;
    let bookings = html.find("id=\"my-bookings\"").expect("my bookings");
    let profile = html
        .find("class=\"card profile\"")
        .expect("the profile form");
    assert!(bookings < profile);
}

#[tokio::test]
async fn giving_a_claim_back_asks_first() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let id: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM wishes WHERE status = 'published' AND deadline > $1",
    )
    .bind(app::time::today())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let (vol, _) = app.volunteer("15700004444").await;
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = |path: String| {
        let (vol, url) = (vol.clone(), app.url(&path));
        async move { vol.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("/wishes/{id}")).await;
    assert!(
        html.contains(&format!("/wishes/{id}?release=1")),
        "a link, not a button that acts"
    );
    let asked = page(format!("/wishes/{id}?release=1")).await;
    assert!(asked.contains("确认放弃认领"), "{asked}");
    let status: String = sqlx::query_scalar("SELECT status FROM wishes WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "claimed", "asking changed nothing");
    // After asking to see the contact: a number to call with one tap.
    let r = post(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())]).await;
    assert_eq!(r.status(), 200);
    let html = page(format!("/wishes/{id}")).await;
    assert!(html.contains("href=\"tel:"), "{html}");
}

#[tokio::test]
async fn a_station_page_gives_navigation_first_and_hours_in_plain_words() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let always: Option<i64> =
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE opening_hours = '24/7'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let regular: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM stations WHERE opening_hours LIKE 'Mo-Fr %' OR opening_hours LIKE 'Mo-Sa %'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let raw: String = sqlx::query_scalar("SELECT opening_hours FROM stations WHERE id = $1")
        .bind(regular)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (_, html) = app.get_text(&format!("/station/{regular}")).await;
    assert!(
        html.find("nav-links").unwrap() < html.find("today-hours").unwrap(),
        "导航 first"
    );
    assert!(
        html.contains("class=\"week-summary\"") && html.contains("至"),
        "{html}"
    );
    assert!(
        !html.contains(&format!("<code>{raw}</code>")),
        "no raw opening_hours text"
    );
    if let Some(id) = always {
        let (_, html) = app.get_text(&format!("/station/{id}")).await;
        assert!(html.contains("24小时开放"));
        assert!(
            !html.contains("class=\"week\""),
            "no 7-row table for a 24-hour station"
        );
    }
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
async fn days_say_today_and_tomorrow_and_statuses_follow_the_language() {
    let app = spawn_app().await;
    let (center, _) = app::booking::store::schedules(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a scheduled centre");
    let (_, html) = app
        .get_text(&format!("/book?item=MZ-01&center={center}"))
        .await;
    assert!(html.contains("明天"), "{html}");
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM wishes WHERE status = 'published'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let en = app
        .client
        .get(app.url(&format!("/wishes/{id}")))
        .header("cookie", "linli_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Open") && !en.contains("待认领"), "{en}");
}

#[tokio::test]
async fn signing_in_from_the_booking_page_comes_back_to_it_with_the_choice_kept() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/book?item=MZ-01").await;
    let next = "/book?item=MZ-01";
    let href = format!("/login?next={}", app::util::url_encode(next));
    assert!(
        html.contains(&href.replace('&', "&amp;")) || html.contains(&href),
        "{html}"
    );
    // The next page travels through both steps of the sign-in.
    let c = app.new_client();
    let r = c
        .post(app.url("/api/auth/request-code"))
        .header("accept", "text/html")
        .form(&[("phone", "13800009999"), ("next", next)])
        .send()
        .await
        .unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("&next=%2Fbook%3Fitem%3DMZ-01"), "{to}");
    let code = app.last_code("13800009999").await.unwrap();
    let r = c
        .post(app.url("/api/auth/verify-code"))
        .header("accept", "text/html")
        .form(&[
            ("phone", "13800009999"),
            ("code", code.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], next);
    // Another site is never a destination.
    let r = app
        .new_client()
        .post(app.url("/api/auth/request-code"))
        .header("accept", "text/html")
        .form(&[("phone", "13800009998"), ("next", "//evil.example")])
        .send()
        .await
        .unwrap();
    assert!(!r.headers()["location"].to_str().unwrap().contains("evil"));
}

#[tokio::test]
async fn a_refused_activity_form_comes_back_with_what_was_typed() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let r = staff
        .post(app.url("/api/activities/create"))
        .header("accept", "text/html")
        .form(&[
            ("kind", "red_saturday"),
            ("title", "楼道清理"),
            ("day", "2099-06-01"),
            ("place", "3号楼楼下"),
            ("capacity", "12"),
            ("start", "09:00"),
            ("end", "11:00"),
            ("description", "带好手套"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("err="), "{to}");
    let html = app.page_as(&staff, &to).await;
    assert!(html.contains("星期六"), "the reason is shown: {html}");
    for typed in [
        "value=\"楼道清理\"",
        "value=\"3号楼楼下\"",
        "value=\"12\"",
        "带好手套",
    ] {
        assert!(html.contains(typed), "{typed} kept");
    }
}

#[tokio::test]
async fn staff_have_their_own_navigation_and_residents_do_not() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let html = app.page_as(&staff, "/services").await;
    assert!(
        html.contains("class=\"staff-nav\"") && html.contains("href=\"/desk\""),
        "{html}"
    );
    let (me, _) = app.session_for("13900007777").await;
    let html = app.page_as(&me, "/services").await;
    assert!(!html.contains("class=\"staff-nav\""));
}

#[tokio::test]
async fn a_review_leads_on_to_the_next_waiting_wish() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let staff = app.new_client();
    let s = app.demo(&staff, "staff").await;
    let community = s["community_id"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    let poster = app::accounts::store::upsert_user(db, "15911112222", "发布人", now)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..2 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wishes (community_id, poster_id, category, title, story, needs, value_yuan, \
             deadline, contact, address, status, created_at, updated_at) \
             VALUES ($1, $2, '陪伴', $3, '故事', '需要', 10, '2099-01-01', '15911112222', '某处', 'pending', $4, $4) RETURNING id",
        )
        .bind(community)
        .bind(poster)
        .bind(format!("待审{i}"))
        .bind(now)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    let r = staff
        .post(app.url("/api/wishes/act"))
        .header("accept", "text/html")
        .form(&[("id", ids[0].to_string()), ("action", "approve".into())])
        .send()
        .await
        .unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/wishes/") && !to.starts_with(&format!("/wishes/{}?", ids[0])),
        "{to}"
    );
    let html = app.page_as(&staff, &to).await;
    assert!(html.contains("下一条待审核"), "{html}");
}
