//! Stations and the life-circle map against the real server: nearest with filters, the
//! open API, station pages (navigation first, hours in plain words), the rider's page
//! without a position, station edits by staff (versioned) and their hours with a
//! preview and special dates, which riders see at once.

use crate::helpers::{post, spawn_app};
use app::stations::coords::wgs84_to_gcj02;
use app::stations::model::{distance_m, LatLng};
use serde_json::Value;

async fn json(app: &crate::helpers::TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

const ZIBO: (f64, f64) = (36.806, 118.048);

#[tokio::test]
async fn nearest_is_sorted_by_distance_and_carries_walk_minutes() {
    let app = spawn_app().await;
    let (s, v) = json(
        &app,
        &format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=8",
            ZIBO.0, ZIBO.1
        ),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"].as_array().unwrap();
    assert_eq!(f.len(), 8);
    let d: Vec<f64> = f
        .iter()
        .map(|x| x["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    for x in f {
        let c = x["geometry"]["coordinates"].as_array().unwrap();
        let (lng, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (117.0..119.0).contains(&lng) && (36.0..37.5).contains(&lat),
            "[lng, lat] order"
        );
        let p = &x["properties"];
        for key in [
            "id",
            "kind",
            "name",
            "address",
            "amenities",
            "opening_hours",
            "open_now",
            "next_change",
            "walk_minutes",
        ] {
            assert!(p.get(key).is_some(), "{key}");
        }
        let real = distance_m(
            LatLng {
                lat: ZIBO.0,
                lng: ZIBO.1,
            },
            LatLng { lat, lng },
        );
        assert!((real - p["distance_m"].as_f64().unwrap()).abs() <= 1.0);
    }
}

#[tokio::test]
async fn open_now_skips_closed_stations_and_still_returns_k() {
    let app = spawn_app().await;
    // 03:00 on a Thursday: only round-the-clock stations are open.
    let at = "2026-11-26T03:00:00%2B08:00";
    let (_, all) = json(
        &app,
        &format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=5&at={at}",
            ZIBO.0, ZIBO.1
        ),
    )
    .await;
    let (_, open) = json(
        &app,
        &format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=5&open_now=true&at={at}",
            ZIBO.0, ZIBO.1
        ),
    )
    .await;
    let open = open["features"].as_array().unwrap();
    assert_eq!(open.len(), 5);
    assert!(open.iter().all(|f| f["properties"]["open_now"] == true));
    assert!(open
        .iter()
        .all(|f| f["properties"]["opening_hours"] == "24/7"));
    // The unfiltered nearest include closed ones, so the filter really skipped some.
    assert!(all["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["open_now"] == false));
}

#[tokio::test]
async fn amenity_and_kind_filters_hold_for_every_result() {
    let app = spawn_app().await;
    let (_, v) = json(
        &app,
        &format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=20&kind=outdoor&amenity=water,microwave",
            ZIBO.0, ZIBO.1
        ),
    )
    .await;
    let f = v["features"].as_array().unwrap();
    assert_eq!(f.len(), 20);
    for x in f {
        assert_eq!(x["properties"]["kind"], "outdoor");
        let a: Vec<&str> = x["properties"]["amenities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert!(a.contains(&"water") && a.contains(&"microwave"));
    }
}

#[tokio::test]
async fn public_holidays_close_stations_that_say_ph_off() {
    let app = spawn_app().await;
    let (_, v) = json(
        &app,
        "/api/v1/stations?kind=center&open_now=true&at=2026-10-01T10:00:00%2B08:00",
    )
    .await;
    assert_eq!(
        v["features"].as_array().unwrap().len(),
        0,
        "国庆: every centre says PH off"
    );
    let (_, v) = json(
        &app,
        "/api/v1/stations?kind=center&open_now=true&at=2026-10-09T10:00:00%2B08:00",
    )
    .await;
    assert_eq!(v["features"].as_array().unwrap().len(), 293);
    // Saturday 10 October is a make-up working day: centres follow it with Friday's hours.
    let (_, v) = json(
        &app,
        "/api/v1/stations?kind=center&open_now=true&at=2026-10-10T15:00:00%2B08:00",
    )
    .await;
    assert_eq!(v["features"].as_array().unwrap().len(), 293);
}

#[tokio::test]
async fn the_geojson_export_lists_every_station() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/stations").await;
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["features"].as_array().unwrap().len(),
        293 + 902 + 380 + app::demo::PLAZAS
    );
}

