//! Micro-projects and Red-Saturday activities against the real server: capacity and
//! the ordered waitlist under concurrency, promotion with a notice, posting by staff
//! only (a refused form keeps what was typed), check-in by QR code on the day (hours and
//! points once, own community only), browsing by date, community and kind in pages, and
//! the roster.

use crate::helpers::{count, post, post_json, race, spawn_app, TestApp};
use app::activities::model::SignupStatus;
use serde_json::Value;

/// An activity in `community` on `day` with `capacity` places, 2 hours, 5 points.
async fn activity(app: &TestApp, community: i64, day: &str, capacity: i64) -> i64 {
    let new = app::activities::model::NewActivity {
        community,
        kind: "red_saturday".into(),
        title: "测试活动".into(),
        day: day.into(),
        place: "广场".into(),
        capacity,
        hours: 2,
        points: 5,
        start: "09:00".into(),
        end: "11:00".into(),
        description: String::new(),
    };
    app::activities::service::create(&app.state.db, &new, None, 0)
        .await
        .unwrap()
}

fn today() -> String {
    app::time::today()
}

#[tokio::test]
async fn sign_ups_never_exceed_capacity_and_the_waitlist_is_promoted_once_in_order() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let act = activity(&app, 1, "2099-01-01", 5).await;
    let mut clients = Vec::new();
    for i in 0..40 {
        clients.push(app.session_for(&format!("1540000{i:04}")).await);
    }
    // All 40 at once; the answers say who got a place.
    let requests = clients
        .iter()
        .map(|(c, _)| {
            c.post(app.url("/api/activities/act"))
                .form(&[("id", act.to_string()), ("action", "sign_up".into())])
        })
        .collect();
    assert_eq!(count(&race(requests).await, 200), 40);
    let list = app::activities::store::signups(db, act).await.unwrap();
    assert_eq!(
        list.iter()
            .filter(|s| s.status == SignupStatus::Confirmed)
            .count(),
        5
    );
    let positions: Vec<i64> = list.iter().map(|s| s.position).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 40, "every sign-up has its own place in line");
    // Two confirmed people withdraw at once: the first two waiting are promoted, once each.
    let firsts: Vec<i64> = list
        .iter()
        .filter(|s| s.status == SignupStatus::Waitlisted)
        .take(2)
        .map(|s| s.user_id)
        .collect();
    let leaving: Vec<i64> = list
        .iter()
        .filter(|s| s.status == SignupStatus::Confirmed)
        .take(2)
        .map(|s| s.user_id)
        .collect();
    let who = |uid: i64| clients.iter().find(|(_, id)| *id == uid).unwrap().0.clone();
    let (a, b) = (who(leaving[0]), who(leaving[1]));
    let url = app.url("/api/activities/act");
    let (ra, rb) = tokio::join!(
        a.post(&url)
            .form(&[("id", act.to_string()), ("action", "withdraw".into())])
            .send(),
        b.post(&url)
            .form(&[("id", act.to_string()), ("action", "withdraw".into())])
            .send()
    );
    assert_eq!(
        (ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()),
        (200, 200)
    );
    let after = app::activities::store::signups(db, act).await.unwrap();
    let now_confirmed: Vec<i64> = after
        .iter()
        .filter(|s| s.status == SignupStatus::Confirmed)
        .map(|s| s.user_id)
        .collect();
    assert_eq!(now_confirmed.len(), 5);
    for f in firsts {
        assert!(
            now_confirmed.contains(&f),
            "the first waiting were promoted"
        );
    }
}

#[tokio::test]
async fn staff_post_activities_and_residents_cannot() {
    let app = spawn_app().await;
    let form = |day: &str| {
        vec![
            ("kind", "red_saturday".to_string()),
            ("title", "红色星期六·楼道清理".to_string()),
            ("day", day.to_string()),
            ("place", "3号楼楼下".to_string()),
            ("capacity", "12".to_string()),
        ]
    };
    let (resident, _) = app.session_for("15000000001").await;
    assert_eq!(
        post(
            &app,
            &resident,
            "/api/activities/create",
            &form("2099-06-06")
        )
        .await
        .status(),
        403
    );
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let r = post(&app, &staff, "/api/activities/create", &form("2020-06-01")).await;
    assert_eq!(r.status(), 400);
    // 红色星期六 on a Monday: refused, saying why.
    let r = post(&app, &staff, "/api/activities/create", &form("2099-06-01")).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("星期六"));
    let r = post(&app, &staff, "/api/activities/create", &form("2099-06-06")).await;
    assert_eq!(r.status(), 200);
    let id: i64 = r.json().await.unwrap();
    let a = app::activities::store::activity(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.capacity, a.kind.as_str()), (12, "red_saturday"));
}

