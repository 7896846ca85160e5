//! The guards the router puts in front of every handler: the Host check (421), the deadline
//! (408) and the second try of a stalled GET, the body size limits (413), the NUL guard (400),
//! the same-origin check on state-changing requests (CSRF defence beside SameSite=Lax cookies,
//! 403), the per-process write rate limit (429), and `Cache-Control: no-store` (with HSTS
//! behind HTTPS) on what may be personal. Also the path as logs may keep it, booking codes
//! blanked.
//!
//! **Host names** ([`allowed_host`], against DNS rebinding: a page of another site whose
//! name is made to point at the portal, or at the internal metrics address, would read it
//! as its own). A request is answered only when its `Host` is
//! - an IP address (`127.0.0.1:3000`, `10.0.0.5:9464`, `[::1]`): a browser sends one only
//!   to a page loaded from that very address, so no rebinding can produce it; this keeps
//!   the tests (127.0.0.1 on a random port), load-balancer probes and Prometheus working;
//! - `localhost` or a name under `.localhost` (browsers resolve them to this machine
//!   themselves): `make run` on `localhost:3000`;
//! - an entry of `LINLI_ALLOWED_HOSTS` (`host` for any port, `host:port` for that one).
//!
//! Anything else, or no Host at all, is a 421 Misdirected Request and reaches no
//! handler. Unset, the list is empty: a deployment under its own name must set it
//! (`LINLI_ALLOWED_HOSTS=linli.example.cn`); the proxy in front must pass the Host on.
//!
//! **Cross-site writes** ([`same_origin`], [`csrf`]). A request other than GET, HEAD or
//! OPTIONS must prove it comes from a page of this site: an `Origin` (or, without one, a
//! `Referer`) of this host; else `Sec-Fetch-Site: same-origin` or `none`; else an
//! `X-CSRF-Token` header equal to the `linli_csrf` cookie (double submit: the cookie is
//! random, `SameSite=Strict`, set on the first HTML page a client GETs, and another site
//! can neither read it nor send the header without a CORS preflight, which the portal
//! never grants). `Sec-Fetch-Site: cross-site` or `same-site` is refused whatever else
//! the request says. Browsers send `Origin` on every POST, and `Sec-Fetch-Site` too, so
//! the portal's forms and its own server-function calls pass; a script, curl or another
//! program must send `Sec-Fetch-Site: same-origin`, an `Origin` of the portal, or the
//! token (the token is read from the header only: a form field would mean reading
//! every body here). The open `/api/v1` is read with GETs and needs none of this.

use app::config::Config;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};
use std::sync::Arc;
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

/// Answers a GET (or HEAD) of a page a second time when the first attempt has produced
/// nothing after [`STALLED_GET`]. Leptos's async server rendering can, rarely, leave a
/// page waiting for a resource that has already resolved (a race in its Suspense
/// bookkeeping; see ARCHITECTURE.md): the same request made again renders at once. A
/// GET never writes, so running it twice is safe.
///
/// Only when that can help: once, only for pages (never the JSON and CSV APIs, server
/// functions, files, `/healthz` or `/metrics`, which do not go through Suspense), and
/// never when a panic happened while the page waited: a rendering task that panicked
/// leaves its page waiting for ever, and a second try would only panic again, so such a
/// page is answered with a 500 when it is found stalled (10 s) instead of running again
/// and holding the connection until the deadline (30 s). The first attempt's own future
/// is dropped before the second starts (work it had handed to other tasks may still
/// finish).
pub async fn retry_stalled_get(req: Request, next: Next) -> Response {
    retry_after(STALLED_GET, req, next).await
}

/// Panics anywhere in the process, counted by the hook [`count_panics`] installs.
static PANICS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts every panic (then runs the hook that was there before, which reports it).
/// Idempotent.
pub fn count_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            before(info);
        }));
    });
}

fn panics() -> u64 {
    PANICS.load(std::sync::atomic::Ordering::SeqCst)
}

/// Whether answering a stalled GET of `path` again can help: only pages rendered with
/// Suspense can stall on the race.
fn retry_can_help(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/metrics"
        || last.contains('.'))
}

/// The answer to a page whose rendering panicked.
fn failed_page() -> Response {
    let mut res = Response::new(axum::body::Body::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>服务器开小差了</title>\
         <h1>服务器开小差了</h1><p>请稍后再试。</p></html>",
    ));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

