//! Findings of the security review, each with the test that failed before its fix:
//! request counters whose labels any client could add to (a junk method was a series
//! forever), Host names never checked (DNS rebinding, also of the internal metrics
//! address, which had no token), and state-changing requests with neither `Origin` nor
//! `Referer` let through by the CSRF check.
//!
//! The clients here are built in this file, with no default headers: each request says
//! exactly what it sends.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use futures_util::StreamExt;
use rand::{Rng, SeedableRng};
use reqwest::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, SET_COOKIE};
use reqwest::{Client, Method, StatusCode};

const METRICS_TOKEN: &str = "hardening-metrics-token-0123456789";

/// A client with no cookie jar and no default headers.
fn bare_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A session for a new resident made directly in the database (no client carries it):
/// the token for a `Cookie` header, and the user's id.
async fn session(app: &TestApp, phone: &str) -> (String, i64) {
    app.session_token(phone).await
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The lines of one metric (its series) in a scrape.
fn series<'a>(body: &'a str, metric: &str) -> Vec<&'a str> {
    let prefix = format!("{metric}{{");
    body.lines().filter(|l| l.starts_with(&prefix)).collect()
}

/// A random HTTP token of `len` characters, starting with `JUNK` (never a real method).
fn junk_method(rng: &mut impl Rng, len: usize) -> String {
    const TCHAR: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";
    let mut s = String::from("JUNK");
    while s.len() < len {
        s.push(TCHAR[rng.gen_range(0..TCHAR.len())] as char);
    }
    s
}

/// A random path of one to three segments under `/junkpath`.
fn junk_path(rng: &mut impl Rng) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-_.~";
    let mut p = String::from("/junkpath");
    for _ in 0..rng.gen_range(1..=3) {
        p.push('/');
        for _ in 0..rng.gen_range(1..=24) {
            p.push(CHARS[rng.gen_range(0..CHARS.len())] as char);
        }
    }
    p
}

