//! The life-circle pages: the map with its list twin (`/` and `/map`), rider mode
//! (`/rider`) and a station's page (`/station/:id`). Each renders completely on the
//! server from a GET form, so it works without JavaScript; `public/map.js` adds the
//! Leaflet map, "use my location" and tap-to-pick on top.

use crate::i18n::{tr, tr_args};
use crate::pages::home::CityHero;
use crate::pages::not_found::ErrorBox;
use crate::stations::api::{get_station_detail, NearbyPage, StationDetail};
use crate::stations::model::NearbyArgs;
use crate::stations::model::{Amenity, NearbyStation, OpenStatus, StationKind, LIFE_CIRCLE_M};
use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// "约350米" / "约1.2公里".
fn distance_text(m: f64) -> String {
    if m < 1000.0 {
        tr_args(
            "stations.distance_m",
            &[("m", format!("{}", (m / 10.0).round() * 10.0))],
        )
    } else {
        tr_args(
            "stations.distance_km",
            &[("km", format!("{:.1}", m / 1000.0))],
        )
    }
}

#[component]
pub fn StatusLine(status: Option<OpenStatus>) -> impl IntoView {
    match status {
        None => view! { <span class="status unknown">{tr("hours.unknown")}</span> }.into_any(),
        Some(s) => {
            let (key, time) = s.text_key();
            let class = if s.open {
                "status open"
            } else {
                "status closed"
            };
            view! { <span class=class>{tr_args(key, &[("time", time)])}</span> }.into_any()
        }
    }
}

#[component]
pub fn AmenityList(amenities: Vec<Amenity>) -> impl IntoView {
    view! {
        <ul class="amenities" aria-label=tr("stations.amenities")>
            {amenities
                .into_iter()
                .map(|a| view! { <li class=format!("amenity a-{}", a.code())>{tr(a.label_key())}</li> })
                .collect_view()}
        </ul>
    }
}

fn list_item(n: NearbyStation, located: bool) -> impl IntoView {
    let s = n.station;
    let href = format!("/station/{}", s.id);
    view! {
        <li class=format!("station-item kind-{}", s.kind.code())>
            <a class="station-link" href=href>
                <span class="station-name">{s.name.clone()}</span>
                <span class="station-kind">{tr(s.kind.label_key())}</span>
            </a>
            <p class="station-meta">
                // Distances only from a point the visitor gave, never from the city centre.
                {located.then(|| view! {
                    <span class="distance">{distance_text(n.distance_m)}</span>
                    " · "
                    <span class="walk">{tr_args("stations.walk", &[("min", n.walk_minutes.to_string())])}</span>
                    " · "
                })}
                // With no point the list goes by street: each item says its street.
                {(!located && !s.street.is_empty()).then(|| view! {
                    <span class="street">{s.street.clone()}</span>
                    " · "
                })}
                <StatusLine status=n.status.clone() />
            </p>
            <AmenityList amenities=s.amenities.clone() />
        </li>
    }
}

/// The map data for `public/map.js`: inert JSON, with `<` escaped so that no station
/// name can close the script element.
fn stations_json(page: &NearbyPage) -> String {
    let items: Vec<serde_json::Value> = page
        .results
        .iter()
        .map(|n| {
            let (key, time) = n
                .status
                .as_ref()
                .map(|s| s.text_key())
                .unwrap_or(("hours.unknown", String::new()));
            serde_json::json!({
                "id": n.station.id,
                "kind": n.station.kind.code(),
                "name": n.station.name,
                "lat": n.station.lat,
                "lng": n.station.lng,
                "open": n.status.as_ref().is_some_and(|s| s.open),
                "status": tr_args(key, &[("time", time)]),
                "url": format!("/station/{}", n.station.id),
            })
        })
        .collect();
    serde_json::Value::Array(items)
        .to_string()
        .replace('<', "\\u003c")
}

