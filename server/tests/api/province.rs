//! The demo province (`app::demo::province`, what `scripts/province-load.sh` measures) at a
//! small size, on both databases: it seeds into an empty database only, keeps every
//! invariant the live code keeps, and a server serves it. And several servers starting
//! at once on one empty database all come up (the province's two processes do).

use crate::fixtures::{Invariant, Table};
use crate::helpers::{spawn_app_on, test_config, TestDb};
use app::demo::province::{self, Plan, CITY_NAMES};

fn small() -> Plan {
    Plan {
        cities: 2,
        residents: 3_000,
        days: 21,
        ..Plan::default()
    }
}

#[tokio::test]
async fn a_small_province_seeds_once_keeps_the_invariants_and_is_served() {
    let db = TestDb::fresh().await;
    let plan = small();
    // A fixed day: the history is the same whatever day the suite runs on.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let now = app::time::local_ts(today, 12 * 60);
    let counts = {
        let d = app::db::Db::connect(&db.url(), 2).await.expect("connect");
        d.migrate().await.expect("migrate");
        let c = app::demo::seed_province_if_empty(&d, &plan, today, now, &|_| {})
            .await
            .expect("seed")
            .expect("an empty database is seeded");
        assert!(
            app::demo::seed_province_if_empty(&d, &plan, today, now, &|_| {})
                .await
                .expect("second seed")
                .is_none(),
            "a database with a city is never seeded again"
        );
        c
    };
    let app = spawn_app_on(db, |c| c.seed_demo = false).await;
    assert_eq!(app.rows(Table::Users).await, 3_000);
    assert_eq!(app.rows(Table::Stations).await, counts.stations as i64);
    assert_eq!(app.rows(Table::Streets).await, counts.streets as i64);
    assert_eq!(app.rows(Table::Bookings).await, counts.bookings as i64);
    assert_eq!(app.rows(Table::Wishes).await, counts.wishes as i64);
    assert_eq!(app.rows(Table::PointsLedger).await, counts.credits as i64);
    assert!(counts.bookings > 1_000 && counts.wishes == 4 * 5_000);
    for inv in [
        Invariant::SlotBookedIsItsBookings,
        Invariant::SlotWithinCapacity,
        Invariant::NoNegativeBalance,
        Invariant::NoNegativeStock,
        Invariant::ClaimantMatchesStatus,
        Invariant::OneOpenClaimPerClaimedWish,
        Invariant::AtMostThreeOpenClaims,
    ] {
        assert_eq!(app.breaches(inv).await, 0, "{inv:?}");
    }
    // The nearest stations to one in the second city's new area are that area's.
    let geo = province::geography(&plan, &app::demo::pools());
    let area = &geo.area_communities[3];
    let st = geo
        .stations
        .iter()
        .find(|s| area.contains(&s.community_id))
        .expect("a station in area 3");
    let r = app
        .get(&format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=5",
            st.lat, st.lng
        ))
        .await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    let f = v["features"].as_array().expect("features");
    assert_eq!(f.len(), 5);
    let prefix = format!("{}新区", CITY_NAMES[1]);
    for x in f {
        let name = x["properties"]["name"].as_str().unwrap_or_default();
        assert!(name.starts_with(&prefix), "{name} is in {prefix}");
    }
    // A resident of the province signs in with the real flow and is who the plan says.
    let who = province::person(&plan, &app::demo::pools(), geo.communities.len(), 7, now);
    assert_eq!(who.phone, "13900000007");
    let c = app.new_client();
    let u = app.sign_in(&c, &who.phone).await;
    assert_eq!(u["id"], 8);
    assert_eq!(u["display_name"], who.name.as_str());
    assert_eq!(u["volunteer"], who.volunteer);
}

#[tokio::test]
async fn servers_starting_together_on_an_empty_database_all_come_up() {
    let seed: app::catalogue::model::Catalogue =
        serde_json::from_str(app::catalogue::model::SEED_JSON).expect("seed");
    let items: usize = seed.categories.iter().map(|c| c.items.len()).sum();
    for _ in 0..3 {
        let db = TestDb::fresh().await;
        let mut config = test_config(&db);
        config.seed_demo = false;
        let (a, b, c) = tokio::join!(
            server::build_state(config.clone()),
            server::build_state(config.clone()),
            server::build_state(config.clone())
        );
        let a = a.expect("first process");
        b.expect("second process");
        c.expect("third process");
        let n: i64 = app::catalogue::store::item_count(&a.db)
            .await
            .expect("count");
        assert_eq!(n as usize, items, "one catalogue, not two");
    }
}
