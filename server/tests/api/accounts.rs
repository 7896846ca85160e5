//! Accounts against the real server: sign-in by texted code (throttled, locked after
//! repeated wrong codes), sessions, the demo identities, roles granted, moved and revoked
//! by admins, and the denials.

use crate::fixtures::Table;
use crate::helpers::{count, post, race, spawn_app, spawn_app_with, TestApp};
use reqwest::Client;
use serde_json::Value;

const PHONE: &str = "13812341234";

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn viewer(app: &TestApp, client: &Client) -> Value {
    let r = client
        .post(app.url("/api/auth/viewer"))
        .header(reqwest::header::ORIGIN, app.url(""))
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
    let hash = app.code_hash(PHONE).await;
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
    assert_eq!(app.rows(Table::Sessions).await, 1);
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
    // tamper: the clock moves past the code's five minutes.
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
    let first = app.session_hashes().await;
    // Wait out the resend limit, then sign in again in the same browser.
    app.wait_out_code_throttle().await;
    app.sign_in(&c, PHONE).await;
    let second = app.session_hashes().await;
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1, "the old session was ended");
    assert_ne!(first, second);
}

#[tokio::test]
async fn sign_out_and_sign_out_everywhere() {
    let app = spawn_app().await;
    let (phone_a, laptop) = (app.new_client(), app.new_client());
    app.sign_in(&phone_a, PHONE).await;
    app.wait_out_code_throttle().await;
    app.sign_in(&laptop, PHONE).await;
    let r = post_form(&app, &phone_a, "/api/auth/sign-out", &[]).await;
    assert_eq!(r.status(), 200);
    assert!(viewer(&app, &phone_a).await["user"].is_null());
    assert!(
        !viewer(&app, &laptop).await["user"].is_null(),
        "other devices stay signed in"
    );

    app.wait_out_code_throttle().await;
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
    let users_before = app.rows(Table::Users).await;
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
    assert_ne!(app.station_phone(1).await, "0533-1111111");
    assert_eq!(app.rows(Table::Users).await, users_before);
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
    let own_station = app.first_station_of(own).await;
    let other_station = app.first_station_outside(own).await;

    // Another community's station: 403, nothing changes, nothing is audited.
    let before = app.station_contact(other_station).await;
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
    assert_eq!(app.station_contact(other_station).await, before);

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
    // A browser sends the page's origin too; a client that sends only a foreign
    // Referer is judged by it.
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = bare
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
    app.wait_out_code_throttle().await;
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
async fn a_number_gets_at_most_five_codes_a_day_per_requester_and_twenty_in_all() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = app::config::parse_networks("127.0.0.1/32").unwrap();
    })
    .await;
    let c = app.new_client();
    let ask = |xff: String| {
        let (app, c) = (&app, &c);
        async move {
            app.wait_out_code_throttle().await;
            c.post(app.url("/api/auth/request-code"))
                .header("x-forwarded-for", xff)
                .form(&[("phone", LOCK_PHONE)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..5 {
        assert_eq!(ask("203.0.113.1".into()).await, 200, "code {i}");
    }
    assert_eq!(ask("203.0.113.1".into()).await, 429, "one requester's five");
    // Others still reach the phone, up to the number's twenty.
    for i in 2..=4 {
        for _ in 0..5 {
            assert_eq!(ask(format!("203.0.113.{i}")).await, 200);
        }
    }
    assert_eq!(ask("203.0.113.9".into()).await, 429, "the number's twenty");
    assert_eq!(app.sent_sms().await.len(), 20);
}

/// A stranger's wrong guesses lock the stranger out of the number, not the number: the
/// person who holds the phone asks for a fresh code and signs in with it, and the
/// stranger can neither use that code nor get one.
#[tokio::test]
async fn a_guesser_locks_only_itself_and_the_phones_owner_still_signs_in() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = app::config::parse_networks("127.0.0.1/32").unwrap();
    })
    .await;
    let send = |c: &reqwest::Client, path: &str, from: &str, form: Vec<(&'static str, String)>| {
        c.post(app.url(path))
            .header("x-forwarded-for", from.to_string())
            .form(&form)
            .send()
    };
    let (guesser, owner) = (app.new_client(), app.new_client());
    let (g, o) = ("198.51.100.66", "203.0.113.7");
    let phone = || ("phone", LOCK_PHONE.to_string());
    let mut statuses = Vec::new();
    for round in 0..2 {
        app.wait_out_code_throttle().await;
        let r = send(&guesser, "/api/auth/request-code", g, vec![phone()])
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "round {round}");
        for _ in 0..5 {
            let r = send(
                &guesser,
                "/api/auth/verify-code",
                g,
                vec![phone(), ("code", "000000".into())],
            );
            statuses.push(r.await.unwrap().status().as_u16());
        }
    }
    assert_eq!(
        statuses.last(),
        Some(&429),
        "the tenth wrong code locks the guesser: {statuses:?}"
    );
    app.wait_out_code_throttle().await;
    let r = send(&guesser, "/api/auth/request-code", g, vec![phone()])
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "a locked guesser gets no code");
    // The owner: a fresh code, texted to the phone, signs in.
    let r = send(&owner, "/api/auth/request-code", o, vec![phone()])
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the owner is not locked out");
    let code = app.last_code(LOCK_PHONE).await.unwrap();
    // The guesser, even with the owner's code in hand, is refused.
    let r = send(
        &guesser,
        "/api/auth/verify-code",
        g,
        vec![phone(), ("code", code.clone())],
    );
    assert_eq!(r.await.unwrap().status(), 429);
    let r = send(
        &owner,
        "/api/auth/verify-code",
        o,
        vec![phone(), ("code", code)],
    );
    assert_eq!(r.await.unwrap().status(), 200, "the owner signs in");
    // A third requester who never asked for a code cannot try the owner's codes.
    let r = send(
        &app.new_client(),
        "/api/auth/verify-code",
        "192.0.2.1",
        vec![phone(), ("code", "123456".into())],
    );
    assert_eq!(r.await.unwrap().status(), 400);
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

