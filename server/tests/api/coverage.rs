//! The life-circle coverage against the real server: which communities have a station
//! of each kind and with each amenity within 800 m, equal to a count made here by brute
//! force; the page and the CSV say the same; staff only.

use crate::helpers::{post, spawn_app};
use serde_json::Value;

/// The great-circle distance in metres between two points (lat, lng).
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dp = p2 - p1;
    let dl = (b.1 - a.1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// The coverage figures equal a count made here from the rows, by brute force.
#[tokio::test]
async fn the_coverage_matches_an_independent_count() {
    let app = spawn_app().await;
    let communities = app.community_positions().await;
    type Row = (String, f64, f64, String);
    let stations: Vec<Row> = app.station_points().await;
    let covered = |keep: &dyn Fn(&Row) -> bool| {
        communities
            .iter()
            .filter(|c| {
                stations
                    .iter()
                    .any(|s| keep(s) && haversine(**c, (s.1, s.2)) <= 800.0)
            })
            .count()
    };
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let r = post(&app, &staff, "/api/admin/coverage", &[]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let v = &v["view"];
    assert_eq!(v["communities"].as_u64(), Some(communities.len() as u64));
    for pair in v["by_kind"].as_array().unwrap() {
        let kind = pair[0].as_str().unwrap().to_string();
        let want = covered(&|s| s.0 == kind);
        assert_eq!(pair[1].as_u64(), Some(want as u64), "{kind}");
    }
    for pair in v["by_amenity"].as_array().unwrap() {
        let a = pair[0].as_str().unwrap().to_string();
        let want = covered(&|s| s.3.split(',').any(|x| x == a));
        assert_eq!(pair[1].as_u64(), Some(want as u64), "{a}");
    }
    // Every community is a gap or is covered for all four kinds.
    let all_four = communities
        .iter()
        .filter(|c| {
            ["center", "red_station", "outdoor", "plaza"]
                .iter()
                .all(|k| {
                    stations
                        .iter()
                        .any(|s| s.0 == *k && haversine(**c, (s.1, s.2)) <= 800.0)
                })
        })
        .count();
    assert_eq!(
        v["gaps"].as_array().unwrap().len(),
        communities.len() - all_four
    );
    // The page and the CSV say the same.
    let html = app.page_as(&staff, "/admin/coverage").await;
    assert!(html.contains(&format!("全市 {} 个社区", communities.len())));
    // The gaps' list comes fifty at a time, every gap on one of the pages.
    let gaps = v["gaps"].as_array().unwrap().len();
    let rows = |h: &str| h.matches("<th scope=\"row\"><a href=\"/map?").count();
    let mut listed = rows(&html);
    assert_eq!(listed, gaps.min(50));
    let mut page = 1;
    while listed < gaps {
        assert!(
            html.contains("page=1#gaps") || page > 1,
            "a link to the next fifty"
        );
        let next = app
            .page_as(&staff, &format!("/admin/coverage?kind=outdoor&page={page}"))
            .await;
        let n = rows(&next);
        assert!(n > 0 && n <= 50, "page {page}: {n}");
        listed += n;
        page += 1;
    }
    assert_eq!(listed, gaps);
    // The map's markers come by their own request: every gap, named, for staff only.
    assert!(!html.contains("id=\"stations-data\""), "no markers inline");
    assert!(html.contains("data-src=\"/api/v1/coverage/gaps.json?kind=outdoor\""));
    let markers: Value = staff
        .get(app.url("/api/v1/coverage/gaps.json?kind=outdoor"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let markers = markers.as_array().expect("an array");
    assert_eq!(markers.len(), gaps);
    for (m, g) in markers.iter().zip(v["gaps"].as_array().unwrap()) {
        assert_eq!(m["lat"], g["lat"]);
        assert!(m["name"]
            .as_str()
            .unwrap()
            .contains(g["name"].as_str().unwrap()));
        assert!(
            m["status"].as_str().unwrap().starts_with("10 分钟内缺"),
            "{m}"
        );
    }
    let text = staff
        .get(app.url("/api/v1/coverage.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().count(), communities.len() + 1);
    // Residents are refused; a bad kind is a 400.
    let (resident, _) = app.session_for("13933330001").await;
    assert_eq!(
        post(&app, &resident, "/api/admin/coverage", &[])
            .await
            .status(),
        403
    );
    let markers_as = |c: reqwest::Client| {
        let url = app.url("/api/v1/coverage/gaps.json?kind=outdoor");
        async move { c.get(url).send().await.unwrap().status() }
    };
    assert_eq!(markers_as(resident.clone()).await, 403);
    // A kind that does not exist is a 400 with a sentence, for the markers too.
    let r = staff
        .get(app.url("/api/v1/coverage/gaps.json?kind=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(!r.text().await.unwrap().is_empty());
    assert_eq!(markers_as(app.new_client()).await, 401);
    assert_eq!(
        post(&app, &staff, "/api/admin/coverage", &[("kind", "x".into())])
            .await
            .status(),
        400
    );
}
