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
        // Counted when the cached set was loaded (a change of stations, streets or
        // communities loads it again).
        Ok(state.stations().await?.summary.clone())
    }
    .await;
    crate::reply::read(r, "/")
}

/// Every community with its street, for the pickers on 我的 and 心愿.
#[server(prefix = "/api", endpoint = "communities")]
pub async fn list_communities() -> Result<Vec<crate::stations::model::CommunityOption>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        // From the cached station set (same rows, same order): no query per page.
        Ok(state.stations().await?.community_options())
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

// The pages' views live in the model layer, where the service that builds them can
// name them; they keep their old paths here.
pub use crate::stations::views::{NavLinks, NearbyPage, StationDetail, TileSettings, CITY_CENTRE};

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
    let args = crate::stations::model::NearbyArgs {
        lat,
        lng,
        kind: kind.unwrap_or_default(),
        amenity: amenity.unwrap_or_default(),
        open_now: open_now.unwrap_or(false),
        limit,
        near,
    };
    let result = async {
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        let tiles = TileSettings::of(&state.config);
        let now = crate::time::now_local();
        crate::stations::service::nearby_page(&set, &args, rider, tiles, now)
    }
    .await;
    crate::reply::page(result)
}

/// One station's page (see [`StationDetail`]).
#[server(prefix = "/api", endpoint = "stations/detail")]
pub async fn get_station_detail(id: i64) -> Result<StationDetail, AppError> {
    let result: Result<StationDetail, AppError> = async {
        let state = crate::state::app_state()?;
        let caller = crate::accounts::session::current_user().await?;
        let set = state.stations().await?;
        let now = crate::time::now_local();
        let mut detail = crate::stations::service::station_detail(&set, id, caller.as_ref(), now)?;
        // The special dates from today on, in words (said here: a service renders no text).
        detail.specials = set
            .specials_of(id)
            .iter()
            .filter(|sp| sp.to >= now.date())
            .map(crate::stations::hours::api::special_words)
            .collect();
        Ok(detail)
    }
    .await;
    crate::reply::page(result)
}
