//! The HTTP surface: the router with the Leptos pages and server functions, the plain handlers
//! (`/healthz`, `/metrics`, `/prefs`, a booking's `.ics`, the photo upload and photos, the
//! station import and exports, the back office's CSVs, the open `/api/v1`), static files, and
//! the middleware every request passes, outermost first: request id, tracing, the Host check
//! (`guard::allowed_host`, 421), panic guard, the reader's language (`locale_scope`),
//! deadline, the stalled-GET retry, body limit, NUL guard, private headers, security headers,
//! the CSRF token cookie, the page cache (`page_cache`), compression, the write rate limit, then metrics, `server_fn_status` and the CSRF check
//! around the routes.

mod api_v1;
pub mod guard;
mod health;
mod ics;
pub mod metrics;
pub mod office;
pub mod page_cache;
pub mod photos;
mod prefs;
pub mod transfer;

use app::security::BASE_CSP;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use http::header::{self, HeaderName, HeaderValue};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use guard::MAX_BODY_BYTES;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let request_id = HeaderName::from_static("x-request-id");
    let pkg_dir = format!("{}/pkg", state.leptos_options.site_root);

    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(app::accounts::session::RequestUser::default());
        }
    };
    let app_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    let config = state.config.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::scrape))
        .route(app::prefs::PREFS_PATH, post(prefs::set_prefs))
        .route("/bookings/{code}/ics", get(ics::booking_ics))
        .route(
            photos::FULFIL_PATH,
            post(photos::fulfil).layer(axum::extract::DefaultBodyLimit::max(
                photos::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/wishes/{id}/photo", get(photos::photo))
        .route(
            app::stations::transfer::api::UPLOAD_PATH,
            post(transfer::upload).layer(axum::extract::DefaultBodyLimit::max(
                transfer::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/api/v1/export/stations.csv", get(transfer::export_csv))
        .route(
            "/api/v1/export/stations.geojson",
            get(transfer::export_geojson),
        )
        .route("/api/v1/import/template.csv", get(transfer::template))
        .route("/api/v1/audit.csv", post(office::audit_csv))
        .route("/api/v1/coverage.csv", get(office::coverage_csv))
        .route(
            app::stations::coverage::api::GAPS_JSON_PATH,
            get(office::coverage_gaps),
        )
        .route("/api/v1/dashboard/{file}", get(office::dashboard_csv))
        .route("/api/v1/stations", get(api_v1::stations))
        .route("/api/v1/stations/nearest", get(api_v1::nearest))
        .route("/api/v1/stations/offline", get(api_v1::offline))
        .route("/api/v1/stations/{id}", get(api_v1::station))
        .route("/api/v1/openapi.json", get(api_v1::openapi))
        .route("/api/v1/catalogue", get(api_v1::catalogue))
        .route("/api/v1/catalogue/search", get(api_v1::catalogue_search))
        // Built assets: served precompressed (.br/.gz written by the build) when present.
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            guard::csrf,
        ))
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ));
    let pages = page_cache::PageCache::new(config.page_cache_ms);
    guard::with_write_limit(router, config.rate_per_min, config.rate_burst, config.clone())
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn_with_state(
            (pages, state.clone()),
            page_cache::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            guard::issue_csrf_token,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(BASE_CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // same-origin, not no-referrer: a form posted without JavaScript is sent back
        // to the page it came from by its Referer.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(self), microphone=()"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.secure_cookies,
            guard::private_headers,
        ))
        .layer(axum::middleware::from_fn(guard::reject_nul))
        .layer(axum::middleware::from_fn(guard::body_limit))
        .layer(axum::middleware::from_fn(guard::retry_stalled_get))
        .layer(axum::middleware::from_fn(guard::deadline))
        .layer(axum::middleware::from_fn(locale_scope))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            guard::allowed_host,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &http::Request<Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only (query strings may carry coordinates or codes), with
                // booking codes blanked: a code in a log is a booking someone can act on.
                tracing::info_span!("request", id = %id, method = %req.method(), path = %guard::redact_path(req.uri().path()))
            },
        ))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// The status of a server function's error answer. Leptos answers every server-function
/// error with 500, including arguments that could not be decoded (which never reach the
/// function's body, so its reply helper cannot set the status). The body is our
/// `AppError` as JSON, so its own status is set here: a missing field, a wrong type, bad
/// UTF-8 or an out-of-range number is the 400 `AppError::from_server_fn_error` says it
/// is, and only a real internal failure stays a 500.
async fn server_fn_status(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let res = next.run(req).await;
    if res.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are a code and a sentence; anything larger is not one of ours.
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return axum::response::IntoResponse::into_response(app::error::AppError::Internal)
        }
    };
    if let Ok(e) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(code) = http::StatusCode::from_u16(e.status()) {
            parts.status = code;
        }
    }
    axum::response::Response::from_parts(parts, Body::from(bytes))
}

/// Answers every request in its reader's language, also where Leptos's context does not
/// reach (plain handlers, guards and the services they call): the language cookie is
/// read once and kept for the request's task.
async fn locale_scope(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let locale = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(app::prefs::Prefs::from_cookie_header)
        .unwrap_or_default()
        .locale;
    app::i18n::REQUEST_LOCALE.scope(locale, next.run(req)).await
}

/// A panic in a handler becomes a plain Chinese 500 page; the detail goes to the log.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> http::Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    let mut res = http::Response::new(Body::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>服务器开小差了</title>\
         <h1>服务器开小差了</h1><p>请稍后再试。</p></html>",
    ));
    *res.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}
