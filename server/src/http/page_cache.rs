//! The page cache: a page rendered for a reader who is not signed in is answered again,
//! byte for byte, to the same request for up to `LINLI_PAGE_CACHE_MS` (400 ms).
//!
//! Why: a public page is the same for every reader who is not signed in (the same path,
//! query, language and care mode), and the portal's busiest pages are exactly those —
//! home, the map, the rider list, the guides — read by many people at the same moment.
//! Leptos renders a 19 KB home page in about a quarter of the time the server takes to
//! send a file of that size; answering the same rendering for 400 ms makes
//! a burst of readers cost one render.
//!
//! When an answer may be reused, all of these hold:
//! - a GET of a page (not `/api/`, `/pkg/`, files, `/healthz`, `/metrics`, a booking by
//!   its code, or a page with an island, whose response has a nonce), without a session
//!   cookie;
//! - the rendering was a 200 HTML page that set no cookie;
//! - it is younger than the limit (400 ms; with the data caches' version check, at
//!   most every 500 ms, a change made through another process shows within a second), this process committed no write since it was made (a
//!   change made here shows at once, on the next request), and it is the same minute of
//!   Asia/Shanghai time (open now, "closes at", the slots still ahead).
//!
//! A page's inline scripts carry the response's CSP nonce. An answer given again gets a
//! fresh one, in its policy and in its body alike (the old nonce, 22 random characters,
//! replaced wherever it stands), so no two responses share a nonce.
//!
//! The key is the path and query, the language and care mode (read from their cookies as
//! the pages read them) and the response encoding asked for (the cache sits outside the
//! compression, so a brotli page is compressed once per rendering too). The cache holds
//! at most [`MAX_BYTES`]; when full, expired answers are dropped, and a new one that
//! still does not fit is simply not kept.

use app::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderMap, Method, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The most the cache keeps, in body bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The largest page kept (the biggest public page is about 60 KB).
const MAX_PAGE: usize = 512 * 1024;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    locale: &'static str,
    care: bool,
    encoding: &'static str,
}

struct Entry {
    made: Instant,
    /// The route the rendering was counted under in the metrics (a reuse is counted too).
    route: Option<String>,
    commits: u64,
    minute: i64,
    headers: HeaderMap,
    /// The nonce of the rendering's policy, to be replaced in each reuse.
    nonce: Option<String>,
    body: Bytes,
}

impl Entry {
    /// The answer again, with a fresh nonce.
    fn response(&self) -> Response {
        let mut headers = self.headers.clone();
        let body = match &self.nonce {
            Some(old) => {
                let fresh = fresh_nonce();
                if let Some(v) = headers
                    .get(header::CONTENT_SECURITY_POLICY)
                    .and_then(|v| v.to_str().ok())
                    .map(|p| p.replace(old.as_str(), &fresh))
                    .and_then(|p| http::HeaderValue::from_str(&p).ok())
                {
                    headers.insert(header::CONTENT_SECURITY_POLICY, v);
                }
                // Kept only when it was UTF-8 (see `layer`).
                let text = std::str::from_utf8(&self.body).unwrap_or_default();
                Bytes::from(text.replace(old.as_str(), &fresh))
            }
            None => self.body.clone(),
        };
        let mut res = Response::new(Body::from(body));
        *res.headers_mut() = headers;
        res
    }
}

/// A new nonce: 128 random bits as hex.
fn fresh_nonce() -> String {
    let mut t = app::accounts::secret::new_token();
    t.truncate(32);
    t
}

/// The nonce of a policy (`'nonce-…'`), if it has one of a sane shape.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let n = csp.split("'nonce-").nth(1)?.split('\'').next()?;
    (n.len() >= 16
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b)))
    .then(|| n.to_string())
}

#[derive(Default)]
struct Inner {
    map: HashMap<Key, Arc<Entry>>,
    bytes: usize,
}

/// The per-process cache (a part of the router's state).
#[derive(Clone)]
pub struct PageCache {
    ttl: Duration,
    inner: Arc<RwLock<Inner>>,
}

