//! The life-circle coverage: the figure the seed's "10分钟党建生活圈" promises. For each
//! community's residential point (its centre; the data model has no compounds yet),
//! the distance to the nearest station of each kind and with each amenity, and whether
//! one is within the 10-minute walk (800 m at 80 m a minute); the city's share by kind
//! and amenity; and, hour by hour through a week, the share of communities with a
//! station of each kind open within 10 minutes (so a planner sees "after 20:00, 40 %
//! have no open rest point").
//!
//! Distances are great-circle, as everywhere in the portal (there is no street network
//! in the data); the walking minutes are that distance at 80 m a minute. Everything is
//! computed from the stations' R-tree in the cached [`StationSet`]: the nearest station
//! of a kind is a lazy walk outward, and "open at this hour within 800 m" looks only at
//! the stations inside the circle. `cargo bench -p server --bench coverage` measures it
//! against testing every station.

use crate::stations::model::{Amenity, LatLng, StationKind, LIFE_CIRCLE_M};
use crate::stations::service::StationSet;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One community's distances: `None` when the city has no such station at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityCoverage {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub lat: f64,
    pub lng: f64,
    /// In [`StationKind::ALL`] order.
    pub by_kind: Vec<Option<f64>>,
    /// In [`Amenity::ALL`] order.
    pub by_amenity: Vec<Option<f64>>,
}

impl CommunityCoverage {
    pub fn covered(d: Option<f64>) -> bool {
        d.is_some_and(|d| d <= LIFE_CIRCLE_M)
    }

    /// Kinds with nothing within 10 minutes: this community's gaps.
    pub fn gaps(&self) -> Vec<StationKind> {
        StationKind::ALL
            .into_iter()
            .zip(&self.by_kind)
            .filter(|(_, d)| !Self::covered(**d))
            .map(|(k, _)| k)
            .collect()
    }
}

/// The whole city's coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub communities: Vec<CommunityCoverage>,
    /// Communities with a station of each kind within 10 minutes ([`StationKind::ALL`]
    /// order).
    pub kind_covered: Vec<usize>,
    /// The same per amenity ([`Amenity::ALL`] order).
    pub amenity_covered: Vec<usize>,
    /// The Monday of the week the hours are evaluated in.
    pub week_of: NaiveDate,
    /// `[weekday 0–6][hour 0–23][kind]`: communities with a station of that kind open at
    /// half past that hour within 10 minutes.
    pub open_covered: Vec<Vec<Vec<usize>>>,
}

impl Coverage {
    pub fn total(&self) -> usize {
        self.communities.len()
    }

    /// A count as a whole percentage of the communities.
    pub fn percent(&self, n: usize) -> u32 {
        if self.communities.is_empty() {
            0
        } else {
            ((n as f64) * 100.0 / self.communities.len() as f64).round() as u32
        }
    }
}

/// Which hours of the week (at half past each) a station is open, from its evaluated
/// intervals on each day of the week starting `monday`: `[day][hour]`.
fn open_hours(set: &StationSet, i: usize, monday: NaiveDate) -> [[bool; 24]; 7] {
    let mut out = [[false; 24]; 7];
    let Some(h) = set.hours(i) else {
        return out;
    };
    for (d, day) in out.iter_mut().enumerate() {
        let date = monday + Duration::days(d as i64);
        for iv in h.intervals_on(&set.calendar, date) {
            let Some((a, b)) = iv.split_once('-') else {
                continue;
            };
            let (Some(a), Some(b)) = (minutes(a), minutes(b)) else {
                continue;
            };
            for (hour, open) in day.iter_mut().enumerate() {
                let m = hour as u32 * 60 + 30;
                if a <= m && m < b {
                    *open = true;
                }
            }
        }
    }
    out
}

fn minutes(hm: &str) -> Option<u32> {
    crate::calendar_types::ClockTime::parse_end(hm).map(crate::calendar_types::ClockTime::minutes)
}

