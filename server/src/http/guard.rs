//! The guards the router puts in front of every handler: the deadline (408) and the second try
//! of a stalled GET, the body size limits (413), the NUL guard (400), the same-origin check on
//! state-changing requests (CSRF defence beside SameSite=Lax cookies), the per-process write
//! rate limit (429), and `Cache-Control: no-store` (with HSTS behind HTTPS) on what may be
//! personal. Also the path as logs may keep it, booking codes blanked.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};
use std::time::Duration;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

/// Requests larger than this are refused with 413 before a handler sees them; only the
/// photo upload may send more (its own limit, below).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The body limit of a path: the photo upload's, or everyone else's.
pub fn body_limit_for(path: &str) -> usize {
    if path == crate::http::photos::FULFIL_PATH {
        crate::http::photos::MAX_UPLOAD_BYTES
    } else if path == app::stations::transfer::api::UPLOAD_PATH {
        crate::http::transfer::MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// Refuses a declared length over the path's limit at once, and caps what is read of a
/// body that does not declare one.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let limit = body_limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let body = serde_json::json!({
            "error": "too_large",
            "message": app::i18n::tr_args("error.too_large", &[("kb", (limit / 1024).to_string())]),
        });
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Text with a NUL character is refused at the door with a Chinese 400: no form field of
/// the portal can hold one, PostgreSQL cannot store one, and a NUL that reached SQL would
/// be a 500. The query string and form or JSON bodies (already bounded by
/// [`body_limit`]) are checked; multipart uploads carry binary photos and are not.
pub async fn reject_nul(req: Request, next: Next) -> Response {
    let refuse = || {
        let body = serde_json::json!({
            "error": "bad_request",
            "message": app::i18n::tr("error.bad_char"),
        });
        (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
    };
    let has_nul = |b: &[u8]| {
        b.contains(&0)
            || b.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"))
            || b.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
    };
    if req.uri().query().is_some_and(|q| has_nul(q.as_bytes())) {
        return refuse();
    }
    let textual = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/x-www-form-urlencoded") || t.starts_with("application/json")
        });
    if !textual {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            let body = serde_json::json!({
                "error": "too_large",
                "message": app::i18n::tr_args("error.too_large", &[("kb", (MAX_BODY_BYTES / 1024).to_string())]),
            });
            return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
        }
    };
    if has_nul(&bytes) {
        return refuse();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// A request that takes longer than this gets 408: 30 s, or 3 minutes for the photo
/// upload (5 MB over weak 4G takes a while).
pub fn deadline_for(path: &str) -> Duration {
    if path == crate::http::photos::FULFIL_PATH || path == app::stations::transfer::api::UPLOAD_PATH
    {
        Duration::from_secs(180)
    } else {
        Duration::from_secs(30)
    }
}

/// How long one attempt at answering a GET may take before it is started again.
pub const STALLED_GET: Duration = Duration::from_secs(10);

/// Answers a GET (or HEAD) a second time when the first attempt has produced nothing
/// after [`STALLED_GET`]. Leptos's async server rendering can, rarely, leave a page
/// waiting for a resource that has already resolved (a race in its Suspense
/// bookkeeping; see ARCHITECTURE.md): the same request made again renders at once. A GET
/// never writes, so running it twice is safe; other methods are left alone.
pub async fn retry_stalled_get(req: Request, next: Next) -> Response {
    retry_after(STALLED_GET, req, next).await
}

async fn retry_after(limit: Duration, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let again = {
        let mut r = http::Request::new(axum::body::Body::empty());
        *r.method_mut() = parts.method.clone();
        *r.uri_mut() = parts.uri.clone();
        *r.version_mut() = parts.version;
        *r.headers_mut() = parts.headers.clone();
        r
    };
    let first = next.clone().run(Request::from_parts(parts, body));
    match tokio::time::timeout(limit, first).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(path = %redact_path(again.uri().path()), "a GET stalled; answering it again");
            next.run(again).await
        }
    }
}

pub async fn deadline(req: Request, next: Next) -> Response {
    let limit = deadline_for(req.uri().path());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            let body = serde_json::json!({ "error": "timeout", "message": app::i18n::tr("error.timeout") });
            (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
        }
    }
}

/// `host[:port]` of an absolute URL or origin.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Whether a state-changing request comes from a page of this site. Browsers send
/// `Origin` on every POST; `Referer` is the fallback. A request with neither (scripts,
/// other apps) carries no ambient browser cookies' intent and is let through.
pub fn same_origin(method: &Method, headers: &http::HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let get = |name| {
        headers
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
    };
    match (get(header::ORIGIN), get(header::REFERER)) {
        (Some("null"), _) => false,
        (Some(origin), _) => authority(origin) == Some(host),
        (None, Some(referer)) => authority(referer) == Some(host),
        (None, None) => true,
    }
}

