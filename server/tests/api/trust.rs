//! Issue 12 (trust), point by point: the wish poster's privacy and the volunteer's
//! verification and claim limits, sign-in that resists guessing, client addresses behind
//! proxies, the audit trail, voucher and guide scope, demo accounts, the outbox, photos
//! in the database and the smaller defects. Each test fails on the code before it.

use crate::helpers::{count, post, post_json, race, spawn_app, spawn_app_with, TestApp};
use serde_json::Value;

/// `n` published wishes in community 1 by one poster, written directly (the posting
/// and review flow has its own tests); returns their ids.
async fn published_wishes(app: &TestApp, n: usize) -> Vec<i64> {
    let db = &app.state.db;
    let now = app::time::now_ts();
    let poster = app::accounts::store::upsert_user(db, "15911110000", "发布人", now)
        .await
        .unwrap();
    let deadline = (app::time::today_local() + chrono::Duration::days(20)).to_string();
    let mut ids = Vec::new();
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wishes (community_id, poster_id, category, title, story, needs, value_yuan, \
             deadline, contact, address, status, created_at, updated_at) \
             VALUES (1, $1, '陪伴', $2, '故事', '需要', 10, $3, '15911110000', '华光路1号', 'published', $4, $4) \
             RETURNING id",
        )
        .bind(poster)
        .bind(format!("心愿{i}"))
        .bind(&deadline)
        .bind(now)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

async fn act(app: &TestApp, c: &reqwest::Client, id: i64, action: &str) -> u16 {
    post(
        app,
        c,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", action.into())],
    )
    .await
    .status()
    .as_u16()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn staff_of(app: &TestApp, phone: &str, community: &str) -> reqwest::Client {
    let (c, _) = app.session_for(phone).await;
    app::accounts::admin::grant(&app.state.db, phone, "staff", Some(community))
        .await
        .unwrap();
    c
}

#[tokio::test]
async fn only_verified_volunteers_claim_and_staff_verify_them_on_record() {
    let app = spawn_app().await;
    let ids = published_wishes(&app, 1).await;
    // A self-declared volunteer: refused, with what to do.
    let (vol, vid) = app.session_for("15722220001").await;
    app::accounts::store::set_volunteer(&app.state.db, vid, true, None)
        .await
        .unwrap();
    app::accounts::store::set_profile(&app.state.db, vid, "小李", Some(1))
        .await
        .unwrap();
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", ids[0].to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(r.status(), 403);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("核验"), "{m}");
    // Staff of another community and residents cannot verify (as if nobody existed).
    let far = staff_of(&app, "15822220002", "2").await;
    let verify = |on: &str, name: &str| {
        vec![
            ("user_id", vid.to_string()),
            ("on", on.to_string()),
            ("real_name", name.to_string()),
        ]
    };
    assert_eq!(
        post(
            &app,
            &far,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        post(
            &app,
            &vol,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        404
    );
    // Their own community's staff: a bad name is refused, a real one recorded, audited.
    let staff = staff_of(&app, "15822220001", "1").await;
    assert_eq!(
        post(&app, &staff, "/api/volunteers/verify", &verify("true", "1"))
            .await
            .status(),
        400
    );
    let list: Value = post_json(&app, &staff, "/api/volunteers/list", &[]).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == vid && v["verified"] == false));
    assert!(
        !list.to_string().contains("15722220001"),
        "numbers are masked"
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        200
    );
    assert_eq!(audit_count(&app, "verify_volunteer").await, 1);
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 200);
    // Withdrawing the verification is audited too, and stops new claims.
    assert_eq!(
        post(&app, &staff, "/api/volunteers/verify", &verify("false", ""))
            .await
            .status(),
        200
    );
    assert_eq!(audit_count(&app, "unverify_volunteer").await, 1);
    let after: Option<String> =
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'unverify_volunteer'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(after.unwrap().contains("\"verified_at\":null"));
}

