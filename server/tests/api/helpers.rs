//! `spawn_app()`: serves the real router on 127.0.0.1:0 over a database of its own, and
//! cleans up on drop.
//!
//! Every test's database is a copy of one template built once per test run: migrated
//! and seeded with the demo city through the real start-up path (`server::build_state`).
//! SQLite copies the template's file; PostgreSQL uses `CREATE DATABASE … TEMPLATE …`.
//! Seeding the whole city once instead of once per test is what keeps the suite fast.

use app::config::{Config, SmsConfig};
use app::state::AppState;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::oneshot;

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    /// None for a second process on another app's database.
    db: Option<TestDb>,
    pub config: Config,
}

/// A database that exists for one test.
pub enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The seeded template of this test run: a SQLite file or a PostgreSQL database name.
enum Template {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

static TEMPLATE: std::sync::OnceLock<Template> = std::sync::OnceLock::new();

/// The template, built on first use on a thread of its own (its pool must live and die
/// in one runtime, and each test has its own).
fn template() -> &'static Template {
    TEMPLATE.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for the template");
            rt.block_on(build_template())
        })
        .join()
        .expect("the template database builds")
    })
}

/// Whether a process of this id still runs (templates of dead runs are removed).
fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

async fn build_template() -> Template {
    let pid = std::process::id();
    let db = match std::env::var("LINLI_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(admin_url) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("LINLI_TEST_POSTGRES_URL is reachable");
            let old: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'linli_tmpl_%'",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
            for name in old {
                let owner = name.trim_start_matches("linli_tmpl_").parse().unwrap_or(0);
                if owner != pid && !alive(owner) {
                    let q = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::Executor::execute(&mut conn, q.as_str()).await;
                }
            }
            let name = format!("linli_tmpl_{pid}");
            let q = format!("CREATE DATABASE {name}");
            sqlx::Executor::execute(&mut conn, q.as_str())
                .await
                .expect("create the template database");
            TestDb::Postgres { admin_url, name }
        }
        None => {
            let dir = std::env::temp_dir();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.flatten() {
                    let f = e.file_name().to_string_lossy().to_string();
                    if let Some(rest) = f.strip_prefix("linli_template_") {
                        let owner = rest.split('.').next().and_then(|p| p.parse().ok());
                        if owner.is_some_and(|o: u32| o != pid && !alive(o)) {
                            let _ = std::fs::remove_file(e.path());
                        }
                    }
                }
            }
            TestDb::Sqlite(dir.join(format!("linli_template_{pid}.db")))
        }
    };
    let state = server::build_state(test_config(&db))
        .await
        .expect("the template migrates and seeds");
    if let TestDb::Sqlite(_) = db {
        // Everything into the main file before it is copied.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&state.db.pool)
            .await
            .expect("checkpoint");
    }
    state.db.pool.close().await;
    let t = match &db {
        TestDb::Sqlite(p) => Template::Sqlite(p.clone()),
        TestDb::Postgres { name, .. } => Template::Postgres(name.clone()),
    };
    // Kept for the whole run (its Drop would delete it); the next run removes it.
    std::mem::forget(db);
    t
}

