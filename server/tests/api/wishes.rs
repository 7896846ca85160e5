//! Micro-wishes against the real server: the life cycle from posting and review to
//! points, the claim limits (one claimant, three open claims, five a day, cooling off,
//! deadlines) under concurrency, the poster's privacy (the contact shown only to the
//! claimant, on record), notices to both sides and team claims, the list's filters, and
//! the pages that ask before acting.

use crate::helpers::{act, count, post, post_json, race, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn a_wish_goes_from_post_to_points_and_illegal_steps_are_refused() {
    let app = spawn_app().await;
    let (poster, id) = app.published_wish().await;
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
    let (_, id) = app.published_wish().await;
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
    let (_, id) = app.published_wish().await;
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
    for a in app.published_wish_addresses(20).await {
        assert!(!list.contains(&a));
    }
    // A pending wish is not public at all.
    let pending = app.first_wish_with_status("pending").await;
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
    let (poster, id) = app.published_wish().await;
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
    app.expire_claim(id).await;
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
async fn without_javascript_the_fulfil_form_redirects_with_the_outcome() {
    let app = spawn_app().await;
    let (_, id) = app.published_wish().await;
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
    let (poster, id) = app.published_wish().await;
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
    let team = app.first_team().await;
    let before: Value = post_json(&app, &vol, "/api/teams/get", &[("id", team.to_string())]).await;
    {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        app::accounts::store::join_team_in(&mut conn, vid, team)
            .await
            .unwrap();
        // A write behind the services' back: the session cache must hear of it.
        app.state.db.wrote();
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
    let name = app.community_name(3).await;
    assert!(items
        .iter()
        .all(|w| w["community"] == name.as_str() && w["status"] == "published"));
    // Nearest first: distances never decrease.
    let (lat, lng) = app.community_position(10).await;
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
async fn claims_are_limited_open_daily_and_after_a_withdrawal() {
    let app = spawn_app().await;
    let ids = app.published_wishes(6).await;
    let (vol, _) = app.volunteer("15733330001").await;
    for id in &ids[..3] {
        assert_eq!(act(&app, &vol, *id, "claim").await, 200);
    }
    // A fourth open claim: refused.
    assert_eq!(act(&app, &vol, ids[3], "claim").await, 409);
    // Withdraw one; the same wish cannot be taken again at once (cooling off).
    assert_eq!(act(&app, &vol, ids[0], "withdraw").await, 200);
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 409);
    // Claims four and five of the day, then the daily limit.
    assert_eq!(act(&app, &vol, ids[3], "claim").await, 200);
    assert_eq!(act(&app, &vol, ids[3], "withdraw").await, 200);
    assert_eq!(act(&app, &vol, ids[4], "claim").await, 200);
    assert_eq!(act(&app, &vol, ids[4], "withdraw").await, 200);
    assert_eq!(act(&app, &vol, ids[5], "claim").await, 429);
    assert_eq!(app.wish_status(ids[5]).await, "published");
}

#[tokio::test]
async fn concurrent_claims_by_one_volunteer_stop_at_three() {
    let app = spawn_app().await;
    let ids = app.published_wishes(10).await;
    let (vol, vid) = app.volunteer("15744440001").await;
    let requests = ids
        .iter()
        .map(|id| {
            vol.post(app.url("/api/wishes/act"))
                .form(&[("id", id.to_string()), ("action", "claim".into())])
        })
        .collect();
    let statuses = race(requests).await;
    assert_eq!(count(&statuses, 200), 3, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 7, "{statuses:?}");
    assert_eq!(app.wishes_claimed_by(vid).await, 3);
}

#[tokio::test]
async fn a_wish_past_its_deadline_cannot_be_claimed() {
    let app = spawn_app().await;
    let ids = app.published_wishes(1).await;
    app.backdate_wish_deadline(ids[0]).await;
    let (vol, _) = app.volunteer("15755550001").await;
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 409);
}

#[tokio::test]
async fn the_contact_is_shown_to_the_current_claimant_only_after_the_read_is_recorded() {
    let app = spawn_app().await;
    let ids = app.published_wishes(1).await;
    let id = ids[0];
    let get = |c: reqwest::Client| {
        let app = &app;
        async move { post_json(app, &c, "/api/wishes/get", &[("id", id.to_string())]).await }
    };
    let (vol, vid) = app.volunteer("15766660001").await;
    let (other, _) = app.volunteer("15766660002").await;
    // Before claiming: nothing, and asking is "not found".
    assert_eq!(get(vol.clone()).await["contact"], Value::Null);
    assert_eq!(
        post(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())])
            .await
            .status(),
        404
    );
    assert_eq!(act(&app, &vol, id, "claim").await, 200);
    let page = get(vol.clone()).await;
    assert_eq!(page["contact"], Value::Null);
    assert_eq!(page["may_reveal_contact"], true);
    let shown: Value =
        post_json(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())]).await;
    assert_eq!(shown[0], "15911110000");
    assert_eq!(app.contact_reads(vid, id).await, 1);
    assert_eq!(get(vol.clone()).await["contact"][1], "华光路1号");
    // Another volunteer, and the public: never.
    assert_eq!(
        post(
            &app,
            &other,
            "/api/wishes/contact",
            &[("id", id.to_string())]
        )
        .await
        .status(),
        404
    );
    assert_eq!(get(other.clone()).await["contact"], Value::Null);
    // The claim ends: the contact is gone for the one who withdrew.
    assert_eq!(act(&app, &vol, id, "withdraw").await, 200);
    assert_eq!(get(vol.clone()).await["contact"], Value::Null);
    assert_eq!(
        post(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())])
            .await
            .status(),
        404
    );
    // Staff read it on record too.
    let staff = app.staff_of("15866660001", "1").await;
    assert_eq!(get(staff.clone()).await["contact"], Value::Null);
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/wishes/contact",
            &[("id", id.to_string())]
        )
        .await
        .status(),
        200
    );
    assert_eq!(app.audit_count("read_wish_contact").await, 2);
    // The pending list no longer carries contacts.
    let pending = post(&app, &staff, "/api/wishes/pending", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(!pending.contains("15911110000"));
}

