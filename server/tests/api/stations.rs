//! The life-circle map's server side: nearest with filters, hours, the open API.

use crate::helpers::spawn_app;
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
    let id: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM stations WHERE community_id = $1 AND kind = 'center'",
    )
    .bind(community)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
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
