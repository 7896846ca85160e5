//! Security against the real server: the headers and nonce policy, body limits, errors
//! in the reader's language, private answers never cached, client addresses behind a
//! trusted proxy, expired rows purged, and the key of the sign-in codes kept out of the
//! database (a 0600 file beside a SQLite database).

use crate::fixtures::Table;
use crate::helpers::{post, spawn_app, spawn_app_with};

#[tokio::test]
async fn pages_carry_the_security_headers_and_a_nonce_policy() {
    let app = spawn_app().await;
    let r = app.get("/me").await;
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(
        !csp.contains("http:") && !csp.contains("https:"),
        "no third-party origin: {csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    // The inline hydration script carries the same nonce.
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "nonce {nonce} not in page"
    );
    // A second page gets a different nonce.
    let r2 = app.get("/me").await;
    let csp2 = r2.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(csp, csp2);
}

#[tokio::test]
async fn api_responses_get_the_base_policy() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self'") && !csp.contains("nonce"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let big = "x".repeat(server::http::MAX_BODY_BYTES + 1);
    let r = app
        .client
        .post(app.url("/prefs"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("lang=en&next={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn an_english_reader_reads_errors_in_english() {
    let app = crate::helpers::spawn_app().await;
    let c = app.new_client();
    let r = c
        .post(app.url("/prefs"))
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    // A message from the rules (a model), one from the error type itself.
    let r = c
        .post(app.url("/api/auth/request-code"))
        .form(&[("phone", "12")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    let m = v["message"].as_str().unwrap();
    assert!(m.contains("11-digit"), "{m}");
    let r = c.post(app.url("/api/wishes/mine")).send().await.unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    let _ = v;
    let r = c.post(app.url("/api/booking/mine")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["message"], "Please sign in first");
    // Chinese stays the default.
    let r = app
        .new_client()
        .post(app.url("/api/booking/mine"))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["message"], "请先登录");
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
async fn expired_rows_are_purged_and_the_code_key_is_not_in_the_database() {
    let app = spawn_app().await;
    app.leave_rows_from_long_ago().await;
    assert!(server::jobs::purge(&app.state).await.unwrap() >= 3);
    assert!(!app.session_exists("old").await);
    assert_eq!(app.rows(Table::LoginFailures).await, 0);
    assert_eq!(app.rows(Table::IpThrottle).await, 0);
    assert!(!app.has_meta("code_secret").await);
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

/// A network (an IPv4 /24, an IPv6 /48) and the whole portal have hourly budgets of
/// sign-in codes beside each address's: one /48 is 65,536 addresses' worth of /64s.
/// Reaching one refuses the rest of the hour and raises an alarm on the admins' page.
#[tokio::test]
async fn networks_and_the_portal_have_code_budgets_that_alarm_the_admins() {
    let app = spawn_app_with(|c| {
        c.codes_per_network_hour = 2;
        c.codes_per_hour = 4;
        c.trusted_proxies = app::config::parse_networks("127.0.0.1/32").unwrap();
    })
    .await;
    let ask = |phone: String, xff: &'static str| {
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
    // Three /64s of one /48: the third is past the network's two.
    assert_eq!(ask("13788890001".into(), "2001:db8:7:1::1").await, 200);
    assert_eq!(ask("13788890002".into(), "2001:db8:7:2::1").await, 200);
    assert_eq!(ask("13788890003".into(), "2001:db8:7:3::1").await, 429);
    // Elsewhere the portal's budget of four is reached on the fifth code.
    assert_eq!(ask("13788890004".into(), "198.51.100.1").await, 200);
    assert_eq!(ask("13788890005".into(), "203.0.113.1").await, 200);
    assert_eq!(ask("13788890006".into(), "192.0.2.1").await, 429);
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let overview: serde_json::Value =
        crate::helpers::post_json(&app, &admin, "/api/admin/overview", &[]).await;
    let reached = overview["code_budgets_reached"].to_string();
    assert!(
        reached.contains("net:2001:db8:7::/48") && reached.contains("\"all\""),
        "{reached}"
    );
    let page = app.page_as(&admin, "/admin").await;
    assert!(
        page.contains("本小时验证码发送已达上限"),
        "the alarm is on the admins' page"
    );
}

#[test]
fn networks_are_an_ipv4_slash_24_and_an_ipv6_slash_48() {
    use app::accounts::model::network_key;
    assert_eq!(
        network_key("203.0.113.77").as_deref(),
        Some("net:203.0.113.0/24")
    );
    assert_eq!(
        network_key("2001:db8:7:1::/64").as_deref(),
        Some("net:2001:db8:7::/48")
    );
    assert_eq!(network_key(""), None);
    assert_eq!(
        network_key("2001:db8::1"),
        None,
        "an IPv6 key is always a /64"
    );
}