#[tokio::test]
async fn one_station_and_a_missing_one() {
    let app = spawn_app().await;
    let (s, v) = json(&app, "/api/v1/stations/1").await;
    assert_eq!(s, 200);
    assert_eq!(v["type"], "Feature");
    assert_eq!(v["properties"]["id"], 1);
    let (s, v) = json(&app, "/api/v1/stations/999999").await;
    assert_eq!(s, 404);
    assert!(v["message"].as_str().unwrap().contains("未找到"));
    let (s, _) = json(&app, "/api/v1/stations/abc").await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn bad_parameters_get_a_clear_400() {
    let app = spawn_app().await;
    for (q, needle) in [
        ("lat=91&lng=118", "纬度"),
        ("lat=36.8&lng=118&limit=1000000000", "limit"),
        ("lat=36.8&lng=118&amenity=sauna", "sauna"),
        ("lat=36.8&lng=118&at=yesterday", "RFC 3339"),
        ("lat=36.8", "纬度"),
        ("lng=118", "纬度"),
        ("lat=36.8&lng=118&colour=red", "colour"),
    ] {
        let (s, v) = json(&app, &format!("/api/v1/stations/nearest?{q}")).await;
        assert_eq!(s, 400, "{q}");
        assert!(v["message"].as_str().unwrap().contains(needle), "{q}: {v}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_endpoints() {
    let app = spawn_app().await;
    let (s, v) = json(&app, "/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    assert_eq!(v["openapi"], "3.1.0");
    for p in [
        "/api/v1/stations",
        "/api/v1/stations/nearest",
        "/api/v1/stations/{id}",
    ] {
        assert!(v["paths"][p]["get"].is_object(), "{p}");
    }
}

#[tokio::test]
async fn the_index_follows_station_edits_made_through_another_process() {
    let mut app = spawn_app().await;
    let staff = app.new_client();
    let s = app.demo(&staff, "staff").await;
    let community = s["community_id"].as_i64().unwrap();
    let id = app.centre_of(community).await;
    // Warm this process's cache, then edit through the same process.
    let (_, before) = json(&app, &format!("/api/v1/stations/{id}")).await;
    let r = staff
        .post(app.url("/api/stations/update"))
        .form(&[
            ("station_id", id.to_string().as_str()),
            ("phone", "0533-6666666"),
            ("amenities", "microwave"),
            ("version", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, after) = json(&app, &format!("/api/v1/stations/{id}")).await;
    assert_ne!(
        before["properties"]["amenities"],
        after["properties"]["amenities"]
    );
    assert_eq!(
        after["properties"]["amenities"],
        serde_json::json!(["microwave"])
    );
    // A second process (a restart on the same database) sees the same.
    app.restart().await;
    let (_, again) = json(&app, &format!("/api/v1/stations/{id}")).await;
    assert_eq!(again["properties"]["phone"], "0533-6666666");
}

#[tokio::test]
async fn the_map_page_lists_stations_without_javascript() {
    let app = spawn_app().await;
    let (s, html) = app
        .get_text(&format!(
            "/map?lat={}&lng={}&kind=outdoor&amenity=water",
            ZIBO.0, ZIBO.1
        ))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"station-list\""));
    assert!(html.contains("步行约"));
    assert!(html.matches("class=\"station-item").count() >= 5);
    assert!(html.contains("id=\"stations-data\""));
    let bad = app.get_text("/map?lat=95&lng=118").await;
    assert!(bad.1.contains("纬度"));
}

#[tokio::test]
async fn station_pages_link_to_map_apps_in_their_coordinate_systems() {
    let app = spawn_app().await;
    let st = app::stations::store::station(&app.state.db, 1)
        .await
        .unwrap()
        .unwrap();
    let (s, html) = app.get_text("/station/1").await;
    assert_eq!(s, 200);
    assert!(html.contains(&st.name));
    let (glat, glng) = wgs84_to_gcj02(st.lat, st.lng);
    assert!(
        html.contains(&format!("uri.amap.com/navigation?to={glng:.6},{glat:.6}")),
        "Amap gets GCJ-02"
    );
    assert!(
        html.contains("coord_type=wgs84"),
        "Baidu is told the system"
    );
    assert!(html.contains(&format!("geo:{:.6},{:.6}", st.lat, st.lng)));
    let (s, html) = app.get_text("/station/999999").await;
    assert_eq!(s, 404);
    assert!(
        html.contains("未找到"),
        "{}",
        &html[html.len().saturating_sub(3000)..]
    );
}

#[tokio::test]
async fn only_map_pages_allow_the_tile_server() {
    let app = spawn_app().await;
    let csp = |r: &reqwest::Response| {
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let map = app.get("/map").await;
    assert!(csp(&map).contains("img-src 'self' data: https://tile.openstreetmap.org"));
    let me = app.get("/me").await;
    assert!(!csp(&me).contains("openstreetmap"));
}

#[tokio::test]
async fn a_station_edit_based_on_an_old_version_is_refused() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"]
        .as_i64()
        .expect("demo staff has a community");
    let station = app.first_station_of(own).await;
    let save = |phone: &str, version: &str| {
        let (app, staff) = (&app, &staff);
        let form = vec![
            ("station_id", station.to_string()),
            ("phone", phone.to_string()),
            ("amenities", "water".to_string()),
            ("version", version.to_string()),
        ];
        async move {
            post(app, staff, "/api/stations/update", &form)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(save("0533-1111111", "0").await, 200);
    // A colleague who opened the form at version 0 does not overwrite it.
    assert_eq!(save("0533-2222222", "0").await, 409);
    assert_eq!(app.station_phone(station).await, "0533-1111111");
}

#[tokio::test]
async fn a_station_page_gives_navigation_first_and_hours_in_plain_words() {
    let app = spawn_app().await;
    let always = app.first_station_with_hours(None, "24/7").await;
    let regular = app.first_station_with_weekday_hours().await;
    let raw = app.station_hours(regular).await;
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
async fn a_rider_without_a_position_sees_no_distances_and_can_name_a_place() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/rider").await;
    assert!(html.contains("还不知道您在哪里"), "{html}");
    assert!(!html.contains("class=\"rider-card\""));
    // The map lists stations, without distances, until a point is given.
    let (_, html) = app.get_text("/map").await;
    assert!(html.contains("还不知道您的位置") && !html.contains("class=\"distance\""));
    // A place by name: an outdoor point's own name.
    let point = app
        .first_station_with_hours(Some("outdoor"), "24/7")
        .await
        .expect("an outdoor point open all day");
    let name = app.station_name(point).await;
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

/// Staff edit a station's hours with a 14-day preview, add special dates, and the rider
/// sees the change at once; staff of another community are refused everywhere.
#[tokio::test]
async fn staff_keep_hours_true_and_riders_see_the_change_at_once() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"].as_i64().unwrap();
    let id = app.first_station_of(own).await;
    let saved_hours = app.station_hours(id).await;

    // A preview is a GET: 14 days shown, nothing saved.
    let html = app
        .page_as(
            &staff,
            &format!("/station/{id}/hours?hours=Mo-Fr%2008:00-09:00%3B%20PH%20off"),
        )
        .await;
    assert!(html.contains("这是预览"), "{html}");
    // Monday to Friday open 08:00-09:00 except public holidays (a make-up working day
    // opens too where the station follows them), the rest closed: counted from the
    // calendar, so the check holds on whatever fortnight the suite runs in.
    let cal = app::calendar::model::Calendar::new(app::calendar::model::china_2026());
    let today = app::time::today_local();
    let window: Vec<chrono::NaiveDate> =
        (0..14).map(|k| today + chrono::Duration::days(k)).collect();
    let weekday = |d: &chrono::NaiveDate| chrono::Datelike::weekday(d).number_from_monday() <= 5;
    let plain = window
        .iter()
        .filter(|d| weekday(d) && !cal.is_holiday(**d))
        .count();
    let makeup = window
        .iter()
        .filter(|d| cal.makeup_as(**d).is_some())
        .count();
    let open_days = html.matches("<td>08:00-09:00").count();
    assert!(
        (plain..=plain + makeup).contains(&open_days),
        "{open_days} days open, {plain} weekdays that are not holidays, {makeup} make-up days"
    );
    assert!(
        html.matches("<td>不开放").count() >= 14 - open_days,
        "every other day of the fortnight closed"
    );
    assert_eq!(app.station_hours(id).await, saved_hours);
    // Bad syntax: said on the page, no preview, no save button.
    let html = app
        .page_as(&staff, &format!("/station/{id}/hours?hours=every%20day"))
        .await;
    assert!(html.contains("role=\"alert\"") && !html.contains("保存营业时间"));
    // Written as staff write them: read into the one syntax, shown beside the words, and
    // that is what the save form carries.
    let html = app
        .page_as(
            &staff,
            &format!(
                "/station/{id}/hours?hours={}",
                app::util::url_encode("周一至周五 8:00-9:00，节假日闭馆")
            ),
        )
        .await;
    assert!(
        html.contains("读作") && html.contains("<code>Mo-Fr 08:00-09:00; PH off</code>"),
        "{html}"
    );
    assert!(
        html.contains(r#"name="opening_hours" value="Mo-Fr 08:00-09:00; PH off""#),
        "{html}"
    );
    assert_eq!(app.station_hours(id).await, saved_hours);

    // Save 24/7: the rider's "open now" follows.
    let v = app.station_version(id).await;
    let set = |hours: &str, version: i64| {
        vec![
            ("station_id", id.to_string()),
            ("version", version.to_string()),
            ("opening_hours", hours.to_string()),
        ]
    };
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/set",
            &set("every day", v)
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/set", &set("24/7", v))
            .await
            .status(),
        200
    );
    assert_eq!(app.open_now(id).await, Some(true));
    // A form filled before that save is stale.
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/set",
            &set("Mo-Fr 08:00-17:00", v)
        )
        .await
        .status(),
        409
    );

    // Saved in words: stored as read.
    let v = app.station_version(id).await;
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/set",
            &set("全天24小时开放", v)
        )
        .await
        .status(),
        200
    );
    assert_eq!(app.station_hours(id).await, "24/7");
    let v = app.station_version(id).await;
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/set", &set("看情况", v))
            .await
            .status(),
        400
    );

    // Closed for repairs today: closed now, for the rider too; removing it reopens.
    let today = app::time::today();
    let special = vec![
        ("station_id", id.to_string()),
        ("from", today.clone()),
        ("to", today.clone()),
        ("hours", String::new()),
        ("note", "闭馆维修".to_string()),
    ];
    let r = post(&app, &staff, "/api/stations/hours/special/add", &special).await;
    assert_eq!(r.status(), 200);
    let special_id = r.json::<i64>().await.unwrap();
    assert_eq!(app.open_now(id).await, Some(false));
    let page = app.get_text(&format!("/station/{id}")).await.1;
    assert!(page.contains("闭馆维修"), "residents see the special date");
    let (lat, lng) = app.station_position(id).await;
    let near: Value = app
        .get(&format!(
            "/api/v1/stations/nearest?lat={lat}&lng={lng}&limit=1&open_now=true"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(near["features"][0]["properties"]["id"].as_i64(), Some(id));
    // Bad ranges are refused.
    let mut bad = special.clone();
    bad[4].1 = String::new();
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/special/add", &bad)
            .await
            .status(),
        400
    );
    let mut bad = special.clone();
    bad[3].1 = "9-12".into();
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/special/add", &bad)
            .await
            .status(),
        400
    );
    // Days outside 2000–2100 are refused: no range can make the station's rule
    // unparseable (one at +99999 once left `open_now` null).
    for (field, day) in [
        (1, "+99999-01-01"),
        (2, "+99999-12-31"),
        (2, "99999-12-31"),
        (1, "1999-12-31"),
    ] {
        let mut bad = special.clone();
        bad[field].1 = day.into();
        let r = post(&app, &staff, "/api/stations/hours/special/add", &bad).await;
        assert_eq!(r.status(), 400, "{day}");
    }
    // At most MAX_SPECIALS_AHEAD ranges ahead (today's counts); the next is refused.
    let cap = app::stations::hours::model::MAX_SPECIALS_AHEAD;
    for k in 1..=cap {
        let day = app::time::ymd(app::time::today_local() + chrono::Duration::days(k));
        let mut one = special.clone();
        one[1].1 = day.clone();
        one[2].1 = day;
        one[4].1 = format!("活动{k}");
        let r = post(&app, &staff, "/api/stations/hours/special/add", &one).await;
        let want = if k < cap { 200 } else { 400 };
        assert_eq!(r.status(), want, "range {k} of {cap}");
    }
    assert_eq!(
        app.open_now(id).await,
        Some(false),
        "the rule still evaluates"
    );

    // Staff of another community: refused everywhere, nothing changes.
    let other_station = app.first_station_outside(own).await;
    let ov = app.station_version(other_station).await;
    let other_set = vec![
        ("station_id", other_station.to_string()),
        ("version", ov.to_string()),
        ("opening_hours", "24/7".to_string()),
    ];
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/set", &other_set)
            .await
            .status(),
        403
    );
    let mut other_special = special.clone();
    other_special[0].1 = other_station.to_string();
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/add",
            &other_special
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/delete",
            &[
                ("station_id", other_station.to_string()),
                ("id", special_id.to_string())
            ]
        )
        .await
        .status(),
        403
    );
    let r = staff
        .get(app.url(&format!("/station/{other_station}/hours")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (resident, _) = app.session_for("13944440001").await;
    assert_eq!(
        post(
            &app,
            &resident,
            "/api/stations/hours/set",
            &set("24/7", app.station_version(id).await)
        )
        .await
        .status(),
        403
    );
    assert_eq!(app.station_version(other_station).await, ov);

    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/delete",
            &[
                ("station_id", id.to_string()),
                ("id", special_id.to_string())
            ]
        )
        .await
        .status(),
        200
    );
    assert_eq!(app.open_now(id).await, Some(true));
    for action in ["set_hours", "add_special_hours", "delete_special_hours"] {
        // Today's range, then the ranges up to the cap.
        let want = match action {
            "add_special_hours" => cap,
            // 24/7, then the same hours written in words.
            "set_hours" => 2,
            _ => 1,
        };
        assert_eq!(
            app.audit_count_on(action, &format!("station:{id}")).await,
            want,
            "{action}"
        );
    }
}

