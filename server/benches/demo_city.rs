//! `cargo bench --bench demo_city`: generating the demo city (the seed step of every
//! fresh start and of every integration test) and the distance rule behind "near me".

use app::demo::{generate, pools};
use app::stations::model::{distance_m, LatLng};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let p = pools();
    c.bench_function("demo_city_generate", |b| {
        b.iter(|| generate(black_box(20231), &p))
    });
    let a = LatLng {
        lat: 36.81,
        lng: 118.05,
    };
    let z = LatLng {
        lat: 36.64,
        lng: 117.97,
    };
    c.bench_function("haversine_distance", |b| {
        b.iter(|| distance_m(black_box(a), black_box(z)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