impl PageCache {
    pub fn new(ttl_ms: u64) -> Self {
        PageCache {
            ttl: Duration::from_millis(ttl_ms),
            inner: Arc::default(),
        }
    }

    fn get(&self, key: &Key, commits: u64, minute: i64) -> Option<Arc<Entry>> {
        let g = self.inner.read().ok()?;
        g.map
            .get(key)
            .filter(|e| e.made.elapsed() < self.ttl && e.commits == commits && e.minute == minute)
            .cloned()
    }

    fn put(&self, key: Key, e: Entry) {
        let Ok(mut g) = self.inner.write() else {
            return;
        };
        let size = e.body.len() + key.uri.len();
        if g.bytes + size > MAX_BYTES {
            let ttl = self.ttl;
            g.map.retain(|_, e| e.made.elapsed() < ttl);
            g.bytes = g.map.iter().map(|(k, e)| e.body.len() + k.uri.len()).sum();
            if g.bytes + size > MAX_BYTES {
                return;
            }
        }
        if let Some(old) = g.map.insert(key.clone(), Arc::new(e)) {
            g.bytes -= old.body.len() + key.uri.len();
        }
        g.bytes += size;
    }
}

/// Whether a GET of `path` renders a page whose answer may be kept (see the module).
pub fn cacheable_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/bookings/")
        || path == "/healthz"
        || path == "/metrics"
        || last.contains('.')
        || app::security::has_islands(path))
}

/// The encoding the compression layer will choose, as far as the key needs it.
fn encoding(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    if accept.is_empty() {
        ""
    } else {
        // Not parsed here: the raw header decides, and any header other than the two
        // common browser ones gets its own (rarely shared) entries.
        match accept.as_str() {
            "gzip, deflate, br" | "gzip, deflate, br, zstd" => "browser",
            "gzip" => "gzip",
            "br" => "br",
            _ => "other",
        }
    }
}

