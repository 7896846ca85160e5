//! Station kinds, amenities and distances: plain data and plain functions.
//!
//! Coordinates are WGS-84 everywhere in this module; conversion to GCJ-02/BD-09 happens
//! only where a map app needs it.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationKind {
    /// 党群服务中心: one per community.
    Center,
    /// 红色驿站: inside a residential compound.
    RedStation,
    /// 户外劳动者服务站点 / 城市驿站.
    Outdoor,
    /// 党建广场.
    Plaza,
}

impl StationKind {
    pub const ALL: [StationKind; 4] = [
        StationKind::Center,
        StationKind::RedStation,
        StationKind::Outdoor,
        StationKind::Plaza,
    ];

    /// The code used in storage, URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            StationKind::Center => "center",
            StationKind::RedStation => "red_station",
            StationKind::Outdoor => "outdoor",
            StationKind::Plaza => "plaza",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The translation key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            StationKind::Center => "kind.center",
            StationKind::RedStation => "kind.red_station",
            StationKind::Outdoor => "kind.outdoor",
            StationKind::Plaza => "kind.plaza",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amenity {
    Water,
    Charging,
    Microwave,
    Toilet,
    Seats,
    FirstAid,
    Umbrella,
    RepairTools,
    Wifi,
    Wheelchair,
}

impl Amenity {
    pub const ALL: [Amenity; 10] = [
        Amenity::Water,
        Amenity::Charging,
        Amenity::Microwave,
        Amenity::Toilet,
        Amenity::Seats,
        Amenity::FirstAid,
        Amenity::Umbrella,
        Amenity::RepairTools,
        Amenity::Wifi,
        Amenity::Wheelchair,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Amenity::Water => "water",
            Amenity::Charging => "charging",
            Amenity::Microwave => "microwave",
            Amenity::Toilet => "toilet",
            Amenity::Seats => "seats",
            Amenity::FirstAid => "first_aid",
            Amenity::Umbrella => "umbrella",
            Amenity::RepairTools => "repair_tools",
            Amenity::Wifi => "wifi",
            Amenity::Wheelchair => "wheelchair",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Amenity::Water => "amenity.water",
            Amenity::Charging => "amenity.charging",
            Amenity::Microwave => "amenity.microwave",
            Amenity::Toilet => "amenity.toilet",
            Amenity::Seats => "amenity.seats",
            Amenity::FirstAid => "amenity.first_aid",
            Amenity::Umbrella => "amenity.umbrella",
            Amenity::RepairTools => "amenity.repair_tools",
            Amenity::Wifi => "amenity.wifi",
            Amenity::Wheelchair => "amenity.wheelchair",
        }
    }

    /// The stored form of a set: codes in canonical order, comma-separated.
    pub fn join(set: &[Amenity]) -> String {
        let mut v = set.to_vec();
        v.sort();
        v.dedup();
        v.iter().map(|a| a.code()).collect::<Vec<_>>().join(",")
    }

    /// Parses the stored form; an unknown code is an error naming it.
    pub fn split(s: &str) -> Result<Vec<Amenity>, Msg> {
        s.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                Amenity::parse(c).ok_or_else(|| Msg::new("stations.unknown_amenity").arg("c", c))
            })
            .collect()
    }
}

/// A station's phone: empty, or 7 to 20 characters of digits, spaces, '-' and '+'.
pub fn parse_station_phone(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok_chars = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'));
    if ok_chars && (7..=20).contains(&s.chars().count()) && digits >= 7 {
        Ok(s.to_string())
    } else {
        Err(Msg::new("stations.phone_invalid"))
    }
}

