//! Micro-wishes, activities and points against the real server: the life cycle, the
//! races (one claimant, capacity and waitlist, redemption) and privacy.

use crate::helpers::{spawn_app, TestApp};
use serde_json::Value;

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    c.post(app.url(path)).form(form).send().await.unwrap()
}

/// A resident of community 1 with a wish approved by staff; returns (poster, wish id).
async fn published_wish(app: &TestApp) -> (reqwest::Client, i64) {
    let (poster, uid) = app.session_for("15900000001").await;
    sqlx::query("UPDATE users SET community_id = 1 WHERE id = $1")
        .bind(uid)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = post(
        app,
        &poster,
        "/api/wishes/post",
        &[
            ("category", "助老助残".into()),
            ("title", "需要一副助行拐杖".into()),
            ("story", "腿脚不便，出门困难。".into()),
            ("needs", "四脚拐杖一副".into()),
            ("value_yuan", "90".into()),
            ("deadline", "2099-12-31".into()),
            ("contact", "15900000001".into()),
            ("address", "华光路12号3单元501".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let id: i64 = r.json().await.unwrap();
    let staff = app.new_client();
    app.sign_in(&staff, "15800000001").await;
    app::accounts::admin::grant(&app.state.db, "15800000001", "staff", Some("1"))
        .await
        .unwrap();
    let r = post(
        app,
        &staff,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "review".into()),
            ("approve", "1".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    (poster, id)
}

async fn volunteer(app: &TestApp, phone: &str) -> (reqwest::Client, i64) {
    let (c, id) = app.session_for(phone).await;
    sqlx::query("UPDATE users SET volunteer = 1 WHERE id = $1")
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    (c, id)
}

#[tokio::test]
async fn a_wish_goes_from_post_to_points_and_illegal_steps_are_refused() {
    let app = spawn_app().await;
    let (poster, id) = published_wish(&app).await;
    let (vol, vid) = volunteer(&app, "15700000001").await;
    // Confirming before it is fulfilled: refused.
    let r = post(
        &app,
        &poster,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "confirm".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        post(
            &app,
            &vol,
            "/api/wishes/act",
            &[("id", id.to_string()), ("action", "claim".into())]
        )
        .await
        .status(),
        200
    );
    // The claimant now sees the contact.
    let v: Value = post(&app, &vol, "/api/wishes/get", &[("id", id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["contact"][0], "15900000001");
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "fulfil".into()),
            ("note", "已送到家中".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        post(
            &app,
            &poster,
            "/api/wishes/act",
            &[("id", id.to_string()), ("action", "confirm".into())]
        )
        .await
        .status(),
        200
    );
    let bal = app::wishes::store::balance(&app.state.db, vid)
        .await
        .unwrap();
    assert_eq!(bal, app::wishes::model::WISH_POINTS);
    // Confirming twice does not pay twice.
    assert_eq!(
        post(
            &app,
            &poster,
            "/api/wishes/act",
            &[("id", id.to_string()), ("action", "confirm".into())]
        )
        .await
        .status(),
        409
    );
    assert_eq!(
        app::wishes::store::balance(&app.state.db, vid)
            .await
            .unwrap(),
        app::wishes::model::WISH_POINTS
    );
}

#[tokio::test]
async fn of_a_hundred_concurrent_claims_exactly_one_wins() {
    let app = spawn_app().await;
    let (_, id) = published_wish(&app).await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (c, _) = volunteer(&app, &format!("1560000{i:04}")).await;
        let url = app.url("/api/wishes/act");
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .form(&[("id", id.to_string()), ("action", "claim".into())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            200 => wins += 1,
            409 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn public_pages_and_apis_never_show_the_poster_s_contact() {
    let app = spawn_app().await;
    let (_, id) = published_wish(&app).await;
    let stranger = app.new_client();
    let v: Value = post(
        &app,
        &stranger,
        "/api/wishes/get",
        &[("id", id.to_string())],
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(v["contact"].is_null());
    let list = post(
        &app,
        &stranger,
        "/api/wishes/list",
        &[("params", String::new())],
    )
    .await
    .text()
    .await
    .unwrap();
    let page = app.get_text(&format!("/wishes/{id}")).await.1;
    let index = app.get_text("/wishes").await.1;
    for body in [&list, &page, &index, &v.to_string()] {
        assert!(!body.contains("15900000001"), "phone leaked");
        assert!(!body.contains("华光路12号3单元501"), "address leaked");
    }
    // Nor any demo poster's private data anywhere in the public list.
    let private: Vec<String> =
        sqlx::query_scalar("SELECT address FROM wishes WHERE status = 'published' LIMIT 20")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    for a in private {
        assert!(!list.contains(&a));
    }
    // A pending wish is not public at all.
    let pending: i64 = sqlx::query_scalar("SELECT MIN(id) FROM wishes WHERE status = 'pending'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        post(
            &app,
            &stranger,
            "/api/wishes/get",
            &[("id", pending.to_string())]
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn claims_expire_back_to_the_pool_and_bad_wishes_are_refused() {
    let app = spawn_app().await;
    let (poster, id) = published_wish(&app).await;
    let (vol, _) = volunteer(&app, "15500000001").await;
    post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    sqlx::query("UPDATE wishes SET claim_expires_at = 1 WHERE id = $1")
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let v: Value = post(&app, &vol, "/api/wishes/get", &[("id", id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["wish"]["status"], "published");
    let r = post(
        &app,
        &poster,
        "/api/wishes/post",
        &[
            ("category", "奢侈品".into()),
            ("title", "".into()),
            ("story", "x".into()),
            ("needs", "x".into()),
            ("value_yuan", "99999".into()),
            ("deadline", "2020-01-01".into()),
            ("contact", "1".into()),
            ("address", "x".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("标题"));
}

#[tokio::test]
async fn sign_ups_never_exceed_capacity_and_the_waitlist_is_promoted_once_in_order() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let new = app::wishes::store::NewActivity {
        community: 1,
        kind: "red_saturday",
        title: "测试活动",
        day: "2099-01-01",
        place: "广场",
        capacity: 5,
    };
    let act = app::wishes::store::create_activity(db, &new, 0)
        .await
        .unwrap();
    let mut clients = Vec::new();
    for i in 0..40 {
        clients.push(app.session_for(&format!("1540000{i:04}")).await);
    }
    let tasks: Vec<_> = clients
        .iter()
        .map(|(c, _)| {
            let (c, url) = (c.clone(), app.url("/api/activities/act"));
            tokio::spawn(async move {
                c.post(url)
                    .form(&[("id", act.to_string()), ("action", "sign_up".into())])
                    .send()
                    .await
                    .unwrap()
                    .json::<String>()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut confirmed = 0;
    for t in tasks {
        if t.await.unwrap() == "confirmed" {
            confirmed += 1;
        }
    }
    assert_eq!(confirmed, 5);
    let list = app::wishes::store::signups(db, act).await.unwrap();
    assert_eq!(list.iter().filter(|s| s.1 == "confirmed").count(), 5);
    let positions: Vec<i64> = list.iter().map(|s| s.2).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 40, "every sign-up has its own place in line");
    // Two confirmed people withdraw at once: the first two waiting are promoted, once each.
    let firsts: Vec<i64> = list
        .iter()
        .filter(|s| s.1 == "waitlisted")
        .take(2)
        .map(|s| s.0)
        .collect();
    let leaving: Vec<i64> = list
        .iter()
        .filter(|s| s.1 == "confirmed")
        .take(2)
        .map(|s| s.0)
        .collect();
    let who = |uid: i64| clients.iter().find(|(_, id)| *id == uid).unwrap().0.clone();
    let (a, b) = (who(leaving[0]), who(leaving[1]));
    let url = app.url("/api/activities/act");
    let (ra, rb) = tokio::join!(
        a.post(&url)
            .form(&[("id", act.to_string()), ("action", "withdraw".into())])
            .send(),
        b.post(&url)
            .form(&[("id", act.to_string()), ("action", "withdraw".into())])
            .send()
    );
    assert_eq!(
        (ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()),
        (200, 200)
    );
    let after = app::wishes::store::signups(db, act).await.unwrap();
    let now_confirmed: Vec<i64> = after
        .iter()
        .filter(|s| s.1 == "confirmed")
        .map(|s| s.0)
        .collect();
    assert_eq!(now_confirmed.len(), 5);
    for f in firsts {
        assert!(
            now_confirmed.contains(&f),
            "the first waiting were promoted"
        );
    }
}

#[tokio::test]
async fn concurrent_redemptions_never_overdraw_or_oversell() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (me, uid) = app.session_for("15300000001").await;
    // 50 points, a reward of 20 with stock 10: at most two redemptions.
    sqlx::query(
        "INSERT INTO points_ledger (user_id, delta, reason, created_at) VALUES ($1, 50, '测试', 0)",
    )
    .bind(uid)
    .execute(&db.pool)
    .await
    .unwrap();
    let reward: i64 = sqlx::query_scalar("INSERT INTO rewards (name, category, cost, stock) VALUES ('测试券', '测试', 20, 10) RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (c, url) = (me.clone(), app.url("/api/points/redeem"));
            tokio::spawn(async move {
                c.post(url)
                    .form(&[("reward_id", reward.to_string())])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 2);
    assert_eq!(app::wishes::store::balance(db, uid).await.unwrap(), 10);
    // Stock: 3 people with plenty of points race for the last unit.
    let last: i64 = sqlx::query_scalar("INSERT INTO rewards (name, category, cost, stock) VALUES ('最后一张', '测试', 1, 1) RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (c, id) = app.session_for(&format!("1520000{i:04}")).await;
        sqlx::query("INSERT INTO points_ledger (user_id, delta, reason, created_at) VALUES ($1, 5, '测试', 0)").bind(id).execute(&db.pool).await.unwrap();
        let url = app.url("/api/points/redeem");
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .form(&[("reward_id", last.to_string())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
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
    sqlx::query("INSERT INTO points_ledger (user_id, delta, reason, created_at) VALUES ($1, 100, '测试', 0)").bind(uid).execute(&db.pool).await.unwrap();
    let reward: i64 = sqlx::query_scalar("SELECT MIN(id) FROM rewards")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let code: String = post(
        &app,
        &me,
        "/api/points/redeem",
        &[("reward_id", reward.to_string())],
    )
    .await
    .json()
    .await
    .unwrap();
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
    // A resident cannot verify.
    assert_eq!(
        post(&app, &me, "/api/points/verify", &[("code", code)])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn the_demo_city_has_wishes_activities_teams_and_rewards() {
    let app = spawn_app().await;
    let pool = &app.state.db.pool;
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) FROM wishes").await, 5000);
    assert_eq!(count("SELECT COUNT(DISTINCT status) FROM wishes").await, 7);
    assert_eq!(count("SELECT COUNT(*) FROM activities").await, 3100);
    assert_eq!(count("SELECT COUNT(*) FROM teams").await, 1300);
    assert!(count("SELECT COUNT(*) FROM rewards").await >= 30);
    assert!(count("SELECT COUNT(*) FROM points_ledger").await > 1000);
}

#[tokio::test]
async fn staff_post_activities_and_residents_cannot() {
    let app = spawn_app().await;
    let form = |day: &str| {
        vec![
            ("kind", "red_saturday".to_string()),
            ("title", "红色星期六·楼道清理".to_string()),
            ("day", day.to_string()),
            ("place", "3号楼楼下".to_string()),
            ("capacity", "12".to_string()),
        ]
    };
    let (resident, _) = app.session_for("15000000001").await;
    assert_eq!(
        post(
            &app,
            &resident,
            "/api/activities/create",
            &form("2099-06-01")
        )
        .await
        .status(),
        403
    );
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let r = post(&app, &staff, "/api/activities/create", &form("2020-06-01")).await;
    assert_eq!(r.status(), 400);
    let r = post(&app, &staff, "/api/activities/create", &form("2099-06-01")).await;
    assert_eq!(r.status(), 200);
    let id: i64 = r.json().await.unwrap();
    let a = app::wishes::store::activity(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.capacity, a.kind.as_str()), (12, "red_saturday"));
}