/// Computes the coverage of every community, the hours evaluated in the week that
/// holds `day` (holidays and make-up days as the calendar says).
pub fn compute(set: &StationSet, day: NaiveDate) -> Coverage {
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    let kinds = StationKind::ALL;
    let amenities = Amenity::ALL;
    let mut kind_covered = vec![0; kinds.len()];
    let mut amenity_covered = vec![0; amenities.len()];
    let mut open_covered = vec![vec![vec![0usize; kinds.len()]; 24]; 7];
    // Each station's week is evaluated once, the first time a circle holds it.
    let mut weeks: Vec<Option<[[bool; 24]; 7]>> = vec![None; set.stations.len()];
    let mut communities = Vec::with_capacity(set.communities.len());
    for c in &set.communities {
        let p = LatLng {
            lat: c.lat,
            lng: c.lng,
        };
        let by_kind: Vec<Option<f64>> = kinds
            .iter()
            .map(|k| {
                set.nearest_where(p, |i| set.stations[i].kind == *k)
                    .map(|(_, d)| d.round())
            })
            .collect();
        let by_amenity: Vec<Option<f64>> = amenities
            .iter()
            .map(|a| {
                set.nearest_where(p, |i| set.stations[i].amenities.contains(a))
                    .map(|(_, d)| d.round())
            })
            .collect();
        for (n, d) in kind_covered.iter_mut().zip(&by_kind) {
            *n += usize::from(CommunityCoverage::covered(*d));
        }
        for (n, d) in amenity_covered.iter_mut().zip(&by_amenity) {
            *n += usize::from(CommunityCoverage::covered(*d));
        }
        // Hour by hour: is a station of each kind inside the circle open then?
        let mut open = [[[false; 4]; 24]; 7];
        for (i, _) in set.within(p, LIFE_CIRCLE_M) {
            let week = *weeks[i].get_or_insert_with(|| open_hours(set, i, monday));
            let k = kinds
                .iter()
                .position(|k| *k == set.stations[i].kind)
                .unwrap_or(0);
            for d in 0..7 {
                for h in 0..24 {
                    open[d][h][k] |= week[d][h];
                }
            }
        }
        for d in 0..7 {
            for h in 0..24 {
                for k in 0..kinds.len() {
                    open_covered[d][h][k] += usize::from(open[d][h][k]);
                }
            }
        }
        communities.push(CommunityCoverage {
            id: c.id,
            name: c.name.clone(),
            street: c.street.clone(),
            lat: c.lat,
            lng: c.lng,
            by_kind,
            by_amenity,
        });
    }
    Coverage {
        communities,
        kind_covered,
        amenity_covered,
        week_of: monday,
        open_covered,
    }
}