/// A WGS-84 point. Latitude first, as people say it; GeoJSON output swaps to `[lng, lat]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    /// Checks the ranges; the message is what a resident or API client sees.
    pub fn new(lat: f64, lng: f64) -> Result<Self, Msg> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(Msg::new("stations.lat_range").arg("lat", lat));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(Msg::new("stations.lng_range").arg("lng", lng));
        }
        Ok(LatLng { lat, lng })
    }

    /// A point from an address's optional `lat` and `lng`: both or neither (`None`);
    /// one without the other, or either out of range, says what is wrong.
    pub fn from_pair(lat: Option<f64>, lng: Option<f64>) -> Result<Option<Self>, Msg> {
        match (lat, lng) {
            (Some(a), Some(b)) => LatLng::new(a, b).map(Some),
            (None, None) => Ok(None),
            _ => Err(Msg::new("stations.point_incomplete")),
        }
    }
}

pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine); exact enough at city scale.
pub fn distance_m(a: LatLng, b: LatLng) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lng - a.lng).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Walking speed used for "about N minutes' walk": 80 m a minute, so the 10-minute
/// life circle is 800 m, as the city defines it.
pub const WALK_M_PER_MIN: f64 = 80.0;
pub const LIFE_CIRCLE_M: f64 = 800.0;

/// Whole minutes on foot, at least 1.
pub fn walk_minutes(distance_m: f64) -> u32 {
    ((distance_m / WALK_M_PER_MIN).ceil() as u32).max(1)
}

/// One station as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub id: i64,
    pub kind: StationKind,
    pub name: String,
    pub community_id: i64,
    pub community: String,
    pub street: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub amenities: Vec<Amenity>,
    /// OpenStreetMap `opening_hours` syntax.
    pub opening_hours: String,
    pub phone: String,
    /// `YYYY-MM-DD`: when staff last checked the data on site.
    pub verified_on: String,
    /// Opens on make-up working days (调休) with that weekday's hours.
    pub follows_workdays: bool,
    /// Bumped by every edit: an edit names the version it was based on.
    #[serde(default)]
    pub version: i64,
}

impl Station {
    pub fn wheelchair(&self) -> bool {
        self.amenities.contains(&Amenity::Wheelchair)
    }
}

/// A week's hours in plain words: runs of consecutive weekdays with the same hours
/// (`(first weekday, last weekday, hours)`, weekdays 1–7, hours empty when closed), from
/// the regular days of the coming week (`(weekday, intervals, a holiday's name)`; days
/// with a holiday name are left out). `None` when every day is open all day.
pub fn week_summary(days: &[(u32, Vec<String>, bool)]) -> Option<Vec<(u32, u32, Vec<String>)>> {
    let all_day = |iv: &Vec<String>| iv.len() == 1 && iv[0] == "00:00-24:00";
    if !days.is_empty() && days.iter().all(|(_, iv, _)| all_day(iv)) {
        return None;
    }
    let mut regular: Vec<(u32, Vec<String>)> = days
        .iter()
        .filter(|(_, _, holiday)| !holiday)
        .map(|(wd, iv, _)| (*wd, iv.clone()))
        .collect();
    regular.sort_by_key(|(wd, _)| *wd);
    regular.dedup_by_key(|(wd, _)| *wd);
    let mut out: Vec<(u32, u32, Vec<String>)> = Vec::new();
    for (wd, iv) in regular {
        match out.last_mut() {
            Some((_, last, hours)) if *last + 1 == wd && *hours == iv => *last = wd,
            _ => out.push((wd, wd, iv)),
        }
    }
    Some(out)
}

/// How many stations of each kind exist: the home page's overview.
/// A community's residential point (its centre), for the life-circle coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityPoint {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub lat: f64,
    pub lng: f64,
}

/// A community as offered in a picker: grouped by its street.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityOption {
    pub id: i64,
    pub name: String,
    pub street: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CitySummary {
    pub city: String,
    pub streets: i64,
    pub communities: i64,
    pub by_kind: Vec<(StationKind, i64)>,
}

/// The city the portal serves: its name, the point maps open on, and its bounding box
/// (coordinates outside it are refused). Kept in the database (table `city`) and read
/// once into the server's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct City {
    pub name: String,
    pub center: LatLng,
    pub bbox: BBox,
}

/// A city's bounding box (WGS-84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn contains(&self, lat: f64, lng: f64) -> bool {
        (self.min_lat..=self.max_lat).contains(&lat) && (self.min_lng..=self.max_lng).contains(&lng)
    }
}

