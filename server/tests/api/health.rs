//! Operations against the real server: health checks, request ids, start-up that stops
//! on a failed migration, backups of a SQLite database while it serves, and the
//! `/metrics` endpoint (guarded, counted by route).

use crate::fixtures::Table;
use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_reports_a_reachable_database() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["reachable"], true);
    let backend = if app.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["database"]["backend"], backend);
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_down() {
    let app = spawn_app().await;
    app.state.db.pool.close().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"]["reachable"], false);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let a = app.get("/healthz").await;
    let b = app.get("/healthz").await;
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id(&a).len(), 36);
    assert_ne!(id(&a), id(&b));
}

#[tokio::test]
async fn a_failed_migration_stops_start_up_with_a_clear_message() {
    // A database whose `streets` table was made by someone else: the first migration
    // cannot create it, and the server must refuse to start rather than run half-built.
    let db = crate::helpers::TestDb::fresh().await;
    {
        let pool = app::db::Db::connect(&db.url(), 1).await.unwrap();
        // tamper: a table made by someone else where the first migration creates one.
        sqlx::query("CREATE TABLE streets (id INTEGER)")
            .execute(&pool.pool)
            .await
            .unwrap();
        pool.pool.close().await;
    }
    let err = server::build_state(crate::helpers::test_config(&db))
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("数据库迁移失败"), "{err:#}");
}

/// `linli backup`: a SQLite database copied while it serves, and a server started on the
/// copy (the restore path in the README) has what was written before. PostgreSQL is
/// refused with the pg_dump hint.
#[tokio::test]
async fn a_sqlite_database_is_backed_up_while_serving_and_a_server_starts_from_the_copy() {
    let app = crate::helpers::spawn_app().await;
    let to = std::env::temp_dir().join(format!(
        "linli-backup-{}-{}.db",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    if app.is_postgres() {
        let e = app.state.db.backup_to(&to).await.unwrap_err();
        assert!(e.to_string().contains("pg_dump"), "{e}");
        return;
    }
    let (_, id) = app.session_for("13900007777").await;
    // Served while the copy is taken.
    let (page, size) = tokio::join!(app.get_text("/"), app.state.db.backup_to(&to));
    assert_eq!(page.0, 200);
    assert!(size.expect("backed up") > 100_000);
    assert_eq!(
        mode_of(&to.display().to_string()),
        Some(0o600),
        "the copy is its owner's only"
    );
    // An existing file is never overwritten.
    assert!(app
        .state
        .db
        .backup_to(&to)
        .await
        .unwrap_err()
        .to_string()
        .contains("已存在"));
    let url = format!("sqlite://{}", to.display());
    let restored = crate::helpers::spawn_app_with(|c| c.database_url = url).await;
    assert_eq!(restored.phone_of(id).await.as_deref(), Some("13900007777"));
    assert!(restored.rows(Table::Stations).await > 1000);
    assert_eq!(restored.get_text("/").await.0, 200);
    drop(restored);
    for suffix in ["", "-wal", "-shm", ".secret"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
}

/// The permission bits of a file, if it exists.
fn mode_of(path: &str) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

/// A SQLite database, its WAL and shared-memory files hold numbers, addresses and
/// photos: created readable by their owner only, and an older database made so.
#[tokio::test]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    let probe = crate::helpers::spawn_app().await;
    if probe.is_postgres() {
        return;
    }
    drop(probe);
    let path = std::env::temp_dir().join(format!(
        "linli-private-{}-{}.db",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let p = path.display().to_string();
    let app = crate::helpers::spawn_app_with(|c| c.database_url = format!("sqlite://{p}")).await;
    let (_, _) = app.session_for("13900006666").await;
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode_of(&format!("{p}{suffix}")), Some(0o600), "{p}{suffix}");
    }
    drop(app);
    // A database left world-readable by an older version is made private on start.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let again = crate::helpers::spawn_app_with(|c| c.database_url = format!("sqlite://{p}")).await;
    assert_eq!(mode_of(&p), Some(0o600));
    drop(again);
    for suffix in ["", "-wal", "-shm", ".secret"] {
        let _ = std::fs::remove_file(format!("{p}{suffix}"));
    }
}

/// `/metrics`: a 404 unless a token is set; with one, only with the token; counts by
/// route pattern and status; the internal address needs no token.
#[tokio::test]
async fn metrics_are_guarded_and_count_requests_by_route() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let token = "metrics-token-0123456789";
    let app = crate::helpers::spawn_app_with(|c| c.metrics_token = Some(token.into())).await;
    for _ in 0..3 {
        assert_eq!(app.get("/station/1").await.status(), 200);
    }
    assert_eq!(app.get("/station/999999").await.status(), 404);
    server::jobs::run_once(&app.state).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let r = app
        .new_client()
        .get(app.url("/metrics"))
        .header("authorization", "Bearer wrong-token-0123456789x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .new_client()
        .get(app.url("/metrics"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(
            r#"linli_http_requests_total{method="GET",route="/station/{id}",status="2xx"} 3"#
        ),
        "{body}"
    );
    assert!(body.contains(
        r#"linli_http_requests_total{method="GET",route="/station/{id}",status="4xx"} 1"#
    ));
    assert!(body.contains("linli_http_request_duration_seconds_bucket"));
    assert!(body.contains("linli_db_pool_connections"));
    assert!(body.contains(r#"linli_outbox_messages{state="failed"}"#));
    assert!(
        body.contains(r#"linli_job_runs_total{job="purge",outcome="ok"} 1"#),
        "{body}"
    );
    // The internal address: `/metrics` alone, and it needs the token too when one is set.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::http::metrics::internal_router(app.state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let r = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .new_client()
        .get(format!("http://{addr}/metrics"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("linli_http_requests_total"));
    let r = reqwest::get(format!("http://{addr}/")).await.unwrap();
    assert_eq!(r.status(), 404);
}
