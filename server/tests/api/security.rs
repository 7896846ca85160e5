use crate::helpers::spawn_app;

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
