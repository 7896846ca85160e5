//! Points and rewards against the real server: redemption never overdraws or oversells
//! under concurrency, the ledger is append-only, the points page says why a reward is
//! out of reach and asks before redeeming, and a voucher is verified once, only by its
//! community's staff or its merchant.

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
    assert_eq!(app.reward_stock(last).await, 0);
    // The ledger is append-only.
    // tamper: rewriting the ledger, which the database itself must refuse.
    let rewrite = sqlx::query("UPDATE points_ledger SET delta = 1000")
        .execute(&db.pool)
        .await;
    assert!(rewrite.is_err());
}

#[tokio::test]
async fn a_voucher_is_verified_once() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (me, uid) = app.session_for("15100000001").await;
    credit(db, uid, 100).await;
    let reward = app.first_reward().await;
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
    db.wrote();
}

/// Fixture: a reward through the store; returns its id.
async fn reward(db: &app::db::Db, name: &str, cost: i64, stock: i64) -> i64 {
    let mut conn = db.pool.acquire().await.expect("connection");
    app::points::store::insert_reward(&mut conn, name, "测试", cost, stock)
        .await
        .expect("reward")
}

#[tokio::test]
async fn vouchers_are_verified_only_by_their_community_or_merchant_on_record() {
    let app = spawn_app().await;
    let db = &app.state.db;
    // A reward of community 1 and one of a merchant's account.
    let (merchant, mid) = app.session_for("13599990001").await;
    let (r1, r2): (i64, i64) = {
        let mut conn = db.pool.acquire().await.unwrap();
        let a = app::points::store::insert_reward(&mut conn, "社区理发券", "生活", 1, 10)
            .await
            .unwrap();
        app::points::store::set_reward_owner(&mut conn, a, Some(1), None)
            .await
            .unwrap();
        let b = app::points::store::insert_reward(&mut conn, "超市代金券", "商户", 1, 10)
            .await
            .unwrap();
        app::points::store::set_reward_owner(&mut conn, b, None, Some(mid))
            .await
            .unwrap();
        (a, b)
    };
    let (me, uid) = app.session_for("13599990002").await;
    {
        let mut conn = db.pool.acquire().await.unwrap();
        app::points::store::credit(&mut conn, uid, 10, "测试", "t", 0)
            .await
            .unwrap();
        db.wrote();
    }
    let redeem = |reward: i64| {
        let (app, me) = (&app, &me);
        async move {
            post_json(
                app,
                me,
                "/api/points/redeem",
                &[("reward_id", reward.to_string())],
            )
            .await
            .as_str()
            .unwrap()
            .to_string()
        }
    };
    let (v1, v2) = (redeem(r1).await, redeem(r2).await);
    let verify = |c: reqwest::Client, code: String| {
        let app = &app;
        async move {
            post(app, &c, "/api/points/verify", &[("code", code)])
                .await
                .status()
                .as_u16()
        }
    };
    let far = app.staff_of("13599990003", "2").await;
    let near = app.staff_of("13599990004", "1").await;
    assert_eq!(verify(far.clone(), v1.clone()).await, 404);
    assert_eq!(verify(merchant.clone(), v1.clone()).await, 404);
    assert_eq!(verify(near.clone(), v2.clone()).await, 404);
    assert_eq!(verify(near.clone(), v1.clone()).await, 200);
    assert_eq!(verify(merchant.clone(), v2.clone()).await, 200);
    assert_eq!(verify(merchant.clone(), v2.clone()).await, 409);
    assert_eq!(app.voucher_verified_by(&v2).await, Some(mid));
    assert_eq!(app.audit_count("verify_voucher").await, 2);
}

#[tokio::test]
async fn points_say_why_a_reward_is_out_of_reach_ask_before_redeeming_and_verify_only_for_staff() {
    let app = spawn_app().await;
    let (me, uid) = app.session_for("13611110001").await;
    {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        app::points::store::credit(&mut conn, uid, 12, "测试", "t", 0)
            .await
            .unwrap();
        app.state.db.wrote();
    }
    let page = |c: reqwest::Client, path: &'static str| {
        let app = &app;
        async move { app.page_as(&c, path).await }
    };
    let html = page(me.clone(), "/points").await;
    // 12 points: a 15-point reward is 3 short, and says so instead of a button.
    assert!(html.contains("还差3分"), "{html}");
    assert!(
        !html.contains("name=\"code\""),
        "no verification form for a resident"
    );
    // Redeeming asks first: the link leads to a confirmation, not to a redemption.
    let cheapest = app.cheapest_reward().await;
    let asked = app
        .page_as(&me, &format!("/points?confirm={cheapest}"))
        .await;
    assert!(
        asked.contains("确认用") && asked.contains("确认兑换"),
        "{asked}"
    );
    assert_eq!(app.vouchers_of(uid).await, 0, "asking wrote nothing");
    // A voucher says where and until when.
    let r = post(
        &app,
        &me,
        "/api/points/redeem",
        &[("reward_id", cheapest.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = page(me.clone(), "/points").await;
    assert!(
        html.contains("核销地点") && html.contains("有效期至"),
        "{html}"
    );
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    assert!(page(staff, "/points").await.contains("name=\"code\""));
}
