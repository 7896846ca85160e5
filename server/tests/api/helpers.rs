//! `spawn_app()`: builds the real state (migrations, demo seed) on a fresh database,
//! serves the real router on 127.0.0.1:0, and cleans up on drop.

use app::config::Config;
use app::state::AppState;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::oneshot;

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    db: TestDb,
}

/// A database that exists for one test.
pub enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn fresh() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tag = format!("{}_{}_{}", std::process::id(), n, nanos);
        match std::env::var("LINLI_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty()) {
            Some(admin_url) => {
                let name = format!("linli_test_{tag}");
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("LINLI_TEST_POSTGRES_URL is reachable");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                TestDb::Postgres { admin_url, name }
            }
            None => {
                let path = std::env::temp_dir().join(format!("linli_test_{tag}.db"));
                TestDb::Sqlite(path)
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(p) => format!("sqlite://{}", p.display()),
            TestDb::Postgres { admin_url, name } => replace_db_name(admin_url, name),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base.rfind('/').filter(|i| *i > "postgres://".len()).unwrap_or(base.len());
    let mut s = format!("{}/{}", &base[..cut], name);
    if let Some(q) = query {
        s.push('?');
        s.push_str(q);
    }
    s
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            TestDb::Postgres { admin_url, name } => {
                let (url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: do the async work on a thread.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    if let Ok(rt) = rt {
                        rt.block_on(async {
                            use sqlx::Connection;
                            if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
                                let q = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                                let _ = sqlx::Executor::execute(&mut c, q.as_str()).await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

pub fn test_config(db: &TestDb) -> Config {
    Config {
        database_url: db.url(),
        addr: "127.0.0.1:0".parse().expect("literal address"),
        site_root: concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_string(),
        demo: true,
        seed_demo: true,
        demo_seed: 20231,
        db_max_connections: 8,
        log_json: false,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::fresh().await;
    let mut config = test_config(&db);
    adjust(&mut config);
    let state = server::build_state(config).await.expect("state builds on a fresh database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = oneshot::channel::<()>();
    let serve_state = state.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, serve_state, async {
            let _ = rx.await;
        })
        .await;
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp { base: format!("http://{addr}"), client, state, shutdown: Some(tx), db }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request is sent")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    pub fn is_postgres(&self) -> bool {
        self.db.is_postgres()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(replace_db_name("postgres://u@h:1/db?sslmode=disable", "y"), "postgres://u@h:1/y?sslmode=disable");
}
