//! The demo city: a deterministic generator (same seed, same city) sized from the city report —
//! 31 streets, 293 communities each with its 党群服务中心, 902 红色驿站, 380 户外劳动者服务站点 and a few dozen
//! 党建广场 — inside the real bounding box of 淄博市, with names and roads from `data/demo_city.json`.
//!
//! `generate` is pure (it is tested and benchmarked without a database); `demo::seed_if_empty`
//! writes its result through the stations store, in the one transaction of the whole demo.

use crate::stations::model::{
    Amenity, BBox, City, CommunityRow, LatLng, StationKind, StationRow, StreetRow,
};
use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use std::collections::HashSet;

pub const STREETS: usize = 31;
pub const COMMUNITIES: usize = 293;
pub const RED_STATIONS: usize = 902;
pub const OUTDOOR_POINTS: usize = 380;
pub const PLAZAS: usize = 36;

/// The day the demo data was "last verified" against; fixed so that a seed gives the
/// same city whenever it is generated.
const VERIFIED_BASE: (i32, u32, u32) = (2026, 11, 1);

#[derive(Debug, Deserialize)]
pub struct NamePools {
    pub city: CityInfo,
    pub streets: Vec<StreetSeed>,
    pub community_names: Vec<String>,
    pub compound_names: Vec<String>,
    pub outdoor_hosts: Vec<String>,
    pub plaza_names: Vec<String>,
    pub surnames: Vec<String>,
    pub given_name_chars: Vec<String>,
    pub team_unit_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct CityInfo {
    pub name: String,
    pub province: String,
    pub area_code: String,
    pub bbox: BBox,
}

#[derive(Debug, Deserialize)]
pub struct StreetSeed {
    pub name: String,
    pub district: String,
    pub lng: f64,
    pub lat: f64,
    pub roads: Vec<String>,
}

/// The name pools, compiled into the binary.
pub fn pools() -> NamePools {
    // The file is part of the source tree and checked by a unit test; a parse failure
    // here is a build defect, not input from outside.
    serde_json::from_str(include_str!("../../data/demo_city.json"))
        .expect("app/data/demo_city.json is valid")
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoCity {
    pub city: City,
    pub streets: Vec<StreetRow>,
    pub communities: Vec<CommunityRow>,
    pub stations: Vec<StationRow>,
}

/// Moves a point by metres north and east.
fn offset(lat: f64, lng: f64, north_m: f64, east_m: f64) -> (f64, f64) {
    let dlat = north_m / 111_320.0;
    let dlng = east_m / (111_320.0 * lat.to_radians().cos());
    (lat + dlat, lng + dlng)
}

/// A point uniformly inside a disc of `radius_m` around the centre, kept in the box.
fn scatter(rng: &mut ChaCha8Rng, lat: f64, lng: f64, radius_m: f64, bbox: &BBox) -> (f64, f64) {
    loop {
        let r = radius_m * rng.gen::<f64>().sqrt();
        let theta = rng.gen::<f64>() * std::f64::consts::TAU;
        let (a, b) = offset(lat, lng, r * theta.sin(), r * theta.cos());
        if bbox.contains(a, b) {
            // Six decimals is about 0.1 m: the precision a surveyed address has.
            return ((a * 1e6).round() / 1e6, (b * 1e6).round() / 1e6);
        }
    }
}

pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Picks one of `(weight, value)`.
fn weighted<'a>(rng: &mut ChaCha8Rng, items: &[(u32, &'a str)]) -> &'a str {
    let total: u32 = items.iter().map(|(w, _)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (w, v) in items {
        if x < *w {
            return v;
        }
        x -= w;
    }
    items[items.len() - 1].1
}

fn amenities(rng: &mut ChaCha8Rng, odds: &[(Amenity, f64)]) -> Vec<Amenity> {
    let mut v: Vec<Amenity> = odds
        .iter()
        .filter(|(_, p)| rng.gen::<f64>() < *p)
        .map(|(a, _)| *a)
        .collect();
    v.sort();
    v
}

fn landline(rng: &mut ChaCha8Rng, area: &str) -> String {
    let first = *pick(rng, &[2u32, 3, 5, 6, 7, 8]);
    format!("{area}-{first}{:06}", rng.gen_range(0..1_000_000))
}

fn verified_on(rng: &mut ChaCha8Rng) -> String {
    let (y, m, d) = VERIFIED_BASE;
    let base = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    (base - Duration::days(rng.gen_range(0..200)))
        .format("%Y-%m-%d")
        .to_string()
}

