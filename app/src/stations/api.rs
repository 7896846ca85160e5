//! Server functions for stations. Thin: read the state, call the store, map errors.
// `get_nearby` takes each query parameter of the map and rider pages as its own
// argument (eight); the server-function macro's generated code carries the count.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use crate::stations::model::CitySummary;
use leptos::prelude::*;

/// The overview shown on the home page.
#[server(prefix = "/api", endpoint = "stations/summary")]
pub async fn get_city_summary() -> Result<CitySummary, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        let city = set.city.as_ref().map(|c| c.name.as_str()).unwrap_or("");
        Ok(crate::stations::store::summary(&state.db, city).await?)
    }
    .await;
    crate::reply::read(r, "/")
}

/// Every community with its street, for the pickers on 我的 and 心愿.
#[server(prefix = "/api", endpoint = "communities")]
pub async fn list_communities() -> Result<Vec<crate::stations::model::CommunityOption>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        Ok(crate::stations::store::communities(&state.db).await?)
    }
    .await;
    crate::reply::read(r, "/")
}

/// Staff keep their community's station data true: the phone number and the amenities,
/// and the date they checked it on site (today, Asia/Shanghai). Staff act only in their
/// own community; admins anywhere. Recorded in the audit log with before and after.
#[server(prefix = "/api", endpoint = "stations/update")]
pub async fn update_station(
    station_id: i64,
    phone: String,
    amenities: String,
    version: i64,
) -> Result<crate::stations::model::Station, AppError> {
    use crate::stations::model::{parse_station_phone, Amenity};
    let back = format!("/station/{station_id}");
    let result = async {
        let state = crate::state::app_state()?;
        let caller = crate::accounts::session::require_user().await?;
        let db = &state.db;
        let mut before = crate::stations::store::station(db, station_id)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("stations.what_station")))?;
        if !caller.may_act_in(before.community_id) {
            return Err(AppError::Forbidden);
        }
        // The edit is checked against the version the form was filled from.
        before.version = version;
        let phone = parse_station_phone(&phone).map_err(AppError::BadRequest)?;
        let amenities = Amenity::split(&amenities).map_err(AppError::BadRequest)?;
        let today = crate::time::today();
        if !crate::stations::service::update_station(
            db,
            caller.id,
            &before,
            &phone,
            &amenities,
            &today,
            crate::time::now_ts(),
        )
        .await?
        {
            return Err(AppError::Conflict(Msg::new("stations.stale")));
        }
        crate::stations::store::station(db, station_id)
            .await?
            .ok_or(AppError::Internal)
    }
    .await;
    crate::reply::reply(result, &back, |_| Some(back.to_string()))
}

/// What the map page and rider mode show: the point, the filters as understood, the
/// nearest stations that pass them, and the map's tile settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NearbyPage {
    pub query: crate::stations::model::NearbyQuery,
    pub point: crate::stations::model::LatLng,
    /// Whether the point came from the visitor (else it is the city centre, and the
    /// pages show no distances).
    pub located: bool,
    /// The landmark searched for (`near`), and the station it was found as (distances
    /// are then from that station); `near_found` is None when nothing matched.
    pub near: String,
    pub near_found: Option<String>,
    pub results: Vec<crate::stations::model::NearbyStation>,
    pub tiles: TileSettings,
}

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TileSettings {
    pub url: String,
    pub attribution: String,
    pub coords: String,
    pub subdomains: String,
}

#[cfg(feature = "ssr")]
impl TileSettings {
    /// The map tiles the city configured.
    pub fn of(config: &crate::config::Config) -> Self {
        let t = &config.tiles;
        TileSettings {
            url: t.url.clone(),
            attribution: t.attribution.clone(),
            coords: t.coords.clone(),
            subdomains: t.subdomains.clone(),
        }
    }
}

/// The city centre used until the visitor gives a point (车站街道, 张店区).
/// Where a map opens when the city has not been set up yet: the geographic centre of
/// China (the city's own centre comes from the `city` table).
pub const CITY_CENTRE: crate::stations::model::LatLng = crate::stations::model::LatLng {
    lat: 35.861,
    lng: 104.195,
};

impl crate::stations::model::NearbyArgs {
    /// Calls [`get_nearby`] with these arguments.
    pub async fn run(self, rider: bool) -> Result<NearbyPage, AppError> {
        get_nearby(
            self.lat,
            self.lng,
            Some(self.kind),
            Some(self.amenity),
            Some(self.open_now),
            self.limit,
            self.near,
            rider,
        )
        .await
    }
}