#[tokio::test]
async fn a_fulfilment_note_is_private_and_staff_cannot_confirm_their_own_claim() {
    let app = spawn_app().await;
    let ids = app.published_wishes(1).await;
    let id = ids[0];
    let staff = app.staff_of("15877770001", "1").await;
    let sid = app::accounts::store::user_by_phone(&app.state.db, "15877770001")
        .await
        .unwrap()
        .unwrap()
        .id;
    app::accounts::store::set_volunteer(&app.state.db, sid, true, None)
        .await
        .unwrap();
    assert_eq!(act(&app, &staff, id, "claim").await, 200);
    let r = post(
        &app,
        &staff,
        "/api/wishes/act",
        &[
            ("id", id.to_string()),
            ("action", "fulfil".into()),
            ("note", "已送到王阿姨家中".into()),
        ],
    )
    .await;
    let status = r.status();
    assert_eq!(status, 200, "{}", r.text().await.unwrap());
    let public = post_json(
        &app,
        &app.new_client(),
        "/api/wishes/get",
        &[("id", id.to_string())],
    )
    .await;
    assert_eq!(public["wish"]["status"], "fulfilled");
    assert_eq!(public["fulfil_note"], "");
    let (_, html) = app.get_text(&format!("/wishes/{id}")).await;
    assert!(!html.contains("王阿姨家中"));
    // Nobody confirms their own work.
    assert_eq!(act(&app, &staff, id, "confirm").await, 403);
    let colleague = app.staff_of("15877770002", "1").await;
    assert_eq!(act(&app, &colleague, id, "confirm").await, 200);
    assert_eq!(app.audit_count("wish_confirm").await, 1);
}