// Over 70 % of centres keep extended hours (the report: 超7成社区常态化开展延时服务).
const CENTER_HOURS: &[(u32, &str)] = &[
    (25, "Mo-Fr 08:30-12:00,13:30-17:30; PH off"),
    (50, "Mo-Fr 08:30-12:00,13:30-20:00; Sa 09:00-12:00; PH off"),
    (25, "Mo-Fr 08:30-20:00; Sa,Su 09:00-12:00; PH off"),
];
const RED_HOURS: &[(u32, &str)] = &[
    (35, "Mo-Su 08:00-20:00"),
    (25, "Mo-Fr 09:00-11:30,14:00-17:30; PH off"),
    (25, "Mo-Sa 08:30-18:00; PH off"),
    (15, "Mo-Fr 18:00-21:00; Sa,Su 09:00-17:00"),
];
const OUTDOOR_HOURS: &[(u32, &str)] = &[
    (25, "24/7"),
    (30, "Mo-Su 07:00-21:00"),
    (20, "Mo-Su 06:00-22:00"),
    (15, "Mo-Fr 08:30-17:00; Sa,Su 09:00-16:00"),
    (10, "Mo-Su 10:00-14:00,17:00-21:00"),
];
const PLAZA_HOURS: &[(u32, &str)] = &[(60, "24/7"), (40, "Mo-Su 05:30-22:00")];

use Amenity::*;
const CENTER_ODDS: &[(Amenity, f64)] = &[
    (Water, 0.95),
    (Charging, 0.9),
    (Microwave, 0.5),
    (Toilet, 0.95),
    (Seats, 1.0),
    (FirstAid, 0.9),
    (Umbrella, 0.8),
    (RepairTools, 0.3),
    (Wifi, 0.9),
    (Wheelchair, 0.85),
];
const RED_ODDS: &[(Amenity, f64)] = &[
    (Water, 0.7),
    (Charging, 0.6),
    (Microwave, 0.2),
    (Toilet, 0.4),
    (Seats, 0.95),
    (FirstAid, 0.6),
    (Umbrella, 0.6),
    (RepairTools, 1.0),
    (Wifi, 0.7),
    (Wheelchair, 0.5),
];
const OUTDOOR_ODDS: &[(Amenity, f64)] = &[
    (Water, 0.95),
    (Charging, 0.9),
    (Microwave, 0.7),
    (Toilet, 0.75),
    (Seats, 0.95),
    (FirstAid, 0.7),
    (Umbrella, 0.6),
    (RepairTools, 0.3),
    (Wifi, 0.6),
    (Wheelchair, 0.5),
];
const PLAZA_ODDS: &[(Amenity, f64)] = &[
    (Water, 0.3),
    (Toilet, 0.5),
    (Seats, 1.0),
    (FirstAid, 0.1),
    (Wifi, 0.4),
    (Wheelchair, 0.7),
];

const DISTRICTS: &[&str] = &["张店", "淄川", "博山", "临淄", "周村", "高新"];

