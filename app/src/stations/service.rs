//! The stations as the server answers questions about them: every station with its
//! parsed hours and the spatial index, rebuilt from the database whenever a station or
//! the holiday calendar changes (each write bumps a version row). The database stays
//! the only truth, so any number of server processes answer alike.

use crate::audit::model::Actor;
use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::stations::hours::model::{context, effective, Hours, SpecialHours};
use crate::stations::index::PointIndex;
use crate::stations::model::{
    walk_minutes, Amenity, City, LatLng, NearbyQuery, NearbyStation, OpenStatus, Station,
};
use crate::stations::store;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct StationSet {
    pub stations: Vec<Station>,
    hours: Vec<Option<Hours>>,
    /// Each station's last status, for the minute it was evaluated in (see
    /// [`StationSet::status`]).
    status_memo: Vec<std::sync::Mutex<Option<(NaiveDateTime, OpenStatus)>>>,
    index: PointIndex,
    pub calendar: Calendar,
    /// The city's name, centre and bounds (`None` until it is set up).
    pub city: Option<City>,
    /// Every community's centre: the residential points of the life-circle coverage.
    pub communities: Vec<crate::stations::model::CommunityPoint>,
    /// The home page's overview (streets, communities, stations per kind), counted once
    /// when the set is loaded instead of three `COUNT(*)` queries per visit to home.
    pub summary: crate::stations::model::CitySummary,
    specials: BTreeMap<i64, Vec<SpecialHours>>,
    /// The rider page's offline data, built once per day for this set (a new set, after
    /// any change of a station or the calendar, builds it again).
    offline: std::sync::Mutex<Option<Arc<OfflineStations>>>,
    /// What other features compute from this set once per day (the life-circle coverage),
    /// by type: see [`StationSet::daily`].
    daily: std::sync::Mutex<Vec<(chrono::NaiveDate, Arc<dyn std::any::Any + Send + Sync>)>>,
    /// The stations' indices by street, then name (sorted once per set, not per page).
    street_order: Vec<usize>,
    /// The streets that have stations, in order, each once.
    street_names: Vec<String>,
}

/// The outdoor rest points with their opening spans for [`OFFLINE_DAYS`] days from a
/// local midnight: what the rider page keeps to work without a network.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineStations {
    pub from: chrono::NaiveDate,
    pub days: u32,
    /// Each station's index in the set, and its opening spans (Unix seconds).
    pub stations: Vec<(usize, Vec<(i64, i64)>)>,
}

/// How far ahead the rider page's offline data reaches.
pub const OFFLINE_DAYS: u32 = 7;

impl StationSet {
    pub fn build(stations: Vec<Station>, calendar: Calendar, city: Option<City>) -> Self {
        Self::build_with(stations, calendar, city, Vec::new())
    }

