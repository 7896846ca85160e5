//! The 办事 tab: categories and search (`/services?q=`), a guide (`/services/{code}`),
//! its printable checklist (`/services/{code}/checklist`) and, for staff and admins, the
//! edit form (`/services/{code}/edit`). All server-rendered; search is a GET form.

use crate::catalogue::api::{get_catalogue, get_guide, guide_history, search_catalogue, GuideView};
use crate::catalogue::model::ItemSummary;
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::ErrorBox;
use crate::stations::model::{NearbyArgs, StationKind};
use crate::stations::pages::StatusLine;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn item_row(s: ItemSummary) -> impl IntoView {
    view! {
        <li class="service-item">
            <a href=format!("/services/{}", s.code)>
                <span class="service-name">{s.name.clone()}</span>
                <span class="service-tags">
                    {(s.extended_hours).then(|| view! { <span class="tag">{tr("services.tag_extended")}</span> })}
                    {(s.online).then(|| view! { <span class="tag">{tr("services.tag_online")}</span> })}
                    <span class="tag">{tr_args("services.visits", &[("n", s.visits.to_string())])}</span>
                </span>
            </a>
        </li>
    }
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    let q = use_query_map();
    let query = move || q.read().get("q").unwrap_or_default();
    let list = Resource::new(|| (), |_| get_catalogue());
    let found = Resource::new(query, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            search_catalogue(q).await.map(Some)
        }
    });
    view! {
        <Title text=tr("services.title") />
        <h1>{tr("services.title")}</h1>
        <p class="lead">{tr("services.lead")}</p>
        <p class="actions"><a class="button" href="/book">{tr("booking.entry")}</a></p>
        <form method="get" action="/services" class="search" role="search">
            <label for="q" class="visually-hidden">{tr("services.search_label")}</label>
            <input id="q" name="q" type="search" maxlength="50" value=query
                placeholder=tr("services.search_placeholder") />
            <button type="submit" class="button">{tr("services.search")}</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(hits)) => view! {
                        <section class="card" aria-labelledby="results-title">
                            <h2 id="results-title">{tr_args("services.results", &[("n", hits.len().to_string()), ("q", query())])}</h2>
                            {hits.is_empty().then(|| view! { <p>{tr("services.no_results")}</p> })}
                            <ol class="service-list">{hits.into_iter().map(item_row).collect_view()}</ol>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                list.await.map(|c| c.categories.into_iter().map(|(cat, items)| view! {
                    <section class="card category" id=format!("cat-{}", cat.code)>
                        <h2>{cat.title()}</h2>
                        <p class="hint" lang=crate::i18n::current_locale().tag()>{cat.summary.clone()}</p>
                        <ul class="service-list">{items.into_iter().map(item_row).collect_view()}</ul>
                    </section>
                }).collect_view())
            })}
        </Suspense>
    }
}

fn code_param() -> impl Fn() -> String + Copy {
    let p = use_params_map();
    move || p.read().get("code").unwrap_or_default()
}

#[component]
pub fn GuidePage() -> impl IntoView {
    let code = code_param();
    // Every resource of the page is made here, above the Suspense that reads it: a
    // resource created inside a Suspense's children can leave a server render waiting
    // for ever (seen as a rare 408 on PostgreSQL).
    let guide = Resource::new(code, get_guide);
    let history = Resource::new(code, guide_history);
    let near = near_centres();
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(g) => view! { <Guide g=g history=history near=near /> }.into_any(),
                }
            })}
        </Suspense>
        <script src="/map.js" defer></script>
    }
}

type NearCentres =
    Resource<Result<Option<crate::stations::api::NearbyPage>, crate::error::AppError>>;
type GuideHistory = Resource<Result<Vec<(i64, String, String)>, crate::error::AppError>>;