/// The same answer by testing every station for every community: the baseline of the
/// bench and the oracle of the tests.
pub fn compute_linear(set: &StationSet, day: NaiveDate) -> Coverage {
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    let kinds = StationKind::ALL;
    let amenities = Amenity::ALL;
    let weeks: Vec<[[bool; 24]; 7]> = (0..set.stations.len())
        .map(|i| open_hours(set, i, monday))
        .collect();
    let mut out = Coverage {
        communities: Vec::new(),
        kind_covered: vec![0; kinds.len()],
        amenity_covered: vec![0; amenities.len()],
        week_of: monday,
        open_covered: vec![vec![vec![0; kinds.len()]; 24]; 7],
    };
    for c in &set.communities {
        let p = LatLng {
            lat: c.lat,
            lng: c.lng,
        };
        let dist: Vec<f64> = set
            .stations
            .iter()
            .map(|s| {
                crate::stations::model::distance_m(
                    p,
                    LatLng {
                        lat: s.lat,
                        lng: s.lng,
                    },
                )
            })
            .collect();
        let min_where = |keep: &dyn Fn(usize) -> bool| {
            (0..dist.len())
                .filter(|i| keep(*i))
                .map(|i| dist[i])
                .min_by(f64::total_cmp)
                .map(f64::round)
        };
        let by_kind: Vec<Option<f64>> = kinds
            .iter()
            .map(|k| min_where(&|i| set.stations[i].kind == *k))
            .collect();
        let by_amenity: Vec<Option<f64>> = amenities
            .iter()
            .map(|a| min_where(&|i| set.stations[i].amenities.contains(a)))
            .collect();
        for (n, d) in out.kind_covered.iter_mut().zip(&by_kind) {
            *n += usize::from(CommunityCoverage::covered(*d));
        }
        for (n, d) in out.amenity_covered.iter_mut().zip(&by_amenity) {
            *n += usize::from(CommunityCoverage::covered(*d));
        }
        for (d, day) in out.open_covered.iter_mut().enumerate() {
            for (h, hour) in day.iter_mut().enumerate() {
                for (k, kind) in kinds.iter().enumerate() {
                    let any = weeks
                        .iter()
                        .zip(&dist)
                        .zip(&set.stations)
                        .any(|((w, m), s)| *m <= LIFE_CIRCLE_M && s.kind == *kind && w[d][h]);
                    hour[k] += usize::from(any);
                }
            }
        }
        out.communities.push(CommunityCoverage {
            id: c.id,
            name: c.name.clone(),
            street: c.street.clone(),
            lat: c.lat,
            lng: c.lng,
            by_kind,
            by_amenity,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::model::Calendar;
    use crate::stations::model::{CommunityPoint, Station};

    fn station(
        id: i64,
        kind: StationKind,
        lat: f64,
        lng: f64,
        hours: &str,
        am: Vec<Amenity>,
    ) -> Station {
        Station {
            id,
            kind,
            name: format!("站{id}"),
            community_id: 1,
            community: "甲社区".into(),
            street: "甲街道".into(),
            address: String::new(),
            lat,
            lng,
            amenities: am,
            opening_hours: hours.into(),
            phone: String::new(),
            verified_on: "2026-11-01".into(),
            follows_workdays: false,
            version: 0,
        }
    }

    fn community(id: i64, lat: f64, lng: f64) -> CommunityPoint {
        CommunityPoint {
            id,
            name: format!("社区{id}"),
            street: "甲街道".into(),
            lat,
            lng,
        }
    }

    #[test]
    fn a_station_counts_within_800_metres_and_only_in_its_open_hours() {
        // 0.001° of latitude is 111 m: the rest point is 555 m from community 1 and
        // 1,665 m from community 2.
        let stations = vec![
            station(
                1,
                StationKind::Outdoor,
                36.805,
                118.0,
                "Mo-Su 07:00-20:00",
                vec![Amenity::Water],
            ),
            station(2, StationKind::Center, 36.8, 118.0, "24/7", vec![]),
        ];
        let set = StationSet::build(stations, Calendar::default(), None)
            .with_communities(vec![community(1, 36.8, 118.0), community(2, 36.79, 118.0)]);
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let c = compute(&set, day);
        assert_eq!(c.week_of, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let outdoor = StationKind::ALL
            .iter()
            .position(|k| *k == StationKind::Outdoor)
            .unwrap();
        assert_eq!(c.communities[0].by_kind[outdoor], Some(556.0));
        assert_eq!(c.communities[1].by_kind[outdoor], Some(1668.0));
        assert_eq!(c.kind_covered[outdoor], 1);
        assert_eq!(c.amenity_covered[0], 1);
        // Open 07:00–20:00: covered at 19:30, not at 20:30 nor at 06:30.
        assert_eq!(c.open_covered[0][19][outdoor], 1);
        assert_eq!(c.open_covered[0][20][outdoor], 0);
        assert_eq!(c.open_covered[0][6][outdoor], 0);
        assert_eq!(c.communities[1].gaps().len(), 4);
        assert_eq!(c.percent(1), 50);
        assert_eq!(c, compute_linear(&set, day));
    }

    #[test]
    fn the_tree_agrees_with_testing_every_station() {
        // A pseudo-random city of 600 stations and 80 communities.
        let mut x: u64 = 7;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64 / 10_000.0
        };
        let hours = [
            "24/7",
            "Mo-Fr 08:30-17:30",
            "Mo-Su 06:00-22:00",
            "Sa,Su 09:00-12:00",
        ];
        let stations: Vec<Station> = (0..600)
            .map(|i| {
                let kind = StationKind::ALL[i % 4];
                let am = if i % 3 == 0 {
                    vec![Amenity::Toilet]
                } else {
                    vec![]
                };
                station(
                    i as i64 + 1,
                    kind,
                    36.7 + next() * 0.2,
                    118.0 + next() * 0.2,
                    hours[i % 4],
                    am,
                )
            })
            .collect();
        let communities = (0..80)
            .map(|i| community(i + 1, 36.7 + next() * 0.2, 118.0 + next() * 0.2))
            .collect();
        let set =
            StationSet::build(stations, Calendar::default(), None).with_communities(communities);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(compute(&set, day), compute_linear(&set, day));
    }
}
