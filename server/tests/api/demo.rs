//! The demo city against the real server: seeded once with the report's numbers (the
//! stations as generated, wishes, activities, teams and rewards), seeding twice or
//! concurrently writes one city, the defaults seed nothing, and the seeded rows keep
//! every invariant of the live code.

use crate::fixtures::{Invariant, Table};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_city_is_seeded_with_the_report_s_numbers() {
    let app = spawn_app().await;
    let s = app::stations::store::summary(&app.state.db, "")
        .await
        .unwrap();
    // The city's identity came with the seed.
    let city = app
        .state
        .stations()
        .await
        .unwrap()
        .city
        .clone()
        .expect("the demo seed sets the city");
    assert_eq!(city.name, "淄博市");
    assert!(city.bbox.contains(city.center.lat, city.center.lng));
    assert_eq!(s.streets, 31);
    assert_eq!(s.communities, 293);
    let get = |code: &str| {
        s.by_kind
            .iter()
            .find(|(k, _)| k.code() == code)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    assert_eq!(get("center"), 293);
    assert_eq!(get("red_station"), 902);
    assert_eq!(get("outdoor"), 380);
    assert_eq!(get("plaza"), app::demo::PLAZAS as i64);
}

#[tokio::test]
async fn stored_stations_equal_the_generated_ones() {
    let app = spawn_app().await;
    let stored = app::stations::store::all_stations(&app.state.db)
        .await
        .unwrap();
    let generated = app::demo::generate(20231, &app::demo::pools());
    assert_eq!(stored.len(), generated.stations.len());
    for (s, g) in stored.iter().zip(&generated.stations) {
        assert_eq!(
            (s.id, &s.name, &s.opening_hours),
            (g.id, &g.name, &g.opening_hours)
        );
        assert_eq!(s.amenities, g.amenities);
        assert!((s.lat - g.lat).abs() < 1e-9 && (s.lng - g.lng).abs() < 1e-9);
    }
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let again = app::demo::seed_if_empty(&app.state.db, 999).await.unwrap();
    assert!(!again);
    let n = app::stations::store::all_stations(&app.state.db)
        .await
        .unwrap()
        .len();
    assert_eq!(n, 293 + 902 + 380 + app::demo::PLAZAS);
}

#[tokio::test]
async fn concurrent_seeding_of_one_database_writes_one_city() {
    let app = spawn_app_without_seed().await;
    let db = app.state.db.clone();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { app::demo::seed_if_empty(&db, 20231).await })
        })
        .collect();
    let mut seeded = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() {
            seeded += 1;
        }
    }
    assert_eq!(seeded, 1);
    let n = app::stations::store::all_stations(&db).await.unwrap().len();
    assert_eq!(n, 293 + 902 + 380 + app::demo::PLAZAS);
}

async fn spawn_app_without_seed() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_empty().await
}

#[tokio::test]
async fn the_summary_server_function_answers_json() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/stations/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["communities"], 293);
    assert_eq!(body["city"], "淄博市");
}

#[tokio::test]
async fn a_server_started_with_nothing_set_has_no_demo_people_wishes_or_points() {
    // The defaults seed nothing: demo data is opt-in (`LINLI_SEED_DEMO=1`).
    assert!(!app::config::Config::default().seed_demo);
    let app = spawn_app_without_seed().await;
    for table in [
        Table::Users,
        Table::Wishes,
        Table::PointsLedger,
        Table::Streets,
        Table::Stations,
        Table::Bookings,
    ] {
        assert_eq!(app.rows(table).await, 0, "{} has rows", table.name());
    }
    assert!(app.state.stations().await.unwrap().city.is_none());
    // The public catalogue and the statutory holidays are there from the first start.
    assert_eq!(app.rows(Table::CatalogueItems).await, 42);
}

/// The whole seeded demo city keeps the invariants the live code keeps, so a test that
/// checks a counter against its rows passes on the demo as on live data: every slot's
/// `booked` is its bookings that are not cancelled (a no-show kept its seat) and within
/// its capacity; no one's points sum below zero; no reward's stock is negative; a wish
/// has a claimant exactly when its state says so, with one open claim on record; no
/// activity has more confirmed sign-ups than places.
#[tokio::test]
async fn the_seeded_demo_city_keeps_every_invariant_of_the_live_code() {
    let app = spawn_app().await;
    // The demo has bookings of every kind, past and ahead, or the checks say nothing.
    assert!(app.bookings_with_status("no_show").await > 0);
    assert!(
        app.bookings_with_status("done").await + app.bookings_with_status("checked_in").await > 0
    );
    assert_eq!(
        app.breaches(Invariant::SlotBookedIsItsBookings).await,
        0,
        "slots whose booked differs from their bookings"
    );
    assert_eq!(app.breaches(Invariant::SlotWithinCapacity).await, 0);
    assert!(app.rows(Table::PointsLedger).await > 0);
    assert_eq!(
        app.breaches(Invariant::NoNegativeBalance).await,
        0,
        "people with a negative balance"
    );
    assert_eq!(app.breaches(Invariant::NoNegativeStock).await, 0);
    assert!(app.wishes_with_status("claimed").await > 0);
    assert_eq!(
        app.breaches(Invariant::ClaimantMatchesStatus).await,
        0,
        "wishes whose claimant contradicts their state"
    );
    assert_eq!(
        app.breaches(Invariant::OneOpenClaimPerClaimedWish).await,
        0,
        "claimed wishes without exactly one open claim on record"
    );
    assert_eq!(
        app.breaches(Invariant::AtMostThreeOpenClaims).await,
        0,
        "volunteers over the open-claim limit (3)"
    );
    assert_eq!(
        app.breaches(Invariant::ActivityWithinPlaces).await,
        0,
        "activities over their places"
    );
}

#[tokio::test]
async fn the_demo_city_has_wishes_activities_teams_and_rewards() {
    let app = spawn_app().await;
    assert_eq!(app.rows(Table::Wishes).await, 5000);
    assert_eq!(app.wish_statuses_in_use().await, 7);
    assert_eq!(app.rows(Table::Activities).await, 3100);
    assert_eq!(app.rows(Table::Teams).await, 1300);
    assert!(app.rows(Table::Rewards).await >= 30);
    assert!(app.rows(Table::PointsLedger).await > 1000);
}