async fn retry_after(limit: Duration, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || !retry_can_help(req.uri().path()) {
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
    let path = redact_path(again.uri().path());
    let before = panics();
    let first = next.clone().run(Request::from_parts(parts, body));
    match tokio::time::timeout(limit, first).await {
        Ok(res) => res,
        // Stalled, and something panicked meanwhile: most likely this page's own
        // rendering task, which a second try would only repeat.
        Err(_) if panics() != before => {
            tracing::error!(path = %path, "a page stalled after a panic; not answering it again");
            failed_page()
        }
        // The first attempt's future is dropped here, before the second starts.
        Err(_) => {
            tracing::warn!(path = %path, "a GET stalled; answering it again");
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

/// Whether a Host header value (`name`, `name:port`, `[v6]:port`) may be answered: an
/// IP address, `localhost` (or a name under `.localhost`), or an entry of `allowed`
/// (lower case, as `app::config::parse_hosts` keeps them: `name` for any port,
/// `name:port` for that port only). See the module documentation.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => (&host[..v6.len() + 2], None),
            p => match p.strip_prefix(':') {
                Some(p) => (&host[..v6.len() + 2], Some(p)),
                None => return false,
            },
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host.as_str(), None),
        }
    };
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return false;
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return false;
    }
    if name.starts_with('[') || name.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    allowed.iter().any(|entry| match entry.rsplit_once(':') {
        Some((n, p)) if !n.contains(':') || n.ends_with(']') => {
            n.eq_ignore_ascii_case(name) && Some(p) == port
        }
        _ => entry.eq_ignore_ascii_case(name),
    })
}

/// Answers only the allowed Host names ([`host_allowed`]); anything else is a 421 with
/// a short Chinese and English sentence, before any handler runs.
pub async fn allowed_host(State(config): State<Arc<Config>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        // HTTP/2 carries the name in the request's authority instead.
        .or_else(|| {
            req.uri().authority().map(|a| match a.port() {
                Some(p) => format!("{}:{p}", a.host()),
                None => a.host().to_string(),
            })
        });
    if host
        .as_deref()
        .is_some_and(|h| host_allowed(h, &config.allowed_hosts))
    {
        return next.run(req).await;
    }
    let shown: String = host.unwrap_or_default().chars().take(80).collect();
    // Info, not warn: anyone can send these; a misconfigured list shows as 421s.
    tracing::info!(host = %shown.escape_debug(), "refused a request for a host name not in LINLI_ALLOWED_HOSTS");
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "本站不使用这个网址，请检查地址后再访问。\nMisdirected request: this host name is not served here.\n",
    )
        .into_response()
}

/// The double-submit cookie's name: `__Host-` behind HTTPS (no subdomain can plant it),
/// like the session cookie.
pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-linli_csrf"
    } else {
        "linli_csrf"
    }
}

/// The header that carries the double-submit token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The `linli_csrf` cookie's value, if the request has a well-formed one.
fn csrf_cookie(headers: &http::HeaderMap, secure: bool) -> Option<&str> {
    let wanted = csrf_cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == wanted && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| value)
}

/// The `Set-Cookie` value of a new double-submit token: readable by the page (a script
/// of the portal may send it back), sent to this site only (`SameSite=Strict`), for the
/// browser session.
pub fn csrf_set_cookie(token: &str, secure: bool) -> String {
    let name = csrf_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; SameSite=Strict{secure}")
}

/// Whether a state-changing request comes from a page of this site (the rule is in the
/// module documentation). Reads always pass; a write needs a matching `Origin` or
/// `Referer`, else `Sec-Fetch-Site: same-origin`/`none`, else the double-submit token.
pub fn same_origin(method: &Method, headers: &http::HeaderMap, secure: bool) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let fetch_site = get("sec-fetch-site").map(str::to_ascii_lowercase);
    // What the browser itself says (no page can set this header) is final.
    if matches!(fetch_site.as_deref(), Some("cross-site" | "same-site")) {
        return false;
    }
    match (get(header::ORIGIN.as_str()), get(header::REFERER.as_str())) {
        (Some("null"), _) => false,
        (Some(origin), _) => authority(origin) == Some(host),
        (None, Some(referer)) => authority(referer) == Some(host),
        (None, None) => {
            matches!(fetch_site.as_deref(), Some("same-origin" | "none"))
                || match (csrf_cookie(headers, secure), get(CSRF_HEADER)) {
                    (Some(cookie), Some(sent)) => {
                        app::accounts::secret::constant_time_eq(cookie, sent.trim())
                    }
                    _ => false,
                }
        }
    }
}

