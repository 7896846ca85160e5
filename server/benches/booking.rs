//! `cargo bench --bench booking`: booking throughput (confirmed bookings per second) and
//! p99 latency with 64 concurrent clients against the real server on loopback, on SQLite
//! and, when `LINLI_BENCH_POSTGRES_URL` is set, on PostgreSQL. After each run it checks
//! that no slot holds more bookings than seats.

use app::config::Config;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const USERS_PER_CLIENT: usize = 20;
const SLOTS: i64 = 400;

async fn run(label: &str, database_url: String, secs: u64) {
    let config = Config {
        database_url,
        rate_per_min: 100_000_000,
        rate_burst: 100_000_000,
        db_max_connections: 16,
        ..Config::default()
    };
    let state = server::build_state(config).await.expect("state");
    let db = state.db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state, async {
        let _ = rx.await;
    }));

    // Slots: 400 future slots of 3 seats at the first scheduled centre.
    let (center, sched) = app::booking::store::schedules(&db)
        .await
        .expect("schedules")
        .remove(0);
    let _ = sched;
    let day0 = app::time::now_local().date() + chrono::Duration::days(1);
    let mut slot_ids = Vec::new();
    for i in 0..SLOTS {
        let day = day0 + chrono::Duration::days(i / 20);
        let start = (i % 20) as u32 * 30;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO booking_slots (center_id, day, start_min, end_min, starts_at, capacity) VALUES ($1, $2, $3, $4, $5, 3) \
             ON CONFLICT (center_id, day, start_min) DO UPDATE SET capacity = 3 RETURNING id",
        )
        .bind(center)
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(i64::from(start))
        .bind(i64::from(start + 30))
        .bind(app::booking::store::local_ts(day, start))
        .fetch_one(&db.pool)
        .await
        .expect("slot");
        slot_ids.push(id);
    }
    // Signed-in users, each client with its own.
    let now = app::time::now_ts();
    let mut cookies = Vec::new();
    for i in 0..CLIENTS * USERS_PER_CLIENT {
        let phone = format!("188{:08}", i);
        let id = app::accounts::store::upsert_user(&db, &phone, "压测", now)
            .await
            .expect("user");
        let token = app::accounts::secret::new_token();
        app::accounts::store::create_session(
            &db,
            &app::accounts::secret::hash_token(&token),
            id,
            now,
            now + 3600,
        )
        .await
        .expect("session");
        cookies.push(format!("linli_session={token}"));
    }

    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (base, slots) = (base.clone(), slot_ids.clone());
        let mine: Vec<String> = cookies[c * USERS_PER_CLIENT..(c + 1) * USERS_PER_CLIENT].to_vec();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(c as u64);
            let (mut ok, mut lat) = (0u64, Vec::new());
            let mut k = 0;
            while Instant::now() < deadline {
                let slot = slots[rng.gen_range(0..slots.len())];
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/api/booking/create"))
                    .header("cookie", &mine[k % mine.len()])
                    .form(&[("slot_id", slot.to_string()), ("item_code", "MZ-01".into())])
                    .send()
                    .await;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                if matches!(r, Ok(ref r) if r.status() == 200) {
                    ok += 1;
                }
                k += 1;
            }
            (ok, lat)
        }));
    }
    let (mut ok, mut lat) = (0u64, Vec::new());
    for t in tasks {
        let (o, l) = t.await.expect("client");
        ok += o;
        lat.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q).round() as usize];
    let over: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_slots WHERE booked > capacity")
            .fetch_one(&db.pool)
            .await
            .expect("check");
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM booking_slots s WHERE s.booked <> (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status <> 'cancelled')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("check");
    println!(
        "{label:>10}: {} attempts, {ok} confirmed in {elapsed:.1}s = {:.0} confirmed/s, {:.0} attempts/s, p50 {:.1} ms, p99 {:.1} ms; overbooked slots {over}, count mismatches {mismatched}",
        lat.len(),
        ok as f64 / elapsed,
        lat.len() as f64 / elapsed,
        p(0.5),
        p(0.99)
    );
    assert_eq!(over, 0, "overbooked");
    assert_eq!(mismatched, 0, "seat counts match bookings");
    let _ = tx.send(());
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let secs = if full { 10 } else { 1 };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let path = std::env::temp_dir().join(format!("linli-bench-{}.db", std::process::id()));
        run("sqlite", format!("sqlite://{}", path.display()), secs).await;
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", path.display()));
        }
        if let Ok(url) = std::env::var("LINLI_BENCH_POSTGRES_URL") {
            use sqlx::Connection;
            let name = format!("linli_bench_{}", std::process::id());
            let mut c = sqlx::PgConnection::connect(&url).await.expect("postgres");
            sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create");
            let db_url = match url.rfind('/') {
                Some(i) if i > "postgres://".len() => format!("{}/{name}", &url[..i]),
                _ => format!("{url}/{name}"),
            };
            run("postgres", db_url, secs).await;
            let _ = sqlx::Executor::execute(
                &mut c,
                format!("DROP DATABASE {name} WITH (FORCE)").as_str(),
            )
            .await;
        }
    });
}
