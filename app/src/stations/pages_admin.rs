//! The import pages, for admins at a desk PC: upload a file (CSV from Excel in UTF-8
//! or GBK, or GeoJSON; coordinates as copied from Amap, Baidu or a GPS), see every
//! problem with its row and column before anything is written, then apply it. Plain
//! forms: nothing here needs JavaScript.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use crate::stations::api_import::{get_import, list_imports, UPLOAD_PATH};
use crate::stations::views::ImportReport;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    let recent = Resource::new(|| (), |_| list_imports());
    view! {
        <Title text=tr("transfer.title") />
        <h1>{tr("transfer.title")}</h1>
        <Flash />
        <p class="lead">{tr("transfer.lead")}</p>
        <script src="/office.js" defer></script>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match recent.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(list) => view! {
                        <ImportForms />
                        {(!list.is_empty()).then(|| view! {
                        <section class="card">
                            <h2>{tr("transfer.recent")}</h2>
                            <ul class="choice-list">
                                {list.into_iter().map(|i| view! {
                                    <li><a class="choice" href=format!("/admin/import/{}", i.id)>
                                        <span class="choice-main">{i.file_name.clone()}</span>
                                        <span class="choice-sub">{i.uploaded_at.clone()} " · "
                                            {match i.applied_at.clone() {
                                                Some(t) => tr_args("transfer.applied_at", &[("t", t)]),
                                                None => tr("transfer.not_applied"),
                                            }}</span>
                                    </a></li>
                                }).collect_view()}
                            </ul>
                        </section>
                        })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The upload and export forms (admins only: shown once the page knows the caller is
/// one).
#[component]
fn ImportForms() -> impl IntoView {
    view! {
        <section class="card">
            <h2>{tr("transfer.upload")}</h2>
            <form method="post" action=UPLOAD_PATH enctype="multipart/form-data" class="stack" data-upload-progress="">
                <label for="file">{tr("transfer.file")}</label>
                <input id="file" name="file" type="file" required accept=".csv,.geojson,.json,text/csv,application/geo+json" />
                <label for="encoding">{tr("transfer.encoding")}</label>
                <select id="encoding" name="encoding">
                    <option value="auto">{tr("transfer.enc_auto")}</option>
                    <option value="utf8">"UTF-8"</option>
                    <option value="gbk">{tr("transfer.enc_gbk")}</option>
                </select>
                <label for="datum">{tr("transfer.datum")}</label>
                <select id="datum" name="datum">
                    <option value="wgs84">{tr("transfer.datum_wgs84")}</option>
                    <option value="gcj02">{tr("transfer.datum_gcj02")}</option>
                    <option value="bd09">{tr("transfer.datum_bd09")}</option>
                </select>
                <button type="submit" class="button">{tr("transfer.check")}</button>
                <progress id="upload-progress" hidden aria-label=tr("transfer.upload_progress")></progress>
                <p id="upload-status" role="status" aria-live="polite" data-sending=tr("transfer.upload_sending")
                    data-checking=tr("transfer.upload_checking") data-failed=tr("transfer.upload_failed")></p>
            </form>
            <p class="hint">{tr("transfer.columns_hint")}</p>
            <p class="actions">
                <a class="button secondary" href="/api/v1/import/template.csv?encoding=gbk" rel="external" download="linli-template.csv">{tr("transfer.template")}</a>
            </p>
        </section>
        <section class="card">
            <h2>{tr("transfer.export")}</h2>
            <p class="actions">
                <a class="button secondary" href="/api/v1/export/stations.csv?encoding=gbk" rel="external" download="linli-stations.csv">{tr("transfer.export_csv_gbk")}</a>
                <a class="button secondary" href="/api/v1/export/stations.csv" rel="external" download="linli-stations-utf8.csv">{tr("transfer.export_csv_utf8")}</a>
                <a class="button secondary" href="/api/v1/export/stations.geojson" rel="external" download="linli-stations.geojson">"GeoJSON"</a>
            </p>
        </section>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let p = use_params_map();
    let report = Resource::new(
        move || {
            p.read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_import,
    );
    view! {
        <Title text=tr("transfer.preview") />
        <h1>{tr("transfer.preview")}</h1>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(r) => view! { <Report r=r /> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/admin/import">{tr("transfer.back")}</a></p>
    }
}

#[component]
fn Report(r: ImportReport) -> impl IntoView {
    let may_apply = r.may_apply();
    let c = r.counts;
    view! {
        <section class="card">
            <h2>{r.file_name.clone()}</h2>
            <p class="hint">{tr_args("transfer.file_facts", &[
                ("t", r.uploaded_at.clone()),
                ("enc", r.encoding.to_uppercase()),
                ("datum", tr(&format!("transfer.datum_{}", r.datum))),
            ])}</p>
            {r.error.clone().map(|e| view! { <p class="form-error" role="alert">{e.text()}</p> })}
            {r.error.is_none().then(|| view! {
                <p class="figures" role="status">
                    {tr_args("transfer.summary", &[
                        ("ok", r.rows_ok.to_string()),
                        ("bad", (r.problems.len() + r.more_problems).to_string()),
                    ])}
                </p>
                <p>{tr_args("transfer.would", &[
                    ("created", c.created.to_string()),
                    ("updated", c.updated.to_string()),
                    ("unchanged", c.unchanged.to_string()),
                    ("streets", c.new_streets.to_string()),
                    ("communities", c.new_communities.to_string()),
                ])}</p>
            })}
            {r.applied_at.clone().map(|t| view! {
                <p class="form-ok" role="status">{tr_args("transfer.applied_at", &[("t", t)])}
                    {r.result.map(|x| format!(" · {}", tr_args("transfer.did", &[
                        ("created", x.created.to_string()),
                        ("updated", x.updated.to_string()),
                        ("unchanged", x.unchanged.to_string()),
                    ])))}
                </p>
            })}
            {may_apply.then(|| view! {
                <form method="post" action=crate::stations::api_import::ApplyImport::PATH class="inline">
                    <input type="hidden" name="id" value=r.id.to_string() />
                    <button type="submit" class="button">{tr_args("transfer.apply", &[("n", r.rows_ok.to_string())])}</button>
                </form>
                <p class="hint">{tr("transfer.apply_hint")}</p>
            })}
        </section>
        {(!r.clashes.is_empty()).then(|| view! {
            <section class="card">
                <h2>{tr("transfer.clashes")}</h2>
                <ul>{r.clashes.iter().map(|(row, community)| view! {
                    <li>{tr_args("transfer.centre_clash", &[("row", row.to_string()), ("community", community.clone())])}</li>
                }).collect_view()}</ul>
            </section>
        })}
        {(!r.problems.is_empty()).then(|| view! {
            <section class="card">
                <h2>{tr("transfer.problems")}</h2>
                <p class="hint">{tr("transfer.problems_hint")}</p>
                <table class="problems">
                    <caption class="visually-hidden">{tr("transfer.problems")}</caption>
                    <thead><tr><th scope="col">{tr("transfer.row")}</th><th scope="col">{tr("transfer.column")}</th><th scope="col">{tr("transfer.reason")}</th></tr></thead>
                    <tbody>
                        {r.problems.iter().map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column.clone()}</td><td>{p.reason.text()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(r.more_problems > 0).then(|| view! { <p class="hint">{tr_args("transfer.more", &[("n", r.more_problems.to_string())])}</p> })}
            </section>
        })}
    }
}

/// The city's settings (`/admin/city`): the first step of setting up a real city.
#[component]
pub fn CityPage() -> impl IntoView {
    use crate::stations::api_city::{get_city_settings, SetCity};
    let settings = Resource::new(|| (), |_| get_city_settings());
    view! {
        <Title text=tr("city.title") />
        <h1>{tr("city.title")}</h1>
        <Flash />
        <p class="lead">{tr("city.lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(c) => view! {
                        <section class="card">
                            {if c.is_set {
                                view! { <p class="hint overflow-wrap">{tr_args("city.now", &[("center", c.center.clone()), ("bbox", c.bbox.clone())])}</p> }.into_any()
                            } else {
                                view! { <p class="form-error">{tr("city.not_set")}</p> }.into_any()
                            }}
                            <form method="post" action=SetCity::PATH class="stack">
                                <label for="city-name">{tr("city.name")}</label>
                                <input id="city-name" name="name" required maxlength="30" value=c.name.clone() />
                                <label for="city-center">{tr("city.center")}</label>
                                <input id="city-center" name="center" required inputmode="decimal" placeholder="116.397,39.909" value=c.center.clone() />
                                <label for="city-bbox">{tr("city.bounds")}</label>
                                <input id="city-bbox" name="bbox" required placeholder="116.2,39.8;116.6,40.1" value=c.bbox.clone() />
                                <label for="city-datum">{tr("city.datum")}</label>
                                <select id="city-datum" name="datum">
                                    <option value="wgs84">{tr("transfer.datum_wgs84")}</option>
                                    <option value="gcj02">{tr("transfer.datum_gcj02")}</option>
                                    <option value="bd09">{tr("transfer.datum_bd09")}</option>
                                </select>
                                <button type="submit" class="button">{tr("common.save")}</button>
                            </form>
                        </section>
                        <p><a href="/admin/import">{tr("transfer.title")}</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The life-circle coverage (`/admin/coverage?kind=`): for staff and admins.
#[component]
pub fn CoveragePage() -> impl IntoView {
    use crate::stations::api_coverage::get_coverage;
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
fn CoverageBody(p: crate::stations::api_coverage::CoveragePage) -> impl IntoView {
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
    let gaps_json = serde_json::Value::Array(
        v.gaps
            .iter()
            .map(|g| {
                let missing: Vec<String> = g.missing.iter().map(|(k, _)| kind_name(k)).collect();
                serde_json::json!({
                    "kind": "gap",
                    "name": format!("{} · {}", g.street, g.name),
                    "lat": g.lat,
                    "lng": g.lng,
                    "open": true,
                    "status": tr_args("coverage.missing", &[("kinds", missing.join(&tr("common.list_sep")))]),
                    "url": format!("/map?lat={:.6}&lng={:.6}", g.lat, g.lng),
                })
            })
            .collect(),
    )
    .to_string()
    .replace('<', "\\u003c");
    let kinds_now = v.kind.clone();
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
            <h2>{tr_args("coverage.gaps", &[("n", v.gaps.len().to_string())])}</h2>
            <div id="map" class="map" role="region" aria-label=tr("coverage.map")
                data-tiles=t.url data-attribution=t.attribution data-coords=t.coords
                data-subdomains=t.subdomains
                data-lat=format!("{:.6}", v.center.0) data-lng=format!("{:.6}", v.center.1)
                data-radius="0" data-zoom="12"></div>
            <script type="application/json" id="stations-data" inner_html=gaps_json></script>
            <div class="table-wrap" tabindex="0">
            <table class="audit">
                <thead><tr>
                    <th scope="col">{tr("common.community")}</th>
                    <th scope="col">{tr("coverage.missing_col")}</th>
                </tr></thead>
                <tbody>
                    {v.gaps.iter().take(500).map(|g| view! {
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
        </section>
    }
}

/// A station's hours editor (`/station/:id/hours?hours=&follows=`): the preview is a
/// GET of the same page with the proposal in the address, so it works without
/// JavaScript; saving is a POST.
#[component]
pub fn StationHoursPage() -> impl IntoView {
    use crate::stations::api_hours::hours_editor;
    use leptos_router::hooks::use_query_map;
    let p = use_params_map();
    let q = use_query_map();
    let editor = Resource::new(
        move || {
            let id = p
                .read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0);
            let q = q.read();
            (
                id,
                q.get("hours"),
                q.get("follows").map(|f| f == "on" || f == "true"),
            )
        },
        |(id, hours, follows)| hours_editor(id, hours, follows),
    );
    view! {
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match editor.await {
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(e) => view! { <HoursBody e=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HoursBody(e: crate::stations::api_hours::HoursForm) -> impl IntoView {
    use crate::stations::api_hours::{AddSpecial, DeleteSpecial, SetHours};
    let id = e.station_id.to_string();
    let here = format!("/station/{}/hours", e.station_id);
    let title = tr_args("hours.title", &[("name", e.name.clone())]);
    let weekdays = (1..=7u32)
        .map(|d| tr(crate::i18n::weekday_key(d)))
        .collect::<Vec<_>>()
        .join(",");
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="station-kind">{e.community.clone()}</p>
        <p class="lead">{tr("hours.lead")}</p>
        <section class="card">
            <form method="get" action=here.clone() class="stack" data-hours-live="" data-station=id.clone()>
                <label for="hours">{tr("hours.field")}</label>
                <textarea id="hours" name="hours" rows="3" maxlength="255" required
                    aria-describedby="hours-state hours-live">{e.hours.clone()}</textarea>
                <label class="check"><input type="checkbox" name="follows" checked=e.follows_workdays />
                    " " {tr("hours.follows_workdays")}</label>
                <button class="button secondary" type="submit">{tr("hours.preview_button")}</button>
            </form>
            <div id="hours-state" aria-live="polite">
                {e.error.clone().map(|m| view! { <p class="form-error" role="alert">{m.text()}</p> })}
                {(e.proposed && e.error.is_none()).then(|| view! { <p class="hint">{tr("hours.proposed")}</p> })}
            </div>
            {e.error.is_none().then(|| view! {
                <form method="post" action=SetHours::PATH class="inline">
                    <input type="hidden" name="station_id" value=id.clone() />
                    <input type="hidden" name="version" value=e.version.to_string() />
                    <input type="hidden" name="opening_hours" value=e.hours.clone() />
                    <input type="hidden" name="follows_workdays" value=if e.follows_workdays { "on" } else { "off" } />
                    <button class="button" type="submit">{tr("hours.save")}</button>
                </form>
            })}
        </section>
        <section class="card">
            <div id="hours-live" aria-live="polite" data-caption=tr("hours.preview_unsaved")
                data-closed=tr("hours.closed_day")
                data-weekdays=weekdays>
            {(!e.preview.is_empty()).then(|| view! {
                <table class="week">
                    <caption>{if e.proposed { tr("hours.preview_unsaved") } else { tr("hours.preview") }}</caption>
                    <tbody>
                        {e.preview.iter().map(|d| view! {
                            <tr>
                                <th scope="row">{d.date.clone()} " " {tr(crate::i18n::weekday_key(d.weekday))}</th>
                                <td>
                                    {if d.intervals.is_empty() { tr("hours.closed_day") } else { d.intervals.join("、") }}
                                    {d.note.clone().map(|n| view! { " " <span class="badge">{n}</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            </div>
        </section>
        <section class="card">
            <h2>{tr("hours.special")}</h2>
            {if e.specials.is_empty() {
                view! { <p class="hint">{tr("hours.no_special")}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {e.specials.iter().map(|s| view! {
                            <li>{s.words.clone()} " "
                                <form method="post" action=DeleteSpecial::PATH class="inline">
                                    <input type="hidden" name="station_id" value=id.clone() />
                                    <input type="hidden" name="id" value=s.id.to_string() />
                                    <button class="button secondary" type="submit">{tr("hours.remove")}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>{tr("hours.add_special")}</h3>
            <form method="post" action=AddSpecial::PATH class="stack">
                <input type="hidden" name="station_id" value=id.clone() />
                <label for="sp-from">{tr("hours.from")}</label>
                <input id="sp-from" name="from" type="date" required />
                <label for="sp-to">{tr("hours.to")}</label>
                <input id="sp-to" name="to" type="date" required />
                <label for="sp-hours">{tr("hours.special_hours")}</label>
                <input id="sp-hours" name="hours" placeholder="09:00-12:00" maxlength="80" />
                <label for="sp-note">{tr("hours.note")}</label>
                <input id="sp-note" name="note" required maxlength="40" placeholder="闭馆维修" />
                <button class="button" type="submit">{tr("hours.add_special")}</button>
            </form>
        </section>
        <p><a href=format!("/station/{}", e.station_id)>{tr("hours.back")}</a></p>
        <script src="/office.js" defer></script>
    }
}
