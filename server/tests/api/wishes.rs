//! Micro-wishes, activities and points against the real server: the life cycle, the
//! races (one claimant, capacity and waitlist, redemption) and privacy.

use crate::helpers::{count, post, post_json, race, spawn_app, TestApp};
use serde_json::Value;

/// A resident of community 1 with a wish approved by staff; returns (poster, wish id).
async fn published_wish(app: &TestApp) -> (reqwest::Client, i64) {
    let (poster, uid) = app.session_for("15900000001").await;
    app::accounts::store::set_profile(&app.state.db, uid, "发布人", Some(1))
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
            (
                "deadline",
                (app::time::today_local() + chrono::Duration::days(30)).to_string(),
            ),
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
        &[("id", id.to_string()), ("action", "approve".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    (poster, id)
}

#[tokio::test]
async fn a_wish_goes_from_post_to_points_and_illegal_steps_are_refused() {
    let app = spawn_app().await;
    let (poster, id) = published_wish(&app).await;
    let (vol, vid) = app.volunteer("15700000001").await;
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
    // The claimant may ask to see the contact; it shows only once the read is on record.
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["contact"], Value::Null);
    assert_eq!(v["may_reveal_contact"], true);
    let r = post(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())]).await;
    assert_eq!(r.status(), 200);
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
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
    let bal = app::points::store::balance(&app.state.db, vid)
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
        app::points::store::balance(&app.state.db, vid)
            .await
            .unwrap(),
        app::wishes::model::WISH_POINTS
    );
}

#[tokio::test]
async fn of_a_hundred_concurrent_claims_exactly_one_wins() {
    let app = spawn_app().await;
    let (_, id) = published_wish(&app).await;
    let mut requests = Vec::new();
    for i in 0..100 {
        let (c, _) = app.volunteer(&format!("1560000{i:04}")).await;
        requests.push(
            c.post(app.url("/api/wishes/act"))
                .form(&[("id", id.to_string()), ("action", "claim".into())]),
        );
    }
    // All at once: one winner, the rest told it is taken.
    let statuses = race(requests).await;
    assert_eq!((count(&statuses, 200), count(&statuses, 409)), (1, 99));
}

#[tokio::test]
async fn public_pages_and_apis_never_show_the_poster_s_contact() {
    let app = spawn_app().await;
    let (_, id) = published_wish(&app).await;
    let stranger = app.new_client();
    let v: Value = post_json(
        &app,
        &stranger,
        "/api/wishes/get",
        &[("id", id.to_string())],
    )
    .await;
    assert!(v["contact"].is_null());
    let list = post(&app, &stranger, "/api/wishes/list", &[])
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
    // A volunteer who reads in English (a real browser session: cookies kept).
    let vol = app.new_client();
    let me = app.sign_in(&vol, "15500000001").await;
    let vol_id = me["id"].as_i64().expect("user id");
    app::accounts::store::set_volunteer(&app.state.db, vol_id, true, None)
        .await
        .unwrap();
    app.verify(vol_id).await;
    let r = vol
        .post(app.url("/prefs"))
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    sqlx::query("UPDATE wishes SET claim_expires_at = 1 WHERE id = $1")
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    // Reading never writes: the claim is still there until the job runs.
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "claimed");
    let _ = app.get_text("/wishes").await;
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "claimed");
    server::jobs::run_once(&app.state).await;
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "published");
    // Both sides are told, each in their own language; what people typed stays as typed.
    let told: Value = post_json(&app, &poster, "/api/me/notices", &[]).await;
    assert!(
        told[0][0].as_str().unwrap().contains("重新等待认领"),
        "{told}"
    );
    let told: Value = post_json(&app, &vol, "/api/me/notices", &[]).await;
    let text = told[0][0].as_str().unwrap();
    assert!(text.starts_with("The wish “需要一副助行拐杖”"), "{text}");
    assert!(text.contains("passed its deadline"), "{text}");
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

/// A tiny valid PNG header (the type is told by the bytes) with some body.
fn png(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.resize(len, 7);
    b
}