#[tokio::test]
async fn giving_a_claim_back_asks_first() {
    let app = spawn_app().await;
    let id = app.first_open_wish().await;
    let (vol, _) = app.volunteer("15700004444").await;
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = |path: String| {
        let (vol, url) = (vol.clone(), app.url(&path));
        async move { vol.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("/wishes/{id}")).await;
    assert!(
        html.contains(&format!("/wishes/{id}?release=1")),
        "a link, not a button that acts"
    );
    let asked = page(format!("/wishes/{id}?release=1")).await;
    assert!(asked.contains("确认放弃认领"), "{asked}");
    assert_eq!(
        app.wish_status(id).await,
        "claimed",
        "asking changed nothing"
    );
    // After asking to see the contact: a number to call with one tap.
    let r = post(&app, &vol, "/api/wishes/contact", &[("id", id.to_string())]).await;
    assert_eq!(r.status(), 200);
    let html = page(format!("/wishes/{id}")).await;
    assert!(html.contains("href=\"tel:"), "{html}");
}

#[tokio::test]
async fn a_review_leads_on_to_the_next_waiting_wish() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let s = app.demo(&staff, "staff").await;
    let community = s["community_id"].as_i64().unwrap();
    // Two wishes of the staff member's community, posted and waiting for review.
    let (poster, uid) = app.session_for("15911112222").await;
    app::accounts::store::set_profile(&app.state.db, uid, "发布人", Some(community))
        .await
        .unwrap();
    let deadline = (app::time::today_local() + chrono::Duration::days(30)).to_string();
    let mut ids = Vec::new();
    for i in 0..2 {
        let id = app
            .post_wish(
                &poster,
                &format!("待审{i}"),
                &deadline,
                "15911112222",
                "某处",
            )
            .await;
        ids.push(id);
    }
    let r = staff
        .post(app.url("/api/wishes/act"))
        .header("accept", "text/html")
        .form(&[("id", ids[0].to_string()), ("action", "approve".into())])
        .send()
        .await
        .unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/wishes/") && !to.starts_with(&format!("/wishes/{}?", ids[0])),
        "{to}"
    );
    let html = app.page_as(&staff, &to).await;
    assert!(html.contains("下一条待审核"), "{html}");
}

#[tokio::test]
async fn wishes_nearest_first_without_a_point_ask_for_one() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/wishes?sort=nearest").await;
    assert_eq!(status, 200);
    assert!(html.contains("按距离排序需要知道您在哪里"), "{html}");
    assert!(html.contains("id=\"near-q\""));
    let centre = app.first_station_of_kind("center").await;
    let name = app.station_name(centre).await;
    let (status, html) = app
        .get_text(&format!(
            "/wishes?sort=nearest&near={}",
            app::util::url_encode(&name)
        ))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("距离从“{name}”算起")), "{html}");
    assert!(html.contains(" · 约"), "distances shown: {html}");
}

/// The first `<option>` of the `<select>` with this id.
fn first_option(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select #{id}"));
    let rest = &html[at..];
    let start = rest.find("<option").expect("an option");
    let end = rest[start..].find("</option>").expect("closed") + start;
    rest[start..end].to_string()
}

#[tokio::test]
async fn selects_that_would_file_under_a_guessed_heading_start_at_please_choose() {
    let app = spawn_app().await;
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let html = app.page_as(&resident, "/wishes/new").await;
    let first = first_option(&html, "category");
    assert!(
        first.contains("value=\"\"") && first.ends_with(">请选择"),
        "{first}"
    );
    // Sent without a category (no browser check): refused, in words, nothing filed.
    let r = post(
        &app,
        &resident,
        "/api/wishes/post",
        &[
            ("category", "".into()),
            ("title", "需要一副助行拐杖".into()),
            ("story", "腿脚不便，出门需要拐杖。".into()),
            ("needs", "助行拐杖一副".into()),
            ("value_yuan", "50".into()),
            ("deadline", "2099-01-01".into()),
            ("contact", "13800000000".into()),
            ("address", "和平路1号".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let m: Value = r.json().await.unwrap();
    assert!(
        m["message"].as_str().unwrap().contains("请选择心愿类别"),
        "{m}"
    );

    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let html = app.page_as(&staff, "/activities").await;
    assert!(
        first_option(&html, "kind").contains("value=\"\""),
        "activity kind"
    );
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let html = app.page_as(&admin, "/admin/people").await;
    assert!(
        first_option(&html, "grant-role").contains("value=\"\""),
        "role"
    );
    assert!(
        first_option(&html, "grant-community").contains("value=\"\""),
        "community"
    );
    let html = app.page_as(&admin, "/admin/holidays").await;
    assert!(
        first_option(&html, "cal-kind").contains("value=\"\""),
        "holiday kind"
    );
    // A grant with no role chosen is refused.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &[
            ("phone", "13900000001".into()),
            ("role", "".into()),
            ("community", "".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
}