/// The nearest stations for the map (`rider = false`) and the rider page (`rider =
/// true`: open outdoor rest points, five of them), from typed arguments (see
/// [`NearbyArgs`](crate::stations::model::NearbyArgs)). Each argument is one query
/// parameter of the page, so they stay separate (the page's address is the API).
#[server(prefix = "/api", endpoint = "stations/nearby")]
pub async fn get_nearby(
    lat: Option<f64>,
    lng: Option<f64>,
    kind: Option<Vec<crate::stations::model::StationKind>>,
    amenity: Option<Vec<crate::stations::model::Amenity>>,
    open_now: Option<bool>,
    limit: Option<usize>,
    near: Option<String>,
    rider: bool,
) -> Result<NearbyPage, AppError> {
    use crate::stations::model::{NearbyArgs, NearbyQuery, StationKind};
    let args = NearbyArgs {
        lat,
        lng,
        kind: kind.unwrap_or_default(),
        amenity: amenity.unwrap_or_default(),
        open_now: open_now.unwrap_or(false),
        limit,
        near: near.clone(),
    };
    let result = async {
        let state = crate::state::app_state()?;
        let mut query = NearbyQuery::from_args(&args).map_err(AppError::BadRequest)?;
        if rider {
            query.kinds = vec![StationKind::Outdoor];
            query.open_now = true;
            query.limit = 5;
        }
        let near = near.map(|n| n.trim().to_string()).unwrap_or_default();
        if near.chars().count() > crate::stations::model::MAX_NEAR_CHARS {
            return Err(AppError::bad(
                Msg::new("stations.place_too_long")
                    .arg("n", crate::stations::model::MAX_NEAR_CHARS),
            ));
        }
        let set = state.stations().await?;
        // A position given wins; else a landmark the visitor named.
        let mut near_found = None;
        if query.point.is_none() && !near.is_empty() {
            if let Some(s) = crate::stations::model::landmark(&set.stations, &near) {
                query.point = Some(crate::stations::model::LatLng {
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
            .unwrap_or(CITY_CENTRE);
        let results = if rider && !located {
            Vec::new()
        } else {
            set.nearest(point, &query, crate::time::now_local())
        };
        let tiles = TileSettings::of(&state.config);
        Ok(NearbyPage {
            query,
            point,
            located,
            near,
            near_found,
            results,
            tiles,
        })
    }
    .await;
    crate::reply::page(result)
}

/// One station's page: the station, its status now, its hours for the coming week, and
/// navigation links in the coordinate system each map app expects.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StationDetail {
    pub station: crate::stations::model::Station,
    pub status: Option<crate::stations::model::OpenStatus>,
    /// (date `MM-DD`, weekday 1–7, holiday or make-up name, intervals) from today.
    pub week: Vec<(String, u32, Option<String>, Vec<String>)>,
    pub nav: NavLinks,
    /// The station's special dates from today on, in words.
    pub specials: Vec<String>,
    /// Whether the caller keeps this station's data (its community's staff, admins).
    pub may_edit: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NavLinks {
    pub amap: String,
    pub baidu: String,
    pub tencent: String,
    pub apple: String,
    pub geo: String,
}

impl NavLinks {
    pub fn for_station(lat: f64, lng: f64, name: &str) -> Self {
        use crate::stations::coords::*;
        NavLinks {
            amap: amap_nav_url(lat, lng, name),
            baidu: baidu_nav_url(lat, lng, name),
            tencent: tencent_nav_url(lat, lng, name),
            apple: apple_maps_url(lat, lng, name),
            geo: geo_uri(lat, lng, name),
        }
    }
}

#[server(prefix = "/api", endpoint = "stations/detail")]
pub async fn get_station_detail(id: i64) -> Result<StationDetail, AppError> {
    let result: Result<StationDetail, AppError> = async {
        use chrono::Datelike;
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        let i = set
            .position(id)
            .ok_or_else(|| AppError::NotFound(Msg::new("stations.what_station")))?;
        let station = set.stations[i].clone();
        let now = crate::time::now_local();
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
        let nav = NavLinks::for_station(station.lat, station.lng, &station.name);
        let specials = set
            .specials_of(id)
            .iter()
            .filter(|sp| sp.to >= now.date())
            .map(crate::stations::api_hours::special_words)
            .collect();
        let may_edit = crate::accounts::session::current_user()
            .await?
            .is_some_and(|u| u.may_act_in(station.community_id));
        Ok(StationDetail {
            status: set.status(i, now),
            station,
            week,
            nav,
            specials,
            may_edit,
        })
    }
    .await;
    crate::reply::page(result)
}