async fn fulfil_with(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    note: &str,
    photo: Option<(Vec<u8>, &str)>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .text("note", note.to_string());
    if let Some((bytes, name)) = photo {
        form = form.part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    c.post(app.url("/api/wishes/fulfil"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Photos stored (tied to a wish or staged): a refused upload leaves none behind.
async fn photos_in(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM photos")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_fulfilment_photo_is_checked_kept_and_shown_only_to_those_involved() {
    let app = spawn_app().await;
    let (poster, id) = published_wish(&app).await;
    let (vol, _) = app.volunteer("15700000002").await;
    let (other_vol, _) = app.volunteer("15700000003").await;
    let claim = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(claim.status(), 200);

    // Someone else cannot fulfil it, photo or not; nothing is written.
    let r = fulfil_with(&app, &other_vol, id, "我来完成", Some((png(1000), "a.png"))).await;
    assert_eq!(r.status(), 404);
    // Not an image (whatever its name says): 400, the wish unchanged, no file.
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已送到",
        Some((b"<script>x</script>".to_vec(), "a.jpg")),
    )
    .await;
    assert_eq!(r.status(), 400);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("JPG"), "{m}");
    // Over 5 MB: 413, unchanged.
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已送到",
        Some((png(5 * 1024 * 1024 + 10), "big.png")),
    )
    .await;
    assert_eq!(r.status(), 413);
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "claimed");
    assert_eq!(
        photos_in(&app).await,
        0,
        "no file kept for a refused upload"
    );

    // The claimant fulfils with a note and a photo.
    let bytes = png(40_000);
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已上门送到，老人很满意",
        Some((bytes.clone(), "done.png")),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(photos_in(&app).await, 1);
    let url = format!("/wishes/{id}/photo");
    let v: Value = post_json(&app, &poster, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "fulfilled");
    assert_eq!(v["photo_url"], url.as_str());

    // Poster, claimant and the community's staff see it.
    let (staff, _) = app.session_for("15800000001").await;
    for c in [&poster, &vol, &staff] {
        let r = c.get(app.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/png");
        assert!(r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    }
    // Another volunteer, staff of another community, and strangers do not.
    let (far_staff, _) = app.session_for("15800000009").await;
    app::accounts::admin::grant(&app.state.db, "15800000009", "staff", Some("2"))
        .await
        .unwrap();
    for c in [&other_vol, &far_staff] {
        assert_eq!(c.get(app.url(&url)).send().await.unwrap().status(), 404);
        let v: Value = post_json(&app, c, "/api/wishes/get", &[("id", id.to_string())]).await;
        assert!(v["photo_url"].is_null() && v["contact"].is_null());
    }
    assert_eq!(
        app.new_client()
            .get(app.url(&url))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // The public page does not link it.
    let (_, page) = app.get_text(&format!("/wishes/{id}")).await;
    assert!(!page.contains(&url));

    // A second fulfilment is refused and leaves no second file.
    let r = fulfil_with(&app, &vol, id, "再传一次", Some((png(2000), "again.png"))).await;
    assert_eq!(r.status(), 409);
    assert_eq!(photos_in(&app).await, 1);
}

#[tokio::test]
async fn without_javascript_the_fulfil_form_redirects_with_the_outcome() {
    let app = spawn_app().await;
    let (_, id) = published_wish(&app).await;
    let (vol, _) = app.volunteer("15700000004").await;
    post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .text("note", "")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let r = vol
        .post(app.url("/api/wishes/fulfil"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/wishes/{id}?err=")), "{to}");
    // A note and no file: done.
    let form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .text("note", "已完成")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let r = vol
        .post(app.url("/api/wishes/fulfil"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/wishes/{id}?ok=1").as_str()
    );
}

#[tokio::test]
async fn each_step_tells_the_other_side_and_a_team_claim_shows_on_the_team_s_record() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (poster, id) = published_wish(&app).await;
    let (vol, vid) = app.volunteer("15700000005").await;
    // Claiming for a team without one is refused, and nothing changes.
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "claim".into()),
            ("team", "true".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let team: i64 = sqlx::query_scalar("SELECT MIN(id) FROM teams")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let before: Value = post_json(&app, &vol, "/api/teams/get", &[("id", team.to_string())]).await;
    {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        app::accounts::store::join_team_in(&mut conn, vid, team)
            .await
            .unwrap();
    }
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "claim".into()),
            ("team", "true".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let notices: Value = post_json(&app, &poster, "/api/me/notices", &[]).await;
    assert!(notices.to_string().contains("已被志愿者认领"), "{notices}");
    post(
        &app,
        &vol,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "fulfil".into()),
            ("note", "已完成".into()),
        ],
    )
    .await;
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
    let notices: Value = post_json(&app, &vol, "/api/me/notices", &[]).await;
    assert!(notices.to_string().contains("积分"), "{notices}");
    // The team's record counts it; it shows no member's name or number.
    let after: Value = post_json(
        &app,
        &app.new_client(),
        "/api/teams/get",
        &[("id", team.to_string())],
    )
    .await;
    assert_eq!(
        after["points"].as_i64().unwrap(),
        before["points"].as_i64().unwrap() + 10
    );
    assert!(after["wishes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == id));
    let text = after.to_string();
    assert!(!text.contains("15700000005") && !text.contains("15900000001"));
    let (status, page) = app.get_text(&format!("/teams/{team}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("需要一副助行拐杖"));
    assert_eq!(
        post(&app, &vol, "/api/teams/get", &[("id", "999999".into())])
            .await
            .status(),
        404
    );
    // Team search finds by part of the name.
    let name = after["team"]["name"].as_str().unwrap().to_string();
    let part: String = name.chars().take(3).collect();
    let found: Value = post_json(&app, &vol, "/api/teams/search", &[("q", part.to_string())]).await;
    assert!(found.as_array().unwrap().iter().any(|t| t["id"] == team));
}

#[tokio::test]
async fn the_list_filters_by_community_and_category_and_sorts_nearest_first() {
    let app = spawn_app().await;
    let c = app.new_client();
    let list = |params: String| {
        let c = c.clone();
        let url = app.url("/api/wishes/list");
        async move {
            c.post(url)
                .body(params)
                .header("content-type", "application/x-www-form-urlencoded")
                .send()
                .await
                .unwrap()
        }
    };
    let v: Value = list("community=3&open=true".into())
        .await
        .json()
        .await
        .unwrap();
    let items = v.as_array().unwrap();
    assert!(!items.is_empty());
    let name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = 3")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(items
        .iter()
        .all(|w| w["community"] == name.as_str() && w["status"] == "published"));
    // Nearest first: distances never decrease.
    let (lat, lng): (f64, f64) = {
        let r = sqlx::query("SELECT lat, lng FROM communities WHERE id = 10")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        use sqlx::Row;
        (r.get(0), r.get(1))
    };
    let v: Value = list(format!("sort=nearest&lat={lat}&lng={lng}&category=维修"))
        .await
        .json()
        .await
        .unwrap();
    let d: Vec<f64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["distance_m"].as_f64().unwrap())
        .collect();
    assert!(d.len() > 5);
    assert!(d.windows(2).all(|p| p[0] <= p[1]), "{d:?}");
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["category"] == "维修"));
    // Bad filters get a Chinese 400.
    for bad in [
        "category=奢侈品",
        "community=abc",
        "sort=nearest",
        "lat=999&lng=1",
    ] {
        let r = list(bad.into()).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn volunteers_join_a_team_keep_it_and_bad_teams_are_refused() {
    let app = spawn_app().await;
    let (me, uid) = app.session_for("14500000001").await;
    let team_of = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT team_id FROM users WHERE id = $1")
            .bind(uid)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let join = |on: &str, team: &str| vec![("on", on.to_string()), ("team_id", team.to_string())];
    for bad in ["abc", "99999999"] {
        let r = post(&app, &me, "/api/me/volunteer", &join("true", bad)).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    assert_eq!(team_of().await, None);
    // Asking to join a team waits for its leader's or staff's approval.
    let r = post(&app, &me, "/api/me/volunteer", &join("true", "5")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(team_of().await, None);
    let (admin, _) = app.session_for("14500000009").await;
    app::accounts::admin::grant(&app.state.db, "14500000009", "admin", None)
        .await
        .unwrap();
    let r = post(
        &app,
        &admin,
        "/api/volunteers/team-join",
        &[("user_id", uid.to_string()), ("approve", "true".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(team_of().await, Some(5));
    // Opting in again without a team keeps it; opting out leaves it.
    post(&app, &me, "/api/me/volunteer", &join("true", "")).await;
    assert_eq!(team_of().await, Some(5));
    let record = post_json(&app, &me, "/api/teams/get", &[("id", "5".into())]).await;
    assert_eq!(record["is_member"], true);
    post(&app, &me, "/api/me/volunteer", &join("false", "")).await;
    assert_eq!(team_of().await, None);
}
