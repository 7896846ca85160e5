//! Pages against the real server: the home page and the tab bar, language and care mode
//! from cookies, preferences, redirects that stay on the site, 404s, the manifest,
//! compression, reading that never writes, no raw message keys, days and statuses in the
//! reader's language, what "me" shows first, and staff's own navigation and pages.

use crate::fixtures::data_version;
use crate::helpers::{post, spawn_app};

#[tokio::test]
async fn the_home_page_renders_in_chinese_with_the_tab_bar() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="zh-CN""#), "{html}");
    assert!(html.contains("name=\"viewport\""));
    for tab in ["地图", "办事", "心愿", "我的"] {
        assert!(html.contains(tab), "tab {tab}");
    }
    // The numbers come from the database, rendered on the server (no JavaScript).
    assert!(html.contains("淄博市10分钟党建生活圈"));
    assert!(html.contains("31个街道、293个社区"));
    assert!(html.contains(">902<") && html.contains(">380<"));
    assert!(html.contains("/manifest.webmanifest"));
    // Nothing is loaded from another origin.
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!html.contains(attr), "third-party resource: {attr}");
    }
}

#[tokio::test]
async fn english_and_care_mode_come_from_cookies() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/"))
        .header("cookie", "linli_lang=en; linli_care=1")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="en" class="care""#),
        "{}",
        &html[..300]
    );
    assert!(html.contains("Zibo") || html.contains("10-minute life circle"));
    assert!(html.contains(">Map<") && html.contains(">Services<"));
}