// The rows a city's geography is written as (by the demo seed, later by imports).

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetRow {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityRow {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationRow {
    pub id: i64,
    pub kind: StationKind,
    pub name: String,
    pub community_id: i64,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub amenities: Vec<Amenity>,
    pub opening_hours: String,
    pub phone: String,
    pub verified_on: String,
    pub follows_workdays: bool,
}

/// Whether a station is open at the moment asked, and when that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStatus {
    pub open: bool,
    /// Open around the clock (no change ahead).
    pub always: bool,
    /// Days from the asked day to the next change (0 today, 1 tomorrow …).
    pub change_day: Option<i64>,
    /// `HH:MM` of the next change, Asia/Shanghai.
    pub change_time: Option<String>,
    /// The next change as RFC 3339 with +08:00.
    pub next_change: Option<String>,
}

impl OpenStatus {
    /// The translation key and the `time` argument of the one-line status.
    pub fn text_key(&self) -> (&'static str, String) {
        let t = self.change_time.clone().unwrap_or_default();
        match (self.open, self.always, self.change_day) {
            (true, true, _) => ("hours.always", t),
            (true, _, Some(0)) => ("hours.open_until", t),
            (true, _, Some(_)) => ("hours.open_until_tomorrow", t),
            (true, _, None) => ("hours.open", t),
            (false, _, Some(0)) => ("hours.closed_opens", t),
            (false, _, Some(1)) => ("hours.closed_opens_tomorrow", t),
            (false, _, Some(_)) => ("hours.closed_opens_later", t),
            (false, _, None) => ("hours.closed_indefinitely", t),
        }
    }
}

/// A station near a point, as the list, rider mode and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearbyStation {
    pub station: Station,
    pub distance_m: f64,
    pub walk_minutes: u32,
    /// None when the stored hours cannot be evaluated (shown as "hours unknown").
    pub status: Option<OpenStatus>,
}

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// A nearest-stations question, parsed and checked from URL parameters (the map page's
/// GET form and the open API share it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NearbyQuery {
    pub point: Option<LatLng>,
    pub kinds: Vec<StationKind>,
    pub amenities: Vec<Amenity>,
    pub open_now: bool,
    pub limit: usize,
}

fn split_values(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The map's and the rider page's query, typed: what `stations/nearby` takes and what
/// `/map?lat=…&lng=…&kind=…&amenity=…&open_now=1` says.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NearbyArgs {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub kind: Vec<StationKind>,
    pub amenity: Vec<Amenity>,
    pub open_now: bool,
    pub limit: Option<usize>,
    /// A landmark or address to measure from when the visitor gives no position (a
    /// station's name, community, street or address; see [`landmark`]).
    pub near: Option<String>,
}

/// The longest landmark search accepted, in characters.
pub const MAX_NEAR_CHARS: usize = 40;

/// Where a visitor is, as a page's address says it: the one place `lat`, `lng` and
/// `near` become a point (the map, the rider page, wishes near me, the booking page's
/// centres). A position given wins over a place typed; a place is matched against the
/// stations' names and addresses (see [`landmark`]) only when it is resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Whereabouts {
    /// The device's position or a tap on the map (WGS-84).
    Position(LatLng),
    /// A place typed in (trimmed, at most [`MAX_NEAR_CHARS`] characters).
    Place(String),
    /// Neither: the page asks.
    Unknown,
}

/// A resolved [`Whereabouts`]: the point, and the station a typed place matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located<'a> {
    pub point: LatLng,
    pub landmark: Option<&'a Station>,
}

