//! The life-circle coverage (`/admin/coverage?kind=`) for staff and admins: shares by kind
//! and amenity, the week hour by hour, and the communities with gaps, listed and drawn.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The life-circle coverage (`/admin/coverage?kind=`): for staff and admins.
#[component]
pub fn CoveragePage() -> impl IntoView {
    use crate::stations::coverage::api::get_coverage;
    use leptos_meta::Link;
    use leptos_router::hooks::use_query_map;
    let q = use_query_map();
    let page = Resource::new(move || q.read().get("kind"), get_coverage);
    view! {
        <Title text=tr("coverage.title") />
        <Link rel="stylesheet" href="/vendor/leaflet/leaflet.css" />
        <Link rel="stylesheet" href="/vendor/markercluster/MarkerCluster.css" />
        <Link rel="stylesheet" href="/vendor/markercluster/MarkerCluster.Default.css" />
        <Link rel="stylesheet" href="/map.css" />
        <h1>{tr("coverage.title")}</h1>
        <p class="lead">{tr("coverage.lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(p) => view! { <CoverageBody p=p /> }.into_any(),
                }
            })}
        </Suspense>
        <script src="/vendor/leaflet/leaflet.js" defer></script>
        <script src="/vendor/markercluster/leaflet.markercluster.js" defer></script>
        <script src="/map.js" defer></script>
    }
}