#[tokio::test]
async fn the_offline_data_agrees_with_open_now_for_a_week() {
    let app = spawn_app().await;
    let (s, v) = json(&app, "/api/v1/stations/offline").await;
    assert_eq!(s, 200);
    let from = v["from_ts"].as_i64().unwrap();
    let until = v["until_ts"].as_i64().unwrap();
    assert_eq!(until - from, 7 * 86_400);
    // From a local midnight (Asia/Shanghai is UTC+8 all year).
    assert_eq!((from + 8 * 3600) % 86_400, 0);
    let now = v["generated_ts"].as_i64().unwrap();
    assert!(from <= now && now < from + 86_400);
    let stations = v["stations"].as_array().unwrap();
    let (_, outdoor) = json(&app, "/api/v1/stations?kind=outdoor").await;
    assert_eq!(
        stations.len(),
        outdoor["features"].as_array().unwrap().len(),
        "every outdoor rest point (the demo's all have hours)"
    );
    let open_at = |spans: &Value, t: i64| {
        spans
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[0].as_i64().unwrap() <= t && t < p[1].as_i64().unwrap())
    };
    let mut compared = 0;
    for st in stations.iter().step_by(7).take(6) {
        let id = st["id"].as_i64().unwrap();
        let spans = &st["open"];
        for p in spans.as_array().unwrap() {
            let (a, b) = (p[0].as_i64().unwrap(), p[1].as_i64().unwrap());
            assert!(
                from <= a && a < b && b <= until,
                "{id}: {p} within the week"
            );
        }
        // Every 5 h 17 min across the week (so each hour of the day and each weekday
        // comes up), the spans say what the API says at that instant.
        let mut t = from + 1_000;
        while t < until {
            let at = chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
                .to_rfc3339()
                .replace('+', "%2B");
            let (_, f) = json(&app, &format!("/api/v1/stations/{id}?at={at}")).await;
            assert_eq!(
                f["properties"]["open_now"].as_bool(),
                Some(open_at(spans, t)),
                "station {id} at {at}: {}",
                f["properties"]["opening_hours"]
            );
            compared += 1;
            t += 5 * 3600 + 17 * 60;
        }
        if st["name"].as_str().is_some() {
            assert!(st["amap"].as_str().unwrap().contains("uri.amap.com"));
        }
    }
    assert!(compared > 100);
}
