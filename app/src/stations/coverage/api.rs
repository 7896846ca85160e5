//! The life-circle coverage for staff and admins (`/admin/coverage`): shares by kind
//! and amenity, hour by hour through the week, and the communities with gaps, listed
//! and drawn on a map. Computed on each request from the cached stations' R-tree (see
//! `stations::coverage`); the CSV of the gaps is `/api/v1/coverage.csv`.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use crate::stations::api::TileSettings;
use crate::stations::coverage::views::CoverageView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoveragePage {
    pub view: CoverageView,
    pub tiles: TileSettings,
}

/// The coverage in the week of today, the hours about `kind` (default: outdoor rest
/// points, the riders' and the elderly's question).
#[cfg(feature = "ssr")]
pub async fn coverage_view(
    state: &crate::state::AppState,
    kind: Option<&str>,
) -> Result<CoverageView, AppError> {
    use crate::stations::model::{Amenity, StationKind};
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => StationKind::Outdoor,
        Some(k) => {
            StationKind::parse(k).ok_or_else(|| AppError::bad(Msg::new("coverage.bad_kind")))?
        }
    };
    let set = state.stations().await?;
    let today = crate::time::today_local();
    let c = set.daily(today, |s| {
        crate::stations::coverage::service::compute(s, today)
    });
    let k = StationKind::ALL
        .iter()
        .position(|x| *x == kind)
        .unwrap_or(0);
    let gaps = c
        .communities
        .iter()
        .filter(|cc| !cc.gaps().is_empty())
        .map(|cc| crate::stations::coverage::views::CoverageGap {
            id: cc.id,
            name: cc.name.clone(),
            street: cc.street.clone(),
            lat: cc.lat,
            lng: cc.lng,
            missing: StationKind::ALL
                .iter()
                .zip(&cc.by_kind)
                .filter(|(_, d)| {
                    !crate::stations::coverage::service::CommunityCoverage::covered(**d)
                })
                .map(|(k, d)| (k.code().to_string(), *d))
                .collect(),
        })
        .collect();
    Ok(CoverageView {
        communities: c.total(),
        week_of: crate::time::ymd(c.week_of),
        by_kind: StationKind::ALL
            .iter()
            .zip(&c.kind_covered)
            .map(|(k, n)| (k.code().to_string(), *n))
            .collect(),
        by_amenity: Amenity::ALL
            .iter()
            .zip(&c.amenity_covered)
            .map(|(a, n)| (a.code().to_string(), *n))
            .collect(),
        open_hours: c
            .open_covered
            .iter()
            .map(|day| day.iter().map(|h| h[k]).collect())
            .collect(),
        kind: kind.code().to_string(),
        gaps,
        center: set
            .city
            .as_ref()
            .map(|c| (c.center.lat, c.center.lng))
            .unwrap_or((
                crate::stations::api::CITY_CENTRE.lat,
                crate::stations::api::CITY_CENTRE.lng,
            )),
    })
}

/// Where the coverage map fetches its markers (`?kind=`): the page itself stays small
/// (every gap inline was 40 KB of a 77 KB page), and the list below the map is paged.
pub const GAPS_JSON_PATH: &str = "/api/v1/coverage/gaps.json";

/// One gap as the map draws it (`public/map.js`: name, position, status, link).
#[cfg(feature = "ssr")]
#[derive(Serialize)]
struct GapMarker {
    kind: &'static str,
    name: String,
    lat: f64,
    lng: f64,
    open: bool,
    status: String,
    url: String,
}

/// Every gap of `v` as the map's markers, in the reader's language: a JSON array.
#[cfg(feature = "ssr")]
pub fn gap_markers(v: &CoverageView) -> Result<String, AppError> {
    use crate::i18n::{tr, tr_args};
    use crate::stations::model::StationKind;
    // Each kind's name once, not once per gap.
    let names: Vec<(&'static str, String)> = StationKind::ALL
        .iter()
        .map(|k| (k.code(), tr(k.label_key())))
        .collect();
    let name_of = |code: &str| {
        names
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.as_str())
            .unwrap_or_default()
    };
    let sep = tr("common.list_sep");
    let markers: Vec<GapMarker> = v
        .gaps
        .iter()
        .map(|g| {
            let missing: Vec<&str> = g.missing.iter().map(|(k, _)| name_of(k)).collect();
            GapMarker {
                kind: "gap",
                name: format!("{} · {}", g.street, g.name),
                lat: g.lat,
                lng: g.lng,
                open: true,
                status: tr_args("coverage.missing", &[("kinds", missing.join(&sep))]),
                url: format!("/map?lat={:.6}&lng={:.6}", g.lat, g.lng),
            }
        })
        .collect();
    serde_json::to_string(&markers).map_err(AppError::internal)
}

#[server(prefix = "/api", endpoint = "admin/coverage")]
pub async fn get_coverage(kind: Option<String>) -> Result<CoveragePage, AppError> {
    let r = async {
        crate::accounts::session::require_staff().await?;
        let state = crate::state::app_state()?;
        Ok(CoveragePage {
            view: coverage_view(&state, kind.as_deref()).await?,
            tiles: TileSettings::of(&state.config),
        })
    }
    .await;
    crate::reply::read(r, "/admin/coverage")
}
