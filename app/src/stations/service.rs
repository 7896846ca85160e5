//! The stations as the server answers questions about them: every station with its
//! parsed hours and the spatial index, rebuilt from the database whenever a station or
//! the holiday calendar changes (each write bumps a version row). The database stays
//! the only truth, so any number of server processes answer alike.

use crate::audit::model::Actor;
use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::stations::hours::{context, effective, Hours, SpecialHours};
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
    index: PointIndex,
    pub calendar: Calendar,
    /// The city's name, centre and bounds (`None` until it is set up).
    pub city: Option<City>,
    /// Every community's centre: the residential points of the life-circle coverage.
    pub communities: Vec<crate::stations::model::CommunityPoint>,
    specials: BTreeMap<i64, Vec<SpecialHours>>,
}

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
        let hours = stations
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
        StationSet {
            stations,
            hours,
            index,
            calendar,
            city,
            communities: Vec::new(),
            specials: by_station,
        }
    }

    /// A station's special dates (all of them, oldest first).
    pub fn specials_of(&self, station_id: i64) -> &[SpecialHours] {
        self.specials
            .get(&station_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
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
            let city = store::city(db).await?;
            let communities = store::community_points(db).await?;
            let specials = store::special_hours_all(db).await?;
            Ok(StationSet::build_with(stations, calendar, city, specials)
                .with_communities(communities))
        })
        .await
}