/// 10,000 requests with junk methods (some 1,000 characters long) and junk paths add
/// no more request series than the fixed label sets allow (methods × status classes for
/// the one `unmatched` route), and none of their text reaches `/metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_methods_and_paths_add_no_request_series() {
    let app = spawn_app_with(|c| c.metrics_token = Some(METRICS_TOKEN.into())).await;
    let c = bare_client();
    assert_eq!(app.get_text("/").await.0, 200);
    assert_eq!(app.get("/station/1").await.status(), 200);
    let before = app.state.metrics.request_series();

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20231);
    let requests: Vec<(Method, String)> = (0..10_000)
        .map(|i| {
            let path = junk_path(&mut rng);
            let method = match i % 10 {
                0 => Method::GET,
                1 => Method::POST,
                _ => {
                    let len = if i % 50 == 2 {
                        1_000
                    } else {
                        rng.gen_range(5..=40)
                    };
                    Method::from_bytes(junk_method(&mut rng, len).as_bytes())
                        .expect("a token is a method")
                }
            };
            (method, path)
        })
        .collect();
    let failed = futures_util::stream::iter(requests)
        .map(|(method, path)| {
            let r = c.request(method, app.url(&path)).send();
            async move { r.await.map(|r| r.status()).is_err() }
        })
        .buffer_unordered(32)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    // No timing here: speed is measured by the benches, never by a test.
    assert_eq!(failed, 0, "every junk request is answered");

    let after = app.state.metrics.request_series();
    // 8 method labels × 5 status classes for the `unmatched` route at most.
    let bound = (app::metrics::KNOWN_METHODS.len() + 1) * 5;
    assert!(
        after <= before + bound,
        "{before} series before, {after} after"
    );
    let r = c
        .get(app.url("/metrics"))
        .header(AUTHORIZATION, format!("Bearer {METRICS_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let lines = series(&body, "linli_http_requests_total");
    assert!(lines.len() <= before + bound + 1, "{}", lines.join("\n"));
    assert!(body.len() < 64 * 1024, "a scrape of {} bytes", body.len());
    assert!(!body.contains("JUNK") && !body.contains("junkpath"));
    for line in &lines {
        assert!(
            line.contains(r#"status="2xx""#)
                || line.contains(r#"status="3xx""#)
                || line.contains(r#"status="4xx""#)
                || line.contains(r#"status="5xx""#),
            "{line}"
        );
    }
    // The junk is counted, under the fixed labels.
    assert!(
        lines
            .iter()
            .any(|l| l.contains(r#"method="other",route="unmatched""#)),
        "{body}"
    );
    assert!(
        body.contains(
            r#"linli_http_requests_total{method="GET",route="/station/{id}",status="2xx"} 1"#
        ),
        "{body}"
    );
}

/// `LINLI_ALLOWED_HOSTS`: a listed name and the addresses are answered, another name is
/// a 421 (in Chinese and English) that changes nothing; unset, only `localhost` and
/// addresses are answered.
#[tokio::test]
async fn only_allowed_host_names_are_answered() {
    let app = spawn_app_with(|c| c.allowed_hosts = vec!["linli.example.cn".into()]).await;
    let c = bare_client();
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let get = |host: String| c.get(app.url("/")).header(HOST, host).send();
    assert_eq!(
        app.get_text("/").await.0,
        200,
        "127.0.0.1 is always answered"
    );
    for host in [
        "linli.example.cn".to_string(),
        format!("linli.example.cn:{port}"),
        format!("LINLI.example.cn.:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get(host.clone()).await.unwrap().status(), 200, "{host}");
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("linli.example.cn.evil.example:{port}"),
        format!("www.linli.example.cn:{port}"),
    ] {
        let r = get(host.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
        let text = r.text().await.unwrap();
        assert!(has_chinese(&text) && text.contains("Misdirected"), "{text}");
    }

    // A write for another name reaches nothing, whatever else it carries.
    let (token, id) = session(&app, "13900002001").await;
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header(HOST, "evil.example")
        .header(ORIGIN, "http://evil.example")
        .header("sec-fetch-site", "same-origin")
        .header(COOKIE, format!("linli_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(app.sessions_of(id).await, 1, "still signed in");
    // The same write for the listed name is answered.
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header(HOST, "linli.example.cn")
        .header(ORIGIN, "http://linli.example.cn")
        .header(COOKIE, format!("linli_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    assert_eq!(app.sessions_of(id).await, 0);

    // Nothing set: addresses and localhost only (the tests' 127.0.0.1, `make run`).
    let app = spawn_app().await;
    let get = |host: String| c.get(app.url("/healthz")).header(HOST, host).send();
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(get("localhost:3000".into()).await.unwrap().status(), 200);
    for host in ["linli.example.cn", "rebound.evil.example:3000"] {
        assert_eq!(
            get(host.into()).await.unwrap().status(),
            StatusCode::MISDIRECTED_REQUEST,
            "{host}"
        );
    }
}

/// Serves the internal metrics router of `state` on a port of its own.
async fn internal_metrics(state: app::state::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::http::metrics::internal_router(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}/metrics")
}

/// The internal metrics address: with `LINLI_METRICS_TOKEN` set it needs the bearer
/// token there too; with or without one, a foreign Host (a rebound name) is a 421.
#[tokio::test]
async fn the_internal_metrics_address_needs_the_token_and_an_allowed_host() {
    let app = spawn_app_with(|c| c.metrics_token = Some(METRICS_TOKEN.into())).await;
    let c = bare_client();
    let url = internal_metrics(app.state.clone()).await;
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = c
        .get(&url)
        .header(AUTHORIZATION, "Bearer wrong-token-0123456789abcdefgh")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .get(&url)
        .header(AUTHORIZATION, format!("Bearer {METRICS_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("linli_db_pool_connections"));
    let r = c
        .get(&url)
        .header(HOST, "rebound.evil.example:9464")
        .header(AUTHORIZATION, format!("Bearer {METRICS_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);

    // No token configured: open to an allowed Host, closed to a rebound name.
    let state = app
        .state
        .with_config(std::sync::Arc::new(app::config::Config {
            metrics_token: None,
            ..(*app.state.config).clone()
        }));
    let url = internal_metrics(state).await;
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    let r = c
        .get(&url)
        .header(HOST, "rebound.evil.example:9464")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST);
}

/// The `linli_csrf` token a GET of an HTML page hands out, if it sets one.
fn csrf_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("linli_csrf="))
        .map(str::to_string)
}

/// A signed-in POST with neither `Origin` nor `Referer` is a 403 that changes nothing,
/// unless it carries proof it is not cross-site: `Sec-Fetch-Site: same-origin` or the
/// `X-CSRF-Token` header equal to the `linli_csrf` cookie.
#[tokio::test]
async fn an_origin_less_write_needs_proof_it_is_not_cross_site() {
    let app = spawn_app().await;
    let c = bare_client();
    let (token, id) = session(&app, "13900002002").await;
    let session_cookie = format!("linli_session={token}");
    let sign_out_all = || {
        c.post(app.url("/api/auth/sign-out-all"))
            .header(COOKIE, session_cookie.clone())
    };

    // Neither Origin nor Referer, nothing else: refused, still signed in.
    let r = sign_out_all().send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(has_chinese(body["message"].as_str().unwrap_or_default()));
    assert_eq!(app.sessions_of(id).await, 1, "still signed in");
    // The browser saying it is cross-site (or same-site) is refused too.
    for site in ["cross-site", "same-site"] {
        let r = sign_out_all()
            .header("sec-fetch-site", site)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{site}");
    }
    assert_eq!(app.sessions_of(id).await, 1);

    // The first HTML page hands out the token: random, SameSite=Strict.
    let r = c
        .get(app.url("/"))
        .header(COOKIE, session_cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = csrf_cookie(&r).expect("a linli_csrf cookie on the first page");
    assert!(
        set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    let csrf = set
        .trim_start_matches("linli_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(csrf.len(), 64);
    let both = format!("{session_cookie}; linli_csrf={csrf}");
    // A page asked with the cookie already there sets none again; nor does JSON.
    let r = c
        .get(app.url("/"))
        .header(COOKIE, both.clone())
        .send()
        .await
        .unwrap();
    assert!(csrf_cookie(&r).is_none());
    let r = c.get(app.url("/api/v1/stations/1")).send().await.unwrap();
    assert!(r.status().is_success());
    assert!(csrf_cookie(&r).is_none());

    // The header without the cookie, or a header that does not match it: refused.
    let other = app::accounts::secret::new_token();
    let r = sign_out_all()
        .header("x-csrf-token", csrf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header(COOKIE, both.clone())
        .header("x-csrf-token", other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.sessions_of(id).await, 1);

    // The token matching the cookie: answered, signed out everywhere.
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header(COOKIE, both)
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    assert_eq!(app.sessions_of(id).await, 0);

    // `Sec-Fetch-Site: same-origin` (what a browser sends on the portal's own calls).
    let (token, id) = session(&app, "13900002003").await;
    let r = c
        .post(app.url("/api/auth/sign-out-all"))
        .header(COOKIE, format!("linli_session={token}"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.sessions_of(id).await, 0);
}