#[tokio::test]
async fn the_preference_form_sets_a_cookie_and_returns_to_the_page() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/prefs"))
        .form(&[("lang", "en"), ("next", "/me")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/me");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("linli_lang=en;") && cookie.contains("SameSite=Lax"));
    // The client keeps the cookie: the next page is in English.
    let (_, html) = app.get_text("/me").await;
    assert!(html.contains(r#"lang="en""#));

    let r = app
        .client
        .post(app.url("/prefs"))
        .form(&[("care", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let (_, html) = app.get_text("/").await;
    assert!(html.contains(r#"class="care""#));
}

#[tokio::test]
async fn bad_preferences_get_a_chinese_400_and_change_nothing() {
    let app = spawn_app().await;
    for form in [vec![("lang", "fr")], vec![("care", "maybe")], vec![]] {
        let r = app
            .client
            .post(app.url("/prefs"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("set-cookie").is_none());
        let body: serde_json::Value = r.json().await.unwrap();
        let msg = body["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{msg}"
        );
    }
}

#[tokio::test]
async fn redirects_never_leave_the_site() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/prefs"))
        .form(&[("care", "1"), ("next", "//evil.example/x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn an_unknown_page_is_a_chinese_404() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在"));
    assert!(html.contains("回到首页"));
}

#[tokio::test]
async fn the_manifest_and_icons_are_served_by_the_app() {
    let app = spawn_app().await;
    // The site root is only there after the front-end build; the files come from public/.
    let site = std::path::Path::new(&app.state.config.site_root);
    if !site.join("manifest.webmanifest").exists() {
        let public = concat!(env!("CARGO_MANIFEST_DIR"), "/../public");
        let manifest = std::fs::read_to_string(format!("{public}/manifest.webmanifest")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        assert_eq!(v["lang"], "zh-CN");
        return;
    }
    let r = app.get("/manifest.webmanifest").await;
    assert_eq!(r.status(), 200);
    let r = app.get("/icons/icon-192.png").await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn pages_are_compressed_for_weak_networks() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    let r = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

/// Reading never writes: a round of every main page, signed out, as a resident and as
/// staff, leaves the database exactly as it was. SQLite's `data_version`, read on a
/// connection of its own, changes when any other connection commits a write.
#[tokio::test]
async fn reading_pages_never_writes() {
    let app = crate::helpers::spawn_app().await;
    if app.is_postgres() {
        // The property is SQLite's (no GET takes its write lock); PostgreSQL has no
        // per-database counter that other tests running beside this one leave alone.
        return;
    }
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let url = app.state.config.database_url.clone();
    let watcher = app::db::Db::connect(&url, 1).await.unwrap();
    let version = || data_version(&watcher);
    let before = version().await;
    let pages = [
        "/",
        "/map?lat=36.806&lng=118.048&open_now=1",
        "/rider",
        "/station/1",
        "/services",
        "/services?q=dibao",
        "/services/MZ-01",
        "/book?item=MZ-01",
        "/wishes",
        "/wishes/1",
        "/activities",
        "/teams",
        "/points",
        "/me",
        "/desk",
        "/desk/schedule",
        "/api/v1/stations/nearest?lat=36.8&lng=118.05&limit=5",
    ];
    for c in [&app.new_client(), &resident, &staff] {
        for p in pages {
            let r = c.get(app.url(p)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "{p}: {}", r.status());
        }
    }
    // The booking page of a centre with its days and slots is a read too.
    let center = app::booking::store::schedules(&app.state.db).await.unwrap()[0].0;
    let r = resident
        .get(app.url(&format!("/book?item=MZ-01&center={center}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(version().await, before, "a page view wrote to the database");
    // And the watcher does see a write (the check can fail).
    app.demo(&app.new_client(), "volunteer").await;
    assert_ne!(version().await, before);
}

/// No page shows a raw message key (“me.bookings”) to anyone, in either language: every
/// main page, as each kind of user, is searched for every key of the locale files.
#[tokio::test]
async fn no_page_shows_a_raw_message_key_to_anyone_in_either_language() {
    let app = spawn_app().await;
    let keys: std::collections::HashSet<&str> =
        app::i18n::keys_of(include_str!("../../../app/locales/zh-CN.yml"))
            .into_iter()
            .filter(|k| k.contains('.'))
            .collect();
    let mut people = vec![("anonymous", app.new_client())];
    for role in ["resident", "volunteer", "staff", "admin"] {
        let c = app.new_client();
        app.demo(&c, role).await;
        people.push((role, c));
    }
    let pages = [
        "/",
        "/rider",
        "/station/1",
        "/services",
        "/services/MZ-01",
        "/services/MZ-01/checklist",
        "/services/MZ-01/edit",
        "/book",
        "/book?item=MZ-01",
        "/desk",
        "/desk/schedule",
        "/wishes",
        "/wishes/new",
        "/wishes/1",
        "/activities",
        "/activities/1",
        "/teams",
        "/teams/1",
        "/points",
        "/me",
        "/login",
        "/volunteers",
        "/admin",
    ];
    for (who, c) in &people {
        for lang in ["zh-CN", "en"] {
            for page in pages {
                let html = c
                    .get(app.url(page))
                    .header("cookie", format!("linli_lang={lang}"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                for key in &keys {
                    for shape in [
                        format!(">{key}<"),
                        format!(">{key} "),
                        format!(" {key}<"),
                        format!("\"{key}\""),
                    ] {
                        assert!(
                            !html.contains(&shape),
                            "{who} ({lang}) sees the raw key {key} on {page}"
                        );
                    }
                }
            }
        }
    }
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
    let id = app.first_wish_with_status("published").await;
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
async fn the_staff_pages_render_for_their_people_and_refuse_others() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (vol, vid) = app.session_for("15799990001").await;
    app::accounts::store::set_volunteer(&app.state.db, vid, true, None)
        .await
        .unwrap();
    app::accounts::store::set_profile(&app.state.db, vid, "待核验的志愿者", {
        app::accounts::store::user_by_phone(&app.state.db, "19900000003")
            .await
            .unwrap()
            .unwrap()
            .community_id
    })
    .await
    .unwrap();
    let html = app.page_as(&staff, "/volunteers").await;
    assert!(
        html.contains("待核验的志愿者") && html.contains("real_name"),
        "{html}"
    );
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let html = app.page_as(&admin, "/admin").await;
    assert!(html.contains("操作记录"), "{html}");
    // A resident gets neither.
    let html = app.page_as(&vol, "/admin").await;
    assert!(!html.contains("操作记录"));
    assert_eq!(
        post(&app, &vol, "/api/admin/overview", &[]).await.status(),
        403
    );
}

/// Without a point (and without scripts) home offers what works: the place box and the
/// city's streets as links, and a list in a clear order — by street, open ones first.
#[tokio::test]
async fn with_no_point_home_offers_the_streets_and_lists_by_street_open_first() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("或按街道选择") && html.contains("id=\"near-q\""),
        "{html}"
    );
    assert_eq!(
        html.matches("href=\"/map?near=").count(),
        31,
        "one link per street"
    );
    let list = &html[html.find("id=\"station-list\"").expect("a list")..];
    let list = &list[..list.find("</ol>").expect("closed")];
    let items: Vec<(String, bool)> = list
        .split("<li class=\"station-item")
        .skip(1)
        .map(|li| {
            let street = li
                .split("<span class=\"street\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .expect("each item says its street")
                .to_string();
            (street, li.contains("status open"))
        })
        .collect();
    assert_eq!(items.len(), 10, "{list}");
    for w in items.windows(2) {
        assert!(w[0].0 <= w[1].0, "by street: {items:?}");
        if w[0].0 == w[1].0 {
            assert!(w[0].1 || !w[1].1, "open first within a street: {items:?}");
        }
    }
    // No distance is shown from a point nobody gave.
    assert!(!list.contains("class=\"distance\""));
    // A street's link sets the place: distances are then measured from there.
    let first = html
        .split("href=\"/map?near=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a street link")
        .to_string();
    let (status, html) = app.get_text(&format!("/map?near={first}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"distance\""), "{html}");
}
