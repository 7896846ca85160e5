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
    .bind(app::time::now_ts() + 3600)
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
    // The week in plain words ("周一至周五 …"): a range where days share their hours,
    // which a week with a public holiday or a make-up day in it may not have.
    let cal = app::calendar::model::Calendar::new(app::calendar::model::china_2026());
    let today = app::time::today_local();
    let monday = today
        - chrono::Duration::days(chrono::Datelike::weekday(&today).num_days_from_monday() as i64);
    let plain_week = (0..7)
        .map(|k| monday + chrono::Duration::days(k))
        .all(|d| cal.get(d).is_none());
    if plain_week {
        assert!(
            html.contains("class=\"week-summary\"") && html.contains("至"),
            "{html}"
        );
    } else {
        assert!(html.contains("today-hours"), "{html}");
    }
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
    let now = app::time::now_ts();
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
    let db = &app.state.db;
    let (street,): (String,) = sqlx::query_as(
        "SELECT s.name FROM streets s JOIN communities c ON c.street_id = s.id \
         JOIN stations st ON st.community_id = c.id AND st.kind = 'center' ORDER BY st.id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
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
    let center: i64 = sqlx::query_scalar("SELECT center_id FROM booking_slots WHERE id = $1")
        .bind(slot.0)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
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
async fn a_rider_without_a_position_sees_no_distances_and_can_name_a_place() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/rider").await;
    assert!(html.contains("还不知道您在哪里"), "{html}");
    assert!(!html.contains("class=\"rider-card\""));
    // The map lists stations, without distances, until a point is given.
    let (_, html) = app.get_text("/map").await;
    assert!(html.contains("还不知道您的位置") && !html.contains("class=\"distance\""));
    // A place by name: an outdoor point's own name.
    let name: String = sqlx::query_scalar(
        "SELECT name FROM stations WHERE kind = 'outdoor' AND opening_hours = '24/7' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let (status, html) = app
        .get_text(&format!("/rider?near={}", app::util::url_encode(&name)))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("距离从“{name}”算起")), "{html}");
    assert!(html.matches("class=\"rider-card\"").count() >= 2);
    // The point's place stays with the filter form.
    assert!(html.contains(&format!("name=\"near\" value=\"{name}\"")));
    // Filters are echoed in words.
    let (_, html) = app
        .get_text(&format!(
            "/rider?near={}&amenity=charging",
            app::util::url_encode(&name)
        ))
        .await;
    assert!(html.contains("已筛选：充电"), "{html}");
    // Nothing matches: said so, and still no distances.
    let (status, html) = app.get_text("/rider?near=不存在的地方").await;
    assert_eq!(status, 200);
    assert!(html.contains("没有找到“不存在的地方”"));
    assert!(!html.contains("class=\"rider-card\""));
    // Too long a place: a Chinese 400.
    let long = "路".repeat(41);
    let (status, html) = app.get_text(&format!("/rider?near={long}")).await;
    assert_eq!(status, 400);
    assert!(html.contains("地点最多40个字"));
}

