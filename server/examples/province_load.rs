//! The province's mixed workload, driven against running server processes (see
//! `scripts/province-load.sh`, which seeds the province, starts two servers on one
//! PostgreSQL and runs this).
//!
//! Open loop: requests are sent at a fixed rate whatever the servers answer, and each
//! one's latency counts from when it was due, not from when it went out, so a stalled
//! server shows in the percentiles instead of slowing the load down (no coordinated
//! omission). Requests alternate between the servers, as a round-robin balancer would.
//!
//! The mix (per 1,000 requests): nearest API 300, map with a point 150, rider list 150,
//! station page 100, service guide 150 (the riders' and residents' reads: 85 %), booking
//! 80, wish claim 30, points redemption 40 (the signed-in writes: 15 %). Points are near a
//! random station of the province, jittered by up to 1.5 km, as riders are where the
//! stations are. Each person writes from their own address behind the servers' trusted
//! proxy, as a real deployment sees them.
//!
//! Set-up, before the clock: sessions for a sample of residents (through the same rows a
//! sign-in writes), and the targets the writes need (future slots, published wishes,
//! affordable rewards), read from the database. Afterwards: the counts per kind and
//! status, throughput, p50/p99/max, each server's memory, and whether p99 ≤ 50 ms at the
//! asked rate was met.
//!
//! `cargo run --release -p server --example province_load -- --servers URL,URL
//! --database-url URL [--pids PID,PID] [--rate 2000] [--secs 30] [--warmup 5]`

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const P99_TARGET_MS: f64 = 50.0;
const MAX_IN_FLIGHT: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Nearest,
    Map,
    Rider,
    Station,
    Guide,
    Booking,
    Claim,
    Redeem,
}

const MIX: &[(Kind, u32)] = &[
    (Kind::Nearest, 300),
    (Kind::Map, 150),
    (Kind::Rider, 150),
    (Kind::Station, 100),
    (Kind::Guide, 150),
    (Kind::Booking, 80),
    (Kind::Claim, 30),
    (Kind::Redeem, 40),
];

struct Person {
    cookie: String,
    addr: String,
}

struct Targets {
    points: Vec<(f64, f64)>,
    stations: Vec<i64>,
    guides: Vec<String>,
    slots: Vec<i64>,
    items: Vec<String>,
    wishes: Vec<i64>,
    rewards: Vec<i64>,
    residents: Vec<Person>,
    volunteers: Vec<Person>,
}

#[derive(Default)]
struct Tally {
    lat: Vec<f64>,
    status: BTreeMap<String, u64>,
}

struct Args {
    servers: Vec<String>,
    database_url: String,
    pids: Vec<u32>,
    rate: f64,
    secs: f64,
    warmup: f64,
    people: usize,
}

