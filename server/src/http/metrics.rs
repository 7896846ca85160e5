//! `/metrics` for Prometheus, and the middleware that counts every answer by route and
//! status. On the public address `/metrics` needs `LINLI_METRICS_TOKEN` (a bearer
//! token); `LINLI_METRICS_ADDR` serves it alone on a second, internal address. Unset,
//! the public `/metrics` is a 404: nothing about the process is public by default.

use app::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};

/// Counts one request under its route pattern (never the raw path: bounded labels).
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "other".to_string());
    let res = next.run(req).await;
    state.metrics.request(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

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
        return r;
    }
    render(&state).await
}

/// The router of the internal metrics address: `/metrics` and nothing else.
pub fn internal_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(|State(s): State<AppState>| async move { render(&s).await }),
        )
        .with_state(state)
}
