//! `cargo bench --bench booking`: booking throughput (confirmed bookings per second) and
//! latency with 64 concurrent clients against the real server on loopback, on SQLite and,
//! when `LINLI_BENCH_POSTGRES_URL` is set, on PostgreSQL.
//!
//! Measured honestly: every attempt of the timed run is a booking the rules allow, so the
//! rate is of confirmed bookings, not of refusals. The set-up makes, in one transaction
//! and through the stores, enough for 6x the SQLite target for the whole run:
//! - centres with a schedule a desk could save (every day 08:00–20:00, 10-minute slots,
//!   20 seats: the most a schedule allows), their slots made by `ensure_slots` as the
//!   daily job makes them (from tomorrow on: no slot starts during the run);
//! - signed-in residents, each booking at most `MAX_ACTIVE` (3) slots, one per "lane" (the
//!   slots whose start is `k` mod 3 ten-minute steps), so a resident's bookings never
//!   overlap and never pass the limit.
//!
//! Clients take the next resident and, for each lane, the next seat of that lane; a
//! lane's slots are filled in order, [`HOT_SLOTS`] at a time, so several clients book
//! the same slot at the same moment (real contention on the seat counter and, on
//! PostgreSQL, the slot's row lock), and no slot gets more attempts than it has seats.
//! Each resident writes from their own address behind the portal's trusted proxy
//! (`LINLI_TRUST_PROXY=127.0.0.1`, `X-Forwarded-For`), so the write limit runs with its
//! defaults (120/min, burst 60 per address) as in a real deployment; requests carry the
//! `Origin` a browser sends and ask for JSON, as the portal's own scripts do.
//!
//! Afterwards: no slot holds more bookings than seats, every slot's count matches its
//! bookings, every confirmed code is in the database, and a race of 64 clients at once
//! for one slot of 20 seats confirms exactly 20. The targets (≥ 2,000/s on SQLite,
//! ≥ 1,500/s on PostgreSQL, p99 ≤ 50 ms) are printed as met or not, never asserted.
//!
//! The clients wait for each answer (no think time), so the mean latency is about
//! 64 / rate: p99 ≤ 50 ms needs well over 1,280 confirmed/s.
//!
//! `cargo test --benches` runs it for one second. `LINLI_BENCH_DB_CONNECTIONS` sets the
//! pool size (default: the portal's, `LINLI_DB_MAX_CONNECTIONS` = 8);
//! `LINLI_BENCH_HOT_SLOTS` the slots of a lane filled at once.

use app::booking::model::{Schedule, Window, BOOK_AHEAD_DAYS};
use app::config::Config;
use app::db::Db;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
/// Bookings a resident may hold at once: the lanes.
const LANES: usize = app::booking::model::MAX_ACTIVE as usize;
/// Confirmed bookings per second the set-up has residents and seats for (6x the
/// SQLite target, over twice the fastest rate seen here, 4,944/s with group commit):
/// a client never runs out before the deadline.
const PROVISION_PER_SEC: usize = 12_000;
const SEATS: u32 = 20;
const SLOT_MINUTES: u32 = 10;
const ITEM: &str = "MZ-01";
const P99_TARGET_MS: f64 = 50.0;
/// Slots of a lane filled at once: with 64 clients over 3 lanes, ~5 clients book each
/// hot slot at the same moment (`LINLI_BENCH_HOT_SLOTS=1`: all ~21 of a lane on one).
const HOT_SLOTS: usize = 4;

/// A signed-in resident: the session cookie and the address they write from.
#[derive(Clone)]
struct Resident {
    cookie: String,
    addr: String,
}

struct Setup {
    /// Per lane, the slots in the order the clients fill them.
    lanes: Vec<Vec<i64>>,
    residents: Vec<Resident>,
    /// A slot outside the lanes, and residents of its own, for the race.
    race_slot: i64,
    racers: Vec<Resident>,
    centres: i64,
    slots: usize,
    took: Duration,
}