#[component]
fn CoverageBody(p: crate::stations::coverage::api::CoveragePage) -> impl IntoView {
    use crate::stations::model::StationKind;
    let v = p.view;
    let t = p.tiles;
    let pct = |n: usize| format!("{} %", v.percent(n));
    let kind_name = |code: &str| {
        StationKind::parse(code)
            .map(|k| tr(k.label_key()))
            .unwrap_or_default()
    };
    let amenity_name = |code: &str| {
        crate::stations::model::Amenity::parse(code)
            .map(|a| tr(a.label_key()))
            .unwrap_or_default()
    };
    // The planner's sentence: after 20:00 on a weekday, how many have none open.
    let evening = v
        .open_hours
        .first()
        .and_then(|d| d.get(20))
        .copied()
        .unwrap_or(0);
    let evening_gap = v.percent(v.communities.saturating_sub(evening));
    let kinds_now = v.kind.clone();
    // The gaps' list a page at a time (all of them stay on the map): a city has hundreds.
    let q = leptos_router::hooks::use_query_map();
    let page = q
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0)
        .min(v.gaps.len().saturating_sub(1) / GAPS_PAGE);
    let gap_page = |p: usize| {
        let kind = v.kind.clone();
        match p {
            0 => format!("/admin/coverage?kind={kind}#gaps"),
            p => format!("/admin/coverage?kind={kind}&page={p}#gaps"),
        }
    };
    let earlier = (page > 0).then(|| gap_page(page - 1));
    let later = (v.gaps.len() > (page + 1) * GAPS_PAGE).then(|| gap_page(page + 1));
    let shown = (
        (page * GAPS_PAGE + 1).min(v.gaps.len()),
        ((page + 1) * GAPS_PAGE).min(v.gaps.len()),
    );
    view! {
        <section class="card">
            <h2>{tr_args("coverage.summary", &[("n", v.communities.to_string())])}</h2>
            <table class="audit figures">
                <caption>{tr("coverage.by_kind")}</caption>
                <thead><tr>
                    <th scope="col">{tr("coverage.kind")}</th>
                    <th scope="col">{tr("coverage.covered")}</th>
                    <th scope="col">{tr("coverage.share")}</th>
                </tr></thead>
                <tbody>
                    {v.by_kind.iter().map(|(k, n)| view! {
                        <tr><th scope="row">{kind_name(k)}</th><td>{n.to_string()}</td><td>{pct(*n)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table class="audit figures">
                <caption>{tr("coverage.by_amenity")}</caption>
                <thead><tr>
                    <th scope="col">{tr("coverage.amenity")}</th>
                    <th scope="col">{tr("coverage.covered")}</th>
                    <th scope="col">{tr("coverage.share")}</th>
                </tr></thead>
                <tbody>
                    {v.by_amenity.iter().map(|(a, n)| view! {
                        <tr><th scope="row">{amenity_name(a)}</th><td>{n.to_string()}</td><td>{pct(*n)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="actions"><a class="button secondary" href="/api/v1/coverage.csv" rel="external" download="linli-coverage.csv">{tr("coverage.csv")}</a></p>
        </section>
        <section class="card">
            <h2>{tr_args("coverage.hours_title", &[("kind", kind_name(&v.kind))])}</h2>
            <p class="warning">{tr_args("coverage.evening", &[("pct", evening_gap.to_string()), ("kind", kind_name(&v.kind))])}</p>
            <form method="get" action="/admin/coverage" class="inline">
                <label for="cov-kind">{tr("coverage.kind")}</label>
                <select id="cov-kind" name="kind">
                    {StationKind::ALL.into_iter().map(|k| view! {
                        <option value=k.code() selected=kinds_now == k.code()>{tr(k.label_key())}</option>
                    }).collect_view()}
                </select>
                <button class="button secondary" type="submit">{tr("common.filter")}</button>
            </form>
            <div class="table-wrap" tabindex="0">
            <table class="audit hours-grid">
                <caption>{tr_args("coverage.week_of", &[("date", v.week_of.clone())])}</caption>
                <thead><tr>
                    <th scope="col">{tr("coverage.hour")}</th>
                    {(1..=7u32).map(|d| view! { <th scope="col">{tr(crate::i18n::weekday_key(d))}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {(0..24usize).map(|h| view! {
                        <tr>
                            <th scope="row">{format!("{h:02}:30")}</th>
                            {(0..7usize).map(|d| {
                                let n = v.open_hours.get(d).and_then(|x| x.get(h)).copied().unwrap_or(0);
                                view! { <td>{pct(n)}</td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
        <section class="card">
            <h2 id="gaps">{tr_args("coverage.gaps", &[("n", v.gaps.len().to_string())])}</h2>
            <div id="map" class="map" role="region" aria-label=tr("coverage.map")
                data-tiles=t.url data-attribution=t.attribution data-coords=t.coords
                data-subdomains=t.subdomains
                data-lat=format!("{:.6}", v.center.0) data-lng=format!("{:.6}", v.center.1)
                data-radius="0" data-zoom="12"
                data-src=format!("{}?kind={}", crate::stations::coverage::api::GAPS_JSON_PATH, v.kind)></div>
            <div class="table-wrap" tabindex="0">
            <table class="audit">
                <thead><tr>
                    <th scope="col">{tr("common.community")}</th>
                    <th scope="col">{tr("coverage.missing_col")}</th>
                </tr></thead>
                <tbody>
                    {v.gaps.iter().skip(page * GAPS_PAGE).take(GAPS_PAGE).map(|g| view! {
                        <tr>
                            <th scope="row"><a href=format!("/map?lat={:.6}&lng={:.6}", g.lat, g.lng)>{format!("{} · {}", g.street, g.name)}</a></th>
                            <td>{g.missing.iter().map(|(k, d)| match d {
                                Some(d) => format!("{}（{} m）", kind_name(k), d),
                                None => format!("{}（{}）", kind_name(k), tr("coverage.none_in_city")),
                            }).collect::<Vec<_>>().join(&tr("common.list_sep"))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {(earlier.is_some() || later.is_some()).then(|| view! {
                <p class="actions">
                    <span class="hint">{tr_args("coverage.shown", &[("from", shown.0.to_string()), ("to", shown.1.to_string())])}</span>
                    {earlier.clone().map(|h| view! { <a class="button secondary" href=h>{tr("coverage.earlier")}</a> })}
                    {later.clone().map(|h| view! { <a class="button secondary" href=h>{tr("coverage.later")}</a> })}
                </p>
            })}
        </section>
    }
}

/// Communities per page of the gaps' list.
const GAPS_PAGE: usize = 50;
