//! What the map page, rider mode and a station's page show: the point, the filters as
//! understood, the nearest stations, a station with its week and its navigation links,
//! and the map's tile settings. Plain data shared by the service and the pages.

use serde::{Deserialize, Serialize};

/// What the map page and rider mode show: the point, the filters as understood, the
/// nearest stations that pass them, and the map's tile settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The city's streets, for picking a place without a device position or a map
    /// (each a link: `near=<street>`).
    #[serde(default)]
    pub streets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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

/// One station's page: the station, its status now, its hours for the coming week, and
/// navigation links in the coordinate system each map app expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
