//! `cargo bench -p server --bench coverage`: the life-circle coverage of the whole demo
//! city (293 communities, 1,611 stations, every kind and amenity, and the 168 hours of
//! a week) from the R-tree, against testing every station for every community, in the
//! same run; then the same on a city ten times as large (2,930 communities, 16,110
//! stations, scattered over the same box). Prints the median of several runs of each
//! and the ratio, and the demo city's figures. The two answers are checked equal.

use app::calendar::model::{china_2026, Calendar};
use app::stations::coverage::service::{compute, compute_linear, Coverage};
use app::stations::model::{CommunityPoint, Station, StationKind};
use app::stations::service::StationSet;
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn demo_set(scale: usize) -> StationSet {
    let city = app::demo::generate(20231, &app::demo::pools());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let b = city.city.bbox;
    let jitter = |rng: &mut rand_chacha::ChaCha8Rng, i: usize, lat: f64, lng: f64| {
        if i == 0 {
            (lat, lng)
        } else {
            (
                rng.gen_range(b.min_lat..b.max_lat),
                rng.gen_range(b.min_lng..b.max_lng),
            )
        }
    };
    let mut stations = Vec::new();
    let mut communities = Vec::new();
    for copy in 0..scale {
        for s in &city.stations {
            let (lat, lng) = jitter(&mut rng, copy, s.lat, s.lng);
            stations.push(Station {
                id: (copy * 1_000_000) as i64 + s.id,
                kind: s.kind,
                name: s.name.clone(),
                community_id: s.community_id,
                community: String::new(),
                street: String::new(),
                address: s.address.clone(),
                lat,
                lng,
                amenities: s.amenities.clone(),
                opening_hours: s.opening_hours.clone(),
                phone: String::new(),
                verified_on: s.verified_on.clone(),
                follows_workdays: s.follows_workdays,
                version: 0,
            });
        }
        for c in &city.communities {
            let (lat, lng) = jitter(&mut rng, copy, c.lat, c.lng);
            communities.push(CommunityPoint {
                id: (copy * 1_000_000) as i64 + c.id,
                name: c.name.clone(),
                street: String::new(),
                lat,
                lng,
            });
        }
    }
    stations.sort_by_key(|s| s.id);
    StationSet::build(stations, Calendar::new(china_2026()), Some(city.city))
        .with_communities(communities)
}

fn median_ms(runs: usize, f: impl Fn() -> Coverage) -> (f64, Coverage) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one run"))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: one small run.
    let full = std::env::args().any(|a| a == "--bench");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date");
    let scales: &[usize] = if full { &[1, 10] } else { &[1] };
    let runs = if full { 7 } else { 1 };
    println!("life-circle coverage of a whole city, ms (median of {runs})");
    println!(
        "{:>12} {:>9} {:>10} {:>10} {:>8}",
        "communities", "stations", "r-tree", "linear", "ratio"
    );
    for &scale in scales {
        let set = demo_set(scale);
        let (t, tree) = median_ms(runs, || compute(&set, day));
        let (l, linear) = median_ms(if scale > 1 { 1 } else { runs }, || {
            compute_linear(&set, day)
        });
        assert_eq!(tree, linear, "the tree and the scan disagree");
        println!(
            "{:>12} {:>9} {:>10.1} {:>10.1} {:>7.0}x",
            set.communities.len(),
            set.stations.len(),
            t,
            l,
            l / t
        );
        if scale == 1 {
            println!("demo city: communities with one within 10 minutes (800 m):");
            for (k, n) in StationKind::ALL.iter().zip(&tree.kind_covered) {
                println!("  {:<12} {:>4} ({} %)", k.code(), n, tree.percent(*n));
            }
            for (a, n) in app::stations::model::Amenity::ALL
                .iter()
                .zip(&tree.amenity_covered)
            {
                println!("  {:<12} {:>4} ({} %)", a.code(), n, tree.percent(*n));
            }
            let outdoor = StationKind::ALL
                .iter()
                .position(|k| *k == StationKind::Outdoor)
                .unwrap_or(0);
            for h in [8, 12, 20, 22] {
                let n = tree.open_covered[0][h][outdoor];
                println!(
                    "  Monday {h:02}:30, an open outdoor rest point: {n} ({} %)",
                    tree.percent(n)
                );
            }
        }
    }
}