/// Centres, slots and residents for `bookings` bookings with `hot` slots of a lane
/// filled at once, in one transaction.
async fn setup(db: &Db, bookings: usize, hot: usize) -> Setup {
    use app::stations::model::{CommunityRow, StationKind, StationRow, StreetRow};
    let started = Instant::now();
    let now = app::time::now_ts();
    let today = app::time::today_local();
    let calendar = app::calendar::store::load(db).await.expect("calendar");
    let schedule = Schedule {
        windows: vec![Window {
            days: (1..=7).collect(),
            start: "08:00".into(),
            end: "20:00".into(),
        }],
        slot_minutes: SLOT_MINUTES,
        capacity: SEATS,
        items: vec![ITEM.into()],
    };
    assert!(
        schedule.problems().is_empty(),
        "a schedule a desk could save"
    );
    // Each lane needs its share of the seats (in whole blocks of `hot` slots), and lane 0
    // one slot more for the race.
    let per_lane = bookings.div_ceil(LANES).div_ceil(SEATS as usize) + hot + 1;
    let mut tx = db.begin_write().await.expect("begin");
    let max_id = |t: &str| format!("SELECT COALESCE(MAX(id), 0) FROM {t}");
    let mut first = 0i64;
    for t in ["streets", "communities", "stations"] {
        let m: i64 = sqlx::query_scalar(&max_id(t))
            .fetch_one(&mut *tx)
            .await
            .expect("ids");
        first = first.max(m);
    }
    let mut lanes: Vec<Vec<i64>> = vec![Vec::new(); LANES];
    let mut centres = 0i64;
    let mut slots = 0;
    while lanes.iter().any(|l| l.len() < per_lane) {
        centres += 1;
        let id = first + centres;
        let (lat, lng) = (36.65 + centres as f64 * 0.001, 117.0);
        let street = StreetRow {
            id,
            name: format!("压测街道{id}"),
            district: "压测区".into(),
            lat,
            lng,
        };
        let community = CommunityRow {
            id,
            street_id: id,
            name: format!("压测社区{id}"),
            lat,
            lng,
        };
        let station = StationRow {
            id,
            kind: StationKind::Center,
            name: format!("压测社区{id}党群服务中心"),
            community_id: id,
            address: format!("压测路{id}号"),
            lat,
            lng,
            amenities: Vec::new(),
            opening_hours: "Mo-Su 08:00-20:00".into(),
            phone: String::new(),
            verified_on: app::time::ymd(today),
            follows_workdays: false,
        };
        app::stations::store::insert_geography(
            &mut tx,
            db.dialect,
            &[street],
            &[community],
            &[station],
            now,
        )
        .await
        .expect("centre");
        app::booking::store::insert_schedule(&mut tx, id, &schedule, now)
            .await
            .expect("schedule");
        app::booking::store::ensure_slots(
            &mut tx,
            id,
            &schedule,
            &calendar,
            today,
            BOOK_AHEAD_DAYS,
        )
        .await
        .expect("slots");
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, start_min FROM booking_slots WHERE day > $1 AND closed = 0 AND booked = 0 \
             ORDER BY day, start_min, center_id",
        )
        .bind(app::time::ymd(today))
        .fetch_all(&mut *tx)
        .await
        .expect("slot ids");
        slots = rows.len();
        lanes = vec![Vec::new(); LANES];
        for (slot, start) in rows {
            lanes[(start as usize / SLOT_MINUTES as usize) % LANES].push(slot);
        }
    }
    let race_slot = lanes[0].pop().expect("a slot for the race");
    // Residents: one per `LANES` bookings, and one per client for the race.
    let n = bookings.div_ceil(LANES) + CLIENTS;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let sql = format!(
            "INSERT INTO users (phone, display_name, created_at) VALUES {}",
            app::db::placeholders(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for i in chunk {
            q = q.bind(format!("199{i:08}")).bind("压测").bind(now);
        }
        q.execute(&mut *tx).await.expect("users");
    }
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE phone LIKE '199%' ORDER BY phone")
            .fetch_all(&mut *tx)
            .await
            .expect("user ids");
    assert_eq!(ids.len(), n);
    let tokens: Vec<String> = ids
        .iter()
        .map(|_| app::accounts::secret::new_token())
        .collect();
    let pairs: Vec<(&i64, &String)> = ids.iter().zip(&tokens).collect();
    for chunk in pairs.chunks(500) {
        let sql = format!(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES {}",
            app::db::placeholders(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (id, token) in chunk {
            q = q
                .bind(app::accounts::secret::hash_token(token))
                .bind(**id)
                .bind(now)
                .bind(now + 3600);
        }
        q.execute(&mut *tx).await.expect("sessions");
    }
    tx.commit().await.expect("commit");
    let mut residents: Vec<Resident> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| Resident {
            cookie: format!("{}={t}", app::accounts::session::SESSION_COOKIE),
            addr: format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        })
        .collect();
    let racers = residents.split_off(n - CLIENTS);
    Setup {
        lanes,
        residents,
        race_slot,
        racers,
        centres,
        slots,
        took: started.elapsed(),
    }
}

/// One booking attempt: the code on 200, else the status and the error's message key.
async fn book(
    client: &reqwest::Client,
    base: &str,
    who: &Resident,
    slot: i64,
) -> Result<String, String> {
    let r = client
        .post(format!("{base}/api/booking/create"))
        .header("cookie", &who.cookie)
        .header("origin", base)
        .header("x-forwarded-for", &who.addr)
        .header("accept", "application/json")
        .form(&[("slot_id", slot.to_string()), ("item_code", ITEM.into())])
        .send()
        .await
        .map_err(|e| format!("transport error: {e}"))?;
    let status = r.status().as_u16();
    let body = r.text().await.map_err(|e| format!("{status} body: {e}"))?;
    if status == 200 {
        let code: String = serde_json::from_str(&body).map_err(|_| format!("200 {body}"))?;
        app::booking::model::parse_code(&code).map_err(|_| format!("200 bad code {code}"))
    } else {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let why = v["msg"]["key"]
            .as_str()
            .or(v["error"].as_str())
            .unwrap_or("?");
        Err(format!("{status} {why}"))
    }
}

#[derive(Default)]
struct Tally {
    ok: u64,
    /// Milliseconds of every attempt.
    lat: Vec<f64>,
    refused: BTreeMap<String, u64>,
    ran_out: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.ok += o.ok;
        self.lat.extend(o.lat);
        for (k, v) in o.refused {
            *self.refused.entry(k).or_default() += v;
        }
        self.ran_out += o.ran_out;
    }
}

