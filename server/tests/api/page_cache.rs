//! The page cache (`server::http::page_cache`): what a reader who is not signed in gets
//! may be a rendering a few hundred milliseconds old, never one older than a change made
//! through the same process, never (from another process) older than a second, and never
//! one made for somebody else's session or cookie.

use crate::helpers::*;
use std::time::{Duration, Instant};

/// A staff edit of the station's phone through `app`.
async fn set_phone(app: &TestApp, staff: &reqwest::Client, id: i64, phone: &str) {
    let v: serde_json::Value = app
        .get(&format!("/api/v1/stations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let version = v["properties"]["version"].as_i64().unwrap_or(0);
    let form = [
        ("station_id", id.to_string()),
        ("phone", phone.to_string()),
        ("amenities", "water".to_string()),
        ("version", version.to_string()),
    ];
    let r = post(app, staff, "/api/stations/update", &form).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// The page with its scripts' nonces blanked (each answer has its own).
fn without_nonces(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("nonce=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        rest = after.find('"').map(|j| &after[j + 1..]).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_kept_page_shows_a_change_here_at_once_and_from_another_process_within_a_second() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    let staff = app.new_client();
    let s = app.demo(&staff, "staff").await;
    let id = app.centre_of(s["community_id"].as_i64().unwrap()).await;
    let page = format!("/station/{id}");
    // Both processes have the page kept.
    for p in [&app, &second] {
        let (a, first) = p.get_text(&page).await;
        let (b, again) = p.get_text(&page).await;
        assert_eq!((a, b), (200, 200));
        assert_eq!(without_nonces(&first), without_nonces(&again));
        assert!(!first.contains("0533-7777777"));
    }
    set_phone(&app, &staff, id, "0533-7777777").await;
    // Here: at once.
    let (_, here) = app.get_text(&page).await;
    assert!(
        here.contains("0533-7777777"),
        "the same process shows its write at once"
    );
    // There: within a second.
    let written = Instant::now();
    loop {
        let (_, there) = second.get_text(&page).await;
        if there.contains("0533-7777777") {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "another process showed the old page for over a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_signed_in_reader_never_gets_the_shared_page_and_each_client_gets_its_own_token() {
    let app = spawn_app().await;
    let csrf = |r: &reqwest::Response| {
        r.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("linli_csrf="))
            .map(str::to_string)
    };
    let one = app.new_client().get(app.url("/")).send().await.unwrap();
    let two = app.new_client().get(app.url("/")).send().await.unwrap();
    let (t1, t2) = (csrf(&one), csrf(&two));
    assert!(t1.is_some() && t2.is_some(), "each new client gets a token");
    assert_ne!(
        t1, t2,
        "a kept page does not hand out one client's token to another"
    );
    let anonymous = one.text().await.unwrap();
    assert!(!anonymous.contains("staff-nav"));
    // Staff, a moment later, get their own rendering (with the staff tabs).
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let theirs = app.page_as(&staff, "/").await;
    assert!(
        theirs.contains("staff-nav"),
        "a signed-in page is never the shared one"
    );
    // And the anonymous page is still the anonymous one after them.
    let (_, after) = app.get_text("/").await;
    assert!(!after.contains("staff-nav"));
}

#[tokio::test]
async fn the_language_and_the_query_are_part_of_what_is_kept() {
    let app = spawn_app().await;
    let (_, zh) = app.get_text("/services").await;
    let en = app
        .new_client()
        .get(app.url("/services"))
        .header(reqwest::header::COOKIE, "linli_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("lang=\"zh-CN\""), "Chinese first");
    assert!(
        en.contains("lang=\"en\""),
        "English asked for, English given"
    );
    let (_, found) = app.get_text("/services?q=%E5%B1%85%E4%BD%8F").await;
    assert_ne!(found, zh, "another query, another page");
}

#[tokio::test]
async fn a_page_answered_again_has_its_own_nonce_in_its_policy_and_its_scripts() {
    let app = spawn_app().await;
    let nonce = |csp: &str| {
        csp.split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap()
            .to_string()
    };
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        let r = app.get("/services").await;
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let n = nonce(&csp);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(&format!("nonce=\"{n}\"")),
            "the page's scripts carry its nonce"
        );
        assert_eq!(
            html.matches("nonce=\"").count(),
            html.matches(&format!("nonce=\"{n}\"")).count(),
            "no script keeps another response's nonce"
        );
        assert!(seen.insert(n), "a nonce is never given twice");
    }
}
