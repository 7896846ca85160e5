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
    app::catalogue::store::seed_if_empty(&db, &seed, &note, app::time::now_ts())
        .await
        .context("写入办事指南失败")?;
    // The statutory holiday calendar is public data too: there from the first start.
    if app::calendar::store::load(&db)
        .await?
        .days()
        .next()
        .is_none()
    {
        app::calendar::store::upsert(&db, &app::calendar::model::china_2026()).await?;
    }
    // Slots ahead of every schedule (the jobs keep them ahead from here on).
    app::booking::service::ensure_slots_ahead(&db, app::time::today_local()).await?;
    let city = app::stations::store::city(&db).await?.map(Arc::new);
    let secret: Arc<str> = match &config.secret {
        Some(s) => s.as_str().into(),
        None => app::accounts::store::shared_secret(&db, &app::accounts::secret::new_secret())
            .await?
            .into(),
    };
    let sms = sms_sender(&config)?;
    let leptos_options = leptos_options(&config);
    Ok(AppState {
        leptos_options,
        db,
        config: Arc::new(config),
        sms,
        secret,
        city,
        station_cache: Default::default(),
        catalogue_cache: Default::default(),
    })
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
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
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