/// Concurrent wrong guesses are counted one after another: with nine failures on
/// record, five guesses at once record exactly one more, and every one of them is
/// refused as locked.
#[tokio::test]
async fn concurrent_guesses_at_the_lock_threshold_record_exactly_one_failure() {
    let app = spawn_app().await;
    let c = app.new_client();
    // Nine wrong codes, over two codes (each takes five guesses), then a fresh code.
    assert_eq!(new_code(&app, &c).await, 200);
    assert_eq!(wrong_guesses(&app, &c, 5).await, vec![400; 5]);
    assert_eq!(new_code(&app, &c).await, 200);
    assert_eq!(wrong_guesses(&app, &c, 4).await, vec![400; 4]);
    assert_eq!(new_code(&app, &c).await, 200);
    assert_eq!(app.login_failures(LOCK_PHONE).await, 9);
    let requests = (0..5)
        .map(|_| {
            app.new_client()
                .post(app.url("/api/auth/verify-code"))
                .form(&[("phone", LOCK_PHONE), ("code", "000000")])
        })
        .collect();
    let statuses = race(requests).await;
    assert_eq!(count(&statuses, 429), 5, "{statuses:?}");
    assert_eq!(app.login_failures(LOCK_PHONE).await, 10);
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
    let demo_people = app.demo_people().await;
    assert!(demo_people > 200, "{demo_people}");
    app.config.demo = false;
    app.restart().await;
    assert_eq!(viewer(staff.clone(), &app).await["user"], Value::Null);
    assert_eq!(app.demo_sessions().await, 0);
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
async fn signing_in_from_the_booking_page_comes_back_to_it_with_the_choice_kept() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/book?item=MZ-01").await;
    let next = "/book?item=MZ-01";
    let href = format!("/login?next={}", app::util::url_encode(next));
    assert!(
        html.contains(&href.replace('&', "&amp;")) || html.contains(&href),
        "{html}"
    );
    // The next page travels through both steps of the sign-in.
    let c = app.new_client();
    let r = c
        .post(app.url("/api/auth/request-code"))
        .header("accept", "text/html")
        .form(&[("phone", "13800009999"), ("next", next)])
        .send()
        .await
        .unwrap();
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("&next=%2Fbook%3Fitem%3DMZ-01"), "{to}");
    let code = app.last_code("13800009999").await.unwrap();
    let r = c
        .post(app.url("/api/auth/verify-code"))
        .header("accept", "text/html")
        .form(&[
            ("phone", "13800009999"),
            ("code", code.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], next);
    // Another site is never a destination.
    let r = app
        .new_client()
        .post(app.url("/api/auth/request-code"))
        .header("accept", "text/html")
        .form(&[("phone", "13800009998"), ("next", "//evil.example")])
        .send()
        .await
        .unwrap();
    assert!(!r.headers()["location"].to_str().unwrap().contains("evil"));
}

