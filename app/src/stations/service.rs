//! The stations as the server answers questions about them: every station with its
//! parsed hours and the spatial index, rebuilt from the database whenever a station or
//! the holiday calendar changes (each write bumps a version row). The database stays
//! the only truth, so any number of server processes answer alike.

use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::stations::hours::{context, Hours};
use crate::stations::index::PointIndex;
use crate::stations::model::{
    walk_minutes, LatLng, NearbyQuery, NearbyStation, OpenStatus, Station,
};
use crate::stations::store;
use chrono::NaiveDateTime;
use std::sync::{Arc, RwLock};

pub struct StationSet {
    versions: (i64, i64),
    pub stations: Vec<Station>,
    hours: Vec<Option<Hours>>,
    index: PointIndex,
    pub calendar: Calendar,
}

impl StationSet {
    pub fn build(stations: Vec<Station>, calendar: Calendar, versions: (i64, i64)) -> Self {
        let ctx = context(&calendar);
        let hours = stations
            .iter()
            .map(|s| Hours::parse(&s.opening_hours, &ctx, s.follows_workdays))
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
        StationSet {
            versions,
            stations,
            hours,
            index,
            calendar,
        }
    }

    pub fn status(&self, i: usize, at: NaiveDateTime) -> Option<OpenStatus> {
        self.hours
            .get(i)?
            .as_ref()
            .map(|h| h.status_at(&self.calendar, at))
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

    /// Every station that passes the filters (no point needed), in id order.
    pub fn filtered(&self, q: &NearbyQuery, at: NaiveDateTime) -> Vec<(usize, Option<OpenStatus>)> {
        (0..self.stations.len())
            .filter(|i| self.admits(q, *i, at))
            .map(|i| (i, self.status(i, at)))
            .collect()
    }

    pub fn position(&self, id: i64) -> Option<usize> {
        self.stations.binary_search_by_key(&id, |s| s.id).ok()
    }
}

/// Per-process cache of the [`StationSet`], checked against the database's versions on
/// every use.
#[derive(Clone, Default)]
pub struct StationCache(Arc<RwLock<Option<Arc<StationSet>>>>);

impl std::fmt::Debug for StationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StationCache")
    }
}

impl StationCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<StationSet>, sqlx::Error> {
        let versions = store::versions(db).await?;
        if let Ok(guard) = self.0.read() {
            if let Some(set) = guard.as_ref().filter(|s| s.versions == versions) {
                return Ok(set.clone());
            }
        }
        let stations = store::all_stations(db).await?;
        let calendar = crate::calendar::store::load(db).await?;
        let set = Arc::new(StationSet::build(stations, calendar, versions));
        if let Ok(mut guard) = self.0.write() {
            *guard = Some(set.clone());
        }
        Ok(set)
    }
}