pub async fn csrf(req: Request, next: Next) -> Response {
    if same_origin(req.method(), req.headers()) {
        next.run(req).await
    } else {
        let body = serde_json::json!({ "error": "forbidden", "message": app::i18n::tr("error.cross_site") });
        (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
    }
}

/// The rate-limit key: the client's address behind the configured trusted proxies, an
/// IPv6 client by its /64 (`app::accounts::session::client_key`).
#[derive(Clone)]
pub struct ClientIp {
    pub config: std::sync::Arc<app::config::Config>,
}

impl KeyExtractor for ClientIp {
    type Key = String;

    fn extract<T>(&self, req: &http::Request<T>) -> Result<String, GovernorError> {
        Ok(app::accounts::session::client_key(
            req.headers(),
            req.extensions(),
            &self.config,
        ))
    }
}

/// Writes (POST, PUT, PATCH, DELETE) per client address per server process: a burst of
/// `burst`, refilled at `per_min` a minute. Reads are not limited.
pub fn with_write_limit<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    per_min: u32,
    burst: u32,
    app_config: std::sync::Arc<app::config::Config>,
) -> axum::Router<S> {
    let period = Duration::from_millis((60_000 / u64::from(per_min.max(1))).max(1));
    let config = GovernorConfigBuilder::default()
        .period(period)
        .burst_size(burst.max(1))
        .methods(vec![
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .key_extractor(ClientIp { config: app_config })
        .finish();
    let Some(config) = config else {
        tracing::error!("invalid rate-limit configuration; writes are not rate limited");
        return router;
    };
    // Keys of clients that stopped writing are dropped once a minute, so the limiter's
    // map does not grow with every address ever seen.
    let limiter = config.limiter().clone();
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
    }
    router.layer(GovernorLayer::new(config).error_handler(|e| {
        let wait = match e {
            GovernorError::TooManyRequests { wait_time, .. } => wait_time.max(1),
            _ => 1,
        };
        let body = serde_json::json!({
            "error": "too_many_requests",
            "message": app::i18n::tr_args("error.rate_limited", &[("secs", wait.to_string())]),
        });
        let mut res = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, http::HeaderValue::from(wait));
        res
    }))
}

/// A request path as logs may keep it: the booking code in `/bookings/{code}[/…]` is
/// blanked.
pub fn redact_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/bookings/") {
        Some(rest) if !rest.is_empty() => {
            let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
            format!("/bookings/[code]{tail}").into()
        }
        _ => path.into(),
    }
}

/// `Cache-Control: no-store` on what may be personal: every answer to a signed-in
/// browser (its pages hold names, numbers, codes) and every server-function answer,
/// unless the handler chose its own (static files and the public API keep theirs). And
/// HSTS when the portal is configured for HTTPS (`LINLI_SECURE_COOKIES=1`).
pub async fn private_headers(
    axum::extract::State(secure): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let signed_in = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains("linli_session="));
    let mut res = next.run(req).await;
    let static_file =
        path.starts_with("/pkg/") || path.starts_with("/api/v1/") || path == "/healthz";
    let private = !static_file && (signed_in || path.starts_with("/api/"));
    if private && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    if secure {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A GET whose first answer never comes is answered by the second attempt; a POST
    /// is never run twice.
    #[tokio::test]
    async fn a_stalled_get_is_answered_again_and_a_post_never_twice() {
        // The real layer waits 10 s; here 50 ms stand for it.
        let limit = std::time::Duration::from_millis(50);
        use axum::routing::get;
        use tower::ServiceExt;
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let handler = move || {
            let c = c.clone();
            async move {
                if c.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "second"
            }
        };
        let app = axum::Router::new()
            .route("/page", get(handler.clone()).post(handler))
            .layer(axum::middleware::from_fn(move |req, next| {
                super::retry_after(limit, req, next)
            }));
        let get = app.clone().oneshot(
            http::Request::get("/page")
                .body(axum::body::Body::empty())
                .unwrap(),
        );
        let res = tokio::time::timeout(limit * 10, get)
            .await
            .expect("the second attempt answers")
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // A POST that stalls stays stalled (the deadline layer answers it): one call.
        calls.store(0, Ordering::SeqCst);
        let post = app.oneshot(
            http::Request::post("/page")
                .body(axum::body::Body::empty())
                .unwrap(),
        );
        let waited = tokio::time::timeout(limit * 4, post).await;
        assert!(waited.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn booking_codes_are_blanked_in_logged_paths() {
        assert_eq!(super::redact_path("/bookings/AB12CD34"), "/bookings/[code]");
        assert_eq!(
            super::redact_path("/bookings/AB12CD34/ics"),
            "/bookings/[code]/ics"
        );
        assert_eq!(super::redact_path("/bookings/"), "/bookings/");
        assert_eq!(super::redact_path("/wishes/3"), "/wishes/3");
    }

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn reads_always_pass() {
        assert!(same_origin(
            &Method::GET,
            &headers(&[("origin", "http://evil.example")])
        ));
    }

    #[test]
    fn writes_must_come_from_this_site() {
        let host = ("host", "127.0.0.1:3000");
        assert!(same_origin(
            &Method::POST,
            &headers(&[host, ("origin", "http://127.0.0.1:3000")])
        ));
        assert!(!same_origin(
            &Method::POST,
            &headers(&[host, ("origin", "http://evil.example")])
        ));
        assert!(!same_origin(
            &Method::POST,
            &headers(&[host, ("origin", "null")])
        ));
        assert!(same_origin(
            &Method::POST,
            &headers(&[host, ("referer", "http://127.0.0.1:3000/me")])
        ));
        assert!(!same_origin(
            &Method::POST,
            &headers(&[host, ("referer", "http://127.0.0.1:3000.evil/x")])
        ));
        assert!(same_origin(&Method::POST, &headers(&[host])));
        assert!(!same_origin(
            &Method::POST,
            &headers(&[("origin", "http://127.0.0.1:3000")])
        ));
    }
}
