//! The holiday calendar page (`/admin/holidays?year=`), for admins at a desk PC: the
//! year's days, a form for one day, and a box to paste next year's list into. Plain
//! forms.

use crate::calendar::api::{holidays, ImportHolidays, RemoveHoliday, SetHoliday};
use crate::i18n::tr;
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HolidaysPage() -> impl IntoView {
    let q = use_query_map();
    let view_r = Resource::new(
        move || q.read().get("year").and_then(|y| y.parse::<i32>().ok()),
        holidays,
    );
    view! {
        <Title text=tr("holidays.title") />
        <h1>{tr("holidays.title")}</h1>
        <Flash />
        <p class="lead">{tr("holidays.lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match view_r.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(v) => view! {
                        <form method="get" action="/admin/holidays" class="bar">
                            <label for="cal-year">{tr("holidays.year")}</label>
                            <input id="cal-year" name="year" type="number" min="2000" max="2100" value=v.year.to_string() />
                            <button class="button secondary" type="submit">{tr("holidays.show")}</button>
                            <a href=format!("/admin/holidays?year={}", v.year - 1)>{(v.year - 1).to_string()}</a>
                            <a href=format!("/admin/holidays?year={}", v.year + 1)>{(v.year + 1).to_string()}</a>
                        </form>
                        <section class="card">
                            <h2>{v.year.to_string()}</h2>
                            {if v.days.is_empty() {
                                view! { <p class="hint">{tr("holidays.none")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="audit">
                                        <thead><tr>
                                            <th scope="col">{tr("holidays.date")}</th>
                                            <th scope="col">{tr("holidays.kind")}</th>
                                            <th scope="col">{tr("holidays.name")}</th>
                                            <th scope="col">{tr("holidays.worked_as")}</th>
                                            <th scope="col">{tr("holidays.remove")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {v.days.into_iter().map(|d| view! {
                                                <tr>
                                                    <td>{d.date.clone()} " " {tr(crate::i18n::weekday_key(d.weekday))}</td>
                                                    <td>{if d.holiday { tr("holidays.holiday") } else { tr("holidays.workday") }}</td>
                                                    <td>{d.name.clone()}</td>
                                                    <td>{d.as_weekday.map(|w| tr(crate::i18n::weekday_key(w)))}</td>
                                                    <td>
                                                        <form method="post" action=RemoveHoliday::PATH class="inline">
                                                            <input type="hidden" name="date" value=d.date.clone() />
                                                            <button class="button secondary" type="submit">{tr("holidays.remove")}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                        <section class="card">
                            <h2>{tr("holidays.add")}</h2>
                            <form method="post" action=SetHoliday::PATH class="stack">
                                <label for="cal-date">{tr("holidays.date")}</label>
                                <input id="cal-date" name="date" type="date" required />
                                <label for="cal-kind">{tr("holidays.kind")}</label>
                                <select id="cal-kind" name="kind" required>
                                    <option value="" selected>{tr("common.choose")}</option>
                                    <option value="休">{tr("holidays.holiday")}</option>
                                    <option value="班">{tr("holidays.workday")}</option>
                                </select>
                                <label for="cal-name">{tr("holidays.name")}</label>
                                <input id="cal-name" name="name" required maxlength="20" placeholder="春节" />
                                <label for="cal-as">{tr("holidays.worked_as")}</label>
                                <select id="cal-as" name="as_weekday">
                                    <option value="">"—"</option>
                                    {(1..=7u32).map(|w| view! { <option value=w.to_string()>{tr(crate::i18n::weekday_key(w))}</option> }).collect_view()}
                                </select>
                                <button class="button" type="submit">{tr("common.save")}</button>
                            </form>
                        </section>
                        <section class="card">
                            <h2>{tr("holidays.import")}</h2>
                            <form method="post" action=ImportHolidays::PATH class="stack">
                                <label for="cal-list">{tr("holidays.import")}</label>
                                <textarea id="cal-list" name="list" rows="10" required aria-describedby="cal-list-hint"
                                    placeholder="2027-01-01,休,元旦\n2027-02-06,班,春节,周五"></textarea>
                                <p id="cal-list-hint" class="hint">{tr("holidays.import_hint")}</p>
                                <button class="button" type="submit">{tr("holidays.import_button")}</button>
                            </form>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