    /// The same, with the stations' special dates folded into their evaluated hours.
    pub fn build_with(
        stations: Vec<Station>,
        calendar: Calendar,
        city: Option<City>,
        specials: Vec<SpecialHours>,
    ) -> Self {
        let ctx = context(&calendar);
        let mut by_station: BTreeMap<i64, Vec<SpecialHours>> = BTreeMap::new();
        for sp in specials {
            by_station.entry(sp.station_id).or_default().push(sp);
        }
        let hours: Vec<Option<Hours>> = stations
            .iter()
            .map(|s| {
                let sp = by_station.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
                Hours::parse(&effective(&s.opening_hours, sp), &ctx, s.follows_workdays)
            })
            .collect();
        let index = PointIndex::new(
            stations
                .iter()
                .map(|s| LatLng {
                    lat: s.lat,
                    lng: s.lng,
                })
                .collect(),
        );
        let status_memo = hours.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let mut street_order: Vec<usize> = (0..stations.len()).collect();
        street_order.sort_by(|a, b| {
            let (x, y) = (&stations[*a], &stations[*b]);
            (x.street.as_str(), x.name.as_str(), x.id).cmp(&(
                y.street.as_str(),
                y.name.as_str(),
                y.id,
            ))
        });
        let mut street_names: Vec<String> = street_order
            .iter()
            .map(|i| stations[*i].street.clone())
            .filter(|s| !s.is_empty())
            .collect();
        street_names.dedup();
        StationSet {
            street_order,
            street_names,
            stations,
            hours,
            status_memo,
            index,
            calendar,
            city,
            communities: Vec::new(),
            summary: Default::default(),
            specials: by_station,
            offline: std::sync::Mutex::new(None),
            daily: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// `build(self)` for `day`, computed once per day and set and shared by every request
    /// of that day (one value of each type is kept: the newest day's). The coverage page
    /// evaluates every station's week for every community; a new set (any change of a
    /// station or the calendar) computes it again.
    pub fn daily<T: std::any::Any + Send + Sync>(
        &self,
        day: chrono::NaiveDate,
        build: impl FnOnce(&Self) -> T,
    ) -> Arc<T> {
        let kept = |v: &Vec<(chrono::NaiveDate, Arc<dyn std::any::Any + Send + Sync>)>| {
            v.iter()
                .filter(|(d, _)| *d == day)
                .find_map(|(_, a)| a.clone().downcast::<T>().ok())
        };
        if let Some(t) = self.daily.lock().ok().as_deref().and_then(kept) {
            return t;
        }
        let built = Arc::new(build(self));
        if let Ok(mut g) = self.daily.lock() {
            g.retain(|(_, a)| !a.is::<T>());
            g.push((day, built.clone()));
        }
        built
    }

    /// A station's special dates (all of them, oldest first).
    pub fn specials_of(&self, station_id: i64) -> &[SpecialHours] {
        self.specials
            .get(&station_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The rider page's offline data from the local midnight of `today`: the outdoor
    /// rest points whose hours are known, each with its opening spans. Built once per
    /// day and set; every request of that day shares it.
    pub fn offline(&self, today: chrono::NaiveDate) -> Arc<OfflineStations> {
        if let Ok(g) = self.offline.lock() {
            if let Some(o) = g.as_ref().filter(|o| o.from == today) {
                return o.clone();
            }
        }
        let stations = self
            .stations
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == crate::stations::model::StationKind::Outdoor)
            .filter_map(|(i, _)| {
                let h = self.hours.get(i)?.as_ref()?;
                Some((i, h.open_spans(&self.calendar, today, OFFLINE_DAYS)))
            })
            .collect();
        let built = Arc::new(OfflineStations {
            from: today,
            days: OFFLINE_DAYS,
            stations,
        });
        if let Ok(mut g) = self.offline.lock() {
            *g = Some(built.clone());
        }
        built
    }

    /// The same, with the home page's overview.
    pub fn with_summary(mut self, summary: crate::stations::model::CitySummary) -> Self {
        self.summary = summary;
        self
    }

    /// The same, with the communities' points (for the coverage).
    pub fn with_communities(mut self, c: Vec<crate::stations::model::CommunityPoint>) -> Self {
        self.communities = c;
        self
    }

    /// Every station within `radius_m` of `from`, with its distance.
    pub fn within(&self, from: LatLng, radius_m: f64) -> Vec<(usize, f64)> {
        self.index.within(from, radius_m)
    }

    /// The nearest station that passes `keep`, with its distance.
    pub fn nearest_where(
        &self,
        from: LatLng,
        keep: impl FnMut(usize) -> bool,
    ) -> Option<(usize, f64)> {
        self.index.nearest(from, 1, keep).into_iter().next()
    }

    /// Station `i`'s status at `at`, evaluated at the start of `at`'s minute (hours change
    /// on whole minutes only, so the answer is the same for every second of it) and kept
    /// for that minute: evaluating opening hours was over half of the time the nearest
    /// query took, and every rider asking within a minute asks the same of the same
    /// stations.
    pub fn status(&self, i: usize, at: NaiveDateTime) -> Option<OpenStatus> {
        use chrono::Timelike;
        let h = self.hours.get(i)?.as_ref()?;
        let minute = at
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(at);
        let memo = self.status_memo.get(i)?;
        if let Some((t, s)) = memo.lock().ok().as_deref().and_then(Option::as_ref) {
            if *t == minute {
                return Some(s.clone());
            }
        }
        let s = h.status_at(&self.calendar, minute);
        if let Ok(mut g) = memo.lock() {
            *g = Some((minute, s.clone()));
        }
        Some(s)
    }

    pub fn hours(&self, i: usize) -> Option<&Hours> {
        self.hours.get(i)?.as_ref()
    }

    fn admits(&self, q: &NearbyQuery, i: usize, at: NaiveDateTime) -> bool {
        q.admits(&self.stations[i]) && (!q.open_now || self.status(i, at).is_some_and(|s| s.open))
    }

    /// The nearest stations that pass every filter, nearest first.
    pub fn nearest(&self, from: LatLng, q: &NearbyQuery, at: NaiveDateTime) -> Vec<NearbyStation> {
        self.index
            .nearest(from, q.limit, |i| self.admits(q, i, at))
            .into_iter()
            .map(|(i, d)| NearbyStation {
                station: self.stations[i].clone(),
                distance_m: d.round(),
                walk_minutes: walk_minutes(d),
                status: self.status(i, at),
            })
            .collect()
    }

    /// The stations that pass the filters with no point to measure from: by street, the
    /// open ones first in each street, then by name; at most `q.limit`.
    pub fn by_street(&self, q: &NearbyQuery, at: NaiveDateTime) -> Vec<NearbyStation> {
        let mut out: Vec<NearbyStation> = Vec::new();
        let mut closed: Vec<NearbyStation> = Vec::new();
        let mut street: Option<&str> = None;
        for &i in &self.street_order {
            let s = &self.stations[i];
            if street != Some(s.street.as_str()) {
                // A street ends: its closed stations after its open ones.
                out.append(&mut closed);
                if out.len() >= q.limit {
                    break;
                }
                street = Some(s.street.as_str());
            }
            if !self.admits(q, i, at) {
                continue;
            }
            let status = self.status(i, at);
            let n = NearbyStation {
                station: s.clone(),
                distance_m: 0.0,
                walk_minutes: 0,
                status: status.clone(),
            };
            if status.is_some_and(|s| s.open) {
                out.push(n);
            } else {
                closed.push(n);
            }
        }
        out.append(&mut closed);
        out.truncate(q.limit);
        out
    }

    /// The streets that have stations, in order, each once.
    pub fn streets(&self) -> Vec<String> {
        self.street_names.clone()
    }

    /// Every station that passes the filters (no point needed), in id order.
    pub fn filtered(&self, q: &NearbyQuery, at: NaiveDateTime) -> Vec<(usize, Option<OpenStatus>)> {
        (0..self.stations.len())
            .filter(|i| self.admits(q, *i, at))
            .map(|i| (i, self.status(i, at)))
            .collect()
    }

    /// Every community for a picker, by street then id (what `store::communities` reads).
    pub fn community_options(&self) -> Vec<crate::stations::model::CommunityOption> {
        self.communities
            .iter()
            .map(|c| crate::stations::model::CommunityOption {
                id: c.id,
                name: c.name.clone(),
                street: c.street.clone(),
            })
            .collect()
    }

    /// A community's 党群服务中心 (the first by id), as `SELECT id FROM stations WHERE
    /// community_id = $1 AND kind = 'center'` would find it: the desk's centre, without
    /// a query per page.
    pub fn center_of(&self, community_id: i64) -> Option<&Station> {
        self.stations.iter().find(|s| {
            s.community_id == community_id && s.kind == crate::stations::model::StationKind::Center
        })
    }

    pub fn get(&self, id: i64) -> Option<&Station> {
        self.position(id).map(|i| &self.stations[i])
    }

    pub fn position(&self, id: i64) -> Option<usize> {
        self.stations.binary_search_by_key(&id, |s| s.id).ok()
    }
}

/// Per-process cache of the [`StationSet`], checked against the database's versions (the
/// stations' and the holiday calendar's) as [`crate::cache::VersionedCache::get_checked`]
/// says: after this process's writes at once, others' within a second.
pub type StationCache = crate::cache::VersionedCache<(i64, i64), StationSet>;

/// The stations as of now: from the cache, rebuilt if a station or the calendar changed.
pub async fn stations(cache: &StationCache, db: &Db) -> Result<Arc<StationSet>, sqlx::Error> {
    cache
        .get_checked(
            db.commits(),
            || store::versions(db),
            || async move {
                let stations = store::all_stations(db).await?;
                let calendar = crate::calendar::store::load(db).await?;
                let city = crate::stations::city::store::city(db).await?;
                let communities = store::community_points(db).await?;
                let specials = crate::stations::hours::store::special_hours_all(db).await?;
                let name = city.as_ref().map(|c| c.name.clone()).unwrap_or_default();
                let summary = store::summary(db, &name).await?;
                Ok(StationSet::build_with(stations, calendar, city, specials)
                    .with_communities(communities)
                    .with_summary(summary))
            },
        )
        .await
}

/// Saves what staff keep true about a station (phone, amenities, the day it was checked)
/// with its audit record, in one transaction; false if someone saved first.
pub async fn update_station(
    db: &Db,
    actor_id: i64,
    before: &Station,
    phone: &str,
    amenities: &[Amenity],
    verified_on: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    if !store::update_station(&mut tx, before, phone, amenities, verified_on, now).await? {
        return Ok(false);
    }
    let b = serde_json::json!({ "phone": before.phone, "amenities": Amenity::join(&before.amenities), "verified_on": before.verified_on });
    let a = serde_json::json!({ "phone": phone, "amenities": Amenity::join(amenities), "verified_on": verified_on });
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor_id,
            community_id: Some(before.community_id),
        },
        "update_station",
        &format!("station:{}", before.id),
        Some(b),
        Some(a),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The map page's and the rider page's answer (`rider`: open outdoor rest points, five
/// of them): the filters as understood, the point (the one given, else the station a
/// landmark names, else the city's centre) and the nearest stations that pass, at `now`.
pub fn nearby_page(
    set: &StationSet,
    args: &crate::stations::model::NearbyArgs,
    rider: bool,
    tiles: crate::stations::views::TileSettings,
    now: NaiveDateTime,
) -> Result<crate::stations::views::NearbyPage, AppError> {
    use crate::stations::model::StationKind;
    let mut query = NearbyQuery::from_args(args).map_err(AppError::BadRequest)?;
    if rider {
        query.kinds = vec![StationKind::Outdoor];
        query.open_now = true;
        query.limit = 5;
    }
    // A position given wins; else a landmark the visitor named (a place that names no
    // station leaves the point unset, and the page says it found nothing).
    let whereabouts =
        crate::stations::model::Whereabouts::from_query(args.lat, args.lng, args.near.as_deref())
            .map_err(AppError::BadRequest)?;
    let near = whereabouts.place().unwrap_or_default().to_string();
    let found = whereabouts.resolve(&set.stations).ok().flatten();
    query.point = found.map(|l| l.point);
    let near_found = found.and_then(|l| l.landmark).map(|s| s.name.clone());
    let located = query.point.is_some();
    // Without a point the map opens on the city's centre; the pages then show no
    // distances (they are never measured silently from there), and the rider page
    // lists nothing until it knows where the rider is.
    let point = query
        .point
        .or_else(|| set.city.as_ref().map(|c| c.center))
        .unwrap_or(crate::stations::views::CITY_CENTRE);
    // Without a point nothing is measured: the map lists the stations by street, open
    // ones first in each street (not "nearest the city centre", an order no visitor asked
    // for); the rider page lists nothing until it knows where the rider is.
    let results = if located {
        set.nearest(point, &query, now)
    } else if rider {
        Vec::new()
    } else {
        set.by_street(&query, now)
    };
    Ok(crate::stations::views::NearbyPage {
        query,
        point,
        located,
        near,
        near_found,
        results,
        tiles,
        streets: set.streets(),
    })
}

/// One station's page at `now`: the station, its status, its hours for the coming week
/// (with each day's special note or holiday), its navigation links, and whether
/// `caller` keeps its data. `specials` is left empty: the caller says them in words.
pub fn station_detail(
    set: &StationSet,
    id: i64,
    caller: Option<&crate::accounts::model::CurrentUser>,
    now: NaiveDateTime,
) -> Result<crate::stations::views::StationDetail, AppError> {
    use chrono::Datelike;
    let i = set
        .position(id)
        .ok_or_else(|| AppError::NotFound(Msg::new("stations.what_station")))?;
    let station = set.stations[i].clone();
    let week = (0..7)
        .map(|k| {
            let d = now.date() + chrono::Duration::days(k);
            let special = set
                .specials_of(id)
                .iter()
                .rev()
                .find(|sp| sp.from <= d && d <= sp.to)
                .map(|sp| sp.note.clone())
                .or_else(|| set.calendar.get(d).map(|s| s.name.clone()));
            let iv = set
                .hours(i)
                .map(|h| h.intervals_on(&set.calendar, d))
                .unwrap_or_default();
            (
                d.format("%m-%d").to_string(),
                d.weekday().number_from_monday(),
                special,
                iv,
            )
        })
        .collect();
    let nav =
        crate::stations::views::NavLinks::for_station(station.lat, station.lng, &station.name);
    let may_edit = caller.is_some_and(|u| u.may_act_in(station.community_id));
    Ok(crate::stations::views::StationDetail {
        status: set.status(i, now),
        station,
        week,
        nav,
        specials: Vec::new(),
        may_edit,
    })
}