pub async fn layer(
    State((cache, state)): State<(PageCache, AppState)>,
    req: Request,
    next: Next,
) -> Response {
    let signed_in = crate::http::guard::has_session_cookie(req.headers());
    if cache.ttl.is_zero()
        || req.method() != Method::GET
        || signed_in
        || !cacheable_path(req.uri().path())
    {
        return next.run(req).await;
    }
    let enc = encoding(req.headers());
    if enc == "other" {
        return next.run(req).await;
    }
    let prefs = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(app::prefs::Prefs::from_cookie_header)
        .unwrap_or_default();
    let key = Key {
        uri: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        locale: prefs.locale.tag(),
        care: prefs.care,
        encoding: enc,
    };
    let started = Instant::now();
    let commits = state.db.commits();
    let minute = app::time::now_ts().div_euclid(60);
    if let Some(e) = cache.get(&key, commits, minute) {
        let res = e.response();
        state.metrics.request(
            &Method::GET,
            e.route.as_deref(),
            StatusCode::OK,
            started.elapsed().as_secs_f64(),
        );
        return res;
    }
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if res.status() != StatusCode::OK || !html || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let route = res
        .extensions()
        .get::<crate::http::metrics::RouteLabel>()
        .map(|r| r.0.clone());
    let (parts, mut body) = res.into_parts();
    let mut buf = Vec::new();
    while let Some(frame) = http_body_util::BodyExt::frame(&mut body).await {
        let Ok(frame) = frame else {
            // The rendering failed midway: what was read goes out, nothing is kept.
            return Response::from_parts(parts, Body::from(buf));
        };
        if let Ok(data) = frame.into_data() {
            buf.extend_from_slice(&data);
        }
        if buf.len() > MAX_PAGE {
            // Larger than any page should be: sent on as it comes, not kept.
            let first =
                futures_util::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(buf)) });
            let rest = http_body_util::BodyExt::into_data_stream(body);
            return Response::from_parts(
                parts,
                Body::from_stream(futures_util::StreamExt::chain(first, rest)),
            );
        }
    }
    let body = Bytes::from(buf);
    if std::str::from_utf8(&body).is_err() {
        return Response::from_parts(parts, Body::from(body));
    }
    cache.put(
        key,
        Entry {
            made: Instant::now(),
            route,
            commits,
            minute,
            headers: parts.headers.clone(),
            nonce: nonce_of(&parts.headers),
            body: body.clone(),
        },
    );
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_kept() {
        for p in [
            "/",
            "/map",
            "/rider",
            "/station/3",
            "/services/MZ-01",
            "/wishes",
        ] {
            assert!(cacheable_path(p), "{p}");
        }
        for p in [
            "/login",
            "/api/v1/stations",
            "/pkg/linli.css",
            "/bookings/ABCD2345",
            "/healthz",
            "/metrics",
            "/map.js",
        ] {
            assert!(!cacheable_path(p), "{p}");
        }
    }

    fn entry(bytes: usize) -> Entry {
        Entry {
            made: Instant::now(),
            route: None,
            commits: 0,
            minute: 0,
            headers: HeaderMap::new(),
            nonce: None,
            body: Bytes::from(vec![b'x'; bytes]),
        }
    }

    fn key(uri: &str) -> Key {
        Key {
            uri: uri.into(),
            locale: "zh-CN",
            care: false,
            encoding: "",
        }
    }

    #[test]
    fn an_answer_is_reused_only_while_young_in_the_same_minute_and_with_no_write_since() {
        let c = PageCache::new(10_000);
        c.put(key("/"), entry(10));
        assert!(c.get(&key("/"), 0, 0).is_some());
        assert!(c.get(&key("/"), 1, 0).is_none(), "a write since");
        assert!(c.get(&key("/"), 0, 1).is_none(), "the next minute");
        assert!(c.get(&key("/?a=1"), 0, 0).is_none(), "another query");
        let mut en = key("/");
        en.locale = "en";
        assert!(c.get(&en, 0, 0).is_none(), "another language");
        let old = PageCache::new(0);
        old.put(key("/"), entry(10));
        assert!(old.get(&key("/"), 0, 0).is_none(), "too old");
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let c = PageCache::new(10_000);
        let page = 400 * 1024;
        for i in 0..200 {
            c.put(key(&format!("/wishes?page={i}")), entry(page));
        }
        let g = c.inner.read().unwrap();
        assert!(g.bytes <= MAX_BYTES, "{}", g.bytes);
        assert!(g.map.len() >= MAX_BYTES / (page + 32), "{}", g.map.len());
        let counted: usize = g.map.iter().map(|(k, e)| e.body.len() + k.uri.len()).sum();
        assert_eq!(counted, g.bytes);
    }

    #[test]
    fn a_reused_answer_has_a_fresh_nonce_in_its_policy_and_its_scripts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            http::HeaderValue::from_static("script-src 'self' 'nonce-Yh76HOcMP4jl5SViEPXgpw'"),
        );
        let nonce = nonce_of(&headers);
        assert_eq!(nonce.as_deref(), Some("Yh76HOcMP4jl5SViEPXgpw"));
        let e = Entry {
            made: Instant::now(),
            route: None,
            commits: 0,
            minute: 0,
            headers,
            nonce,
            body: Bytes::from_static(
                b"<script nonce=\"Yh76HOcMP4jl5SViEPXgpw\">a</script><script nonce=\"Yh76HOcMP4jl5SViEPXgpw\">b</script>",
            ),
        };
        let one = e.response();
        let two = e.response();
        let csp = |r: &Response| {
            r.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_string()
        };
        let (n1, n2) = (
            nonce_of(one.headers()).unwrap(),
            nonce_of(two.headers()).unwrap(),
        );
        assert_ne!(n1, n2);
        assert_ne!(n1, "Yh76HOcMP4jl5SViEPXgpw");
        assert!(csp(&one).contains(&n1));
        let body = |r: Response| async move {
            String::from_utf8(
                axum::body::to_bytes(r.into_body(), 1 << 20)
                    .await
                    .unwrap()
                    .to_vec(),
            )
            .unwrap()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let b1 = rt.block_on(body(one));
        assert_eq!(b1.matches(&format!("nonce=\"{n1}\"")).count(), 2, "{b1}");
        assert!(!b1.contains("Yh76HOcMP4jl5SViEPXgpw"));
    }
}
