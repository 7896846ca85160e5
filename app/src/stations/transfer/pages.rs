//! The import pages, for admins at a desk PC: upload a file (CSV from Excel in UTF-8
//! or GBK, or GeoJSON; coordinates as copied from Amap, Baidu or a GPS), see every
//! problem with its row and column before anything is written, then apply it. Plain
//! forms: nothing here needs JavaScript.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use crate::stations::transfer::api::{get_import, list_imports, UPLOAD_PATH};
use crate::stations::transfer::views::ImportReport;
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
                <select id="datum" name="datum" required>
                    <option value="" selected>{tr("common.choose")}</option>
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
            <p class="hint">{tr("transfer.hours_hint")}</p>
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
                <form method="post" action=crate::stations::transfer::api::ApplyImport::PATH class="inline">
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
        {(!r.conversions.is_empty()).then(|| view! {
            <section class="card">
                <h2>{tr("transfer.conversions")}</h2>
                <p class="hint">{tr("transfer.conversions_hint")}</p>
                <table class="conversions">
                    <caption class="visually-hidden">{tr("transfer.conversions")}</caption>
                    <thead><tr><th scope="col">{tr("transfer.row")}</th><th scope="col">{tr("transfer.hours_written")}</th><th scope="col">{tr("transfer.hours_read")}</th></tr></thead>
                    <tbody>
                        {r.conversions.iter().map(|c| view! {
                            <tr><td>{c.row}</td><td>{c.written.clone()}</td><td><code>{c.osm.clone()}</code></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
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
