//! What the import pages show: an uploaded file's check (every problem with its row,
//! column and reason) and what applying it does. Plain data shared by the server
//! functions and the pages.

use serde::{Deserialize, Serialize};

/// Something wrong with one cell of an imported file (or the whole row: `column`
/// empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    /// Why, as a message (rendered in the reader's language by the page).
    pub reason: crate::message::Msg,
}

/// What applying an import did (or would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_streets: usize,
    pub new_communities: usize,
}

/// An uploaded file, checked: what it holds, what is wrong, what applying would do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    /// The encoding the text was read in and the coordinates' datum, as codes.
    pub encoding: String,
    pub datum: String,
    pub uploaded_at: String,
    /// The file as a whole could not be read (a missing column, a broken row).
    pub error: Option<crate::message::Msg>,
    /// Rows that passed every check.
    pub rows_ok: usize,
    pub problems: Vec<Problem>,
    pub more_problems: usize,
    /// Rows that would give a community a second 党群服务中心: (row, community).
    pub clashes: Vec<(usize, String)>,
    pub counts: ImportCounts,
    /// When it was applied (`YYYY-MM-DD HH:MM`), and what that did.
    pub applied_at: Option<String>,
    pub result: Option<ImportCounts>,
}

impl ImportReport {
    /// Whether the file may be applied: read, every row good, not yet applied.
    pub fn may_apply(&self) -> bool {
        self.error.is_none()
            && self.problems.is_empty()
            && self.more_problems == 0
            && self.clashes.is_empty()
            && self.rows_ok > 0
            && self.applied_at.is_none()
    }
}

/// One line of the list of recent uploads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportLine {
    pub id: i64,
    pub file_name: String,
    pub uploaded_at: String,
    pub applied_at: Option<String>,
}

/// The life-circle coverage as the back office shows it (see `stations::coverage`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoverageView {
    pub communities: usize,
    /// The Monday of the week whose hours are evaluated (`YYYY-MM-DD`).
    pub week_of: String,
    /// `(kind code, communities with one within 10 minutes)`.
    pub by_kind: Vec<(String, usize)>,
    /// `(amenity code, communities with one within 10 minutes)`.
    pub by_amenity: Vec<(String, usize)>,
    /// `[weekday 0–6][hour 0–23]`: communities with a station of the chosen kind open at
    /// half past the hour within 10 minutes.
    pub open_hours: Vec<Vec<usize>>,
    /// The kind the hours are about.
    pub kind: String,
    pub gaps: Vec<CoverageGap>,
    pub center: (f64, f64),
}

/// A community with some kind of station farther than 10 minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageGap {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub lat: f64,
    pub lng: f64,
    /// `(kind code, metres to the nearest, or None when the city has none)`.
    pub missing: Vec<(String, Option<f64>)>,
}

impl CoverageView {
    pub fn percent(&self, n: usize) -> u32 {
        if self.communities == 0 {
            0
        } else {
            ((n as f64) * 100.0 / self.communities as f64).round() as u32
        }
    }
}

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

/// One day of the hours editor's preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewDay {
    /// `MM-DD`.
    pub date: String,
    /// 1–7, Monday first.
    pub weekday: u32,
    /// A public holiday's or make-up workday's name, or the station's special note.
    pub note: Option<String>,
    pub intervals: Vec<String>,
}

/// A special date range as the hours editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialLine {
    pub id: i64,
    pub words: String,
}

/// The hours editor (`/station/:id/hours`, see `stations::api_hours`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursForm {
    pub station_id: i64,
    pub name: String,
    pub community: String,
    pub version: i64,
    /// What the form holds: the proposal being previewed, else the saved hours.
    pub hours: String,
    pub follows_workdays: bool,
    /// Whether `hours` is a proposal (not yet saved).
    pub proposed: bool,
    /// Why the proposal cannot be evaluated (then there is no preview).
    pub error: Option<crate::message::Msg>,
    pub preview: Vec<PreviewDay>,
    pub specials: Vec<SpecialLine>,
}

/// The days the hours editor shows ahead.
pub const PREVIEW_DAYS: i64 = 14;
