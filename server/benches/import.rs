//! `cargo bench --bench import`: a city's list of 10,000 stations as Chinese Excel saves
//! it (GBK, coordinates copied from Amap in GCJ-02), through every step an admin takes:
//! decode, check every row (the opening hours parsed by the evaluator's crate, points
//! converted and kept inside the city), preview against the database, apply in one
//! transaction, and the same file again (nothing to change). Rows per second for each,
//! on a fresh SQLite database (and PostgreSQL with `LINLI_BENCH_POSTGRES_URL`), against
//! a baseline measured in the same run: reading the same CSV with the `csv` crate and
//! checking nothing.

use app::stations::transfer::model::{decode, parse_csv, Datum, Encoding};
use std::time::Instant;

const HEADER: &str =
    "外部编号,类型,名称,街道,社区,地址,经度,纬度,开放时间,电话,设施,核实日期,调休日开放";

fn city_file(n: usize) -> Vec<u8> {
    let mut s = format!("{HEADER}\n");
    let hours = ["24/7", "Mo-Su 07:00-21:00", "Mo-Fr 08:30-17:30; PH off"];
    for i in 0..n {
        let (lat, lng) = (
            36.5 + (i % 100) as f64 * 0.003,
            117.8 + (i / 100) as f64 * 0.005,
        );
        let (glat, glng) = app::stations::coords::wgs84_to_gcj02(lat, lng);
        s.push_str(&format!(
            "B-{i:06},户外劳动者服务站点,测试驿站{i},测试街道{},测试社区{},测试路{i}号,{glng:.7},{glat:.7},{},0533-2345678,饮水、充电,2026-11-20,否\n",
            i / 1000,
            i / 40,
            hours[i % 3]
        ));
    }
    let (b, _, _) = encoding_rs::GBK.encode(&s);
    b.into_owned()
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs
}

async fn run(url: &str, label: &str, n: usize) {
    let db = app::db::Db::connect(url, 4).await.expect("database");
    db.migrate().await.expect("migrate");
    let admin = app::accounts::store::upsert_user(&db, "19900009999", "导入基准", 0)
        .await
        .expect("user");
    let actor = app::audit::model::Actor {
        id: admin,
        community_id: None,
    };
    let bytes = city_file(n);

    // Baseline: the same bytes decoded and read as CSV records, nothing checked.
    let t = Instant::now();
    let (text, _) = decode(&bytes, Encoding::Auto).expect("decode");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows = r.records().filter(|x| x.is_ok()).count();
    let base = t.elapsed().as_secs_f64();
    assert_eq!(rows, n);

    let t = Instant::now();
    let (text, _) = decode(&bytes, Encoding::Auto).expect("decode");
    let hours = |s: &str| app::stations::hours::chinese::to_osm(s).map(|c| c.osm);
    let checked = parse_csv(&text, Datum::Gcj02, None, &hours).expect("parse");
    let check = t.elapsed().as_secs_f64();
    assert!(checked.ok() && checked.rows.len() == n);

    let now = app::time::now_ts();
    let id = app::stations::transfer::service::upload_import(
        &db,
        actor,
        "city.csv",
        &bytes,
        Encoding::Auto,
        Datum::Gcj02,
        now,
    )
    .await
    .expect("upload");
    let t = Instant::now();
    let report = app::stations::transfer::service::import_report(&db, id, None)
        .await
        .expect("preview");
    let preview = t.elapsed().as_secs_f64();
    assert_eq!(report.counts.created, n);

    let t = Instant::now();
    let counts = app::stations::transfer::service::apply_import(&db, id, actor, None, now)
        .await
        .expect("apply");
    let apply = t.elapsed().as_secs_f64();
    assert_eq!(counts.created, n);

    let again = app::stations::transfer::service::upload_import(
        &db,
        actor,
        "city.csv",
        &bytes,
        Encoding::Auto,
        Datum::Gcj02,
        now,
    )
    .await
    .expect("upload");
    let t = Instant::now();
    let counts = app::stations::transfer::service::apply_import(&db, again, actor, None, now)
        .await
        .expect("apply again");
    let reapply = t.elapsed().as_secs_f64();
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (0, 0, n)
    );

    println!("{label}: {n} stations (GBK, GCJ-02), rows per second");
    println!(
        "  {:<34} {:>10.0}",
        "baseline: csv read, no checks",
        rate(n, base)
    );
    for (what, secs) in [
        ("decode + check every row", check),
        ("preview (check + compare with db)", preview),
        ("apply (one transaction)", apply),
        ("apply the same file again", reapply),
    ] {
        println!(
            "  {:<34} {:>10.0}   ({:.1}x the baseline's time, {:.2} s)",
            what,
            rate(n, secs),
            secs / base,
            secs
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run small then.
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 10_000 } else { 200 };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("linli-import-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        run(&url, "SQLite", n).await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(pg) = std::env::var("LINLI_BENCH_POSTGRES_URL") {
            run(&pg, "PostgreSQL (its database must be empty)", n).await;
        }
    });
}
