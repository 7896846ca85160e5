//! `linli`: the portal's one binary. `serve` (the default), `migrate`, `admin grant`,
//! `city show` and `city set`, `backup`, `seed-demo`. Only the command line: what serving does
//! is in `lib.rs`, where the integration tests reach it too.

use anyhow::Context;
use app::config::Config;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "linli", version, about = "邻里 · 10分钟党建生活圈服务门户")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve {
        /// Address to listen on; overrides LINLI_ADDR.
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Administration from the shell.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// The city's name, centre and bounds (set them before the first import).
    City {
        #[command(subcommand)]
        action: CityAction,
    },
    /// Copy a SQLite database to a file while the portal serves (PostgreSQL: pg_dump).
    Backup {
        /// The new file; an existing file is not overwritten.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Seed the demo city (or, with --province, the load-test province) into an empty
    /// database and exit.
    SeedDemo {
        /// Seed number; overrides LINLI_DEMO_SEED. The same seed gives the same city.
        #[arg(long)]
        seed: Option<u64>,
        /// The demo province instead: 20 cities of two areas, ~64,000 stations, a
        /// million residents with a year of bookings, wishes and points (for
        /// scripts/province-load.sh; a few minutes on PostgreSQL).
        #[arg(long)]
        province: bool,
        /// With --province: residents (default 1,000,000).
        #[arg(long, requires = "province")]
        residents: Option<usize>,
        /// With --province: cities, 1 to 20 (default 20).
        #[arg(long, requires = "province", value_parser = clap::value_parser!(u64).range(1..=20))]
        cities: Option<u64>,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Give a person a role (creates the account if the number has none yet).
    Grant {
        /// Mainland mobile number.
        #[arg(long)]
        phone: String,
        /// admin, staff or resident.
        #[arg(long)]
        role: String,
        /// For staff: the community, by id or by name (华光路社区 or 华光路).
        #[arg(long)]
        community: Option<String>,
    },
}

#[derive(Subcommand)]
enum CityAction {
    /// Show the city's settings (WGS-84).
    Show,
    /// Set the city's settings (audited; every running server sees them at once).
    Set {
        /// The city's name, as the home page shows it.
        #[arg(long)]
        name: String,
        /// The point maps open on: "lng,lat".
        #[arg(long)]
        center: String,
        /// Two opposite corners: "lng,lat;lng,lat".
        #[arg(long)]
        bbox: String,
        /// What the coordinates were copied from: wgs84, gcj02 (Amap, Tencent) or bd09
        /// (Baidu).
        #[arg(long, default_value = "wgs84")]
        datum: String,
    },
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

/// mimalloc instead of glibc's malloc (server/Cargo.toml says why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(config.log_json);
    match run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("linli: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, mut config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { addr: None }) {
        Command::Serve { addr } => {
            if let Some(a) = addr {
                config.addr = a;
            }
            let addr = config.addr;
            let state = server::build_state(config).await?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("无法监听 {addr}"))?;
            tracing::info!("listening on http://{}", listener.local_addr()?);
            server::jobs::spawn(state.clone());
            server::serve(listener, state, server::shutdown_signal()).await?;
            Ok(())
        }
        Command::Migrate => {
            let db = app::db::Db::connect(&config.database_url, 1).await?;
            db.migrate().await?;
            println!("数据库已是最新结构");
            Ok(())
        }
        Command::Admin {
            action:
                AdminAction::Grant {
                    phone,
                    role,
                    community,
                },
        } => {
            let db = app::db::Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            let msg = app::accounts::admin::grant(&db, &phone, &role, community.as_deref()).await?;
            println!("{msg}");
            Ok(())
        }
        Command::City { action } => {
            let db = app::db::Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            if let CityAction::Set {
                name,
                center,
                bbox,
                datum,
            } = action
            {
                let datum = app::stations::transfer::model::Datum::parse(&datum)
                    .ok_or_else(|| anyhow::anyhow!("坐标来源应为 wgs84、gcj02 或 bd09"))?;
                let city = app::stations::transfer::model::parse_city(&name, &center, &bbox, datum)
                    .map_err(|k| anyhow::anyhow!(app::i18n::tr(k)))?;
                let now = app::time::now_ts();
                app::stations::city::service::set_city(&db, None, &city, now).await?;
                println!("城市设置已保存");
            }
            match app::stations::city::store::city(&db).await? {
                Some(c) => println!(
                    "{}：中心 {:.6},{:.6}；范围 {:.6},{:.6};{:.6},{:.6}（WGS-84）",
                    c.name,
                    c.center.lng,
                    c.center.lat,
                    c.bbox.min_lng,
                    c.bbox.min_lat,
                    c.bbox.max_lng,
                    c.bbox.max_lat
                ),
                None => println!("尚未设置城市：linli city set --name … --center 经度,纬度 --bbox 经度,纬度;经度,纬度"),
            }
            Ok(())
        }
        Command::Backup { to } => {
            let db = app::db::Db::connect(&config.database_url, 1).await?;
            let started = std::time::Instant::now();
            let bytes = db.backup_to(&to).await?;
            println!(
                "已备份到 {}（{} 字节，用时 {} 毫秒）",
                to.display(),
                bytes,
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Command::SeedDemo {
            seed,
            province: true,
            residents,
            cities,
        } => {
            let defaults = app::demo::province::Plan::default();
            let plan = app::demo::province::Plan {
                seed: seed.unwrap_or(defaults.seed),
                residents: residents.unwrap_or(defaults.residents),
                cities: cities.map_or(defaults.cities, |c| c as usize),
                ..defaults
            };
            let db = app::db::Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            let started = std::time::Instant::now();
            let say = |what: &str| println!("[{:>4} 秒] {what}", started.elapsed().as_secs());
            let today = app::time::today_local();
            match app::demo::seed_province_if_empty(&db, &plan, today, app::time::now_ts(), &say)
                .await?
            {
                Some(c) => {
                    println!(
                        "示范省已生成（种子 {}，用时 {} 秒）：{} 个站点、{} 个社区、{} 名居民、{} 条预约、{} 条心愿",
                        plan.seed,
                        started.elapsed().as_secs(),
                        c.stations,
                        c.communities,
                        c.residents,
                        c.bookings,
                        c.wishes
                    );
                    Ok(())
                }
                None => anyhow::bail!("数据库中已有城市数据，未重复生成；请换一个空数据库"),
            }
        }
        Command::SeedDemo { seed, .. } => {
            let seed = seed.unwrap_or(config.demo_seed);
            let db = app::db::Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            let started = std::time::Instant::now();
            if app::demo::seed_if_empty(&db, seed).await? {
                println!(
                    "示范城市已生成（种子 {seed}，用时 {} 毫秒）",
                    started.elapsed().as_millis()
                );
                Ok(())
            } else {
                anyhow::bail!("数据库中已有城市数据，未重复生成；请换一个空数据库")
            }
        }
    }
}