impl TestDb {
    /// A copy of the seeded template: what almost every test starts from.
    pub async fn seeded() -> TestDb {
        let template = template();
        let db = TestDb::named();
        match (&db, template) {
            (TestDb::Sqlite(p), Template::Sqlite(t)) => {
                std::fs::copy(t, p).expect("copy the template");
            }
            (TestDb::Postgres { admin_url, name }, Template::Postgres(t)) => {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(admin_url)
                    .await
                    .expect("LINLI_TEST_POSTGRES_URL is reachable");
                let q = format!("CREATE DATABASE {name} TEMPLATE {t}");
                // Copies from one template may briefly wait on each other.
                let mut tries = 0;
                loop {
                    match sqlx::Executor::execute(&mut conn, q.as_str()).await {
                        Ok(_) => break,
                        Err(e) if tries < 50 => {
                            tries += 1;
                            tracing::debug!(error = %e, "template busy, trying again");
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                        Err(e) => panic!("create from template: {e}"),
                    }
                }
            }
            _ => unreachable!("the template and the test use the same database kind"),
        }
        db
    }

    /// An empty database (nothing migrated): for tests of start-up itself.
    pub async fn fresh() -> TestDb {
        let db = TestDb::named();
        if let TestDb::Postgres { admin_url, name } = &db {
            create_pg_database(admin_url, name).await;
        }
        db
    }

    /// A new database's name (not yet created).
    fn named() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tag = format!("{}_{}_{}", std::process::id(), n, nanos);
        match std::env::var("LINLI_TEST_POSTGRES_URL")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(admin_url) => TestDb::Postgres {
                admin_url,
                name: format!("linli_test_{tag}"),
            },
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

    /// Where this test's fulfilment photos are kept.
    pub fn uploads(&self) -> std::path::PathBuf {
        let mut p = self.outbox().into_os_string();
        p.push(".uploads");
        p.into()
    }

    /// Where this test's console SMS sender writes its messages.
    pub fn outbox(&self) -> std::path::PathBuf {
        let tag = match self {
            TestDb::Sqlite(p) => p
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default(),
            TestDb::Postgres { name, .. } => name.clone(),
        };
        std::env::temp_dir().join(format!("{tag}.sms.jsonl"))
    }
}

/// Creates an empty PostgreSQL database `name` on the server of `admin_url`.
pub async fn create_pg_database(admin_url: &str, name: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("LINLI_TEST_POSTGRES_URL is reachable");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create the database");
}

/// Drops a PostgreSQL database from a `Drop` impl, which runs inside a test's runtime:
/// the async work happens on a thread with a runtime of its own.
pub fn drop_pg_database(admin_url: &str, name: &str) {
    let (url, name) = (admin_url.to_string(), name.to_string());
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
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

/// The admin URL with another database name.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    let mut s = format!("{}/{}", &base[..cut], name);
    if let Some(q) = query {
        s.push('?');
        s.push_str(q);
    }
    s
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.uploads());
        match self {
            TestDb::Sqlite(p) => {
                for suffix in ["", "-wal", "-shm", ".migrate-lock"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
                let _ = std::fs::remove_file(self.outbox());
            }
            TestDb::Postgres { admin_url, name } => {
                let _ =
                    std::fs::remove_file(std::env::temp_dir().join(format!("{name}.sms.jsonl")));
                drop_pg_database(admin_url, name);
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
        // Tests send many requests from one address; the limit has its own test.
        rate_per_min: 1_000_000,
        rate_burst: 1_000_000,
        sms: SmsConfig::Console {
            file: Some(db.outbox().display().to_string()),
        },
        upload_dir: db.uploads().display().to_string(),
        // The key of the code hashes comes from the configuration, never the database.
        secret: Some("test-secret-0123456789abcdef0123456789abcdef".into()),
        ..Config::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_on(TestDb::seeded().await, adjust).await
}

/// A server on an empty database that stays empty (no demo seed): start-up itself.
pub async fn spawn_app_empty() -> TestApp {
    spawn_app_on(TestDb::fresh().await, |c| c.seed_demo = false).await
}

/// What a browser sends on every request to the portal from one of its own pages: the
/// page's origin (browsers send `Origin` on every POST). Tests of the cross-site refusal
/// build their own clients without it.
pub fn browser_headers(base: &str) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
    h
}

pub async fn spawn_app_on(db: TestDb, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = test_config(&db);
    adjust(&mut config);
    let (state, addr, tx) = start(config.clone()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .default_headers(browser_headers(&format!("http://{addr}")))
        .build()
        .expect("client");
    let _ = std::fs::remove_file(db.outbox());
    TestApp {
        base: format!("http://{addr}"),
        client,
        state,
        shutdown: Some(tx),
        db: Some(db),
        config,
    }
}

/// Builds the state and serves it on a fresh port.
async fn start(config: Config) -> (AppState, std::net::SocketAddr, oneshot::Sender<()>) {
    let state = server::build_state(config)
        .await
        .expect("state builds on a fresh database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = oneshot::channel::<()>();
    let serve_state = state.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, serve_state, async {
            let _ = rx.await;
        })
        .await;
    });
    (state, addr, tx)
}

/// Posts a form as a script would (JSON answers, no redirects).
pub async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    // The page's origin as it is now (a restarted server has a new port).
    c.post(app.url(path))
        .header(reqwest::header::ORIGIN, &app.base)
        .form(form)
        .send()
        .await
        .expect("request is sent")
}

