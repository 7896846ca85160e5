//! `/metrics` for Prometheus, and the middleware that counts every answer by method,
//! route and status class (each from a fixed set: see `app::metrics`, a request can add
//! no series). On the public address `/metrics` needs `LINLI_METRICS_TOKEN` (a bearer
//! token); unset, the public `/metrics` is a 404: nothing about the process is public by
//! default. `LINLI_METRICS_ADDR` serves it alone on a second, internal address, behind
//! the same Host check as the public one (`guard::allowed_host`, against DNS
//! rebinding) and, when `LINLI_METRICS_TOKEN` is set, the same bearer token.

use app::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};

/// Counts one request under its route pattern (never the raw path), its method if a
/// known one and its status class: bounded labels whatever the client sends.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    state.metrics.request(
        &method,
        route.as_ref().map(MatchedPath::as_str),
        res.status(),
        started.elapsed().as_secs_f64(),
    );
    // For the page cache: an answer it gives again is counted under the same route.
    if let Some(r) = route {
        res.extensions_mut()
            .insert(RouteLabel(r.as_str().to_string()));
    }
    res
}

/// The route pattern a response was counted under (`/station/{id}`), carried on the
/// response for the page cache, which answers outside the router.
#[derive(Clone, Debug)]
pub struct RouteLabel(pub String);

fn text(body: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    r
}

async fn render(state: &AppState) -> Response {
    match state.metrics.render(&state.db).await {
        Ok(body) => text(body),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: database unreachable");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `GET /metrics` on the public address: a bearer token, compared in constant time.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match refuse_without(token, &headers) {
        Some(refused) => refused,
        None => render(&state).await,
    }
}

/// The 401 of a request without `Authorization: Bearer <token>`, or None if it has it.
fn refuse_without(token: &str, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        let mut r = StatusCode::UNAUTHORIZED.into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return Some(r);
    }
    None
}

/// `GET /metrics` on the internal address: open on a trusted network, unless a token is
/// configured (then the same token as on the public address).
async fn scrape_internal(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = state
        .config
        .metrics_token
        .as_deref()
        .and_then(|token| refuse_without(token, &headers))
    {
        return refused;
    }
    render(&state).await
}

/// The router of the internal metrics address: `/metrics` and nothing else, for the
/// allowed Host names only (a page that rebinds its own name to the internal address
/// is refused).
pub fn internal_router(state: AppState) -> axum::Router {
    let config = state.config.clone();
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape_internal))
        .layer(axum::middleware::from_fn_with_state(
            config,
            crate::http::guard::allowed_host,
        ))
        .with_state(state)
}