#[tokio::test]
async fn staff_check_volunteers_in_by_qr_on_the_day_once_and_only_in_their_community() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let act = activity(&app, 1, &today(), 1).await;
    let later = activity(&app, 1, "2099-05-01", 3).await;
    let (vol, vid) = app.volunteer("14700000001").await;
    let (waiting, wid) = app.volunteer("14700000002").await;
    for c in [&vol, &waiting] {
        let r = post(
            &app,
            c,
            "/api/activities/act",
            &[("id", act.to_string()), ("action", "sign_up".into())],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    let mine: Value = post_json(
        &app,
        &vol,
        "/api/activities/get",
        &[("id", act.to_string())],
    )
    .await;
    assert_eq!(mine["mine"]["status"], "confirmed");
    let code = mine["mine"]["checkin_code"].as_str().unwrap().to_string();
    assert!(mine["mine"]["qr_svg"].as_str().unwrap().contains("<svg"));
    assert!(
        mine["roster"].as_array().unwrap().is_empty(),
        "volunteers see no roster"
    );
    let w: Value = post_json(
        &app,
        &waiting,
        "/api/activities/get",
        &[("id", act.to_string())],
    )
    .await;
    assert_eq!(w["mine"]["status"], "waitlisted");
    assert_eq!(w["mine"]["waiting_place"], 1);
    assert!(w["mine"]["checkin_code"].is_null(), "no code while waiting");

    // Staff of another community: refused. A resident: refused.
    let (far, _) = app.session_for("14800000009").await;
    app::accounts::admin::grant(db, "14800000009", "staff", Some("2"))
        .await
        .unwrap();
    let scan = format!("LINLI:ACT:{code}");
    for c in [&far, &waiting] {
        let r = post(
            &app,
            c,
            "/api/activities/check-in",
            &[("id", act.to_string()), ("code", scan.clone())],
        )
        .await;
        // Another community's activity answers as one that does not exist.
        assert_eq!(r.status(), 404);
    }
    let (staff, _) = app.session_for("14800000001").await;
    app::accounts::admin::grant(db, "14800000001", "staff", Some("1"))
        .await
        .unwrap();
    let roster: Value = post_json(
        &app,
        &staff,
        "/api/activities/get",
        &[("id", act.to_string())],
    )
    .await;
    let lines = roster["roster"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        !roster.to_string().contains("14700000001"),
        "numbers are masked"
    );
    // A bad code, and a code of another activity.
    let r = post(
        &app,
        &staff,
        "/api/activities/check-in",
        &[("id", act.to_string()), ("code", "nonsense".into())],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &staff,
        "/api/activities/check-in",
        &[("id", later.to_string()), ("code", scan.clone())],
    )
    .await;
    assert_eq!(r.status(), 409);
    // The waitlisted person cannot be checked in.
    let r = post(
        &app,
        &staff,
        "/api/activities/check-in",
        &[("id", act.to_string()), ("user_id", wid.to_string())],
    )
    .await;
    // From the roster (no code) a reason is required.
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &staff,
        "/api/activities/check-in",
        &[
            ("id", act.to_string()),
            ("user_id", wid.to_string()),
            ("reason", "未带手机".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    // Check-in by the scanned QR text, raced five times: once.
    let requests = (0..5)
        .map(|_| {
            staff
                .post(app.url("/api/activities/check-in"))
                .form(&[("id", act.to_string()), ("code", scan.clone())])
        })
        .collect();
    assert_eq!(count(&race(requests).await, 200), 1);
    assert_eq!(app::activities::store::hours_of(db, vid).await.unwrap(), 2);
    assert_eq!(app.points_from_activity(vid, act).await, 5);
    let me: Value = post_json(&app, &vol, "/api/points/me", &[]).await;
    assert_eq!(me["hours"], 2);
    // After check-in there is nothing to withdraw, and no code is shown any more.
    let r = post(
        &app,
        &vol,
        "/api/activities/act",
        &[("id", act.to_string()), ("action", "withdraw".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
    let mine: Value = post_json(
        &app,
        &vol,
        "/api/activities/get",
        &[("id", act.to_string())],
    )
    .await;
    assert_eq!(mine["mine"]["checked_in"], true);
    assert!(mine["mine"]["qr_svg"].is_null());
    // Not on the day: refused.
    post(
        &app,
        &vol,
        "/api/activities/act",
        &[("id", later.to_string()), ("action", "sign_up".into())],
    )
    .await;
    let r = post(
        &app,
        &staff,
        "/api/activities/check-in",
        &[
            ("id", later.to_string()),
            ("user_id", vid.to_string()),
            ("reason", "未带手机".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("当天"));
}

#[tokio::test]
async fn the_first_waiting_person_is_promoted_and_told_and_past_activities_take_no_sign_ups() {
    let app = spawn_app().await;
    let act = activity(&app, 1, "2099-03-01", 1).await;
    let (a, _) = app.volunteer("14600000001").await;
    let (b, _) = app.volunteer("14600000002").await;
    for c in [&a, &b] {
        post(
            &app,
            c,
            "/api/activities/act",
            &[("id", act.to_string()), ("action", "sign_up".into())],
        )
        .await;
    }
    let r = post(
        &app,
        &a,
        "/api/activities/act",
        &[("id", act.to_string()), ("action", "sign_up".into())],
    )
    .await;
    assert_eq!(r.status(), 409, "signed up twice");
    post(
        &app,
        &a,
        "/api/activities/act",
        &[("id", act.to_string()), ("action", "withdraw".into())],
    )
    .await;
    let mine: Value = post_json(&app, &b, "/api/activities/get", &[("id", act.to_string())]).await;
    assert_eq!(mine["mine"]["status"], "confirmed");
    let notices: Value = post_json(&app, &b, "/api/me/notices", &[]).await;
    assert!(
        notices.to_string().contains("候补转为正式报名"),
        "{notices}"
    );
    let past = activity(&app, 1, "2020-01-01", 5).await;
    let r = post(
        &app,
        &a,
        "/api/activities/act",
        &[("id", past.to_string()), ("action", "sign_up".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
    let r = post(
        &app,
        &a,
        "/api/activities/act",
        &[("id", "99999999".into()), ("action", "sign_up".into())],
    )
    .await;
    assert_eq!(r.status(), 404);
    // The page: signed out it offers sign-in, and lists the activity.
    let (status, page) = app.get_text(&format!("/activities/{act}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("测试活动"));
    let (status, _) = app.get_text("/activities/99999999").await;
    assert_eq!(status, 404);
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
async fn activities_are_browsed_by_date_community_and_kind_in_pages_with_the_organiser() {
    let app = spawn_app().await;
    // A community with its centre's phone, and enough activities for two pages.
    let (community, phone) = app.first_centre_with_phone().await;
    let today = app::time::today_local();
    let mut first = None;
    for i in 0..25i64 {
        let day = today + chrono::Duration::days(i % 20);
        let id = app
            .project(community, &format!("翻页活动{i:02}"), day)
            .await;
        first.get_or_insert(id);
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
    let name = app.community_name(community).await;
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
    let id = first.expect("the first activity");
    let (_, html) = app.get_text(&format!("/activities/{id}")).await;
    assert!(html.contains("组织方"));
    assert!(
        html.contains(&format!("href=\"tel:{}\"", phone.replace('-', ""))),
        "{html}"
    );
}

#[tokio::test]
async fn the_roster_is_numbered_once() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let community = me["community_id"]
        .as_i64()
        .expect("demo staff has a community");
    let day = app::time::today_local() + chrono::Duration::days(3);
    let id = app.project(community, "点名册", day).await;
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