#[tokio::test]
async fn activities_are_browsed_by_date_community_and_kind_in_pages_with_the_organiser() {
    let app = spawn_app().await;
    let db = &app.state.db;
    // A community with its centre's phone, and enough activities for two pages.
    let (community, phone): (i64, String) = sqlx::query_as(
        "SELECT community_id, phone FROM stations WHERE kind = 'center' AND phone <> '' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let today = app::time::today_local();
    let now = app::time::now_ts();
    for i in 0..25i64 {
        let day = today + chrono::Duration::days(i % 20);
        sqlx::query(
            "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at, start_min, end_min, description) \
             VALUES ($1, 'project', $2, $3, '活动室', 10, 2, 5, $4, 540, 660, '')",
        )
        .bind(community)
        .bind(format!("翻页活动{i:02}"))
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let base = format!("/activities?community={community}&kind=project");
    let (_, p1) = app.get_text(&base).await;
    assert!(
        p1.contains("rel=\"next\"") && !p1.contains("rel=\"prev\""),
        "{p1}"
    );
    let (_, p2) = app.get_text(&format!("{base}&page=2")).await;
    assert!(p2.contains("rel=\"prev\"") && p2.contains("start=\"21\""));
    // Every activity shown on a page is of that community (its name on each line).
    let name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
        .bind(community)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(p1.matches("class=\"station-item\"").count(), 20);
    assert!(p1.matches(name.as_str()).count() >= 20);
    // This weekend: only Saturday and Sunday's.
    let (_, wk) = app.get_text(&format!("{base}&when=weekend")).await;
    for line in wk.split("class=\"station-kind\"").skip(1) {
        let head: String = line.chars().take(40).collect();
        assert!(head.contains("周六") || head.contains("周日"), "{head}");
    }
    let (status, html) = app.get_text("/activities?when=someday").await;
    assert_eq!(status, 400);
    assert!(html.contains("日期范围只能是"));
    // The activity page names the organiser with a number to call.
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM activities WHERE title = '翻页活动00'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (_, html) = app.get_text(&format!("/activities/{id}")).await;
    assert!(html.contains("组织方"));
    assert!(
        html.contains(&format!("href=\"tel:{}\"", phone.replace('-', ""))),
        "{html}"
    );
}

#[tokio::test]
async fn the_desk_switches_days_and_uses_pickers_for_walk_ins_and_the_schedule() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let html = app.page_as(&staff, "/desk").await;
    assert!(html.contains("后一天") && html.contains("前一天"));
    // Walk-ins and schedule items by name, not typed codes.
    assert!(html.contains("<select id=\"walk-item\" name=\"item_code\""));
    assert!(html.contains(">最低生活保障申请</option>"));
    assert!(html.contains("name=\"rows[0][days][1]\""));
    assert!(html.contains("name=\"pick[0]\""));
    let tomorrow = app::time::ymd(app::time::today_local() + chrono::Duration::days(1));
    let html = app.page_as(&staff, &format!("/desk?day={tomorrow}")).await;
    assert!(html.contains("回到今天"));

    // The picker as a browser sends it (brackets percent-encoded): Mon–Fri evenings and
    // Saturday morning, two items ticked.
    let center: i64 = sqlx::query_scalar(
        "SELECT st.id FROM stations st JOIN users u ON u.community_id = st.community_id \
         WHERE u.phone = '19900000003' AND st.kind = 'center'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
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

#[tokio::test]
async fn wishes_nearest_first_without_a_point_ask_for_one() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/wishes?sort=nearest").await;
    assert_eq!(status, 200);
    assert!(html.contains("按距离排序需要知道您在哪里"), "{html}");
    assert!(html.contains("id=\"near-q\""));
    let name: String =
        sqlx::query_scalar("SELECT name FROM stations WHERE kind = 'center' ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (status, html) = app
        .get_text(&format!(
            "/wishes?sort=nearest&near={}",
            app::util::url_encode(&name)
        ))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("距离从“{name}”算起")), "{html}");
    assert!(html.contains(" · 约"), "distances shown: {html}");
}

#[tokio::test]
async fn english_readers_get_english_item_names_and_the_checklist_prints() {
    let app = spawn_app().await;
    let en = app.new_client();
    en.post(app.url("/prefs"))
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    let html = app.page_as(&en, "/services").await;
    assert!(
        html.contains("Minimum living allowance application"),
        "{html}"
    );
    assert!(
        html.contains("Civil Affairs &amp; Veterans") || html.contains("Civil Affairs & Veterans")
    );
    let html = app.page_as(&en, "/services/MZ-01").await;
    assert!(html.contains("<h1>Minimum living allowance application</h1>"));
    assert!(
        html.contains("lang=\"zh-CN\" class=\"lead\">最低生活保障申请"),
        "{html}"
    );
    assert!(html.contains("This guide is published in Chinese"));
    // Chinese stays Chinese.
    let (_, html) = app.get_text("/services/MZ-01").await;
    assert!(html.contains("<h1>最低生活保障申请</h1>"));
    // The checklist: a print button, tick boxes, the jargon explained.
    let (_, html) = app.get_text("/services/MZ-01/checklist").await;
    assert!(html.contains("data-print") && html.contains("打印清单"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("“原件”是证件或材料的原本"));
}

#[tokio::test]
async fn the_roster_is_numbered_once() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let db = &app.state.db;
    let day = app::time::today_local() + chrono::Duration::days(3);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at, start_min, end_min, description) \
         VALUES ((SELECT community_id FROM users WHERE phone = '19900000003'), 'project', '点名册', $1, '活动室', 10, 2, 5, 0, 540, 660, '') RETURNING id",
    )
    .bind(day.format("%Y-%m-%d").to_string())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for phone in ["13900003331", "13900003332"] {
        let (c, _) = app.session_for(phone).await;
        let r = post(
            &app,
            &c,
            "/api/activities/act",
            &[("id", id.to_string()), ("action", "sign_up".into())],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    let html = app.page_as(&staff, &format!("/activities/{id}")).await;
    let roster = &html[html.find("class=\"roster\"").expect("roster")..];
    assert!(roster.contains("<li value=\"1\""), "{roster}");
    assert!(!roster.contains(">1. "), "no second number");
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
    let centre: i64 = sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE kind = 'center'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
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
    let outdoor: i64 = sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE kind = 'outdoor'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let (_, page) = app.get_text(&format!("/station/{outdoor}")).await;
    assert!(!page.contains("/book?center="));
}