#[component]
fn Filters(page: NearbyPage, action: &'static str, rider: bool) -> impl IntoView {
    let q = page.query.clone();
    let (lat, lng) = if page.located && page.near_found.is_none() {
        (
            format!("{:.6}", page.point.lat),
            format!("{:.6}", page.point.lng),
        )
    } else {
        (String::new(), String::new())
    };
    let amenity_choices: Vec<Amenity> = if rider {
        vec![
            Amenity::Water,
            Amenity::Charging,
            Amenity::Microwave,
            Amenity::Toilet,
        ]
    } else {
        Amenity::ALL.to_vec()
    };
    let filtering = !q.kinds.is_empty() || !q.amenities.is_empty() || q.open_now;
    // What the list is filtered by, said in words ("已筛选：微波炉、充电").
    let chosen: Vec<String> = if rider {
        q.amenities.iter().map(|a| tr(a.label_key())).collect()
    } else {
        q.kinds
            .iter()
            .map(|k| tr(k.label_key()))
            .chain(q.amenities.iter().map(|a| tr(a.label_key())))
            .chain(q.open_now.then(|| tr("stations.open_now")))
            .collect()
    };
    let near = if page.near_found.is_some() {
        page.near.clone()
    } else {
        String::new()
    };
    view! {
        <Origin page=page.clone() action=action />
        <form id="point-form" method="get" action=action class=if rider { "filters rider-filters" } else { "filters" } data-autolocate=rider.then_some("1")
            data-autosubmit="1">
            <input type="hidden" name="lat" value=lat />
            <input type="hidden" name="lng" value=lng />
            <input type="hidden" name="near" value=near />
            <details class="filter-box" open=filtering || rider>
            <summary>{tr("stations.filters")}</summary>
            {(!rider).then(|| view! {
                <fieldset class="chips">
                    <legend>{tr("stations.kinds")}</legend>
                    {StationKind::ALL.into_iter().map(|k| view! {
                        <label class="check">
                            <input type="checkbox" name="kind" value=k.code() checked=q.kinds.contains(&k) />
                            <span>{tr(k.label_key())}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
            })}
            <fieldset class="chips">
                <legend>{tr("stations.amenities")}</legend>
                {amenity_choices.into_iter().map(|a| view! {
                    <label class="check">
                        <input type="checkbox" name="amenity" value=a.code() checked=q.amenities.contains(&a) />
                        <span>{tr(a.label_key())}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            {(!rider).then(|| view! {
                <label class="check">
                    <input type="checkbox" name="open_now" value="1" checked=q.open_now />
                    <span>{tr("stations.open_now")}</span>
                </label>
            })}
            </details>
            <div class="actions">
                <button type="submit" class="button">{tr("stations.apply")}</button>
            </div>
        </form>
        {(!chosen.is_empty()).then(|| view! {
            <p class="filter-echo" role="status">{tr_args("stations.filtered", &[("list", chosen.join(tr("common.list_sep").as_str()))])}</p>
        })}
    }
}

/// Where distances are measured from, said in words, with the ways to set that point:
/// the device's position (a button that needs the script), a landmark or address typed
/// in (a plain GET form), or a tap on the map (the map page).
#[component]
fn Origin(page: NearbyPage, action: &'static str) -> impl IntoView {
    let said = match (&page.near_found, page.located) {
        (Some(name), _) => tr_args("stations.from_landmark", &[("name", name.clone())]),
        (None, true) => tr("stations.from_here"),
        (None, false) => tr("stations.from_nowhere"),
    };
    let missed = (!page.near.is_empty() && page.near_found.is_none()).then(|| page.near.clone());
    let q = page.query.clone();
    let hidden: Vec<(String, String)> = q
        .kinds
        .iter()
        .map(|k| ("kind".to_string(), k.code().to_string()))
        .chain(
            q.amenities
                .iter()
                .map(|a| ("amenity".to_string(), a.code().to_string())),
        )
        .chain(
            q.open_now
                .then(|| ("open_now".to_string(), "1".to_string())),
        )
        .collect();
    view! {
        <section class=if page.located { "origin card" } else { "origin card unlocated" } aria-labelledby="origin-said">
            <p id="origin-said" class="origin-said"><strong>{said}</strong></p>
            {missed.map(|m| view! { <p class="form-error" role="alert">{tr_args("stations.landmark_missing", &[("q", m)])}</p> })}
            <crate::pages::point::PointAsk action=action hidden=hidden near=page.near.clone() streets=page.streets.clone()
                open=!page.located map_link=(action == "/rider").then_some("/map?kind=outdoor") />
        </section>
    }
}

/// The page's query, typed (a value that does not parse is the page's error).
fn nearby_args(q: &leptos_router::params::ParamsMap) -> Result<NearbyArgs, crate::message::Msg> {
    NearbyArgs::parse(|k| q.get_all(k).unwrap_or_default())
}

async fn run_nearby(
    args: Result<NearbyArgs, crate::message::Msg>,
    rider: bool,
) -> Result<NearbyPage, crate::error::AppError> {
    // A query that does not parse is the page's own 400 (as the server function's
    // errors are, through `reply::page`).
    let args = args.map_err(|m| {
        let e = crate::error::AppError::BadRequest(m);
        #[cfg(feature = "ssr")]
        e.set_response_status();
        e
    })?;
    args.run(rider).await
}

#[component]
pub fn MapPage() -> impl IntoView {
    let loc = use_location();
    let q = use_query_map();
    let page = Resource::new(move || nearby_args(&q.read()), |a| run_nearby(a, false));
    view! {
        <Title text=tr("stations.map_title") />
        // Leaflet and its stylesheets come from public/map.js when the map nears the
        // screen (`data-lazy`), not with the page.
        <Link rel="stylesheet" href="/map.css" />
        <CityHero />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(p) => {
                        let located = p.located;
                        let within = p.results.iter().filter(|n| n.distance_m <= LIFE_CIRCLE_M).count();
                        let json = stations_json(&p);
                        let t = p.tiles.clone();
                        let summary = if p.located {
                            tr_args("stations.within_circle", &[("n", within.to_string())])
                        } else {
                            tr("stations.pick_hint")
                        };
                        let search = loc.search.get_untracked();
                        let search = search.trim_start_matches('?');
                        let geojson = if search.is_empty() {
                            "/api/v1/stations".to_string()
                        } else {
                            format!("/api/v1/stations?{search}")
                        };
                        view! {
                            <Filters page=p.clone() action="/map" rider=false />
                            <div id="map" class="map" role="application" data-lazy=""
                                aria-label=tr("stations.map_label")
                                data-tiles=t.url data-attribution=t.attribution data-coords=t.coords
                                data-subdomains=t.subdomains
                                data-lat=format!("{:.6}", p.point.lat) data-lng=format!("{:.6}", p.point.lng)
                                data-radius=LIFE_CIRCLE_M.to_string() data-zoom="15"
                                data-label-here=tr("stations.here") data-label-circle=tr("stations.circle")></div>
                            <script type="application/json" id="stations-data" inner_html=json></script>
                            <h2 id="list-title">{summary}</h2>
                            <ol id="station-list" class="station-list" aria-labelledby="list-title">
                                {p.results.into_iter().map(|n| list_item(n, located)).collect_view()}
                            </ol>
                            <p class="hint"><a href=geojson rel="external">{tr("stations.geojson")}</a></p>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
        <script src="/map.js" defer></script>
    }
}

/// The amenities a rider card shows (the filters' four and wheelchair access).
const RIDER_AMENITIES: [Amenity; 5] = [
    Amenity::Water,
    Amenity::Charging,
    Amenity::Microwave,
    Amenity::Toilet,
    Amenity::Wheelchair,
];

#[component]
pub fn RiderPage() -> impl IntoView {
    let q = use_query_map();
    let page = Resource::new(move || nearby_args(&q.read()), |a| run_nearby(a, true));
    view! {
        <Title text=tr("rider.title") />
        <h1 class="rider-title">{tr("rider.title")}</h1>
        // Said by /rider-offline.js when the page works from its kept data (offline) and
        // when the network is back; the texts in the reader's language.
        <p id="offline-status" class="offline-status" role="status" hidden
            data-offline=tr("rider.offline_data")
            data-last-position=tr("rider.offline_last_position")
            data-none=tr("rider.offline_none")
            data-no-position=tr("rider.offline_no_position")
            data-no-data=tr("rider.offline_no_data")
            data-too-old=tr("rider.offline_too_old")
            data-online=tr("rider.back_online")
            data-reload=tr("rider.reload")
            data-metres=tr("stations.distance_m")
            data-km=tr("stations.distance_km")
            data-until=tr("hours.open_until")
            data-until-tomorrow=tr("hours.open_until_tomorrow")
            data-always=tr("hours.always")
            data-amap=tr("nav.amap")
        ></p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(p) => {
                        let located = p.located;
                        let empty = p.results.is_empty();
                        view! {
                            <Filters page=p.clone() action="/rider" rider=true />
                            {(!located).then(|| view! { <p class="hint">{tr("rider.locate_first")}</p> })}
                            {(located && empty).then(|| view! { <p class="form-error">{tr("rider.none_open")}</p> })}
                            <ol class="rider-list">
                                {p.results.into_iter().map(|n| {
                                    let s = n.station;
                                    let nav = crate::stations::api::NavLinks::for_station(s.lat, s.lng, &s.name);
                                    view! {
                                        <li class="rider-card">
                                            <h2><a href=format!("/station/{}", s.id)>{s.name.clone()}</a></h2>
                                            <p class="rider-meta">
                                                <strong>{distance_text(n.distance_m)}</strong>
                                                " · "
                                                {tr_args("stations.walk", &[("min", n.walk_minutes.to_string())])}
                                                " · "
                                                <StatusLine status=n.status.clone() />
                                            </p>
                                            // What a rider stops for, and wheelchair access; the rest is on the station page.
                                            <AmenityList amenities=s.amenities.iter().copied().filter(|a| RIDER_AMENITIES.contains(a)).collect() />
                                            <a class="button nav-main" href=nav.amap.clone() rel="external">{tr("nav.amap")}</a>
                                            <p class="nav-more">
                                                <a href=nav.baidu rel="external">{tr("nav.baidu")}</a>
                                                <a href=nav.tencent rel="external">{tr("nav.tencent")}</a>
                                                <a href=nav.apple rel="external">{tr("nav.apple")}</a>
                                            </p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
        <script src="/map.js" defer></script>
        <script src="/rider-offline.js" defer></script>
    }
}

#[component]
pub fn StationPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()),
        |id| async move {
            match id {
                Some(id) => get_station_detail(id).await,
                None => Err(crate::error::AppError::NotFound(crate::message::Msg::new(
                    "stations.what_station",
                ))),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(d) => view! { <StationBody d=d /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StationBody(d: StationDetail) -> impl IntoView {
    let s = d.station.clone();
    let today = d.week.first().map(|w| w.3.clone()).unwrap_or_default();
    let summary = crate::stations::model::week_summary(
        &d.week
            .iter()
            .map(|(_, wd, special, iv)| (*wd, iv.clone(), special.is_some()))
            .collect::<Vec<_>>(),
    );
    let today_text = if today.is_empty() {
        tr("hours.closed_today")
    } else {
        today.join("、")
    };
    view! {
        <Title text=s.name.clone() />
        <article class="station-page">
            <h1>{s.name.clone()}</h1>
            <p class="station-kind">{tr(s.kind.label_key())} " · " {s.community.clone()}</p>
            <p class="status-big"><StatusLine status=d.status.clone() /></p>
            // A 党群服务中心 takes bookings for extended hours: straight to its own days.
            {(s.kind == StationKind::Center).then(|| view! {
                <p class="actions"><a class="button" href=format!("/book?center={}", s.id)>{tr("booking.entry")}</a></p>
            })}
            <section class="card nav-links">
                <h2>{tr("nav.title")}</h2>
                <a class="button nav-main" href=d.nav.amap.clone() rel="external">{tr("nav.amap")}</a>
                <a class="button secondary" href=d.nav.baidu.clone() rel="external">{tr("nav.baidu")}</a>
                <a class="button secondary" href=d.nav.tencent.clone() rel="external">{tr("nav.tencent")}</a>
                <a class="button secondary" href=d.nav.apple.clone() rel="external">{tr("nav.apple")}</a>
                <a class="button secondary" href=d.nav.geo.clone() rel="external">{tr("nav.geo")}</a>
            </section>
            {(!d.specials.is_empty()).then(|| view! {
                <section class="card notice" aria-labelledby="special-title">
                    <h2 id="special-title">{tr("hours.special")}</h2>
                    <ul>{d.specials.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
                </section>
            })}
            {d.may_edit.then(|| view! {
                <p class="actions"><a class="button secondary" href=format!("/station/{}/hours", s.id)>{tr("hours.edit")}</a></p>
            })}
            <section class="card">
                <h2>{tr("stations.today")}</h2>
                <p class="today-hours">{today_text}</p>
                // The week in plain words (周一至周五 08:30-20:00); a station open all day
                // says so once, with no table.
                {match summary {
                    None => view! { <p class="week-summary">{tr("hours.always")}</p> }.into_any(),
                    Some(runs) => view! {
                        <p class="week-summary">{runs.into_iter().map(|(a, b, iv)| {
                            let days = if a == b {
                                tr(crate::i18n::weekday_key(a))
                            } else {
                                tr_args("hours.day_range", &[
                                    ("from", tr(crate::i18n::weekday_key(a))),
                                    ("to", tr(crate::i18n::weekday_key(b))),
                                ])
                            };
                            let hours = if iv.is_empty() { tr("hours.closed_day") } else { iv.join("、") };
                            view! { <span class="run">{days} " " {hours}</span> }
                        }).collect_view()}</p>
                        <table class="week">
                            <caption>{tr("stations.week")}</caption>
                            <tbody>
                                {d.week.iter().skip(1).map(|(date, wd, special, iv)| view! {
                                    <tr>
                                        <th scope="row">{date.clone()} " " {tr(crate::i18n::weekday_key(*wd))}</th>
                                        <td>
                                            {if iv.is_empty() { tr("hours.closed_day") } else { iv.join("、") }}
                                            {special.clone().map(|n| view! { <span class="badge">{n}</span> })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
            </section>
            <section class="card">
                <dl class="settings">
                    <dt>{tr("stations.address")}</dt>
                    <dd>{s.address.clone()}</dd>
                    {(!s.phone.is_empty()).then(|| view! {
                        <dt>{tr("stations.phone")}</dt>
                        <dd><a class="button secondary" href=format!("tel:{}", s.phone.replace(['-', ' '], ""))>{s.phone.clone()}</a></dd>
                    })}
                    <dt>{tr("amenity.wheelchair")}</dt>
                    <dd>{if s.wheelchair() { tr("common.yes") } else { tr("common.no") }}</dd>
                    <dt>{tr("stations.verified")}</dt>
                    <dd>{s.verified_on.clone()}</dd>
                </dl>
                <h2>{tr("stations.amenities")}</h2>
                <AmenityList amenities=s.amenities.clone() />
            </section>
        </article>
    }
}