/// Generates the demo city. Pure and deterministic: the same seed and pools give the
/// same city, byte for byte.
pub fn generate(seed: u64, pools: &NamePools) -> DemoCity {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bbox = pools.city.bbox;
    let area = pools.city.area_code.as_str();

    let streets: Vec<StreetRow> = pools
        .streets
        .iter()
        .take(STREETS)
        .enumerate()
        .map(|(i, s)| StreetRow {
            id: i as i64 + 1,
            name: s.name.clone(),
            district: s.district.clone(),
            lat: s.lat,
            lng: s.lng,
        })
        .collect();

    // 293 communities over 31 streets: 9 each, and one more for the first 14.
    let mut names: Vec<&String> = pools.community_names.iter().collect();
    names.shuffle(&mut rng);
    let mut communities = Vec::with_capacity(COMMUNITIES);
    let mut street_of = Vec::with_capacity(COMMUNITIES);
    for (si, s) in pools.streets.iter().take(STREETS).enumerate() {
        let n = COMMUNITIES / STREETS + usize::from(si < COMMUNITIES % STREETS);
        for _ in 0..n {
            let id = communities.len() as i64 + 1;
            let (lat, lng) = scatter(&mut rng, s.lat, s.lng, 1600.0, &bbox);
            let name = format!("{}社区", names[communities.len()]);
            communities.push(CommunityRow {
                id,
                street_id: si as i64 + 1,
                name,
                lat,
                lng,
            });
            street_of.push(si);
        }
    }

    let mut stations = Vec::with_capacity(COMMUNITIES + RED_STATIONS + OUTDOOR_POINTS + PLAZAS);
    let mut taken: HashSet<String> = HashSet::new();
    let mut unique = |base: String, alt: &[String]| -> String {
        if taken.insert(base.clone()) {
            return base;
        }
        for a in alt {
            if taken.insert(a.clone()) {
                return a.clone();
            }
        }
        let mut n = 2;
        loop {
            let s = format!("{base}（{n}）");
            if taken.insert(s.clone()) {
                return s;
            }
            n += 1;
        }
    };

    let district_of = |ci: usize| pools.streets[street_of[ci]].district.as_str();
    let street_name = |ci: usize| pools.streets[street_of[ci]].name.as_str();

    // One 党群服务中心 per community.
    for (ci, c) in communities.iter().enumerate() {
        let road = pick(&mut rng, &pools.streets[street_of[ci]].roads).clone();
        let (lat, lng) = scatter(&mut rng, c.lat, c.lng, 120.0, &bbox);
        let hours = weighted(&mut rng, CENTER_HOURS).to_string();
        let am = amenities(&mut rng, CENTER_ODDS);
        let phone = landline(&mut rng, area);
        stations.push(StationRow {
            id: stations.len() as i64 + 1,
            kind: StationKind::Center,
            name: unique(format!("{}党群服务中心", c.name), &[]),
            community_id: c.id,
            address: format!(
                "{}{}{}{}号",
                district_of(ci),
                street_name(ci),
                road,
                rng.gen_range(1..400)
            ),
            lat,
            lng,
            amenities: am,
            opening_hours: hours,
            phone,
            verified_on: verified_on(&mut rng),
            follows_workdays: false,
        });
    }

    // 902 红色驿站 inside residential compounds: three per community, one more in some.
    let mut compounds: Vec<&String> = pools.compound_names.iter().collect();
    compounds.shuffle(&mut rng);
    for i in 0..RED_STATIONS {
        let ci = if i < COMMUNITIES * 3 {
            i / 3
        } else {
            rng.gen_range(0..COMMUNITIES)
        };
        let c = &communities[ci];
        let compound = compounds[i % compounds.len()].clone();
        let wing = ["", "南区", "北区", "东区", "西区"][(i / compounds.len()) % 5];
        let road = pick(&mut rng, &pools.streets[street_of[ci]].roads).clone();
        let (lat, lng) = scatter(&mut rng, c.lat, c.lng, 500.0, &bbox);
        let hours = weighted(&mut rng, RED_HOURS).to_string();
        let am = amenities(&mut rng, RED_ODDS);
        let phone = if rng.gen_bool(0.7) {
            landline(&mut rng, area)
        } else {
            String::new()
        };
        let base = format!("{compound}{wing}红色驿站");
        let alt = [format!(
            "{}{compound}{wing}红色驿站",
            c.name.trim_end_matches("社区")
        )];
        stations.push(StationRow {
            id: stations.len() as i64 + 1,
            kind: StationKind::RedStation,
            name: unique(base, &alt),
            community_id: c.id,
            address: format!(
                "{}{}{}号{}{}{}号楼一层",
                district_of(ci),
                road,
                rng.gen_range(1..300),
                compound,
                wing,
                rng.gen_range(1..30)
            ),
            lat,
            lng,
            amenities: am,
            opening_hours: hours,
            phone,
            verified_on: verified_on(&mut rng),
            follows_workdays: false,
        });
    }

    // 380 户外劳动者服务站点: on the roads, hosted by banks, shops, depots and parks.
    for _ in 0..OUTDOOR_POINTS {
        let ci = rng.gen_range(0..COMMUNITIES);
        let c = &communities[ci];
        let district = district_of(ci);
        let short = district.trim_end_matches('区');
        let host = loop {
            let h = pick(&mut rng, &pools.outdoor_hosts);
            let foreign = DISTRICTS.iter().any(|d| *d != short && h.contains(d));
            if !foreign {
                break h.clone();
            }
        };
        let road = pick(&mut rng, &pools.streets[street_of[ci]].roads).clone();
        let (lat, lng) = scatter(&mut rng, c.lat, c.lng, 900.0, &bbox);
        let bank = host.contains("银行");
        let hours = if bank {
            "Mo-Fr 08:30-17:00; Sa,Su 09:00-16:00".to_string()
        } else {
            weighted(&mut rng, OUTDOOR_HOURS).to_string()
        };
        let am = amenities(&mut rng, OUTDOOR_ODDS);
        let phone = if rng.gen_bool(0.6) {
            landline(&mut rng, area)
        } else {
            String::new()
        };
        let base = if rng.gen_bool(0.5) {
            format!("{host}户外劳动者服务站")
        } else {
            format!("城市驿站（{host}）")
        };
        let alt = [
            format!("城市驿站（{host}·{road}）"),
            format!("{road}户外劳动者服务站"),
        ];
        stations.push(StationRow {
            id: stations.len() as i64 + 1,
            kind: StationKind::Outdoor,
            name: unique(base, &alt),
            community_id: c.id,
            address: format!("{}{}{}号", district, road, rng.gen_range(1..500)),
            lat,
            lng,
            amenities: am,
            opening_hours: hours,
            phone,
            verified_on: verified_on(&mut rng),
            follows_workdays: false,
        });
    }

    // 党建广场: in open spaces of some communities.
    let mut plaza_names: Vec<&String> = pools.plaza_names.iter().collect();
    plaza_names.shuffle(&mut rng);
    for name in plaza_names.into_iter().take(PLAZAS) {
        let ci = rng.gen_range(0..COMMUNITIES);
        let c = &communities[ci];
        let road = pick(&mut rng, &pools.streets[street_of[ci]].roads).clone();
        let (lat, lng) = scatter(&mut rng, c.lat, c.lng, 600.0, &bbox);
        let hours = weighted(&mut rng, PLAZA_HOURS).to_string();
        let am = amenities(&mut rng, PLAZA_ODDS);
        stations.push(StationRow {
            id: stations.len() as i64 + 1,
            kind: StationKind::Plaza,
            name: unique(name.clone(), &[format!("{}{}", c.name, name)]),
            community_id: c.id,
            address: format!("{}{}与{}交汇处", district_of(ci), road, street_name(ci)),
            lat,
            lng,
            amenities: am,
            opening_hours: hours,
            phone: String::new(),
            verified_on: verified_on(&mut rng),
            follows_workdays: false,
        });
    }

    // Community centres, and stations that close on public holidays, keep the
    // government's working days: they open on make-up Saturdays (调休).
    for s in &mut stations {
        s.follows_workdays = s.kind == StationKind::Center || s.opening_hours.contains("PH off");
    }
    DemoCity {
        city: City {
            name: pools.city.name.clone(),
            // The centre of the city's seat (the first street is in 张店, the seat).
            center: LatLng {
                lat: pools.streets[0].lat,
                lng: pools.streets[0].lng,
            },
            bbox,
        },
        streets,
        communities,
        stations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_city_has_the_report_s_sizes() {
        let city = generate(20231, &pools());
        assert_eq!(city.streets.len(), 31);
        assert_eq!(city.communities.len(), 293);
        let count = |k| city.stations.iter().filter(|s| s.kind == k).count();
        assert_eq!(count(StationKind::Center), 293);
        assert_eq!(count(StationKind::RedStation), 902);
        assert_eq!(count(StationKind::Outdoor), 380);
        assert_eq!(count(StationKind::Plaza), PLAZAS);
        // One centre in every community.
        let with_center: HashSet<i64> = city
            .stations
            .iter()
            .filter(|s| s.kind == StationKind::Center)
            .map(|s| s.community_id)
            .collect();
        assert_eq!(with_center.len(), 293);
    }

    #[test]
    fn the_same_seed_gives_the_same_city_and_another_seed_another() {
        let p = pools();
        assert_eq!(generate(7, &p), generate(7, &p));
        assert_ne!(generate(7, &p).stations, generate(8, &p).stations);
    }

    #[test]
    fn everything_lies_inside_the_city_and_names_are_unique() {
        let p = pools();
        let city = generate(20231, &p);
        for s in &city.stations {
            assert!(p.city.bbox.contains(s.lat, s.lng), "{} outside", s.name);
            assert!(!s.opening_hours.is_empty() && !s.address.is_empty());
        }
        let names: HashSet<&str> = city.stations.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), city.stations.len());
        let cnames: HashSet<&str> = city.communities.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cnames.len(), 293);
    }

    #[test]
    fn riders_find_water_charging_and_microwaves_outdoors() {
        let city = generate(20231, &pools());
        let outdoor: Vec<_> = city
            .stations
            .iter()
            .filter(|s| s.kind == StationKind::Outdoor)
            .collect();
        let with = |a| outdoor.iter().filter(|s| s.amenities.contains(&a)).count();
        assert!(with(Amenity::Water) > 300);
        assert!(with(Amenity::Microwave) > 200);
        assert!(outdoor.iter().any(|s| s.opening_hours == "24/7"));
    }
}