/// The five nearest centres once the visitor gives a point (`lat`, `lng`), else none.
fn near_centres() -> NearCentres {
    let q = use_query_map();
    Resource::new(
        move || {
            let q = q.read();
            let num = |k: &str| q.get(k).and_then(|v| v.trim().parse::<f64>().ok());
            (num("lat"), num("lng"))
        },
        |point| async move {
            match point {
                (Some(lat), Some(lng)) => {
                    let args = NearbyArgs {
                        lat: Some(lat),
                        lng: Some(lng),
                        kind: vec![StationKind::Center],
                        limit: Some(5),
                        ..NearbyArgs::default()
                    };
                    args.run(false).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    )
}

#[component]
fn Guide(g: GuideView, history: GuideHistory, near: NearCentres) -> impl IntoView {
    let it = g.item.clone();
    let q = use_query_map();
    let saved = move || q.read().get("saved").is_some();
    let yes_no = |b: bool| if b { tr("common.yes") } else { tr("common.no") };
    view! {
        <Title text=it.title() />
        <article class="guide">
            <p class="crumb"><a href="/services">{tr("services.title")}</a> " › " {g.category.clone()}</p>
            <h1>{it.title()}</h1>
            // In English: the published Chinese name (what the window calls it); then either
            // the reviewed translation of this version, said as such, or (a version not yet
            // translated) a summary line of the facts above the Chinese texts.
            {(it.title() != it.name && g.translated).then(|| view! {
                <p class="lead" lang="zh-CN">{it.name.clone()}</p>
                <p class="hint">{tr_args("guide.translated", &[("v", g.version.to_string())])}</p>
            })}
            {(it.title() != it.name && !g.translated).then(|| view! {
                <p class="lead" lang="zh-CN">{it.name.clone()}</p>
                <p class="hint">{tr_args("guide.en_summary", &[
                    ("visits", it.visits.to_string()),
                    ("days", it.promised_limit_days.to_string()),
                    ("n", it.materials.iter().filter(|m| m.required).count().to_string()),
                ])}</p>
            })}
            <Show when=saved><p class="form-ok" role="status">{tr("services.saved")}</p></Show>
            <p class="hint">
                {tr_args("services.updated", &[("date", g.updated_on.clone()), ("v", g.version.to_string())])}
                " · " {it.code.clone()} " · " {it.item_type.clone()}
            </p>
            <p class="actions">
                <a class="button" href=format!("/services/{}/checklist", it.code)>{tr("services.checklist")}</a>
                {it.extended_hours.then(|| view! {
                    <a class="button" href=format!("/book?item={}", it.code)>{tr("booking.entry")}</a>
                })}
                {g.editable.then(|| view! {
                    <a class="button secondary" href=format!("/services/{}/edit", it.code)>{tr("services.edit")}</a>
                })}
            </p>
            <section class="card facts">
                <dl class="settings">
                    <dt>{tr("guide.promised")}</dt>
                    <dd>{if it.promised_limit_days == 0 { tr("guide.on_the_spot") } else { tr_args("guide.days", &[("n", it.promised_limit_days.to_string())]) }}
                        " " <span class="hint">{tr_args("guide.legal", &[("n", it.legal_limit_days.to_string())])}</span></dd>
                    <dt>{tr("guide.visits")}</dt>
                    <dd>{tr_args("services.visits", &[("n", it.visits.to_string())])}</dd>
                    <dt>{tr("guide.fee")}</dt>
                    <dd>{if it.fee.charged { tr("guide.charged") } else { tr("guide.free") }}
                        " " <span class="hint" lang=if g.translated { "en" } else { "zh-CN" }>{it.fee.basis.clone()}</span></dd>
                    <dt>{tr("guide.online")}</dt>
                    <dd>{yes_no(it.online)}</dd>
                    <dt>{tr("guide.terminal")}</dt>
                    <dd>{yes_no(it.self_service_terminal)}</dd>
                    <dt>{tr("guide.extended")}</dt>
                    <dd>{yes_no(it.extended_hours)}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>{tr("guide.conditions")}</h2>
                {it.conditions.iter().map(|c| view! {
                    <h3>{c.case.clone()}</h3>
                    <ul>{c.items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}</ul>
                }).collect_view()}
                <p class="hint">{tr("guide.serves")} {tr("common.colon")} {it.serves.clone()}</p>
            </section>
            <section class="card">
                <h2>{tr("guide.materials")}</h2>
                <table class="materials">
                    <thead><tr><th>{tr("guide.material")}</th><th>{tr("guide.originals")}</th><th>{tr("guide.copies")}</th><th>{tr("guide.notes")}</th></tr></thead>
                    <tbody>
                        {it.materials.iter().map(|m| view! {
                            <tr>
                                <td>{m.name.clone()} " " {(!m.required).then(|| view! { <span class="tag">{tr("guide.if_applicable")}</span> })}</td>
                                <td>{m.originals}</td>
                                <td>{m.copies}</td>
                                <td>{m.format.clone()} " " {m.note.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">{tr("guide.jargon")}</p>
            </section>
            <section class="card">
                <h2>{tr("guide.steps")}</h2>
                <ol class="steps">{it.steps.iter().map(|s| view! { <li><strong>{s.name.clone()}</strong> {tr("common.colon")} {s.detail.clone()}</li> }).collect_view()}</ol>
            </section>
            <section class="card">
                <h2>{tr("guide.where")}</h2>
                <p>{it.place.clone()}</p>
                <p>{it.hours.clone()}</p>
                <p>{tr("guide.result")} {tr("common.colon")} {tr_args("guide.result_line", &[("name", it.result.name.clone()), ("delivery", it.result.delivery.clone())])}</p>
                <p>
                    {tr("guide.consult")} {tr("common.colon")} <a href=format!("tel:{}", it.consult_phone.replace('-', ""))>{it.consult_phone.clone()}</a>
                    " · " {tr("guide.complaint")} {tr("common.colon")} <a href=format!("tel:{}", it.complaint_phone)>{it.complaint_phone.clone()}</a>
                </p>
                <p class="hint">{tr("guide.body")} {tr("common.colon")} {it.implementing_body.clone()}</p>
            </section>
            <Centres code=it.code.clone() near=near />
            <section class="card">
                <h2>{tr("guide.faq")}</h2>
                <dl class="faq">{it.faq.iter().map(|f| view! { <dt>{f.q.clone()}</dt><dd>{f.a.clone()}</dd> }).collect_view()}</dl>
                <p class="hint">{it.notes.clone()}</p>
            </section>
            <section class="card">
                <h2>{tr("guide.basis")}</h2>
                <ul>{it.legal_basis.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
            </section>
            <History h=history />
        </article>
    }
}

/// The community centres that handle the item (every 党群服务中心 does, 一窗受理),
/// nearest first once the visitor gives a location.
#[component]
fn Centres(code: String, near: NearCentres) -> impl IntoView {
    let q = use_query_map();
    let located = move || q.read().get("lat").is_some();
    view! {
        <section class="card" aria-labelledby="centres-title">
            <h2 id="centres-title">{tr("guide.centres")}</h2>
            <p class="hint">{tr("guide.centres_hint")}</p>
            <form id="point-form" method="get" action=format!("/services/{code}") class="inline">
                <input type="hidden" name="lat" value="" />
                <input type="hidden" name="lng" value="" />
                <button type="button" id="locate" class="button secondary js-only">{tr("stations.locate")}</button>
            </form>
            <p id="map-status" role="status" class="hint"></p>
            <Show when=move || !located()>
                <a class="button secondary" href="/map?kind=center" rel="external">{tr("guide.centres_map")}</a>
            </Show>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match near.await {
                        Ok(Some(p)) => view! {
                            <ol class="station-list">
                                {p.results.into_iter().map(|n| view! {
                                    <li class="station-item kind-center">
                                        <a class="station-link" href=format!("/station/{}", n.station.id)>
                                            <span class="station-name">{n.station.name.clone()}</span>
                                        </a>
                                        <p class="station-meta">
                                            {tr_args("stations.walk", &[("min", n.walk_minutes.to_string())])} " · "
                                            <StatusLine status=n.status.clone() />
                                        </p>
                                        <p class="hint">{n.station.address.clone()}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn History(h: GuideHistory) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                h.await.ok().map(|versions| view! {
                    <details class="card history">
                        <summary>{tr_args("guide.history", &[("n", versions.len().to_string())])}</summary>
                        <ol>{versions.into_iter().map(|(v, date, note)| view! {
                            <li>{tr_args("guide.version", &[("v", v.to_string()), ("date", date)])} " " {note}</li>
                        }).collect_view()}</ol>
                    </details>
                })
            })}
        </Suspense>
    }
}

/// How many originals to show and copies to leave, as whole clauses in the reader's
/// language ("No original needed · leave 2 copies", "带原件1份（看后退还）· 交复印件2份").
pub fn material_counts(originals: u32, copies: u32) -> String {
    let part = |n: u32, none: &str, one: &str, many: &str| match n {
        0 => tr(none),
        1 => tr(one),
        n => tr_args(many, &[("n", n.to_string())]),
    };
    format!(
        "{} · {}",
        part(
            originals,
            "checklist.orig_none",
            "checklist.orig_one",
            "checklist.orig_many"
        ),
        part(
            copies,
            "checklist.copy_none",
            "checklist.copy_one",
            "checklist.copy_many"
        )
    )
}

/// What to bring, with tick boxes, for printing (the print stylesheet hides the rest).
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let code = code_param();
    let guide = Resource::new(code, get_guide);
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(g) => {
                        let it = g.item.clone();
                        view! {
                            <Title text=tr_args("checklist.title", &[("name", it.title())]) />
                            <article class="checklist">
                                <h1>{tr_args("checklist.title", &[("name", it.title())])}</h1>
                                <p class="hint">{tr_args("services.updated", &[("date", g.updated_on.clone()), ("v", g.version.to_string())])}</p>
                                <p class="actions no-print">
                                    <button type="button" class="button js-only" data-print="">{tr("checklist.print")}</button>
                                    <a class="button secondary" href=format!("/services/{}", it.code)>{tr("checklist.back")}</a>
                                </p>
                                <p class="hint">{tr("guide.jargon")}</p>
                                <ul class="ticks">
                                    {it.checklist().into_iter().map(|m| view! {
                                        <li>
                                            <label>
                                                <input type="checkbox" />
                                                <span class="tick-name">{m.name.clone()}</span>
                                                <span class="tick-count">{material_counts(m.originals, m.copies)}</span>
                                                {(!m.required).then(|| view! { <span class="tag">{tr("guide.if_applicable")}</span> })}
                                            </label>
                                            {(!m.note.is_empty() || !m.format.is_empty()).then(|| view! { <p class="hint">{m.format.clone()} " " {m.note.clone()}</p> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <p>{it.place.clone()}</p>
                                <p>{it.hours.clone()}</p>
                                <p>{tr("guide.consult")} {tr("common.colon")} {it.consult_phone.clone()}</p>
                            </article>
                            <script src="/map.js" defer></script>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Staff and admins: the guide as JSON, checked against every rule before it is saved as
/// a new version.
#[component]
pub fn GuideEditPage() -> impl IntoView {
    let code = code_param();
    let guide = Resource::new(code, get_guide);
    let q = use_query_map();
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(g) if !g.editable => view! { <ErrorBox message=tr("services.staff_only") /> }.into_any(),
                    Ok(g) => {
                        let json = serde_json::to_string_pretty(&g.item).unwrap_or_default();
                        let err = q.read_untracked().get("err").and_then(|e| crate::message::Msg::from_banner(&e).map(|m| m.text()));
                        view! {
                            <Title text=tr("services.edit") />
                            <h1>{tr("services.edit")} "：" {g.item.title()}</h1>
                            {err.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                            <form method="post" action=crate::catalogue::api::UpdateGuide::PATH class="stack">
                                <input type="hidden" name="code" value=g.item.code.clone() />
                                <input type="hidden" name="base" value=g.version.to_string() />
                                <label for="guide">{tr("services.edit_json")}</label>
                                <textarea id="guide" name="guide" rows="30" class="code">{json}</textarea>
                                <label for="note">{tr("services.edit_note")}</label>
                                <input id="note" name="note" maxlength="100" required />
                                <button type="submit" class="button">{tr("services.publish")}</button>
                            </form>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