#[tokio::test]
async fn the_leader_of_a_verified_team_verifies_its_members_only() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (leader, lid) = app.session_for("15722229001").await;
    let (_, member) = app.session_for("15722229002").await;
    let (_, stranger) = app.session_for("15722229003").await;
    {
        let mut conn = db.pool.acquire().await.unwrap();
        app::accounts::store::join_team_in(&mut conn, lid, 3)
            .await
            .unwrap();
        app::accounts::store::join_team_in(&mut conn, member, 3)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE users SET verified_at = NULL WHERE id = $1")
        .bind(member)
        .execute(&db.pool)
        .await
        .unwrap();
    let verify = |who: i64| {
        let (app, leader) = (&app, &leader);
        async move {
            post(
                app,
                leader,
                "/api/volunteers/verify",
                &[
                    ("user_id", who.to_string()),
                    ("on", "true".into()),
                    ("real_name", "王五".into()),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    // Not yet a verified team: the leader may not verify anyone.
    app::teams::store::set_leader(db, 3, Some(lid), false)
        .await
        .unwrap();
    assert_eq!(verify(member).await, 404);
    app::teams::store::set_leader(db, 3, Some(lid), true)
        .await
        .unwrap();
    assert_eq!(verify(stranger).await, 404, "not a member of the team");
    assert_eq!(verify(member).await, 200);
    let list: Value = post_json(&app, &leader, "/api/volunteers/list", &[]).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|v| v["team"].is_string()),
        "{list}"
    );
}

#[tokio::test]
async fn claims_are_limited_open_daily_and_after_a_withdrawal() {
    let app = spawn_app().await;
    let ids = published_wishes(&app, 6).await;
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
    let status: String = sqlx::query_scalar("SELECT status FROM wishes WHERE id = $1")
        .bind(ids[5])
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "published");
}

#[tokio::test]
async fn concurrent_claims_by_one_volunteer_stop_at_three() {
    let app = spawn_app().await;
    let ids = published_wishes(&app, 10).await;
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
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wishes WHERE claimant_id = $1")
        .bind(vid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(held, 3);
}

#[tokio::test]
async fn a_wish_past_its_deadline_cannot_be_claimed() {
    let app = spawn_app().await;
    let ids = published_wishes(&app, 1).await;
    sqlx::query("UPDATE wishes SET deadline = '2020-01-01' WHERE id = $1")
        .bind(ids[0])
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let (vol, _) = app.volunteer("15755550001").await;
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 409);
}

#[tokio::test]
async fn the_contact_is_shown_to_the_current_claimant_only_after_the_read_is_recorded() {
    let app = spawn_app().await;
    let ids = published_wishes(&app, 1).await;
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
    let reads: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'read_wish_contact' AND actor_id = $1 AND target = $2",
    )
    .bind(vid)
    .bind(format!("wish:{id}"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(reads, 1);
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
    let staff = staff_of(&app, "15866660001", "1").await;
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
    assert_eq!(audit_count(&app, "read_wish_contact").await, 2);
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
    let ids = published_wishes(&app, 1).await;
    let id = ids[0];
    let staff = staff_of(&app, "15877770001", "1").await;
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
    let colleague = staff_of(&app, "15877770002", "1").await;
    assert_eq!(act(&app, &colleague, id, "confirm").await, 200);
    assert_eq!(audit_count(&app, "wish_confirm").await, 1);
}

const LOCK_PHONE: &str = "13766660001";

async fn wrong_guesses(app: &TestApp, c: &reqwest::Client, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let r = post(
            app,
            c,
            "/api/auth/verify-code",
            &[("phone", LOCK_PHONE.into()), ("code", "000000".into())],
        )
        .await;
        out.push(r.status().as_u16());
    }
    out
}

/// A fresh code for the number without the minute's wait (as after a minute).
async fn new_code(app: &TestApp, c: &reqwest::Client) -> u16 {
    sqlx::query("DELETE FROM code_throttle")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    post(
        app,
        c,
        "/api/auth/request-code",
        &[("phone", LOCK_PHONE.into())],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn ten_wrong_codes_in_an_hour_lock_the_number_across_codes() {
    let app = spawn_app().await;
    let c = app.new_client();
    assert_eq!(new_code(&app, &c).await, 200);
    assert_eq!(wrong_guesses(&app, &c, 5).await, vec![400; 5]);
    // A new code used to give five more guesses forever; now the failures add up.
    assert_eq!(new_code(&app, &c).await, 200);
    let s = wrong_guesses(&app, &c, 5).await;
    assert_eq!(&s[..4], &[400; 4]);
    assert_eq!(s[4], 429, "the tenth failure locks the number");
    let texts = app.sent_sms().await.len();
    // Locked: no code is texted to the victim, and even the right code is refused.
    assert_eq!(new_code(&app, &c).await, 429);
    assert_eq!(app.sent_sms().await.len(), texts);
    let code = app.last_code(LOCK_PHONE).await.unwrap();
    let r = post(
        &app,
        &c,
        "/api/auth/verify-code",
        &[("phone", LOCK_PHONE.into()), ("code", code)],
    )
    .await;
    assert_eq!(r.status(), 429);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("锁定"), "{m}");
}

#[tokio::test]
async fn a_number_gets_at_most_ten_codes_a_day() {
    let app = spawn_app().await;
    let c = app.new_client();
    for i in 0..10 {
        assert_eq!(new_code(&app, &c).await, 200, "code {i}");
    }
    assert_eq!(new_code(&app, &c).await, 429);
    assert_eq!(app.sent_sms().await.len(), 10);
}

#[tokio::test]
async fn the_per_number_wait_is_checked_before_the_address_quota_is_spent() {
    let app = spawn_app_with(|c| c.codes_per_address_hour = 2).await;
    let c = app.new_client();
    let ask = |phone: &'static str| {
        let (app, c) = (&app, &c);
        async move {
            post(app, c, "/api/auth/request-code", &[("phone", phone.into())])
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(ask("13777770001").await, 200);
    // Too soon for the same number: refused without spending the address's quota.
    assert_eq!(ask("13777770001").await, 429);
    assert_eq!(ask("13777770001").await, 429);
    assert_eq!(ask("13777770002").await, 200);
    assert_eq!(ask("13777770003").await, 429, "the quota of 2 is now spent");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop() {
    let app = spawn_app_with(|c| {
        c.codes_per_address_hour = 1;
        c.trusted_proxies = app::config::parse_networks("127.0.0.1/32").unwrap();
    })
    .await;
    let ask = |phone: &'static str, xff: &'static str| {
        let app = &app;
        async move {
            app.new_client()
                .post(app.url("/api/auth/request-code"))
                .header("x-forwarded-for", xff)
                .form(&[("phone", phone)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(ask("13788880001", "203.0.113.1").await, 200);
    // The same client, with a forged left-most entry: still the same client.
    assert_eq!(ask("13788880002", "6.6.6.6, 203.0.113.1").await, 429);
    // Another client behind the same proxy has its own quota.
    assert_eq!(ask("13788880003", "203.0.113.2").await, 200);
    // IPv6: one /64 is one client.
    assert_eq!(ask("13788880004", "2001:db8:1:2::1").await, 200);
    assert_eq!(ask("13788880005", "2001:db8:1:2:ffff::9").await, 429);
    // Without a trusted proxy the header is ignored: everyone here is 127.0.0.1.
    let plain = spawn_app_with(|c| c.codes_per_address_hour = 1).await;
    for (i, (phone, xff)) in [("13788880006", "1.1.1.1"), ("13788880007", "2.2.2.2")]
        .into_iter()
        .enumerate()
    {
        let s = plain
            .new_client()
            .post(plain.url("/api/auth/request-code"))
            .header("x-forwarded-for", xff)
            .form(&[("phone", phone)])
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, if i == 0 { 200 } else { 429 });
    }
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
    let far = staff_of(&app, "13599990003", "2").await;
    let near = staff_of(&app, "13599990004", "1").await;
    assert_eq!(verify(far.clone(), v1.clone()).await, 404);
    assert_eq!(verify(merchant.clone(), v1.clone()).await, 404);
    assert_eq!(verify(near.clone(), v2.clone()).await, 404);
    assert_eq!(verify(near.clone(), v1.clone()).await, 200);
    assert_eq!(verify(merchant.clone(), v2.clone()).await, 200);
    assert_eq!(verify(merchant.clone(), v2.clone()).await, 409);
    let by: Option<i64> = sqlx::query_scalar("SELECT verified_by FROM vouchers WHERE code = $1")
        .bind(&v2)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(by, Some(mid));
    assert_eq!(audit_count(&app, "verify_voucher").await, 2);
}

#[tokio::test]
async fn staff_propose_guide_changes_and_an_admin_approves_them() {
    let app = spawn_app().await;
    let staff = staff_of(&app, "13466660001", "1").await;
    app::accounts::store::set_profile(
        &app.state.db,
        {
            app::accounts::store::user_by_phone(&app.state.db, "13466660001")
                .await
                .unwrap()
                .unwrap()
                .id
        },
        "张社工",
        None,
    )
    .await
    .unwrap();
    let g: Value = post_json(
        &app,
        &staff,
        "/api/catalogue/guide",
        &[("code", "MZ-01".into())],
    )
    .await;
    let mut item = g["item"].clone();
    item["hours"] = Value::from("周一至周六 8:30—17:30");
    let edit = |c: reqwest::Client| {
        let (app, item) = (&app, item.clone());
        async move {
            post(
                app,
                &c,
                "/api/catalogue/update",
                &[
                    ("code", "MZ-01".into()),
                    ("base", "1".into()),
                    ("guide", item.to_string()),
                    ("note", "周六也办".into()),
                ],
            )
            .await
        }
    };
    let r = edit(staff.clone()).await;
    assert_eq!(r.status(), 200);
    let proposal: i64 = r.json().await.unwrap();
    let version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM catalogue_items WHERE code = 'MZ-01'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert_eq!(version().await, 1, "a proposal publishes nothing");
    // Staff cannot approve; an admin can, once.
    let decide = |c: reqwest::Client, approve: &str| {
        let app = &app;
        let approve = approve.to_string();
        async move {
            post(
                app,
                &c,
                "/api/catalogue/decide",
                &[("id", proposal.to_string()), ("approve", approve)],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(decide(staff.clone(), "true").await, 403);
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let listed: Value = post_json(&app, &admin, "/api/catalogue/proposals", &[]).await;
    assert_eq!(listed[0]["id"], proposal);
    assert_eq!(decide(admin.clone(), "true").await, 200);
    assert_eq!(version().await, 2);
    assert_eq!(decide(admin.clone(), "true").await, 404);
    // The history shows both who proposed and who approved.
    let h: Value = post_json(
        &app,
        &admin,
        "/api/catalogue/history",
        &[("code", "MZ-01".into())],
    )
    .await;
    let note = h[0][2].as_str().unwrap();
    assert!(
        note.contains("张社工") && note.contains("体验管理员"),
        "{note}"
    );
    assert_eq!(audit_count(&app, "propose_guide").await, 1);
    assert_eq!(audit_count(&app, "approve_guide").await, 1);
}

#[tokio::test]
async fn demo_accounts_are_refused_and_signed_out_when_demo_mode_is_off() {
    let mut app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let viewer = |c: reqwest::Client, app: &TestApp| {
        let url = app.url("/api/auth/viewer");
        async move {
            c.post(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(viewer(staff.clone(), &app).await["user"]["role"], "staff");
    // The demo's 200 residents are demo accounts too.
    let demo_people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE demo = 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(demo_people > 200, "{demo_people}");
    app.config.demo = false;
    app.restart().await;
    assert_eq!(viewer(staff.clone(), &app).await["user"], Value::Null);
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.demo = 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(sessions, 0);
    let r = post(
        &app,
        &app.new_client(),
        "/api/auth/demo",
        &[("role", "staff".into())],
    )
    .await;
    assert_eq!(r.status(), 404);
    // Nor by a text: no code goes to a demo number.
    let r = post(
        &app,
        &app.new_client(),
        "/api/auth/request-code",
        &[("phone", "19900000003".into())],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert!(app.sent_sms().await.is_empty());
}

#[tokio::test]
async fn a_real_account_is_never_turned_into_a_demo_identity() {
    let app = spawn_app().await;
    let real = app.new_client();
    app.sign_in(&real, "19900000004").await;
    let r = post(
        &app,
        &app.new_client(),
        "/api/auth/demo",
        &[("role", "admin".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
    let u = app::accounts::store::user_by_phone(&app.state.db, "19900000004")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.role, app::accounts::model::Role::Resident);
    assert!(!u.demo);
}

#[tokio::test]
async fn closing_a_slot_answers_at_once_and_its_texts_go_out_once_through_the_outbox() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    // 60 texts queued at once, delivered by two processes' workers together.
    {
        let mut tx = app.state.db.begin_write().await.unwrap();
        for i in 0..60 {
            app::outbox::store::enqueue(
                &mut tx,
                &format!("1360000{i:04}"),
                "test",
                &format!("第{i}条\n两行"),
                0,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    app.state.wake_outbox();
    second.state.wake_outbox();
    app.outbox_settled().await;
    let sent = app.sent_sms().await;
    assert_eq!(sent.len(), 60, "each exactly once, each a whole line");
    let mut phones: Vec<String> = sent
        .iter()
        .map(|m| m["phone"].as_str().unwrap().to_string())
        .collect();
    phones.sort();
    phones.dedup();
    assert_eq!(phones.len(), 60);
}

#[tokio::test]
async fn photos_live_in_the_database_and_files_of_older_versions_are_imported() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let ids = published_wishes(&app, 1).await;
    let (vol, vid) = app.volunteer("15788880001").await;
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 200);
    // A photo an older version kept as a file.
    let dir = std::path::PathBuf::from(&app.state.config.upload_dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bytes: Vec<u8> = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 600_000]].concat();
    std::fs::write(dir.join("w1-old.png"), &bytes).unwrap();
    sqlx::query("UPDATE wishes SET status = 'fulfilled' WHERE id = $1")
        .bind(ids[0])
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO wish_photos (wish_id, file, mime, bytes, sha256, uploaded_by, created_at) \
         VALUES ($1, 'w1-old.png', 'image/png', $2, 'x', $3, 0)",
    )
    .bind(ids[0])
    .bind(bytes.len() as i64)
    .bind(vid)
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        app::wishes::service::import_photo_files(db, &dir)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::wishes::service::import_photo_files(db, &dir)
            .await
            .unwrap(),
        0
    );
    assert!(!dir.join("w1-old.png").exists());
    let chunks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photo_chunks")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(chunks, 3, "600 KB in 256 KiB chunks");
    // Any process serves it, private and never stored by a cache.
    let second = app.second_process().await;
    let r = vol
        .get(second.url(&format!("/wishes/{}/photo", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    // A staged photo never tied to a wish is purged by the jobs.
    let staged = app::wishes::photo::Staging::begin(db, vid, 0)
        .await
        .unwrap();
    server::jobs::purge(&app.state).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE id = $1")
        .bind(staged.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_signed_out_upload_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    // The body is never sent: the answer must come from the headers alone.
    let mut stream = tokio::net::TcpStream::connect(app.url("").trim_start_matches("http://"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            b"POST /api/wishes/fulfil HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 4000000\r\n\r\n",
        )
        .await
        .unwrap();
    let mut buf = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");
}

#[tokio::test]
async fn expired_rows_are_purged_and_the_code_key_is_not_in_the_database() {
    let app = spawn_app().await;
    let db = &app.state.db;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('old', 1, 0, 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO login_failures (phone, at) VALUES ('13000000000', 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO ip_throttle (ip, hour, n) VALUES ('1.2.3.4', 1, 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(server::jobs::purge(&app.state).await.unwrap() >= 3);
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM sessions WHERE token_hash = 'old') + \
                (SELECT COUNT(*) FROM login_failures) + (SELECT COUNT(*) FROM ip_throttle)",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_meta WHERE key = 'code_secret'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(in_db, 0);
}

#[test]
fn the_code_key_lives_in_a_0600_file_beside_a_sqlite_database() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("linli-secret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("city.db");
    let config = app::config::Config {
        database_url: format!("sqlite://{}", db.display()),
        ..Default::default()
    };
    let first = server::load_secret(&config).unwrap();
    let file = dir.join("city.db.secret");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        server::load_secret(&config).unwrap(),
        first,
        "kept across restarts"
    );
    // Readable by others: refused.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(server::load_secret(&config).is_err());
    // PostgreSQL without LINLI_SECRET: refused with what to set.
    let pg = app::config::Config {
        database_url: "postgres://x@127.0.0.1/y".into(),
        ..Default::default()
    };
    assert!(format!("{:#}", server::load_secret(&pg).unwrap_err()).contains("LINLI_SECRET"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn staff_actions_at_the_desk_are_audited_and_texts_are_queued() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    // The desk user needs the demo staff to exist before the slot is chosen.
    let (slot, item) = app.desk_slot(5).await;
    let (_, code) = app.book_in("13244440001", (slot, item.clone())).await;
    let (_, code2) = app.book_in("13244440002", (slot, item.clone())).await;
    // A booking for another day is not checked in (it would record a visit that did
    // not happen); on its day it is, and audited.
    let mark = |code: String| {
        let (app, staff) = (&app, &staff);
        async move {
            post(
                app,
                staff,
                "/api/desk/mark",
                &[("code", code), ("action", "check_in".into())],
            )
            .await
            .status()
            .as_u16()
        }
    };
    let slot_day: String = sqlx::query_scalar("SELECT day FROM booking_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    if slot_day != app::time::today() {
        assert_eq!(mark(code2.clone()).await, 409);
        let status: String = sqlx::query_scalar("SELECT status FROM bookings WHERE code = $1")
            .bind(&code2)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(status, "active");
        // Moved to today for the test (no other slot of that centre starts then).
        sqlx::query("UPDATE booking_slots SET day = $1, start_min = 1439 WHERE id = $2")
            .bind(app::time::today())
            .bind(slot)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    assert_eq!(mark(code2).await, 200);
    assert_eq!(audit_count(&app, "desk_check_in").await, 1);
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", slot.to_string()), ("reason", "停电".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(audit_count(&app, "close_slot").await, 1);
    // The residents' texts were queued with the closing, and go out once.
    let queued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'slot_closed'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        queued, 1,
        "the resident still booked; the one checked in is not cancelled"
    );
    let texts: Vec<Value> = app
        .sent_sms()
        .await
        .into_iter()
        .filter(|m| m["purpose"] == "slot_closed")
        .collect();
    assert_eq!(texts.len(), 1);
    assert!(texts
        .iter()
        .any(|m| m["text"].as_str().unwrap().contains(&code)));
    let r = post(
        &app,
        &staff,
        "/api/desk/reopen-slot",
        &[("slot_id", slot.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(audit_count(&app, "reopen_slot").await, 1);
    let r = post(&app, &staff, "/api/desk/walk-in", &[("item_code", item)]).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(audit_count(&app, "walk_in").await, 1);
    // Another centre's slot answers exactly as one that does not exist.
    let other: i64 = sqlx::query_scalar(
        "SELECT MIN(s.id) FROM booking_slots s JOIN stations st ON st.id = s.center_id \
         WHERE st.community_id <> (SELECT community_id FROM users WHERE phone = '19900000003')",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("another centre has slots");
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", other.to_string()), ("reason", "x".into())],
    )
    .await;
    let unknown = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", "99999999".into()), ("reason", "x".into())],
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.status(), unknown.status());
    assert_eq!(r.text().await.unwrap(), unknown.text().await.unwrap());
    // A slot that has begun cannot be closed.
    sqlx::query("UPDATE booking_slots SET starts_at = 1 WHERE id = $1")
        .bind(slot)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = post(
        &app,
        &staff,
        "/api/desk/close-slot",
        &[("slot_id", slot.to_string()), ("reason", "太晚".into())],
    )
    .await;
    assert_eq!(r.status(), 409);
}

/// Closing a slot while its residents cancel: every transaction takes the slot's row
/// first, so there is no deadlock and no 500, and the count ends exact.
#[tokio::test]
async fn closing_a_slot_while_residents_cancel_gives_no_deadlock_and_no_500() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (slot, item) = app.desk_slot(20).await;
    let mut people = Vec::new();
    for i in 0..20 {
        people.push(
            app.book_in(&format!("132555{i:05}"), (slot, item.clone()))
                .await,
        );
    }
    let mut requests: Vec<reqwest::RequestBuilder> = people
        .iter()
        .map(|(c, code)| {
            c.post(app.url("/api/booking/cancel"))
                .form(&[("code", code.as_str())])
        })
        .collect();
    requests.insert(
        10,
        staff
            .post(app.url("/api/desk/close-slot"))
            .form(&[("slot_id", slot.to_string()), ("reason", "临时停电".into())]),
    );
    let statuses = race(requests).await;
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], 200, "the closing itself goes through");
    let (booked, active): (i64, i64) = (
        sqlx::query_scalar("SELECT booked FROM booking_slots WHERE id = $1")
            .bind(slot)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'",
        )
        .bind(slot)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap(),
    );
    assert_eq!((booked, active), (0, 0));
}

#[tokio::test]
async fn a_station_edit_based_on_an_old_version_is_refused() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let station: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM stations WHERE community_id = (SELECT community_id FROM users WHERE phone = '19900000003')",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let save = |phone: &str, version: &str| {
        let (app, staff) = (&app, &staff);
        let form = vec![
            ("station_id", station.to_string()),
            ("phone", phone.to_string()),
            ("amenities", "water".to_string()),
            ("version", version.to_string()),
        ];
        async move {
            post(app, staff, "/api/stations/update", &form)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(save("0533-1111111", "0").await, 200);
    // A colleague who opened the form at version 0 does not overwrite it.
    assert_eq!(save("0533-2222222", "0").await, 409);
    let phone: String = sqlx::query_scalar("SELECT phone FROM stations WHERE id = $1")
        .bind(station)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(phone, "0533-1111111");
}

#[tokio::test]
async fn private_answers_are_not_stored_by_caches() {
    let app = spawn_app().await;
    let (me, _) = app.session_for("13233330001").await;
    let r = me.get(app.url("/me")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let r = post(&app, &me, "/api/booking/mine", &[]).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    // A public page to a stranger may be cached.
    let r = app
        .new_client()
        .get(app.url("/services"))
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string()),
        Some("no-store".to_string())
    );
}

#[tokio::test]
async fn extreme_values_get_a_chinese_400_and_change_nothing() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let long = "长".repeat(5_000);
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1-4294967295 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "4294967295".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "4294967".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00\n".repeat(500)),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01,".repeat(5_000)),
            ],
        ),
        ("/api/desk/today", vec![("day", "99999-01-01".into())]),
        ("/api/desk/today", vec![("day", "1000-01-01".into())]),
        (
            "/api/desk/close-slot",
            vec![("slot_id", "1".into()), ("reason", long.clone())],
        ),
        (
            "/api/activities/create",
            vec![
                ("kind", "project".into()),
                ("title", "活动".into()),
                ("day", "2099-01-01".into()),
                ("place", "广场".into()),
                ("capacity", "9223372036854775807".into()),
                ("hours", "2".into()),
                ("points", "5".into()),
            ],
        ),
        (
            "/api/activities/create",
            vec![
                ("kind", "project".into()),
                ("title", long.clone()),
                ("day", "2026-12-31".into()),
                ("place", "广场".into()),
                ("capacity", "5".into()),
                ("hours", "-1".into()),
                ("points", "99999".into()),
            ],
        ),
        (
            "/api/wishes/post",
            vec![
                ("category", "陪伴".into()),
                ("title", "陪聊".into()),
                ("story", "故事".into()),
                ("needs", "聊天".into()),
                ("value_yuan", "9223372036854775807".into()),
                ("deadline", "9999-12-31".into()),
                ("contact", "13800000000".into()),
                ("address", "某处".into()),
            ],
        ),
        (
            "/api/wishes/post",
            vec![
                ("category", "陪伴".into()),
                ("title", long.clone()),
                ("story", "故事".into()),
                ("needs", "聊天".into()),
                ("value_yuan", "10".into()),
                ("deadline", "2026-12-31".into()),
                ("contact", "13800000000".into()),
                ("address", "某处".into()),
            ],
        ),
        (
            "/api/stations/nearby",
            vec![("lat", "1e308".into()), ("lng", "-1e308".into())],
        ),
        ("/api/me/profile", vec![("display_name", long.clone())]),
        (
            "/api/volunteers/verify",
            vec![
                ("user_id", "1".into()),
                ("on", "true".into()),
                ("real_name", long.clone()),
            ],
        ),
        (
            "/api/catalogue/update",
            vec![
                ("code", "\n".into()),
                ("base", "1".into()),
                ("guide", "{}".into()),
                ("note", "x".into()),
            ],
        ),
        (
            "/api/auth/verify-code",
            vec![
                ("phone", "13800000000".into()),
                ("code", "123456".into()),
                ("next", "/\t//evil".into()),
            ],
        ),
    ];
    let before: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM wishes) + (SELECT COUNT(*) FROM activities) + (SELECT COUNT(*) FROM booking_schedules)")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    for (path, form) in &cases {
        let r = post(&app, &staff, path, form).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            (400..500).contains(&status),
            "{path} {form:?}: {status} {body}"
        );
        assert!(
            body.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: {body}"
        );
    }
    let after: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM wishes) + (SELECT COUNT(*) FROM activities) + (SELECT COUNT(*) FROM booking_schedules)")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_staff_pages_render_for_their_people_and_refuse_others() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let (vol, vid) = app.session_for("15799990001").await;
    app::accounts::store::set_volunteer(&app.state.db, vid, true, None)
        .await
        .unwrap();
    app::accounts::store::set_profile(&app.state.db, vid, "待核验的志愿者", {
        app::accounts::store::user_by_phone(&app.state.db, "19900000003")
            .await
            .unwrap()
            .unwrap()
            .community_id
    })
    .await
    .unwrap();
    let html = app.page_as(&staff, "/volunteers").await;
    assert!(
        html.contains("待核验的志愿者") && html.contains("real_name"),
        "{html}"
    );
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let html = app.page_as(&admin, "/admin").await;
    assert!(html.contains("操作记录"), "{html}");
    // A resident gets neither.
    let html = app.page_as(&vol, "/admin").await;
    assert!(!html.contains("操作记录"));
    assert_eq!(
        post(&app, &vol, "/api/admin/overview", &[]).await.status(),
        403
    );
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
    let cheapest: i64 = sqlx::query_scalar("SELECT id FROM rewards ORDER BY cost, id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let asked = app
        .page_as(&me, &format!("/points?confirm={cheapest}"))
        .await;
    assert!(
        asked.contains("确认用") && asked.contains("确认兑换"),
        "{asked}"
    );
    let vouchers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM vouchers WHERE user_id = $1")
        .bind(uid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(vouchers, 0, "asking wrote nothing");
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

/// Concurrent wrong guesses are counted one after another: with nine failures on
/// record, five guesses at once record exactly one more, and every one of them is
/// refused as locked.
#[tokio::test]
async fn concurrent_guesses_at_the_lock_threshold_record_exactly_one_failure() {
    let app = spawn_app().await;
    let c = app.new_client();
    assert_eq!(new_code(&app, &c).await, 200);
    let now = app::time::now_ts();
    for i in 0..9 {
        sqlx::query("INSERT INTO login_failures (phone, at) VALUES ($1, $2)")
            .bind(LOCK_PHONE)
            .bind(now - 60 - i)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    let requests = (0..5)
        .map(|_| {
            app.new_client()
                .post(app.url("/api/auth/verify-code"))
                .form(&[("phone", LOCK_PHONE), ("code", "000000")])
        })
        .collect();
    let statuses = race(requests).await;
    assert_eq!(count(&statuses, 429), 5, "{statuses:?}");
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE phone = $1")
        .bind(LOCK_PHONE)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(failures, 10);
}