fn args() -> Args {
    let mut a = Args {
        servers: Vec::new(),
        database_url: std::env::var("DATABASE_URL").unwrap_or_default(),
        pids: Vec::new(),
        rate: 2_000.0,
        secs: 30.0,
        warmup: 5.0,
        people: 20_000,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < argv.len() {
        let v = argv[i + 1].clone();
        match argv[i].as_str() {
            "--servers" => a.servers = v.split(',').map(str::to_string).collect(),
            "--database-url" => a.database_url = v,
            "--pids" => a.pids = v.split(',').filter_map(|p| p.parse().ok()).collect(),
            "--rate" => a.rate = v.parse().unwrap_or(a.rate),
            "--secs" => a.secs = v.parse().unwrap_or(a.secs),
            "--warmup" => a.warmup = v.parse().unwrap_or(a.warmup),
            "--people" => a.people = v.parse().unwrap_or(a.people),
            other => eprintln!("unknown argument {other}"),
        }
        i += 2;
    }
    assert!(!a.servers.is_empty(), "--servers URL[,URL…] is required");
    assert!(
        !a.database_url.is_empty(),
        "--database-url (or DATABASE_URL) is required"
    );
    a
}

/// A small, fast generator (splitmix64): the driver's draws need no cryptography.
struct Draw(u64);
impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

async fn targets(db: &app::db::Db, people: usize) -> Targets {
    let now = app::time::now_ts();
    let today = app::time::ymd(app::time::today_local());
    let rows: Vec<(i64, f64, f64)> = sqlx::query_as("SELECT id, lat, lng FROM stations")
        .fetch_all(&db.pool)
        .await
        .expect("stations");
    let catalogue: app::catalogue::model::Catalogue =
        serde_json::from_str(app::catalogue::model::SEED_JSON).expect("catalogue");
    let guides: Vec<String> = catalogue
        .categories
        .iter()
        .flat_map(|c| &c.items)
        .map(|i| i.code.clone())
        .collect();
    let items: Vec<String> = catalogue.extended_hours_codes();
    let slots: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM booking_slots WHERE day > $1 AND closed = 0 AND booked < capacity",
    )
    .bind(&today)
    .fetch_all(&db.pool)
    .await
    .expect("slots");
    let wishes: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM wishes WHERE status = 'published' AND deadline >= $1 ORDER BY id",
    )
    .bind(&today)
    .fetch_all(&db.pool)
    .await
    .expect("wishes");
    let rewards: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM rewards WHERE cost <= 20 AND stock > 0 ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .expect("rewards");
    let residents_total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
        .expect("users");
    // A sample of residents, and of volunteers (who may claim), spread over the province.
    // Each run takes another sample (a residue chosen at random), so that the bookings,
    // claims and spent points of an earlier run on the same seed seldom meet this one's
    // people: the writes stay writes, not refusals of a limit reached before.
    let step = (residents_total as usize / people.max(1)).max(1);
    let offset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as usize);
    let sample: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, volunteer FROM users WHERE role = 'resident' AND MOD(id, $1) = $2 ORDER BY id",
    )
    .bind(step as i64)
    .bind((offset % step) as i64)
    .fetch_all(&db.pool)
    .await
    .expect("sample");
    let mut vol_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE volunteer = 1 AND verified_at IS NOT NULL AND MOD(id, $1) = $2 ORDER BY id",
    )
    .bind((step / 4).max(1) as i64)
    .bind((offset / 7 % (step / 4).max(1)) as i64)
    .fetch_all(&db.pool)
    .await
    .expect("volunteers");
    vol_ids.truncate(people / 2);
    let mut tx = db.pool.begin().await.expect("begin");
    let make = |ids: Vec<i64>, base: usize| {
        let tokens: Vec<(i64, String)> = ids
            .into_iter()
            .map(|id| (id, app::accounts::secret::new_token()))
            .collect();
        let people: Vec<Person> = tokens
            .iter()
            .enumerate()
            .map(|(i, (_, t))| {
                let n = base + i;
                Person {
                    cookie: format!("{}={t}", app::accounts::session::SESSION_COOKIE),
                    addr: format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255),
                }
            })
            .collect();
        (tokens, people)
    };
    let (rt, residents) = make(sample.into_iter().map(|(id, _)| id).collect(), 0);
    let (vt, volunteers) = make(vol_ids, 1 << 20);
    for chunk in rt.iter().chain(vt.iter()).collect::<Vec<_>>().chunks(2_000) {
        let sql = format!(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES {}",
            app::db::placeholders(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (id, t) in chunk {
            q = q
                .bind(app::accounts::secret::hash_token(t))
                .bind(*id)
                .bind(now)
                .bind(now + 6 * 3_600);
        }
        q.execute(&mut *tx).await.expect("sessions");
    }
    tx.commit().await.expect("commit");
    Targets {
        points: rows.iter().map(|r| (r.1, r.2)).collect(),
        stations: rows.iter().map(|r| r.0).collect(),
        guides,
        slots,
        items,
        wishes,
        rewards,
        residents,
        volunteers,
    }
}

fn pick_kind(d: &mut Draw) -> Kind {
    let total: u32 = MIX.iter().map(|m| m.1).sum();
    let mut x = (d.next() % u64::from(total)) as u32;
    for (k, w) in MIX {
        if x < *w {
            return *k;
        }
        x -= w;
    }
    Kind::Nearest
}

/// A point near a random station, up to 1.5 km off.
fn near(d: &mut Draw, t: &Targets) -> (f64, f64) {
    let (lat, lng) = t.points[d.below(t.points.len())];
    let r = 1_500.0 * d.unit().sqrt();
    let a = d.unit() * std::f64::consts::TAU;
    let dlat = r * a.sin() / 111_320.0;
    let dlng = r * a.cos() / (111_320.0 * lat.to_radians().cos());
    (lat + dlat, lng + dlng)
}

async fn one(
    client: &reqwest::Client,
    base: &str,
    kind: Kind,
    t: &Targets,
    d: &mut Draw,
    next_wish: &AtomicUsize,
) -> String {
    let anon = format!("172.{}.{}.{}", d.below(256), d.below(256), 1 + d.below(254));
    let req = match kind {
        Kind::Nearest => {
            let (lat, lng) = near(d, t);
            let amenity = [
                "",
                "&amenity=water",
                "&amenity=microwave",
                "&amenity=charging",
            ][d.below(4)];
            client.get(format!(
                "{base}/api/v1/stations/nearest?lat={lat:.6}&lng={lng:.6}&limit=10{amenity}"
            ))
        }
        Kind::Map => {
            let (lat, lng) = near(d, t);
            client.get(format!("{base}/map?lat={lat:.6}&lng={lng:.6}"))
        }
        Kind::Rider => {
            let (lat, lng) = near(d, t);
            client.get(format!("{base}/rider?lat={lat:.6}&lng={lng:.6}"))
        }
        Kind::Station => client.get(format!(
            "{base}/station/{}",
            t.stations[d.below(t.stations.len())]
        )),
        Kind::Guide => client.get(format!(
            "{base}/services/{}",
            t.guides[d.below(t.guides.len())]
        )),
        Kind::Booking | Kind::Claim | Kind::Redeem => {
            let (who, path, form): (&Person, &str, Vec<(&str, String)>) = match kind {
                Kind::Booking => (
                    &t.residents[d.below(t.residents.len())],
                    "/api/booking/create",
                    vec![
                        ("slot_id", t.slots[d.below(t.slots.len())].to_string()),
                        ("item_code", t.items[d.below(t.items.len())].clone()),
                    ],
                ),
                Kind::Claim => {
                    // Each published wish is claimed once, in turn, by a random volunteer.
                    let w = next_wish.fetch_add(1, Ordering::Relaxed);
                    (
                        &t.volunteers[d.below(t.volunteers.len())],
                        "/api/wishes/act",
                        vec![
                            ("id", t.wishes[w % t.wishes.len()].to_string()),
                            ("action", "claim".into()),
                        ],
                    )
                }
                _ => (
                    &t.volunteers[d.below(t.volunteers.len())],
                    "/api/points/redeem",
                    vec![("reward_id", t.rewards[d.below(t.rewards.len())].to_string())],
                ),
            };
            client
                .post(format!("{base}{path}"))
                .header("cookie", &who.cookie)
                .header("origin", base)
                .header("accept", "application/json")
                .header("x-forwarded-for", &who.addr)
                .form(&form)
        }
    };
    let req = match kind {
        Kind::Booking | Kind::Claim | Kind::Redeem => req,
        _ => req
            .header("x-forwarded-for", anon)
            .header("accept-encoding", "br"),
    };
    match req.send().await {
        Ok(r) => {
            let s = r.status().as_u16();
            // Read the whole body: a page is done when its last byte is in.
            match r.bytes().await {
                Ok(_) => s.to_string(),
                Err(_) => format!("{s} body cut"),
            }
        }
        Err(e) if e.is_timeout() => "timeout".into(),
        Err(_) => "transport error".into(),
    }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn rss_kb(pid: u32) -> (u64, u64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU seconds a process has used so far (user + system, from /proc/<pid>/stat).
fn cpu_secs(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = s.rsplit_once(')').map(|r| r.1).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the name).
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of every process whose command is `name` (PostgreSQL's backends).
fn cpu_secs_named(name: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(cpu_secs)
        .sum()
}

/// Runs the mix at `rate` for `secs`; returns the tallies per kind and what was dropped.
async fn run(
    clients: &[(reqwest::Client, String)],
    t: Arc<Targets>,
    rate: f64,
    secs: f64,
    seed: u64,
    next_wish: Arc<AtomicUsize>,
) -> (BTreeMap<Kind, Tally>, u64, f64) {
    let tallies: Arc<Mutex<BTreeMap<Kind, Tally>>> = Arc::default();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let total = (rate * secs) as u64;
    let mut dropped = 0u64;
    let mut tasks = tokio::task::JoinSet::new();
    let mut d = Draw(seed);
    for n in 0..total {
        let due = started + Duration::from_secs_f64(n as f64 / rate);
        let now = Instant::now();
        if due > now {
            tokio::time::sleep_until(due.into()).await;
        }
        if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
            dropped += 1;
            continue;
        }
        let (client, base) = clients[n as usize % clients.len()].clone();
        let kind = pick_kind(&mut d);
        let (t, tallies, in_flight, next_wish) = (
            t.clone(),
            tallies.clone(),
            in_flight.clone(),
            next_wish.clone(),
        );
        let mut draw = Draw(d.next());
        in_flight.fetch_add(1, Ordering::Relaxed);
        tasks.spawn(async move {
            let status = one(&client, &base, kind, &t, &mut draw, &next_wish).await;
            let ms = due.elapsed().as_secs_f64() * 1_000.0;
            in_flight.fetch_sub(1, Ordering::Relaxed);
            let mut all = tallies.lock().unwrap_or_else(|e| e.into_inner());
            let tally = all.entry(kind).or_default();
            tally.lat.push(ms);
            *tally.status.entry(status).or_default() += 1;
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let out = std::mem::take(&mut *tallies.lock().unwrap_or_else(|e| e.into_inner()));
    (out, dropped, elapsed)
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async move {
        let db = app::db::Db::connect(&a.database_url, 4).await.expect("database");
        let set_up = Instant::now();
        let t = Arc::new(targets(&db, a.people).await);
        println!(
            "province-load: set-up {:.1} s: {} stations, {} guides, {} future slots with seats, {} published wishes, \
             {} rewards; sessions for {} residents and {} volunteers",
            set_up.elapsed().as_secs_f64(),
            t.stations.len(),
            t.guides.len(),
            t.slots.len(),
            t.wishes.len(),
            t.rewards.len(),
            t.residents.len(),
            t.volunteers.len()
        );
        assert!(
            !t.slots.is_empty() && !t.wishes.is_empty() && !t.rewards.is_empty() && !t.volunteers.is_empty(),
            "the province needs future slots, published wishes, rewards and volunteers (seed it first)"
        );
        let clients: Vec<(reqwest::Client, String)> = a
            .servers
            .iter()
            .map(|s| {
                (
                    reqwest::Client::builder()
                        .redirect(reqwest::redirect::Policy::none())
                        .pool_max_idle_per_host(MAX_IN_FLIGHT)
                        .timeout(Duration::from_secs(10))
                        .build()
                        .expect("client"),
                    s.trim_end_matches('/').to_string(),
                )
            })
            .collect();
        let next_wish = Arc::new(AtomicUsize::new(0));
        if a.warmup > 0.0 {
            let (_, dropped, _) =
                run(&clients, t.clone(), a.rate, a.warmup, 1, next_wish.clone()).await;
            println!("province-load: warm-up {:.0} s at {:.0}/s ({dropped} dropped)", a.warmup, a.rate);
        }
        let before: Vec<(u32, (u64, u64), f64)> =
            a.pids.iter().map(|&p| (p, rss_kb(p), cpu_secs(p))).collect();
        let (pg0, me0) = (cpu_secs_named("postgres"), cpu_secs(std::process::id()));
        let (tallies, dropped, elapsed) =
            run(&clients, t.clone(), a.rate, a.secs, 2, next_wish).await;
        let (pg1, me1) = (cpu_secs_named("postgres"), cpu_secs(std::process::id()));
        let mut all: Vec<f64> = Vec::new();
        let mut done = 0usize;
        println!(
            "province-load: {} servers, asked {:.0} requests/s for {:.0} s (open loop; latency from when each was due)",
            clients.len(),
            a.rate,
            a.secs
        );
        println!("{:<9} {:>7} {:>8} {:>8} {:>8} {:>8}  statuses", "kind", "count", "per s", "p50 ms", "p99 ms", "max ms");
        for (kind, mut tally) in tallies {
            tally.lat.sort_by(f64::total_cmp);
            done += tally.lat.len();
            println!(
                "{:<9} {:>7} {:>8.0} {:>8.1} {:>8.1} {:>8.1}  {}",
                format!("{kind:?}").to_lowercase(),
                tally.lat.len(),
                tally.lat.len() as f64 / elapsed,
                percentile(&tally.lat, 0.5),
                percentile(&tally.lat, 0.99),
                tally.lat.last().copied().unwrap_or(f64::NAN),
                tally
                    .status
                    .iter()
                    .map(|(s, n)| format!("{n}x{s}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            all.extend(tally.lat);
        }
        all.sort_by(f64::total_cmp);
        let rate = done as f64 / elapsed;
        let p99 = percentile(&all, 0.99);
        println!(
            "{:<9} {:>7} {:>8.0} {:>8.1} {:>8.1} {:>8.1}  {dropped} dropped (over {MAX_IN_FLIGHT} in flight)",
            "all",
            done,
            rate,
            percentile(&all, 0.5),
            p99,
            all.last().copied().unwrap_or(f64::NAN)
        );
        for (pid, (rss0, _), cpu0) in before {
            let (rss, hwm) = rss_kb(pid);
            println!(
                "province-load: server pid {pid}: memory {} MB now ({} MB before the run, peak {} MB); CPU {:.2} cores",
                rss / 1024,
                rss0 / 1024,
                hwm / 1024,
                (cpu_secs(pid) - cpu0) / elapsed
            );
        }
        println!(
            "province-load: CPU during the run: PostgreSQL {:.2} cores, this driver {:.2} cores (of {})",
            (pg1 - pg0) / elapsed,
            (me1 - me0) / elapsed,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let met = rate >= a.rate * 0.98 && p99 <= P99_TARGET_MS && dropped == 0;
        println!(
            "province-load: target p99 <= {P99_TARGET_MS:.0} ms at {:.0} mixed requests/s: {} (served {rate:.0}/s, p99 {p99:.1} ms)",
            a.rate,
            if met { "met" } else { "NOT met" }
        );
    });
}
