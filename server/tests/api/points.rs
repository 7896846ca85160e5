//! Points against the real server: redemption never overdraws or oversells under
//! concurrency, the ledger is append-only, and a voucher is verified once.

use crate::helpers::{count, post, post_json, race, spawn_app};

#[tokio::test]
async fn concurrent_redemptions_never_overdraw_or_oversell() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (me, uid) = app.session_for("15300000001").await;
    // 50 points, a reward of 20 with stock 10: at most two redemptions.
    credit(db, uid, 50).await;
    let first = reward(db, "测试券", 20, 10).await;
    let requests = (0..20)
        .map(|_| {
            me.post(app.url("/api/points/redeem"))
                .form(&[("reward_id", first.to_string())])
        })
        .collect();
    assert_eq!(count(&race(requests).await, 200), 2);
    assert_eq!(app::points::store::balance(db, uid).await.unwrap(), 10);
    // Stock: 3 people with plenty of points race for the last unit.
    let last = reward(db, "最后一张", 1, 1).await;
    let mut requests = Vec::new();
    for i in 0..10 {
        let (c, id) = app.session_for(&format!("1520000{i:04}")).await;
        credit(db, id, 5).await;
        requests.push(
            c.post(app.url("/api/points/redeem"))
                .form(&[("reward_id", last.to_string())]),
        );
    }
    assert_eq!(count(&race(requests).await, 200), 1);
    let stock: i64 = sqlx::query_scalar("SELECT stock FROM rewards WHERE id = $1")
        .bind(last)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stock, 0);
    // The ledger is append-only.
    assert!(sqlx::query("UPDATE points_ledger SET delta = 1000")
        .execute(&db.pool)
        .await
        .is_err());
}

#[tokio::test]
async fn a_voucher_is_verified_once() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (me, uid) = app.session_for("15100000001").await;
    credit(db, uid, 100).await;
    let reward: i64 = sqlx::query_scalar("SELECT MIN(id) FROM rewards")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let code = post_json(
        &app,
        &me,
        "/api/points/redeem",
        &[("reward_id", reward.to_string())],
    )
    .await
    .as_str()
    .expect("a voucher code")
    .to_string();
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/points/verify",
            &[("code", code.clone())]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/points/verify",
            &[("code", code.clone())]
        )
        .await
        .status(),
        409
    );
    // A resident cannot verify: the voucher answers as one that does not exist.
    assert_eq!(
        post(&app, &me, "/api/points/verify", &[("code", code)])
            .await
            .status(),
        404
    );
}

/// Fixture: points credited through the store, as an activity or a wish would.
async fn credit(db: &app::db::Db, user: i64, points: i64) {
    let mut conn = db.pool.acquire().await.expect("connection");
    app::points::store::credit(&mut conn, user, points, "测试", "test", 0)
        .await
        .expect("credit");
}

/// Fixture: a reward through the store; returns its id.
async fn reward(db: &app::db::Db, name: &str, cost: i64, stock: i64) -> i64 {
    let mut conn = db.pool.acquire().await.expect("connection");
    app::points::store::insert_reward(&mut conn, name, "测试", cost, stock)
        .await
        .expect("reward")
}