/// Posts a form and reads the JSON answer.
pub async fn post_json(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
) -> serde_json::Value {
    post(app, c, path, form)
        .await
        .json()
        .await
        .expect("a JSON answer")
}

/// Sends all the requests at once and returns their statuses, in the order given.
pub async fn race(requests: Vec<reqwest::RequestBuilder>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| tokio::spawn(async move { r.send().await.expect("sent").status().as_u16() }))
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// Acts on wish `id` (`claim`, `withdraw`, `confirm`…) as `c`; returns the status.
pub async fn act(app: &TestApp, c: &reqwest::Client, id: i64, action: &str) -> u16 {
    post(
        app,
        c,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", action.into())],
    )
    .await
    .status()
    .as_u16()
}

/// How many of `statuses` are `code`.
pub fn count(statuses: &[u16], code: u16) -> usize {
    statuses.iter().filter(|s| **s == code).count()
}

impl TestApp {
    /// A future slot at the demo staff member's centre, with room for `capacity`, and an
    /// item its schedule offers.
    pub async fn desk_slot(&self, capacity: i64) -> (i64, String) {
        let db = &self.state.db;
        let slot: i64 = sqlx::query_scalar(
            "SELECT MIN(s.id) FROM booking_slots s JOIN stations st ON st.id = s.center_id \
         WHERE st.community_id = (SELECT community_id FROM users WHERE phone = '19900000003') \
           AND s.starts_at > $1 AND s.closed = 0",
        )
        .bind(app::time::now_ts() + 3600)
        .fetch_one(&db.pool)
        .await
        .expect("the demo desk has slots ahead");
        self.set_slot_capacity(slot, capacity).await;
        let center = self.slot_center(slot).await;
        let item = app::booking::store::schedule(db, center)
            .await
            .unwrap()
            .expect("a schedule")
            .items[0]
            .clone();
        (slot, item)
    }

    /// Books `slot` (with its item) for a new signed-in resident; returns them and the code.
    pub async fn book_in(&self, phone: &str, slot: (i64, String)) -> (reqwest::Client, String) {
        let (c, _) = self.session_for(phone).await;
        let r = post(
            self,
            &c,
            "/api/booking/create",
            &[("slot_id", slot.0.to_string()), ("item_code", slot.1)],
        )
        .await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(status, 200, "{body}");
        (c, serde_json::from_str::<String>(&body).unwrap())
    }

    /// A signed-in volunteer (no team).
    pub async fn volunteer(&self, phone: &str) -> (reqwest::Client, i64) {
        let (c, id) = self.session_for(phone).await;
        app::accounts::store::set_volunteer(&self.state.db, id, true, None)
            .await
            .expect("volunteer");
        self.verify(id).await;
        (c, id)
    }

    /// Records `user` as verified by their community (as staff do on /volunteers).
    pub async fn verify(&self, user: i64) {
        let mut conn = self.state.db.pool.acquire().await.expect("connection");
        app::accounts::store::set_verification(&mut conn, user, Some("测试志愿者"), user, 0)
            .await
            .expect("verified");
        // Behind the services' back: the caches must hear of it as of any write.
        self.state.db.wrote();
    }

    /// Whether station `id` is open now, as the open API tells a rider.
    pub async fn open_now(&self, id: i64) -> Option<bool> {
        let v: serde_json::Value = self
            .get(&format!("/api/v1/stations/{id}"))
            .await
            .json()
            .await
            .expect("a station as JSON");
        v["properties"]["open_now"].as_bool()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
    }

    /// The HTML of `path` as `client` sees it.
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
            .text()
            .await
            .expect("body")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    pub fn is_postgres(&self) -> bool {
        self.state.db.dialect == app::db::Dialect::Postgres
    }

