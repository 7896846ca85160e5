//! The `linli` server: builds the application state, the router with its middleware,
//! and serves it. `main.rs` is only the command line; the integration tests call
//! [`build_state`], [`router`] and [`serve`] directly to run the real server on port 0.

pub mod http;
pub mod jobs;

use anyhow::Context;
use app::accounts::sms::{ConsoleSender, SmsSender, WebhookSender};
use app::config::{Config, SmsConfig};
use app::db::Db;
use app::state::AppState;
use leptos::config::LeptosOptions;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use http::router;

/// Connects to the database, migrates it (a failure stops here) and, if configured,
/// seeds the demo city into an empty database.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    // A stalled page whose rendering task panicked is answered at once, not retried.
    http::guard::count_panics();
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    if config.seed_demo {
        let started = std::time::Instant::now();
        if app::demo::seed_if_empty(&db, config.demo_seed)
            .await
            .context("播种示范城市失败")?
        {
            tracing::info!(
                seed = config.demo_seed,
                ms = started.elapsed().as_millis() as u64,
                "demo city seeded"
            );
        }
    }
    // The catalogue is the city's published list, not demo data: always there.
    let seed: app::catalogue::model::Catalogue =
        serde_json::from_str(app::catalogue::model::SEED_JSON).context("内置办事指南数据有误")?;
    // The first version's note is data, like every note staff write later.
    let note = app::i18n::tr_in(app::prefs::Locale::ZhCn, "guide.first_published");
    app::catalogue::service::seed_if_empty(&db, &seed, &note, app::time::now_ts())
        .await
        .context("写入办事指南失败")?;
    // The statutory holiday calendar is public data too: there from the first start.
    app::calendar::service::seed_if_empty(&db, &app::calendar::model::china_2026()).await?;
    // Slots ahead of every schedule (the jobs keep them ahead from here on).
    app::booking::service::ensure_slots_ahead(&db, app::time::today_local()).await?;
    let secret: Arc<str> = load_secret(&config)?.into();
    // Demo identities and the demo city's people keep no session once demo mode is off.
    if !config.demo {
        let ended = app::accounts::store::end_demo_sessions(&db).await?;
        if ended > 0 {
            tracing::info!(ended, "demo mode is off: demo accounts' sessions ended");
        }
    }
    // Photos that older versions kept as files move into the database.
    let imported =
        app::wishes::service::import_photo_files(&db, std::path::Path::new(&config.upload_dir))
            .await
            .context("导入旧的圆梦照片失败")?;
    if imported > 0 {
        tracing::info!(
            imported,
            "fulfilment photos moved from files into the database"
        );
    }
    let sms = sms_sender(&config)?;
    let leptos_options = leptos_options(&config);
    Ok(AppState::new(app::state::Shared {
        leptos_options,
        db,
        config: Arc::new(config),
        sms,
        outbox_wake: Default::default(),
        secret,
        station_cache: Default::default(),
        metrics: Default::default(),
        catalogue_cache: Default::default(),
        schedule_cache: Default::default(),
        dashboard_cache: Default::default(),
        dashboard_board_cache: Default::default(),
        // Sessions: one entry per reader signed in within the last 400 ms.
        session_cache: app::cache::RecentCache::with_keys(8192),
        desk_figures_cache: Default::default(),
        book_queue: Default::default(),
        rewards_cache: Default::default(),
        overview_cache: Default::default(),
    }))
}

/// The key of the one-time-code hashes, never kept in the database beside them:
/// `LINLI_SECRET`, else the file `LINLI_SECRET_FILE` or, on SQLite, `<database>.secret`
/// (created on first start with 0600 permissions; refused if others may read it). On
/// PostgreSQL, where several servers must share it, `LINLI_SECRET` (or a secret file)
/// must be set.
pub fn load_secret(config: &Config) -> anyhow::Result<String> {
    if let Some(s) = &config.secret {
        return Ok(s.clone());
    }
    let path = match (&config.secret_file, app::db::sqlite_file(&config.database_url)) {
        (Some(f), _) => std::path::PathBuf::from(f),
        (None, Some(Some(db))) => std::path::PathBuf::from(format!("{db}.secret")),
        // An in-memory database lives as long as the process: so may its key.
        (None, Some(None)) => return Ok(app::accounts::secret::new_secret()),
        (None, None) => anyhow::bail!(
            "在 PostgreSQL 上运行时请设置 LINLI_SECRET（至少32个字符，各服务器相同）或 LINLI_SECRET_FILE"
        ),
    };
    read_or_create_secret(&path)
}

fn read_or_create_secret(path: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::metadata(path) {
        Ok(meta) => {
            #[cfg(unix)]
            if meta.permissions().mode() & 0o077 != 0 {
                anyhow::bail!(
                    "密钥文件 {} 的权限过宽，请执行 chmod 600 {}",
                    path.display(),
                    path.display()
                );
            }
            let _ = meta;
            let s = std::fs::read_to_string(path)
                .with_context(|| format!("读取密钥文件 {} 失败", path.display()))?;
            let s = s.trim().to_string();
            anyhow::ensure!(
                s.len() >= 32,
                "密钥文件 {} 的内容太短（至少32个字符）",
                path.display()
            );
            Ok(s)
        }
        Err(_) => {
            let secret = app::accounts::secret::new_secret();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(0o600);
            match options.open(path) {
                Ok(mut f) => {
                    f.write_all(secret.as_bytes())?;
                    f.sync_all()?;
                    Ok(secret)
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    read_or_create_secret(path)
                }
                Err(e) => Err(e).with_context(|| format!("无法创建密钥文件 {}", path.display())),
            }
        }
    }
}

/// The text-message sender the configuration names.
pub fn sms_sender(config: &Config) -> anyhow::Result<Arc<dyn SmsSender>> {
    Ok(match &config.sms {
        SmsConfig::Console { file } => Arc::new(ConsoleSender {
            file: file.as_ref().map(Into::into),
        }),
        SmsConfig::Webhook {
            url,
            timeout_ms,
            attempts,
        } => Arc::new(WebhookSender::new(
            url.clone(),
            std::time::Duration::from_millis(*timeout_ms),
            *attempts,
        )?),
    })
}

/// Leptos's options, from our configuration rather than from Cargo.toml, so that the
/// binary runs outside cargo-leptos with nothing set.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("linli")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
/// Every accepted connection has TCP_NODELAY set (no 40 ms Nagle stalls).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    // Every serving process delivers the outbox (the database decides who sends what).
    let outbox = jobs::spawn_outbox(state.clone());
    // `/metrics` alone on an internal address, when one is configured.
    let metrics = match state.config.metrics_addr {
        None => None,
        Some(addr) => {
            let l = TcpListener::bind(addr).await?;
            tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
            let r = crate::http::metrics::internal_router(state.clone());
            Some(tokio::spawn(async move {
                let _ = axum::serve(l, r).await;
            }))
        }
    };
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    outbox.abort();
    if let Some(m) = metrics {
        m.abort();
    }
    served
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
