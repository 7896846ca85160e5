//! `/healthz`: for load balancers. 200 while the database answers, 503 when it does not.
//! It also says the server's own time in Asia/Shanghai (`now`, and `clock: "shifted"` when
//! `LINLI_FAKE_NOW` moved it in demo mode), so an operator sees a wrong clock at once and
//! the end-to-end specs compute "today" as the server does.

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let up = state.db.ping().await;
    let dialect = match state.db.dialect {
        app::db::Dialect::Sqlite => "sqlite",
        app::db::Dialect::Postgres => "postgres",
    };
    let body = json!({
        "status": if up { "ok" } else { "degraded" },
        "database": { "reachable": up, "backend": dialect },
        "version": env!("CARGO_PKG_VERSION"),
        "now": app::time::now_local().format("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
        "clock": if app::time::is_shifted() { "shifted" } else { "real" },
    });
    let code = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