impl Whereabouts {
    /// Reads an address's `lat`, `lng` and `near`: both coordinates or neither (one
    /// without the other, or either out of range, says what is wrong); a blank place is
    /// no place; a place longer than [`MAX_NEAR_CHARS`] is refused.
    pub fn from_query(lat: Option<f64>, lng: Option<f64>, near: Option<&str>) -> Result<Self, Msg> {
        if let Some(p) = LatLng::from_pair(lat, lng)? {
            return Ok(Whereabouts::Position(p));
        }
        match near.map(str::trim).filter(|n| !n.is_empty()) {
            None => Ok(Whereabouts::Unknown),
            Some(n) if n.chars().count() > MAX_NEAR_CHARS => {
                Err(Msg::new("stations.place_too_long").arg("n", MAX_NEAR_CHARS))
            }
            Some(n) => Ok(Whereabouts::Place(n.to_string())),
        }
    }

    /// The place typed, if that is what was given.
    pub fn place(&self) -> Option<&str> {
        match self {
            Whereabouts::Place(p) => Some(p),
            _ => None,
        }
    }

    /// The point among `stations`: the position itself, the station a place names, or
    /// `None` (nothing given). A place that names no station says so.
    pub fn resolve<'a>(&self, stations: &'a [Station]) -> Result<Option<Located<'a>>, Msg> {
        match self {
            Whereabouts::Position(point) => Ok(Some(Located {
                point: *point,
                landmark: None,
            })),
            Whereabouts::Place(q) => landmark(stations, q)
                .map(|s| {
                    Some(Located {
                        point: LatLng {
                            lat: s.lat,
                            lng: s.lng,
                        },
                        landmark: Some(s),
                    })
                })
                .ok_or_else(|| Msg::new("stations.landmark_missing").arg("q", q.as_str())),
            Whereabouts::Unknown => Ok(None),
        }
    }
}

/// The station a landmark search means: an exact name, else the shortest name that
/// contains it, else an address, community or street that contains it (in that order).
/// Case is ignored; a search of fewer than two characters matches nothing.
pub fn landmark<'a>(stations: &'a [Station], q: &str) -> Option<&'a Station> {
    let q = q.trim().to_lowercase();
    if q.chars().count() < 2 {
        return None;
    }
    let has = |f: &str| f.to_lowercase().contains(&q);
    stations
        .iter()
        .find(|s| s.name.to_lowercase() == q)
        .or_else(|| {
            stations
                .iter()
                .filter(|s| has(&s.name))
                .min_by_key(|s| s.name.chars().count())
        })
        .or_else(|| stations.iter().find(|s| has(&s.address)))
        .or_else(|| stations.iter().find(|s| has(&s.community)))
        .or_else(|| stations.iter().find(|s| has(&s.street)))
}

impl NearbyArgs {
    /// Reads a query string's values: `get` returns every value of a parameter
    /// (repeated keys and comma lists both work). Bad values say what is wrong.
    pub fn parse(get: impl Fn(&str) -> Vec<String>) -> Result<Self, Msg> {
        let one = |k: &str| get(k).into_iter().find(|v| !v.trim().is_empty());
        let num = |k: &str, label: &str| -> Result<Option<f64>, Msg> {
            one(k)
                .map(|v| {
                    v.trim().parse::<f64>().map_err(|_| {
                        Msg::new("stations.not_a_number")
                            .arg("label", label)
                            .arg("v", v)
                    })
                })
                .transpose()
        };
        let lat = num("lat", "纬度")?;
        let lng = num("lng", "经度")?;
        let kind = split_values(&get("kind"))
            .map(|c| {
                StationKind::parse(c).ok_or_else(|| Msg::new("stations.unknown_kind").arg("c", c))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let amenity = split_values(&get("amenity"))
            .map(|c| {
                Amenity::parse(c).ok_or_else(|| Msg::new("stations.unknown_amenity").arg("c", c))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let open_now = match one("open_now").as_deref().map(str::trim) {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") | Some("on") => true,
            Some(v) => return Err(Msg::new("stations.open_now_invalid").arg("v", v)),
        };
        let limit = match one("limit") {
            None => None,
            Some(v) => Some(v.trim().parse::<usize>().map_err(|_| {
                Msg::new("stations.limit_invalid")
                    .arg("MAX_LIMIT", MAX_LIMIT)
                    .arg("v", v)
            })?),
        };
        let near = match one("near").map(|v| v.trim().to_string()) {
            Some(v) if v.chars().count() > MAX_NEAR_CHARS => {
                return Err(Msg::new("stations.place_too_long").arg("n", MAX_NEAR_CHARS))
            }
            v => v.filter(|v| !v.is_empty()),
        };
        Ok(NearbyArgs {
            lat,
            lng,
            kind,
            amenity,
            open_now,
            limit,
            near,
        })
    }
}

impl NearbyQuery {
    /// `get` returns every value of a parameter (repeated keys and comma lists both work).
    pub fn parse(get: impl Fn(&str) -> Vec<String>) -> Result<Self, Msg> {
        NearbyQuery::from_args(&NearbyArgs::parse(get)?)
    }

    /// Checks typed arguments against the bounds: a point needs both coordinates, each
    /// in range; the limit is 1 to [`MAX_LIMIT`].
    pub fn from_args(a: &NearbyArgs) -> Result<Self, Msg> {
        let point = match Whereabouts::from_query(a.lat, a.lng, None)? {
            Whereabouts::Position(p) => Some(p),
            _ => None,
        };
        let limit = match a.limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(n) => {
                return Err(Msg::new("stations.limit_range")
                    .arg("MAX_LIMIT", MAX_LIMIT)
                    .arg("n", n))
            }
        };
        Ok(NearbyQuery {
            point,
            kinds: a.kind.clone(),
            amenities: a.amenity.clone(),
            open_now: a.open_now,
            limit,
        })
    }

    /// Whether a station passes the kind and amenity filters (open-now is checked
    /// against the hours separately).
    pub fn admits(&self, s: &Station) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&s.kind))
            && self.amenities.iter().all(|a| s.amenities.contains(a))
    }
}

