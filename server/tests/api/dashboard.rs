//! The back office's dashboard against the real server: its figures, charts and CSV
//! tables equal counts made independently from the rows; staff see their own
//! community's figures whatever they ask for; residents are refused.

use crate::fixtures::Table;
use crate::helpers::{post, spawn_app};
use serde_json::Value;

/// The dashboard's figures equal counts made with plain SQL over the rows (in
/// fixtures.rs, not the dashboard's own queries); staff see their own community's
/// whatever they ask; the CSV says the same.
#[tokio::test]
async fn the_dashboard_matches_independent_counts_and_staff_see_their_own() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let today = app::time::today_local();
    let from = today - chrono::Duration::days(700);
    let to = today + chrono::Duration::days(30);
    let (f, t) = (app::time::ymd(from), app::time::ymd(to));
    let (fts, tts) = (
        app::time::local_ts(from, 0),
        app::time::local_ts(to + chrono::Duration::days(1), 0),
    );
    let form = |community: Option<i64>| {
        let mut v = vec![("from", f.clone()), ("to", t.clone())];
        if let Some(c) = community {
            v.push(("community", c.to_string()));
        }
        v
    };
    let r = post(&app, &admin, "/api/admin/dashboard", &form(None)).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let fig = &v["figures"];
    let sum = |rows: &Value, k: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r[k].as_i64().unwrap())
            .sum::<i64>()
    };
    let served = app.bookings_between("done", &f, &t).await;
    let no_show = app.bookings_between("no_show", &f, &t).await;
    let walk_ins = app.walk_ins_between(&f, &t).await;
    assert!(served > 0, "the demo city has served bookings");
    assert_eq!(sum(&fig["bookings_by_week"], "served"), served);
    assert_eq!(sum(&fig["bookings_by_center"], "served"), served);
    assert_eq!(sum(&fig["bookings_by_item"], "n"), served);
    assert_eq!(sum(&fig["bookings_by_week"], "no_show"), no_show);
    assert_eq!(sum(&fig["bookings_by_week"], "walk_ins"), walk_ins);
    let wishes = app.wishes_posted_between(None, fts, tts).await;
    assert_eq!(sum(&fig["wishes_by_state"], "n"), wishes);
    let published = app.wishes_posted_between(Some("published"), fts, tts).await;
    let got = fig["wishes_by_state"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "published")
        .map(|c| c["n"].as_i64().unwrap())
        .unwrap_or(0);
    assert_eq!(got, published);
    let vouchers = app.vouchers_between(fts, tts).await;
    assert_eq!(sum(&fig["redeemed_by_reward"], "n"), vouchers);
    let issued = app.points_issued_between(fts, tts).await;
    assert_eq!(fig["points_issued"].as_i64(), Some(issued));
    let activities = app.activities_between(&f, &t).await;
    assert_eq!(fig["activities"].as_i64(), Some(activities));
    let stations = app.rows(Table::Stations).await;
    assert_eq!(fig["stations_total"].as_i64(), Some(stations));
    let streets_sum: i64 = fig["stations_by_street"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["by_kind"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_i64().unwrap())
                .sum::<i64>()
        })
        .sum();
    assert_eq!(streets_sum, stations);
    let water = app.stations_with_amenity("water").await;
    assert_eq!(fig["amenity_counts"][0]["n"].as_i64(), Some(water));
    let sent = app.texts_sent_between(fts, tts).await;
    assert_eq!(fig["messages"][0].as_i64(), Some(sent));
    // Items by their names with their codes; weeks by their dates.
    let items = fig["bookings_by_item"].as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|c| c["label"].as_str().unwrap().contains('（')),
        "{items:?}"
    );
    assert!(fig["bookings_by_week"][0]["label"]
        .as_str()
        .unwrap()
        .contains('–'));
    // A chart for each figure that has data (none is drawn for an empty one), each an
    // SVG image.
    let charts = v["charts"].as_array().unwrap();
    let with_data = ["bookings_by_week", "wishes_by_state", "redeemed_by_reward"]
        .iter()
        .filter(|k| !fig[**k].as_array().unwrap().is_empty())
        .count()
        + usize::from(stations > 0);
    assert_eq!(charts.len(), with_data);
    assert!(charts.len() >= 2);
    assert!(charts
        .iter()
        .all(|c| c[1].as_str().unwrap().contains("<svg role=\"img\"")));

    // Staff: their own community, whatever they ask; no outbox figures.
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"].as_i64().unwrap();
    let other = app.another_community(own).await;
    let mine: Value = post(&app, &staff, "/api/admin/dashboard", &form(Some(other)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["community"].as_i64(), Some(own));
    assert!(mine["figures"]["messages"].is_null());
    let as_admin: Value = post(&app, &admin, "/api/admin/dashboard", &form(Some(own)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["figures"]["bookings_by_week"],
        as_admin["figures"]["bookings_by_week"]
    );
    let own_stations = app.stations_in(own).await;
    assert_eq!(
        mine["figures"]["stations_total"].as_i64(),
        Some(own_stations)
    );

    // The CSV: the same numbers; an unknown table is a 404; residents are refused.
    let text = admin
        .get(app.url(&format!(
            "/api/v1/dashboard/bookings_week.csv?from={f}&to={t}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csv_served: i64 = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap()[1].parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_served, served);
    assert_eq!(
        admin
            .get(app.url("/api/v1/dashboard/secrets.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let (resident, _) = app.session_for("13966660001").await;
    assert_eq!(
        resident
            .get(app.url("/api/v1/dashboard/wishes.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(&app, &resident, "/api/admin/dashboard", &[])
            .await
            .status(),
        403
    );
    // A backwards range is a 400.
    assert_eq!(
        post(
            &app,
            &admin,
            "/api/admin/dashboard",
            &[("from", t.clone()), ("to", f.clone())]
        )
        .await
        .status(),
        400
    );
    // The page shows the charts beside their tables.
    let html = app
        .page_as(&admin, &format!("/admin/dashboard?from={f}&to={t}"))
        .await;
    assert!(html.contains("<svg role=\"img\"") && html.contains("bookings_week.csv"));
}

/// The back office's CSVs are personal (names, numbers, a community's figures): never
/// kept by a browser or a proxy, though they live under `/api/v1/`. Days far outside
/// any the portal keeps are a 400 in reader's words, never a panic.
#[tokio::test]
async fn private_csvs_are_never_cached_and_extreme_days_are_refused() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let no_store = |r: &reqwest::Response| {
        r.headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"))
    };
    for path in [
        "/api/v1/coverage.csv",
        "/api/v1/dashboard/volunteers.csv",
        "/api/v1/dashboard/bookings_week.csv",
    ] {
        let r = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(no_store(&r), "{path}: {:?}", r.headers());
    }
    let r = admin
        .post(app.url("/api/v1/audit.csv"))
        .form(&[("what", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(no_store(&r), "audit.csv: {:?}", r.headers());
    for (path, form) in [
        ("/api/v1/dashboard/volunteers.csv?to=%2B262142-12-31", None),
        ("/api/v1/dashboard/volunteers.csv?from=-5000-01-01", None),
        ("/admin/dashboard?to=%2B262142-12-31", None),
        ("/api/v1/audit.csv", Some(("to", "+262142-12-31"))),
        ("/api/v1/audit.csv", Some(("from", "1899-12-31"))),
    ] {
        let r = match form {
            None => admin.get(app.url(path)).send().await.unwrap(),
            Some(f) => admin.post(app.url(path)).form(&[f]).send().await.unwrap(),
        };
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            status == 400 || (status == 200 && path.starts_with("/admin") && body.contains("日期")),
            "{path} {form:?}: {status} {body:.300}"
        );
    }
}
