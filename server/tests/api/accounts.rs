//! Sign-in, sessions, roles and the denials, against the real server.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use reqwest::Client;
use serde_json::Value;

const PHONE: &str = "13812341234";

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn viewer(app: &TestApp, client: &Client) -> Value {
    let r = client
        .post(app.url("/api/auth/viewer"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn post_form(
    app: &TestApp,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

async fn message(r: reqwest::Response) -> String {
    let v: Value = r.json().await.unwrap();
    v["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("linli_session=") || c.starts_with("__Host-linli_session="))
        .map(str::to_string)
}

#[tokio::test]
async fn sign_in_with_the_console_code_creates_an_http_only_session() {
    let app = spawn_app().await;
    let c = app.new_client();
    let r = post_form(
        &app,
        &c,
        "/api/auth/request-code",
        &[("phone", "138 1234 1234")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<String>().await.unwrap(), "138****1234");
    let code = app.last_code(PHONE).await.unwrap();
    let r = post_form(
        &app,
        &c,
        "/api/auth/verify-code",
        &[("phone", PHONE), ("code", &code)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let cookie = session_cookie(&r).expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "not configured for HTTPS here");
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["phone"], PHONE);
    assert_eq!(user["role"], "resident");
    assert_eq!(viewer(&app, &c).await["user"]["phone"], PHONE);
    // A fresh browser is not signed in.
    assert!(viewer(&app, &app.new_client()).await["user"].is_null());
}

#[tokio::test]
async fn cookies_are_secure_when_configured_for_https() {
    let app = spawn_app_with(|c| c.secure_cookies = true).await;
    let c = app.new_client();
    post_form(&app, &c, "/api/auth/request-code", &[("phone", PHONE)]).await;
    let code = app.last_code(PHONE).await.unwrap();
    let r = post_form(
        &app,
        &c,
        "/api/auth/verify-code",
        &[("phone", PHONE), ("code", &code)],
    )
    .await;
    let cookie = session_cookie(&r).unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // The __Host- prefix: Secure, Path=/, no Domain.
    assert!(cookie.starts_with("__Host-linli_session="), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    // HSTS is sent when the portal is configured for HTTPS ...
    let r = c.get(app.url("/")).send().await.unwrap();
    let hsts = r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(hsts.contains("max-age=31536000"), "{hsts}");
    // ... and the session works under its new name (the old name is not read).
    let me: serde_json::Value = c
        .post(app.url("/api/auth/viewer"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["phone"], PHONE);
}

#[tokio::test]
async fn no_hsts_without_https() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    assert!(r.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn bad_numbers_get_a_chinese_400_and_no_message_is_sent() {
    let app = spawn_app().await;
    for bad in ["", "12345", "12812341234", "138123412345", "abc"] {
        let r = post_form(
            &app,
            &app.client,
            "/api/auth/request-code",
            &[("phone", bad)],
        )
        .await;
        assert_eq!(r.status(), 400, "{bad}");
        assert!(is_chinese(&message(r).await));
    }
    assert!(app.sent_sms().await.is_empty());
}

#[tokio::test]
async fn one_code_per_number_per_minute_even_under_concurrency() {
    let app = spawn_app().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (c, url) = (app.new_client(), app.url("/api/auth/request-code"));
            tokio::spawn(async move {
                c.post(url)
                    .form(&[("phone", PHONE)])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429));
    assert_eq!(app.sent_sms().await.len(), 1);
}

#[tokio::test]
async fn codes_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    post_form(
        &app,
        &app.client,
        "/api/auth/request-code",
        &[("phone", PHONE)],
    )
    .await;
    let code = app.last_code(PHONE).await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT code_hash FROM login_codes WHERE phone = $1")
        .bind(PHONE)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(&code));
}

#[tokio::test]
async fn brute_force_stops_at_five_tries_and_then_even_the_right_code_fails() {
    let app = spawn_app().await;
    let c = app.new_client();
    post_form(&app, &c, "/api/auth/request-code", &[("phone", PHONE)]).await;
    let code = app.last_code(PHONE).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 1..=5 {
        let r = post_form(
            &app,
            &c,
            "/api/auth/verify-code",
            &[("phone", PHONE), ("code", wrong)],
        )
        .await;
        assert_eq!(r.status(), 400);
        let m = message(r).await;
        if i < 5 {
            assert!(m.contains(&format!("还可再试{}次", 5 - i)), "{m}");
        } else {
            assert!(m.contains("重新获取"), "{m}");
        }
    }
    let r = post_form(
        &app,
        &c,
        "/api/auth/verify-code",
        &[("phone", PHONE), ("code", &code)],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(session_cookie(&r).is_none());
    assert!(viewer(&app, &c).await["user"].is_null());
}

#[tokio::test]
async fn a_code_works_once_even_when_raced() {
    let app = spawn_app().await;
    post_form(
        &app,
        &app.client,
        "/api/auth/request-code",
        &[("phone", PHONE)],
    )
    .await;
    let code = app.last_code(PHONE).await.unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (c, url, code) = (
                app.new_client(),
                app.url("/api/auth/verify-code"),
                code.clone(),
            );
            tokio::spawn(async move {
                c.post(url)
                    .form(&[("phone", PHONE), ("code", code.as_str())])
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
    assert_eq!(ok, 1);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = spawn_app().await;
    post_form(
        &app,
        &app.client,
        "/api/auth/request-code",
        &[("phone", PHONE)],
    )
    .await;
    let code = app.last_code(PHONE).await.unwrap();
    sqlx::query("UPDATE login_codes SET expires_at = expires_at - 301")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = post_form(
        &app,
        &app.client,
        "/api/auth/verify-code",
        &[("phone", PHONE), ("code", &code)],
    )
    .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_session_id_rotates_at_sign_in_and_the_old_one_dies() {
    let app = spawn_app().await;
    let c = app.new_client();
    app.sign_in(&c, PHONE).await;
    let first: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    // Wait out the resend limit, then sign in again in the same browser.
    sqlx::query("DELETE FROM code_throttle")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.sign_in(&c, PHONE).await;
    let second: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1, "the old session was ended");
    assert_ne!(first, second);
}

#[tokio::test]
async fn sign_out_and_sign_out_everywhere() {
    let app = spawn_app().await;
    let (phone_a, laptop) = (app.new_client(), app.new_client());
    app.sign_in(&phone_a, PHONE).await;
    sqlx::query("DELETE FROM code_throttle")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.sign_in(&laptop, PHONE).await;
    let r = post_form(&app, &phone_a, "/api/auth/sign-out", &[]).await;
    assert_eq!(r.status(), 200);
    assert!(viewer(&app, &phone_a).await["user"].is_null());
    assert!(
        !viewer(&app, &laptop).await["user"].is_null(),
        "other devices stay signed in"
    );

    sqlx::query("DELETE FROM code_throttle")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    app.sign_in(&phone_a, PHONE).await;
    let r = post_form(&app, &laptop, "/api/auth/sign-out-all", &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<u64>().await.unwrap(), 2);
    assert!(viewer(&app, &phone_a).await["user"].is_null());
    assert!(viewer(&app, &laptop).await["user"].is_null());
}

#[tokio::test]
async fn sessions_survive_a_server_restart() {
    let mut app = spawn_app().await;
    let c = app.new_client();
    app.sign_in(&c, PHONE).await;
    app.restart().await;
    assert_eq!(viewer(&app, &c).await["user"]["phone"], PHONE);
}

#[tokio::test]
async fn demo_identities_sign_in_without_sms_only_in_demo_mode() {
    let app = spawn_app().await;
    let c = app.new_client();
    for (role, expect_role) in [
        ("resident", "resident"),
        ("volunteer", "resident"),
        ("staff", "staff"),
        ("admin", "admin"),
    ] {
        let u = app.demo(&c, role).await;
        assert_eq!(u["role"], expect_role, "{role}");
    }
    let staff = app.demo(&c, "staff").await;
    assert!(staff["community_name"].as_str().unwrap().ends_with("社区"));
    let vol = app.demo(&c, "volunteer").await;
    assert_eq!(vol["volunteer"], true);
    assert!(app.sent_sms().await.is_empty());
    let r = post_form(&app, &c, "/api/auth/demo", &[("role", "root")]).await;
    assert_eq!(r.status(), 400);

    let off = spawn_app_with(|c| c.demo = false).await;
    let r = post_form(&off, &off.client, "/api/auth/demo", &[("role", "admin")]).await;
    assert_eq!(r.status(), 404);
    assert!(viewer(&off, &off.client).await["user"].is_null());
}

#[tokio::test]
async fn signed_out_callers_get_401_and_change_nothing() {
    let app = spawn_app().await;
    let users_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let c = app.new_client();
    let r = post_form(&app, &c, "/api/me/profile", &[("display_name", "黑客")]).await;
    assert_eq!(r.status(), 401);
    assert!(is_chinese(&message(r).await));
    let r = post_form(&app, &c, "/api/users/contact", &[("user_id", "1")]).await;
    assert_eq!(r.status(), 401);
    let r = post_form(
        &app,
        &c,
        "/api/stations/update",
        &[
            ("station_id", "1"),
            ("phone", "0533-1111111"),
            ("amenities", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status(), 401);
    let phone: String = sqlx::query_scalar("SELECT phone FROM stations WHERE id = 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(phone, "0533-1111111");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(users, users_before);
}

#[tokio::test]
async fn a_resident_cannot_read_another_resident() {
    let app = spawn_app().await;
    let (a, b) = (app.new_client(), app.new_client());
    let ua = app.sign_in(&a, "13800000001").await;
    let ub = app.sign_in(&b, "13900000002").await;
    let r = post_form(
        &app,
        &a,
        "/api/users/contact",
        &[("user_id", &ub["id"].to_string())],
    )
    .await;
    // "Not yours" answers as "not found": nothing says whether the person exists.
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(!body.contains("13900000002"));
    // Their own card, yes.
    let r = post_form(
        &app,
        &a,
        "/api/users/contact",
        &[("user_id", &ua["id"].to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    // Someone who does not exist: 404.
    let r = post_form(&app, &a, "/api/users/contact", &[("user_id", "999999")]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn staff_act_only_in_their_own_community() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let staff = app.new_client();
    let s = app.demo(&staff, "staff").await;
    let own = s["community_id"].as_i64().unwrap();
    let own_station: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id = $1")
            .bind(own)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let other_station: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id <> $1")
            .bind(own)
            .fetch_one(&db.pool)
            .await
            .unwrap();

    // Another community's station: 403, nothing changes, nothing is audited.
    let before: String =
        sqlx::query_scalar("SELECT phone || '|' || amenities FROM stations WHERE id = $1")
            .bind(other_station)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let r = post_form(
        &app,
        &staff,
        "/api/stations/update",
        &[
            ("station_id", &other_station.to_string()),
            ("phone", "0533-7777777"),
            ("amenities", "water"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    let after: String =
        sqlx::query_scalar("SELECT phone || '|' || amenities FROM stations WHERE id = $1")
            .bind(other_station)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(before, after);

    // Their own: saved, and audited with before and after.
    let r = post_form(
        &app,
        &staff,
        "/api/stations/update",
        &[
            ("station_id", &own_station.to_string()),
            ("phone", "0533-7777777"),
            ("amenities", "water,toilet"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let st: Value = r.json().await.unwrap();
    assert_eq!(st["phone"], "0533-7777777");
    assert_eq!(st["amenities"], serde_json::json!(["water", "toilet"]));
    let entries = app::audit::store::entries(db, Some(own), 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "update_station");
    assert!(entries[0]
        .after
        .as_deref()
        .unwrap()
        .contains("0533-7777777"));
    assert!(entries[0].before.is_some());

    // Bad input: a Chinese 400 and no change.
    let r = post_form(
        &app,
        &staff,
        "/api/stations/update",
        &[
            ("station_id", &own_station.to_string()),
            ("phone", "0533"),
            ("amenities", "sauna"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(is_chinese(&message(r).await));

    // Staff see the full number of a resident of their community, not of another.
    let resident = app.new_client();
    let u = app.sign_in(&resident, "13700000003").await;
    let rid = u["id"].to_string();
    let other_community = own + 1;
    let r = post_form(
        &app,
        &resident,
        "/api/me/profile",
        &[
            ("display_name", "赵大爷"),
            ("community_id", &other_community.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post_form(&app, &staff, "/api/users/contact", &[("user_id", &rid)]).await;
    assert_eq!(r.status(), 404);
    let r = post_form(
        &app,
        &resident,
        "/api/me/profile",
        &[
            ("display_name", "赵大爷"),
            ("community_id", &own.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post_form(&app, &staff, "/api/users/contact", &[("user_id", &rid)]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["phone"], "13700000003");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let app = spawn_app().await;
    app::accounts::admin::grant(&app.state.db, "13600000001", "admin", None)
        .await
        .unwrap();
    let pool = &app.state.db.pool;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(pool)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(pool)
        .await
        .is_err());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn admin_grant_bootstraps_roles_with_clear_messages() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let msg = app::accounts::admin::grant(db, "13600000001", "staff", Some("1"))
        .await
        .unwrap();
    assert!(msg.contains("136****0001") && msg.contains("社区工作者"));
    let u = app::accounts::store::user_by_phone(db, "13600000001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.community_id, Some(1));
    let name = u.community_name.unwrap();
    app::accounts::admin::grant(db, "13600000002", "staff", Some(&name))
        .await
        .unwrap();
    for (phone, role, community) in [
        ("123", "admin", None),
        ("13600000003", "root", None),
        ("13600000003", "staff", None),
        ("13600000003", "staff", Some("不存在社区")),
        ("13600000003", "admin", Some("1")),
    ] {
        let e = app::accounts::admin::grant(db, phone, role, community)
            .await
            .unwrap_err()
            .to_string();
        assert!(is_chinese(&e), "{e}");
    }
    assert!(app::accounts::store::user_by_phone(db, "13600000003")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn writes_are_rate_limited_per_address() {
    let app = spawn_app_with(|c| {
        c.rate_per_min = 1;
        c.rate_burst = 3;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = post_form(&app, &app.client, "/prefs", &[("care", "1")]).await;
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
            assert!(is_chinese(&message(r).await));
        }
    }
    assert_eq!(statuses, vec![303, 303, 303, 429, 429]);
    // Reads are not limited.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn code_requests_are_limited_per_address_per_hour() {
    // The default (600) is sized for carrier-grade NAT; the limit itself is what is
    // tested here, at 20.
    let app = crate::helpers::spawn_app_with(|c| c.codes_per_address_hour = 20).await;
    let mut last = 0;
    for i in 0..21 {
        let phone = format!("1350000{i:04}");
        last = post_form(
            &app,
            &app.client,
            "/api/auth/request-code",
            &[("phone", &phone)],
        )
        .await
        .status()
        .as_u16();
        if i < 20 {
            assert_eq!(last, 200, "request {i}");
        }
    }
    assert_eq!(last, 429);
    assert_eq!(app.sent_sms().await.len(), 20);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let c = app.new_client();
    app.sign_in(&c, PHONE).await;
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(is_chinese(&message(r).await));
    assert!(!viewer(&app, &c).await["user"].is_null(), "still signed in");
    let r = c
        .post(app.url("/prefs"))
        .header("referer", "http://evil.example/x")
        .form(&[("care", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn without_javascript_forms_redirect_with_the_message() {
    let app = spawn_app().await;
    let c = app.new_client();
    let html = [("accept", "text/html,application/xhtml+xml")];
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let mut b = c.post(app.url(path)).form(&form);
        for (k, v) in html {
            b = b.header(k, v);
        }
        b.send()
    };
    let r = post("/api/auth/request-code", vec![("phone", "123".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    // The address carries the message's key, never its text (no link can make the
    // page say words of someone else's choosing); the page shows the fixed message.
    assert!(loc.starts_with("/login?phone=123&err=login."), "{loc}");
    let shown = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("手机号"), "{shown}");
    let r = post("/api/auth/request-code", vec![("phone", PHONE.into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(
        r.headers()["location"],
        format!("/login?phone={PHONE}&sent=1")
    );
    let code = app.last_code(PHONE).await.unwrap();
    let r = post(
        "/api/auth/verify-code",
        vec![
            ("phone", PHONE.into()),
            ("code", code),
            ("next", "/me".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/me");
    let (_, page) = {
        let r = c.get(app.url("/me")).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert!(
        page.contains(PHONE),
        "the signed-in page shows the owner's own number: {}",
        &page[page.len().saturating_sub(4000)..]
    );
}
