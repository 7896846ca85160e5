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
    assert_eq!(
        post(&app, &staff, "/api/admin/coverage", &[("kind", "x".into())])
            .await
            .status(),
        400
    );
}
