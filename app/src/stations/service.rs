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
use std::sync::Arc;

pub struct StationSet {
    pub stations: Vec<Station>,
    hours: Vec<Option<Hours>>,
    index: PointIndex,
    pub calendar: Calendar,
}

impl StationSet {
    pub fn build(stations: Vec<Station>, calendar: Calendar) -> Self {
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

/// Per-process cache of the [`StationSet`], checked against the database's versions (the
/// stations' and the holiday calendar's) on every use.
pub type StationCache = crate::cache::VersionedCache<(i64, i64), StationSet>;

/// The stations as of now: from the cache, rebuilt if a station or the calendar changed.
pub async fn stations(cache: &StationCache, db: &Db) -> Result<Arc<StationSet>, sqlx::Error> {
    let versions = store::versions(db).await?;
    cache
        .get(versions, || async move {
            let stations = store::all_stations(db).await?;
            let calendar = crate::calendar::store::load(db).await?;
            Ok(StationSet::build(stations, calendar))
        })
        .await
}