#[tokio::test]
async fn admins_grant_move_and_revoke_staff_and_revoking_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = app.new_client();
    let me = app.demo(&admin, "admin").await;
    let (a, b) = app.two_communities().await;
    let grant = |phone: &str, role: &str, community: Option<i64>| {
        let mut f = vec![("phone", phone.to_string()), ("role", role.to_string())];
        if let Some(c) = community {
            f.push(("community", c.to_string()));
        }
        f
    };
    // Staff need a community; residents are not "granted".
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "staff", None),
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "resident", Some(a)),
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "staff", Some(a)),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (clerk, clerk_id) = app.session_for("13911112222").await;
    assert_eq!(
        app.role_and_community(clerk_id).await,
        ("staff".to_string(), Some(a))
    );
    // The new clerk works: their community's volunteers.
    assert_eq!(
        post(&app, &clerk, "/api/volunteers/list", &[])
            .await
            .status(),
        200
    );

    // Nobody but an admin changes roles: not the clerk, not a resident, not a stranger.
    let (resident, _) = app.session_for("13911113333").await;
    for (c, want) in [(&clerk, 403), (&resident, 403), (&app.new_client(), 401)] {
        for (path, form) in [
            (
                "/api/admin/people/grant",
                grant("13911114444", "admin", None),
            ),
            (
                "/api/admin/people/move",
                vec![
                    ("user_id", clerk_id.to_string()),
                    ("community", b.to_string()),
                ],
            ),
            (
                "/api/admin/people/revoke",
                vec![("user_id", clerk_id.to_string())],
            ),
        ] {
            assert_eq!(post(&app, c, path, &form).await.status(), want, "{path}");
        }
        assert_eq!(post(&app, c, "/api/admin/people", &[]).await.status(), want);
    }
    assert!(!app.is_admin("13911114444").await);

    // Move: audited with before and after.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/move",
        &[
            ("user_id", clerk_id.to_string()),
            ("community", b.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let (before, after) = app
        .last_audit_change("grant_role", &format!("user:{clerk_id}"))
        .await;
    assert!(
        before.contains(&format!("\"community_id\":{a}")),
        "{before}"
    );
    assert!(after.contains(&format!("\"community_id\":{b}")), "{after}");
    // A move to a community that does not exist changes nothing.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/move",
        &[
            ("user_id", clerk_id.to_string()),
            ("community", "999999".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);

    // The people page lists the clerk under community b, number masked.
    let html = app
        .page_as(&admin, &format!("/admin/people?community={b}"))
        .await;
    assert!(html.contains("139****2222"), "masked number listed");
    assert!(!html.contains("13911112222"), "never the whole number");
    // One row's community list at a time: the row's link opens it.
    assert!(
        !html.contains(&format!("id=\"move-{clerk_id}\"")),
        "no list per row"
    );
    assert!(
        html.contains(&format!("move={clerk_id}#staff-{clerk_id}")),
        "{html}"
    );
    let open = app
        .page_as(
            &admin,
            &format!("/admin/people?community={b}&move={clerk_id}"),
        )
        .await;
    assert!(open.contains(&format!("id=\"move-{clerk_id}\"")), "{open}");

    // Revoke: the clerk is signed out at once.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/revoke",
        &[("user_id", clerk_id.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        post(&app, &clerk, "/api/volunteers/list", &[])
            .await
            .status(),
        401
    );
    assert_eq!(app.sessions_of(clerk_id).await, 0);
    // An admin cannot revoke themselves (nobody locks the city out by a slip).
    let my_id = me["id"].as_i64().unwrap();
    let r = post(
        &app,
        &admin,
        "/api/admin/people/revoke",
        &[("user_id", my_id.to_string())],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.audit_count_with_actor("grant_role").await, 3);
}

#[tokio::test]
async fn the_people_page_lists_staff_fifty_at_a_time() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let (a, _) = app.two_communities().await;
    for i in 0..55 {
        app::accounts::admin::grant(
            &app.state.db,
            &format!("1390000{i:04}"),
            "staff",
            Some(&a.to_string()),
        )
        .await
        .expect("staff granted");
    }
    let rows = |html: &str| html.matches("<tr id=\"staff-").count();
    let first = app
        .page_as(&admin, &format!("/admin/people?community={a}"))
        .await;
    assert_eq!(rows(&first), 50, "one page of fifty");
    assert!(
        first.contains(&format!("/admin/people?community={a}&amp;page=1")),
        "{first}"
    );
    let second = app
        .page_as(&admin, &format!("/admin/people?community={a}&page=1"))
        .await;
    let staff_of_a = app.staff_count(a).await;
    assert_eq!(
        rows(&second) as i64,
        staff_of_a - 50,
        "the rest on the next"
    );
    assert!(
        second.contains(&format!("/admin/people?community={a}\"")),
        "a way back"
    );
    // No one listed twice across the pages.
    for i in 0..55 {
        let masked = format!("139****{i:04}");
        assert_eq!(
            first.matches(&masked).count() + second.matches(&masked).count(),
            1,
            "{masked}"
        );
    }
}

#[tokio::test]
async fn the_people_page_lists_the_volunteers_still_to_be_verified_and_only_them() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let (a, _) = app.two_communities().await;
    let (_, verified) = app.volunteer("15766661111").await;
    let (_, waiting) = app.volunteer("15766662222").await;
    app.unverify(waiting).await;
    for who in [verified, waiting] {
        app::accounts::store::set_profile(&app.state.db, who, "志愿者", Some(a))
            .await
            .expect("community set");
    }
    let html = app
        .page_as(&admin, &format!("/admin/people?community={a}"))
        .await;
    assert!(html.contains("157****2222"), "the one waiting is listed");
    assert!(!html.contains("157****1111"), "the verified one is not");
    assert!(!html.contains("15766662222"), "never the whole number");
}