/// The slot index of a lane's `seat`-th seat when `hot` slots are filled at once: each
/// slot gets exactly `SEATS` seats.
fn slot_of(seat: usize, hot: usize) -> usize {
    let block = SEATS as usize * hot;
    seat / block * hot + seat % block % hot
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn run(label: &str, database_url: String, secs: u64, target: f64) {
    let pool: u32 = std::env::var("LINLI_BENCH_DB_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(Config::default().db_max_connections);
    let config = Config {
        database_url,
        db_max_connections: pool,
        // Behind the portal's proxy, each resident at their own address (below).
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("cidr")],
        secret: Some(app::accounts::secret::new_secret()),
        ..Config::default()
    };
    let (rate, burst) = (config.rate_per_min, config.rate_burst);
    let state = server::build_state(config).await.expect("state");
    let db = state.db.clone();
    let hot: usize = std::env::var("LINLI_BENCH_HOT_SLOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|h| *h > 0)
        .unwrap_or(HOT_SLOTS);
    let s = setup(&db, PROVISION_PER_SEC * secs as usize, hot).await;
    // The catalogue as a running server has it.
    state.catalogue().await.expect("catalogue");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server::serve(listener, state, async {
        let _ = rx.await;
    }));
    println!(
        "{label}: pool {pool}, write limit {rate}/min burst {burst} per address, {hot} hot slots per lane; \
         set-up {} centres, {} slots x {SEATS} seats, {} residents in {:.1} s",
        s.centres,
        s.slots,
        s.residents.len() + s.racers.len(),
        s.took.as_secs_f64()
    );

    // One keep-alive connection per client, opened before the clock starts.
    let clients: Vec<reqwest::Client> = (0..CLIENTS).map(|_| client()).collect();
    for c in &clients {
        let r = c
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("healthz");
        assert!(r.status().is_success(), "healthz {}", r.status());
    }
    let lanes = Arc::new(s.lanes);
    let residents = Arc::new(s.residents);
    let next_resident = Arc::new(AtomicUsize::new(0));
    let next_seat: Arc<Vec<AtomicUsize>> =
        Arc::new((0..LANES).map(|_| AtomicUsize::new(0)).collect());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in clients {
        let (base, lanes, residents) = (base.clone(), lanes.clone(), residents.clone());
        let (next_resident, next_seat) = (next_resident.clone(), next_seat.clone());
        tasks.push(tokio::spawn(async move {
            let mut t = Tally::default();
            'residents: while Instant::now() < deadline {
                let Some(who) = residents.get(next_resident.fetch_add(1, Ordering::Relaxed)) else {
                    t.ran_out += 1;
                    break;
                };
                for lane in 0..LANES {
                    if Instant::now() >= deadline {
                        break 'residents;
                    }
                    let seat = next_seat[lane].fetch_add(1, Ordering::Relaxed);
                    let Some(&slot) = lanes[lane].get(slot_of(seat, hot)) else {
                        t.ran_out += 1;
                        break 'residents;
                    };
                    let at = Instant::now();
                    let r = book(&c, &base, who, slot).await;
                    t.lat.push(at.elapsed().as_secs_f64() * 1000.0);
                    match r {
                        Ok(_) => t.ok += 1,
                        Err(why) => *t.refused.entry(why).or_default() += 1,
                    }
                }
            }
            t
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        all.add(t.await.expect("client"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.lat.sort_by(f64::total_cmp);
    let (ok, attempts) = (all.ok, all.lat.len());
    let refused: u64 = all.refused.values().sum();
    let rate = ok as f64 / elapsed;
    let p50 = percentile(&all.lat, 0.5);
    let p99 = percentile(&all.lat, 0.99);
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings b JOIN users u ON u.id = b.user_id \
         WHERE u.phone LIKE '199%' AND b.status = 'active'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("stored");

    // The race: every client at once for one slot of SEATS seats.
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut racing = Vec::new();
    for who in s.racers {
        let (base, barrier, slot) = (base.clone(), barrier.clone(), s.race_slot);
        racing.push(tokio::spawn(async move {
            let c = client();
            let _ = c.get(format!("{base}/healthz")).send().await;
            barrier.wait().await;
            book(&c, &base, &who, slot).await
        }));
    }
    let mut race = Tally::default();
    for r in racing {
        match r.await.expect("racer") {
            Ok(_) => race.ok += 1,
            Err(why) => *race.refused.entry(why).or_default() += 1,
        }
    }

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
    let race_booked: i64 = sqlx::query_scalar("SELECT booked FROM booking_slots WHERE id = $1")
        .bind(s.race_slot)
        .fetch_one(&db.pool)
        .await
        .expect("race slot");

    println!(
        "{label}: {CLIENTS} clients, {elapsed:.1} s: {ok} confirmed = {rate:.0} confirmed/s; {attempts} attempts, \
         {refused} refused; p50 {p50:.1} ms, p99 {p99:.1} ms, max {:.1} ms",
        all.lat.last().copied().unwrap_or(f64::NAN)
    );
    for (why, n) in &all.refused {
        println!("{label}:   refused {n} x {why}");
    }
    if all.ran_out > 0 {
        println!(
            "{label}:   {} clients ran out of residents or seats before the deadline: the rate is a floor",
            all.ran_out
        );
    }
    println!(
        "{label}: race of {CLIENTS} clients for one slot of {SEATS} seats: {} confirmed, {} refused ({}); slot holds {race_booked}",
        race.ok,
        race.refused.values().sum::<u64>(),
        race.refused
            .iter()
            .map(|(k, v)| format!("{v} x {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("{label}: overbooked slots {over}, count mismatches {mismatched}, confirmed codes stored {stored} of {ok}");
    println!(
        "{label}: target >= {target:.0} confirmed/s: {}; p99 <= {P99_TARGET_MS:.0} ms: {}; 0 overbooked: {}",
        met(rate >= target),
        met(p99 <= P99_TARGET_MS),
        met(over == 0)
    );
    assert_eq!(over, 0, "overbooked");
    assert_eq!(mismatched, 0, "seat counts match bookings");
    assert_eq!(stored, ok as i64, "every confirmed booking is stored");
    assert_eq!(
        race.ok,
        u64::from(SEATS),
        "the race sells every seat, no more"
    );
    assert_eq!(race_booked, i64::from(SEATS), "the race slot's count");
    let _ = tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), served).await;
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run short then.
    let full = std::env::args().any(|a| a == "--bench");
    let secs = if full { 10 } else { 1 };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let path = std::env::temp_dir().join(format!("linli-bench-{}.db", std::process::id()));
        run(
            "sqlite",
            format!("sqlite://{}", path.display()),
            secs,
            2000.0,
        )
        .await;
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
            run("postgres", db_url, secs, 1500.0).await;
            let _ = sqlx::Executor::execute(
                &mut c,
                format!("DROP DATABASE {name} WITH (FORCE)").as_str(),
            )
            .await;
        }
    });
}
