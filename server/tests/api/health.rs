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
