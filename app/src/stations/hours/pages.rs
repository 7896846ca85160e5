//! A station's hours editor (`/station/:id/hours?hours=&follows=`): the preview is a GET
//! of the same page with the proposal in the address, so it works without JavaScript;
//! saving is a POST.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A station's hours editor (`/station/:id/hours?hours=&follows=`): the preview is a
/// GET of the same page with the proposal in the address, so it works without
/// JavaScript; saving is a POST.
#[component]
pub fn StationHoursPage() -> impl IntoView {
    use crate::stations::hours::api::hours_editor;
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
fn HoursBody(e: crate::stations::hours::api::HoursForm) -> impl IntoView {
    use crate::stations::hours::api::{AddSpecial, DeleteSpecial, SetHours};
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
                {e.read_as.clone().map(|osm| view! {
                    <p class="form-ok">{tr("hours.read_as")} " " <code>{osm}</code></p>
                })}
                {(e.proposed && e.error.is_none()).then(|| view! { <p class="hint">{tr("hours.proposed")}</p> })}
            </div>
            {e.error.is_none().then(|| view! {
                <form method="post" action=SetHours::PATH class="inline">
                    <input type="hidden" name="station_id" value=id.clone() />
                    <input type="hidden" name="version" value=e.version.to_string() />
                    <input type="hidden" name="opening_hours" value=e.read_as.clone().unwrap_or_else(|| e.hours.clone()) />
                    <input type="hidden" name="follows_workdays" value=if e.follows_workdays { "on" } else { "off" } />
                    <button class="button" type="submit">{tr("hours.save")}</button>
                </form>
            })}
        </section>
        <section class="card">
            <div id="hours-live" aria-live="polite" data-caption=tr("hours.preview_unsaved") data-read-as=tr("hours.read_as")
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