    /// Another server process on the same database (as behind a load balancer).
    pub async fn second_process(&self) -> TestApp {
        let (state, addr, tx) = start(self.config.clone()).await;
        TestApp {
            base: format!("http://{addr}"),
            client: self.new_client(),
            state,
            shutdown: Some(tx),
            db: None,
            config: self.config.clone(),
        }
    }

    /// A session for `phone` made directly in the database (no client carries it): the
    /// token for a `Cookie` header, and the user's id.
    pub async fn session_token(&self, phone: &str) -> (String, i64) {
        let db = &self.state.db;
        let now = app::time::now_ts();
        let id = app::accounts::store::upsert_user(db, phone, "测试居民", now)
            .await
            .expect("user");
        let token = app::accounts::secret::new_token();
        app::accounts::store::create_session(
            db,
            &app::accounts::secret::hash_token(&token),
            id,
            now,
            now + 3600,
        )
        .await
        .expect("session");
        (token, id)
    }

    /// A signed-in client for `phone` without the SMS round trip (a session row made
    /// directly), for tests that need many people at once.
    pub async fn session_for(&self, phone: &str) -> (reqwest::Client, i64) {
        let (token, id) = self.session_token(phone).await;
        let mut headers = browser_headers(&self.base);
        headers.insert(
            reqwest::header::COOKIE,
            format!("linli_session={token}").parse().expect("cookie"),
        );
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client");
        (client, id)
    }

    /// Stops this server process and starts a new one on the same database (a restart,
    /// or a second process behind a load balancer).
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.state.db.pool.close().await;
        let (state, addr, tx) = start(self.config.clone()).await;
        self.state = state;
        self.base = format!("http://{addr}");
        self.shutdown = Some(tx);
    }

    /// The messages the console sender wrote, oldest first, once the outbox holds
    /// nothing waiting (the worker delivers after commit, within moments).
    pub async fn sent_sms(&self) -> Vec<serde_json::Value> {
        self.outbox_settled().await;
        std::fs::read_to_string(self.db.as_ref().map(|d| d.outbox()).unwrap_or_default())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Waits (at most 10 s) until no message waits in the outbox.
    pub async fn outbox_settled(&self) {
        for _ in 0..200 {
            match app::outbox::store::counts(&self.state.db).await {
                Ok((0, _, _)) => return,
                _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    /// The last code sent to `phone`.
    pub async fn last_code(&self, phone: &str) -> Option<String> {
        self.sent_sms()
            .await
            .iter()
            .rev()
            .find(|m| m["phone"] == phone)
            .and_then(|m| {
                let text = m["text"].as_str()?;
                let start = text.find(|c: char| c.is_ascii_digit())?;
                Some(text[start..start + 6].to_string())
            })
    }

    /// A client with its own cookie jar, as a second person would have.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .default_headers(browser_headers(&self.base))
            .build()
            .expect("client")
    }

    /// Signs a client in with the console code: the whole real flow.
    pub async fn sign_in(&self, client: &reqwest::Client, phone: &str) -> serde_json::Value {
        let r = client
            .post(self.url("/api/auth/request-code"))
            .form(&[("phone", phone)])
            .send()
            .await
            .expect("request code");
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
        let code = self.last_code(phone).await.expect("a code was sent");
        let r = client
            .post(self.url("/api/auth/verify-code"))
            .form(&[("phone", phone), ("code", code.as_str())])
            .send()
            .await
            .expect("verify code");
        assert_eq!(r.status(), 200);
        r.json().await.expect("user json")
    }

    /// Signs a client in as a demo role.
    pub async fn demo(&self, client: &reqwest::Client, role: &str) -> serde_json::Value {
        let r = client
            .post(self.url("/api/auth/demo"))
            .form(&[("role", role)])
            .send()
            .await
            .expect("demo");
        assert_eq!(r.status(), 200);
        r.json().await.expect("user json")
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
    assert_eq!(
        replace_db_name("postgres://u@h:1/db?sslmode=disable", "y"),
        "postgres://u@h:1/y?sslmode=disable"
    );
}