/// Refuses a cross-site write with a 403 ([`same_origin`]).
pub async fn csrf(State(config): State<Arc<Config>>, req: Request, next: Next) -> Response {
    let secure = config.secure_cookies;
    if !same_origin(req.method(), req.headers(), secure) {
        let body = serde_json::json!({ "error": "forbidden", "message": app::i18n::tr("error.cross_site") });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    next.run(req).await
}

/// Gives a client that has no double-submit token one with the first HTML page it GETs.
/// A layer of its own, outside the page cache: the page is the same for everyone, the
/// token is each client's own.
pub async fn issue_csrf_token(
    State(config): State<Arc<Config>>,
    req: Request,
    next: Next,
) -> Response {
    let secure = config.secure_cookies;
    let issue = *req.method() == Method::GET && csrf_cookie(req.headers(), secure).is_none();
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if issue && html {
        let cookie = csrf_set_cookie(&app::accounts::secret::new_token(), secure);
        if let Ok(v) = http::HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
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

/// Whether a request carries a session cookie (either name, valid or not): its answer
/// may be personal, so it is neither stored by browsers' caches nor by the page cache.
pub fn has_session_cookie(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains("linli_session="))
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
    let signed_in = has_session_cookie(req.headers());
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
        a_page_that_panicked_is_not_retried_and_an_api_never_twice().await;
    }

    /// A page whose rendering task panicked is answered with a 500 soon after, and is
    /// not run a second time; an API that stalls is not run twice either. (Called from
    /// the test above, after its own cases: the panic hook counts every panic in the
    /// process, so the two must not run side by side.)
    async fn a_page_that_panicked_is_not_retried_and_an_api_never_twice() {
        let limit = std::time::Duration::from_millis(300);
        super::count_panics();
        use axum::routing::get;
        use tower::ServiceExt;
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let panicking = move || {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                // A rendering task of the page panics; the page waits for it for ever.
                drop(tokio::spawn(async { panic!("a resource failed") }));
                std::future::pending::<()>().await;
                "never"
            }
        };
        let c2 = calls.clone();
        let stalling_api = move || {
            let c = c2.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                std::future::pending::<()>().await;
                "never"
            }
        };
        let app = axum::Router::new()
            .route("/page", get(panicking))
            .route("/api/v1/thing", get(stalling_api))
            .layer(axum::middleware::from_fn(move |req, next| {
                super::retry_after(limit, req, next)
            }));
        let res = tokio::time::timeout(
            limit * 20,
            app.clone().oneshot(
                http::Request::get("/page")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            ),
        )
        .await
        .expect("answered, not held until the deadline")
        .unwrap();
        assert_eq!(res.status(), 500);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "not run a second time");
        calls.store(0, Ordering::SeqCst);
        let waited = tokio::time::timeout(
            limit * 4,
            app.oneshot(
                http::Request::get("/api/v1/thing")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            ),
        )
        .await;
        assert!(waited.is_err(), "an API is left to the deadline");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn only_pages_are_answered_again() {
        for page in ["/", "/book", "/station/12", "/admin/dashboard"] {
            assert!(super::retry_can_help(page), "{page}");
        }
        for other in [
            "/api/booking/choices",
            "/api/v1/stations/nearest",
            "/pkg/linli.wasm",
            "/style.css",
            "/healthz",
            "/metrics",
            "/api/v1/coverage.csv",
        ] {
            assert!(!super::retry_can_help(other), "{other}");
        }
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

    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn post(pairs: &[(&str, &str)]) -> bool {
        same_origin(&Method::POST, &headers(pairs), false)
    }

    #[test]
    fn reads_always_pass() {
        assert!(same_origin(
            &Method::GET,
            &headers(&[("origin", "http://evil.example")]),
            false
        ));
        assert!(same_origin(&Method::HEAD, &headers(&[]), false));
        assert!(same_origin(&Method::OPTIONS, &headers(&[]), false));
    }

    #[test]
    fn writes_must_come_from_this_site() {
        let host = ("host", "127.0.0.1:3000");
        assert!(post(&[host, ("origin", "http://127.0.0.1:3000")]));
        assert!(!post(&[host, ("origin", "http://evil.example")]));
        assert!(!post(&[host, ("origin", "null")]));
        assert!(post(&[host, ("referer", "http://127.0.0.1:3000/me")]));
        assert!(!post(&[host, ("referer", "http://127.0.0.1:3000.evil/x")]));
        assert!(!post(&[("origin", "http://127.0.0.1:3000")]));
        // Every other method that may change something is held to the same rule.
        for m in [Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(!same_origin(&m, &headers(&[host]), false));
        }
        assert!(!same_origin(
            &Method::from_bytes(b"BREW").unwrap(),
            &headers(&[host]),
            false
        ));
    }

    #[test]
    fn a_write_with_neither_origin_nor_referer_needs_proof() {
        let host = ("host", "127.0.0.1:3000");
        // Nothing at all: refused (it used to pass).
        assert!(!post(&[host]));
        // The browser's own word.
        assert!(post(&[host, ("sec-fetch-site", "same-origin")]));
        assert!(post(&[host, ("sec-fetch-site", "none")]));
        assert!(!post(&[host, ("sec-fetch-site", "cross-site")]));
        assert!(!post(&[host, ("sec-fetch-site", "same-site")]));
        // ... which overrides a matching Origin.
        assert!(!post(&[
            host,
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "cross-site")
        ]));
        // The double-submit token: the header must equal the cookie.
        let cookie = format!("linli_session=x; linli_csrf={TOKEN}");
        assert!(post(&[host, ("cookie", &cookie), ("x-csrf-token", TOKEN)]));
        let other = TOKEN.replace('0', "1");
        assert!(!post(&[
            host,
            ("cookie", &cookie),
            ("x-csrf-token", &other)
        ]));
        assert!(!post(&[host, ("cookie", &cookie)]));
        assert!(!post(&[host, ("x-csrf-token", TOKEN)]));
        // A malformed cookie is no token, even if the header repeats it.
        assert!(!post(&[
            host,
            ("cookie", "linli_csrf="),
            ("x-csrf-token", "")
        ]));
        assert!(!post(&[
            host,
            ("cookie", "linli_csrf=abc"),
            ("x-csrf-token", "abc")
        ]));
        // Behind HTTPS only the `__Host-` cookie counts.
        let secure = |c: &str| {
            same_origin(
                &Method::POST,
                &headers(&[host, ("cookie", c), ("x-csrf-token", TOKEN)]),
                true,
            )
        };
        assert!(!secure(&cookie));
        assert!(secure(&format!("__Host-linli_csrf={TOKEN}")));
    }

    #[test]
    fn the_csrf_cookie_is_strict_and_secure_behind_https() {
        assert_eq!(
            csrf_set_cookie("t", false),
            "linli_csrf=t; Path=/; SameSite=Strict"
        );
        assert_eq!(
            csrf_set_cookie("t", true),
            "__Host-linli_csrf=t; Path=/; SameSite=Strict; Secure"
        );
    }

    #[test]
    fn only_addresses_localhost_and_listed_names_are_answered() {
        let none: Vec<String> = Vec::new();
        for ok in [
            "127.0.0.1",
            "127.0.0.1:3000",
            "10.0.0.5:9464",
            "[::1]",
            "[::1]:3000",
            "localhost",
            "LOCALHOST:3000",
            "localhost.:3000",
            "app.localhost:3000",
        ] {
            assert!(host_allowed(ok, &none), "{ok}");
        }
        for bad in [
            "",
            ":3000",
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "linli.example.cn",
            "localhost:abc",
            "[::1",
            "[zz]:1",
            "[::1]x",
        ] {
            assert!(!host_allowed(bad, &none), "{bad}");
        }
        let list: Vec<String> = vec!["linli.example.cn".into(), "office.example.cn:8443".into()];
        assert!(host_allowed("linli.example.cn", &list));
        assert!(host_allowed("Linli.Example.CN:443", &list));
        assert!(host_allowed("linli.example.cn.", &list));
        assert!(host_allowed("office.example.cn:8443", &list));
        assert!(!host_allowed("office.example.cn", &list));
        assert!(!host_allowed("office.example.cn:443", &list));
        assert!(!host_allowed("evil.example", &list));
        assert!(!host_allowed("www.linli.example.cn", &list));
        assert!(host_allowed("127.0.0.1:3000", &list));
    }
}