#[cfg(test)]
mod week_summary_tests {
    use super::week_summary;

    #[test]
    fn a_week_reads_as_runs_of_days() {
        let h = |s: &str| vec![s.to_string()];
        let days: Vec<(u32, Vec<String>, bool)> = (1..=7)
            .map(|wd| (wd, if wd <= 5 { h("08:30-20:00") } else { vec![] }, false))
            .collect();
        assert_eq!(
            week_summary(&days),
            Some(vec![(1, 5, h("08:30-20:00")), (6, 7, vec![])])
        );
        let always: Vec<(u32, Vec<String>, bool)> =
            (1..=7).map(|wd| (wd, h("00:00-24:00"), false)).collect();
        assert_eq!(week_summary(&always), None);
        // A holiday in the coming week does not break the regular pattern.
        let mut with_holiday = days.clone();
        with_holiday[2] = (3, vec![], true);
        assert_eq!(
            week_summary(&with_holiday),
            Some(vec![
                (1, 2, h("08:30-20:00")),
                (4, 5, h("08:30-20:00")),
                (6, 7, vec![])
            ])
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whereabouts_read_one_way() {
        let p = |lat, lng| Whereabouts::from_query(lat, lng, None);
        assert_eq!(
            p(Some(36.8), Some(118.05)),
            Ok(Whereabouts::Position(LatLng {
                lat: 36.8,
                lng: 118.05
            }))
        );
        assert_eq!(p(None, None), Ok(Whereabouts::Unknown));
        // One coordinate without the other, or out of range, says what is wrong.
        assert_eq!(
            p(Some(36.8), None).unwrap_err().key,
            "stations.point_incomplete"
        );
        assert_eq!(
            p(Some(91.0), Some(1.0)).unwrap_err().key,
            "stations.lat_range"
        );
        assert!(p(Some(f64::NAN), Some(1.0)).is_err());
        // A position wins over a place; a blank place is none; a long one is refused.
        let both = Whereabouts::from_query(Some(1.0), Some(2.0), Some("站"));
        assert!(matches!(both, Ok(Whereabouts::Position(_))));
        assert_eq!(
            Whereabouts::from_query(None, None, Some("  ")),
            Ok(Whereabouts::Unknown)
        );
        let long = "站".repeat(MAX_NEAR_CHARS + 1);
        assert_eq!(
            Whereabouts::from_query(None, None, Some(&long))
                .unwrap_err()
                .key,
            "stations.place_too_long"
        );
        let max = "站".repeat(MAX_NEAR_CHARS);
        assert!(Whereabouts::from_query(None, None, Some(&max)).is_ok());
    }

    #[test]
    fn whereabouts_resolve_places_among_the_stations() {
        let stations = vec![
            named(
                1,
                "车站街道党群服务中心",
                "华光路1号",
                "东方社区",
                "车站街道",
            ),
            named(2, "杏园驿站", "共青团路9号", "杏园社区", "和平街道"),
        ];
        let w = Whereabouts::from_query(None, None, Some(" 杏园 ")).unwrap();
        assert_eq!(w.place(), Some("杏园"));
        let found = w.resolve(&stations).unwrap().unwrap();
        assert_eq!(found.landmark.map(|s| s.id), Some(2));
        assert_eq!(
            found.point,
            LatLng {
                lat: stations[1].lat,
                lng: stations[1].lng
            }
        );
        let missing = Whereabouts::Place("无此地".into()).resolve(&stations);
        assert_eq!(missing.unwrap_err().key, "stations.landmark_missing");
        assert_eq!(Whereabouts::Unknown.resolve(&stations), Ok(None));
        let at = Whereabouts::Position(LatLng { lat: 1.0, lng: 2.0 });
        assert_eq!(at.resolve(&stations).unwrap().unwrap().landmark, None);
    }

    fn named(id: i64, name: &str, address: &str, community: &str, street: &str) -> Station {
        Station {
            id,
            kind: StationKind::Outdoor,
            name: name.into(),
            community_id: id,
            community: community.into(),
            street: street.into(),
            address: address.into(),
            lat: 36.8,
            lng: 118.05,
            amenities: vec![],
            opening_hours: "24/7".into(),
            phone: String::new(),
            verified_on: "2026-11-01".into(),
            follows_workdays: false,
            version: 1,
        }
    }

    #[test]
    fn a_landmark_is_a_name_first_then_an_address_community_or_street() {
        let all = vec![
            named(
                1,
                "和平路口户外劳动者服务驿站",
                "和平路12号",
                "和平社区",
                "车站街道",
            ),
            named(
                2,
                "和平社区党群服务中心",
                "共青团路8号",
                "和平社区",
                "车站街道",
            ),
            named(3, "人民公园", "人民西路3号", "公园社区", "公园街道"),
            named(4, "东门驿站", "金晶大道66号", "东门社区", "公园街道"),
        ];
        let id = |q: &str| landmark(&all, q).map(|s| s.id);
        assert_eq!(id("人民公园"), Some(3));
        // The shortest name containing it wins over a longer one.
        assert_eq!(id("和平"), Some(2));
        assert_eq!(id("金晶大道"), Some(4));
        assert_eq!(id("公园街道"), Some(3));
        assert_eq!(id("东门社区"), Some(4));
        assert_eq!(id("火星"), None);
        // One character is too vague to guess from.
        assert_eq!(id("和"), None);
        assert_eq!(id("  "), None);
    }

    #[test]
    fn kinds_and_amenities_round_trip_their_codes() {
        for k in StationKind::ALL {
            assert_eq!(StationKind::parse(k.code()), Some(k));
        }
        for a in Amenity::ALL {
            assert_eq!(Amenity::parse(a.code()), Some(a));
        }
        assert_eq!(StationKind::parse("bar"), None);
    }

    #[test]
    fn amenity_sets_are_stored_canonically() {
        let s = Amenity::join(&[Amenity::Toilet, Amenity::Water, Amenity::Toilet]);
        assert_eq!(s, "water,toilet");
        assert_eq!(
            Amenity::split(&s).unwrap(),
            vec![Amenity::Water, Amenity::Toilet]
        );
        assert_eq!(Amenity::split("").unwrap(), vec![]);
        assert!(Amenity::split("water,sauna")
            .unwrap_err()
            .zh()
            .contains("sauna"));
    }

    #[test]
    fn station_phones_are_checked() {
        assert_eq!(
            parse_station_phone(" 0533-2345678 ").unwrap(),
            "0533-2345678"
        );
        assert_eq!(parse_station_phone("").unwrap(), "");
        assert!(parse_station_phone("12345").is_err());
        assert!(parse_station_phone("call me").is_err());
    }

    #[test]
    fn coordinates_out_of_range_are_refused_in_chinese() {
        assert!(LatLng::new(91.0, 0.0).unwrap_err().zh().contains("纬度"));
        assert!(LatLng::new(0.0, 181.0).unwrap_err().zh().contains("经度"));
        assert!(LatLng::new(f64::NAN, 0.0).is_err());
        assert!(LatLng::new(36.8, 118.05).is_ok());
    }

    #[test]
    fn distance_matches_known_values() {
        // One degree of latitude is about 111.2 km.
        let d = distance_m(
            LatLng {
                lat: 36.0,
                lng: 118.0,
            },
            LatLng {
                lat: 37.0,
                lng: 118.0,
            },
        );
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
        let p = LatLng {
            lat: 36.8,
            lng: 118.05,
        };
        assert_eq!(distance_m(p, p), 0.0);
    }

    #[test]
    fn walking_minutes_round_up_and_the_circle_is_ten_minutes() {
        assert_eq!(walk_minutes(LIFE_CIRCLE_M), 10);
        assert_eq!(walk_minutes(801.0), 11);
        assert_eq!(walk_minutes(0.0), 1);
    }

    fn params(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Vec<String> {
        move |k| {
            pairs
                .iter()
                .filter(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .collect()
        }
    }

    #[test]
    fn nearby_queries_parse_lists_and_repeats() {
        let q = NearbyQuery::parse(params(&[
            ("lat", "36.8"),
            ("lng", "118.05"),
            ("kind", "outdoor,center"),
            ("amenity", "water"),
            ("amenity", "microwave"),
            ("open_now", "1"),
            ("limit", "5"),
        ]))
        .unwrap();
        assert_eq!(
            q.point,
            Some(LatLng {
                lat: 36.8,
                lng: 118.05
            })
        );
        assert_eq!(q.kinds, vec![StationKind::Outdoor, StationKind::Center]);
        assert_eq!(q.amenities, vec![Amenity::Water, Amenity::Microwave]);
        assert!(q.open_now);
        assert_eq!(q.limit, 5);
        let empty = NearbyQuery::parse(params(&[])).unwrap();
        assert_eq!(
            (empty.point, empty.limit, empty.open_now),
            (None, DEFAULT_LIMIT, false)
        );
    }

    #[test]
    fn bad_parameters_say_what_is_wrong_in_chinese() {
        for (bad, needle) in [
            (&[("lat", "91"), ("lng", "118")][..], "纬度"),
            (&[("lat", "abc"), ("lng", "118")][..], "纬度"),
            (&[("lat", "36.8")][..], "同时"),
            (&[("limit", "1000000000")][..], "limit"),
            (&[("limit", "0")][..], "limit"),
            (&[("amenity", "sauna")][..], "sauna"),
            (&[("kind", "castle")][..], "castle"),
            (&[("open_now", "maybe")][..], "open_now"),
        ] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(bad.to_vec().into_boxed_slice());
            let e = NearbyQuery::parse(params(pairs)).unwrap_err();
            assert!(e.zh().contains(needle), "{e}");
        }
    }

    #[test]
    fn status_lines_pick_the_right_words() {
        let s = |open, always, day: Option<i64>| OpenStatus {
            open,
            always,
            change_day: day,
            change_time: day.map(|_| "20:00".into()),
            next_change: None,
        };
        assert_eq!(s(true, true, None).text_key().0, "hours.always");
        assert_eq!(
            s(true, false, Some(0)).text_key(),
            ("hours.open_until", "20:00".into())
        );
        assert_eq!(
            s(false, false, Some(1)).text_key().0,
            "hours.closed_opens_tomorrow"
        );
        assert_eq!(
            s(false, false, None).text_key().0,
            "hours.closed_indefinitely"
        );
    }
}