/// The largest file accepted for import (10,000 stations in CSV are about 1.5 MB).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// Keeps an uploaded file for its preview: decoded (or refused, with the reason), its
/// format told by its name or its first character. Nothing else is written.
pub async fn upload_import(
    db: &Db,
    actor: crate::audit::model::Actor,
    file_name: &str,
    bytes: &[u8],
    encoding: crate::stations::transfer::Encoding,
    datum: crate::stations::transfer::Datum,
    now: i64,
) -> Result<i64, crate::error::AppError> {
    use crate::error::AppError;
    use crate::stations::transfer::decode;
    if bytes.is_empty() {
        return Err(AppError::bad(Msg::new("transfer.empty")));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(AppError::TooLarge(Msg::new("transfer.too_large")));
    }
    let (text, used) = decode(bytes, encoding).map_err(AppError::BadRequest)?;
    if text.contains('\0') {
        return Err(AppError::bad(Msg::new("transfer.unknown_encoding")));
    }
    let name: String = file_name.chars().take(100).collect();
    let lower = name.to_lowercase();
    let format = if lower.ends_with(".geojson")
        || lower.ends_with(".json")
        || text.trim_start().starts_with('{')
    {
        "geojson"
    } else {
        "csv"
    };
    let mut tx = db.begin_write().await?;
    let id = store::insert_import(
        &mut tx,
        &store::NewImport {
            created_by: actor.id,
            created_at: now,
            file_name: &name,
            format,
            encoding: used.code(),
            datum: datum.code(),
            body: &text,
        },
    )
    .await?;
    crate::audit::store::record_step(
        &mut tx,
        actor,
        "upload_import",
        &format!("import:{id}"),
        None,
        Some(serde_json::json!({ "file": name, "format": format, "encoding": used.code(), "datum": datum.code(), "bytes": bytes.len() })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Reads and checks a stored upload: every row's problems, or the file's one problem.
fn check_import(
    i: &store::StoredImport,
    bounds: Option<crate::stations::model::BBox>,
) -> Result<crate::stations::transfer::Checked, Msg> {
    use crate::stations::transfer::{parse_csv, parse_geojson, Datum};
    let datum = Datum::parse(&i.datum).unwrap_or(Datum::Wgs84);
    let hours = |s: &str| crate::stations::hours::validate(s);
    if i.format == "geojson" {
        parse_geojson(&i.body, datum, bounds, &hours)
    } else {
        parse_csv(&i.body, datum, bounds, &hours)
    }
}

fn time_text(ts: i64) -> String {
    crate::time::local_of(ts)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The preview of an upload: nothing is written.
pub async fn import_report(
    db: &Db,
    id: i64,
    bounds: Option<crate::stations::model::BBox>,
) -> Result<crate::stations::views::ImportReport, crate::error::AppError> {
    use crate::error::AppError;
    let i = store::import_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("transfer.this_import")))?;
    let mut r = crate::stations::views::ImportReport {
        id: i.id,
        file_name: i.file_name.clone(),
        format: i.format.clone(),
        encoding: i.encoding.clone(),
        datum: i.datum.clone(),
        uploaded_at: time_text(i.created_at),
        applied_at: i.applied_at.map(time_text),
        result: serde_json::from_str(&i.result).ok(),
        ..Default::default()
    };
    match check_import(&i, bounds) {
        Err(e) => r.error = Some(e),
        Ok(c) => {
            let (counts, clashes) = store::diff_import(db, &c.rows).await?;
            r.rows_ok = c.rows.len();
            r.problems = c.problems;
            r.more_problems = c.more_problems;
            r.clashes = clashes;
            r.counts = counts;
        }
    }
    Ok(r)
}

/// Applies a checked upload: all rows or none, in one transaction, audited with its
/// counts. A file with any problem is refused (400); one already applied is a 409.
pub async fn apply_import(
    db: &Db,
    id: i64,
    actor: crate::audit::model::Actor,
    bounds: Option<crate::stations::model::BBox>,
    now: i64,
) -> Result<crate::stations::views::ImportCounts, crate::error::AppError> {
    use crate::error::AppError;
    let i = store::import_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("transfer.this_import")))?;
    if i.applied_at.is_some() {
        return Err(AppError::Conflict(Msg::new("transfer.already_applied")));
    }
    let c = check_import(&i, bounds).map_err(AppError::BadRequest)?;
    if !c.ok() || c.rows.is_empty() {
        return Err(AppError::bad(Msg::new("transfer.fix_first")));
    }
    let (_, clashes) = store::diff_import(db, &c.rows).await?;
    if let Some((row, community)) = clashes.first() {
        return Err(AppError::Conflict(
            Msg::new("transfer.centre_clash")
                .arg("row", row)
                .arg("community", community),
        ));
    }
    let mut tx = db.begin_write().await?;
    // The import's row first: of two concurrent applies, one waits and then finds it
    // applied.
    if !store::mark_import_applied(&mut tx, id, actor.id, "", now).await? {
        return Err(AppError::Conflict(Msg::new("transfer.already_applied")));
    }
    let counts = store::apply_import(&mut tx, &c.rows, now).await?;
    let result = serde_json::to_string(&counts).unwrap_or_default();
    store::set_import_result(&mut tx, id, &result).await?;
    crate::audit::store::record_step(
        &mut tx,
        actor,
        "apply_import",
        &format!("import:{id}"),
        None,
        Some(serde_json::json!({ "file": i.file_name, "rows": c.rows.len(), "counts": counts })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

/// Sets the city's name, centre and bounds (the set-up form and `linli city set`),
/// audited with before and after; every process sees it on its next request. `actor`
/// is `None` from the shell.
pub async fn set_city(
    db: &Db,
    actor: Option<crate::audit::model::Actor>,
    city: &City,
    now: i64,
) -> Result<(), sqlx::Error> {
    let before = store::city(db).await?;
    let mut tx = db.begin_write().await?;
    store::set_city(&mut tx, city, now).await?;
    crate::audit::store::record(
        &mut *tx,
        crate::audit::store::AuditRecord {
            actor_id: actor.map(|a| a.id),
            action: "set_city",
            target: "city",
            community_id: None,
            before: before.map(|b| serde_json::json!(b)).as_ref(),
            after: Some(&serde_json::json!(city)),
            at: now,
        },
    )
    .await?;
    tx.commit().await
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

/// Saves a station's regular hours with its audit record (before and after), in one
/// transaction; false if someone saved first.
pub async fn set_station_hours(
    db: &Db,
    actor_id: i64,
    before: &Station,
    hours: &str,
    follows_workdays: bool,
    verified_on: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    if !store::set_station_hours(&mut tx, before, hours, follows_workdays, verified_on, now).await?
    {
        return Ok(false);
    }
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor_id,
            community_id: Some(before.community_id),
        },
        "set_hours",
        &format!("station:{}", before.id),
        Some(serde_json::json!({ "opening_hours": before.opening_hours, "follows_workdays": before.follows_workdays })),
        Some(serde_json::json!({ "opening_hours": hours, "follows_workdays": follows_workdays })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Adds a special date range to a station with its audit record; every process sees it
/// at once.
pub async fn add_special_hours(
    db: &Db,
    actor: Actor,
    station: &Station,
    sp: &crate::stations::hours::SpecialHours,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id = store::add_special_hours(&mut tx, actor.id, station, sp, now).await?;
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor.id,
            community_id: Some(station.community_id),
        },
        "add_special_hours",
        &format!("station:{}", station.id),
        None,
        Some(serde_json::json!({ "from": sp.from, "to": sp.to, "hours": sp.hours.trim(), "note": sp.note.trim() })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a station's special date range with its audit record; false if there was
/// none.
pub async fn delete_special_hours(
    db: &Db,
    actor_id: i64,
    station: &Station,
    id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let Some(before) = store::delete_special_hours(&mut tx, station, id).await? else {
        return Ok(false);
    };
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor_id,
            community_id: Some(station.community_id),
        },
        "delete_special_hours",
        &format!("station:{}", station.id),
        Some(serde_json::json!(before)),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Every station with the external id it was imported under (for the exports, which
/// import back unchanged).
pub async fn stations_with_external_ids(db: &Db) -> Result<Vec<(Station, String)>, AppError> {
    Ok(store::stations_with_external_ids(db).await?)
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
    let near = args
        .near
        .as_deref()
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    if near.chars().count() > crate::stations::model::MAX_NEAR_CHARS {
        return Err(AppError::bad(
            Msg::new("stations.place_too_long").arg("n", crate::stations::model::MAX_NEAR_CHARS),
        ));
    }
    // A position given wins; else a landmark the visitor named.
    let mut near_found = None;
    if query.point.is_none() && !near.is_empty() {
        if let Some(s) = crate::stations::model::landmark(&set.stations, &near) {
            query.point = Some(LatLng {
                lat: s.lat,
                lng: s.lng,
            });
            near_found = Some(s.name.clone());
        }
    }
    let located = query.point.is_some();
    // Without a point the map opens on the city's centre; the pages then show no
    // distances (they are never measured silently from there), and the rider page
    // lists nothing until it knows where the rider is.
    let point = query
        .point
        .or_else(|| set.city.as_ref().map(|c| c.center))
        .unwrap_or(crate::stations::views::CITY_CENTRE);
    let results = if rider && !located {
        Vec::new()
    } else {
        set.nearest(point, &query, now)
    };
    Ok(crate::stations::views::NearbyPage {
        query,
        point,
        located,
        near,
        near_found,
        results,
        tiles,
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

/// The hours editor for station `s` (already checked to be the caller's to keep),
/// previewing `proposed` hours if given (else the saved ones) for the days from `today`
/// as the evaluator sees them. `specials` is left empty: the caller says them in words.
pub fn hours_form(
    set: &StationSet,
    s: &Station,
    proposed: Option<String>,
    follows: Option<bool>,
    today: chrono::NaiveDate,
) -> Result<crate::stations::views::HoursForm, AppError> {
    use crate::stations::views::{HoursForm, PreviewDay, PREVIEW_DAYS};
    use chrono::Datelike;
    let station_id = s.id;
    let proposal = proposed
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    let is_proposal = proposal.is_some();
    let hours = proposal.unwrap_or_else(|| s.opening_hours.clone());
    let follows = if is_proposal {
        follows.unwrap_or(false)
    } else {
        s.follows_workdays
    };
    let specials = set.specials_of(station_id);
    let (error, preview) = match crate::stations::hours::validate(&hours) {
        Err(e) => (Some(e), Vec::new()),
        Ok(()) => {
            let ctx = context(&set.calendar);
            let eff = effective(&hours, specials);
            match Hours::parse(&eff, &ctx, follows) {
                None => (Some(Msg::new("hours.not_evaluable")), Vec::new()),
                Some(h) => (
                    None,
                    (0..PREVIEW_DAYS)
                        .map(|k| {
                            let d = today + chrono::Duration::days(k);
                            PreviewDay {
                                date: d.format("%m-%d").to_string(),
                                weekday: d.weekday().number_from_monday(),
                                note: specials
                                    .iter()
                                    .rev()
                                    .find(|sp| sp.from <= d && d <= sp.to)
                                    .map(|sp| sp.note.clone())
                                    .or_else(|| set.calendar.get(d).map(|c| c.name.clone())),
                                intervals: h.intervals_on(&set.calendar, d),
                            }
                        })
                        .collect(),
                ),
            }
        }
    };
    Ok(HoursForm {
        station_id,
        name: s.name.clone(),
        community: s.community.clone(),
        version: s.version,
        hours,
        follows_workdays: follows,
        proposed: is_proposal,
        error,
        preview,
        specials: Vec::new(),
    })
}
