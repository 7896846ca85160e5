//! The dashboard page (`/admin/dashboard?from=&to=&community=`): a GET form for the
//! range and community, then each figure as a chart (SVG from the server) beside its
//! table and CSV link. No JavaScript; prints as it is.

use crate::dashboard::api::{dashboard, DashboardView};
use crate::dashboard::model::{percent, Count};
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let q = use_query_map();
    let view_r = Resource::new(
        move || {
            let q = q.read();
            (
                q.get("from"),
                q.get("to"),
                q.get("community").and_then(|c| c.parse::<i64>().ok()),
            )
        },
        |(from, to, community)| dashboard(from, to, community),
    );
    view! {
        <Title text=tr("dashboard.title") />
        <h1>{tr("dashboard.title")}</h1>
        <p class="lead">{tr("dashboard.lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match view_r.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(v) => view! { <Board v=v /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A chart (if drawn) beside its table, and the table's CSV link.
#[component]
fn Figure(
    v_query: String,
    name: &'static str,
    /// The table's chart (SVG), when it has one.
    chart: Option<String>,
    title: String,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    let svg = chart;
    let csv = format!("/api/v1/dashboard/{name}.csv?{v_query}");
    let no_rows = rows.is_empty();
    view! {
        <section class="card figure" aria-labelledby=format!("t-{name}")>
            <h2 id=format!("t-{name}")>{title.clone()}</h2>
            <div class="figure-body">
                {svg.map(|s| view! { <div class="chart" inner_html=s></div> })}
                {no_rows.then(|| view! { <p class="hint">{tr("dashboard.none")}</p> })}
                <div class="table-wrap" tabindex="0" hidden=no_rows>
                    <table class="audit figures">
                        <caption class="visually-hidden">{title}</caption>
                        <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let mut cells = r.into_iter();
                                let first = cells.next().unwrap_or_default();
                                view! { <tr><th scope="row">{first}</th>{cells.map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
            <p class="actions"><a class="button secondary" href=csv rel="external" download=format!("linli-{name}.csv")>{tr("dashboard.csv")}</a></p>
        </section>
    }
}

fn counts(c: &[Count], with_m: bool) -> Vec<Vec<String>> {
    c.iter()
        .map(|c| {
            let mut r = vec![c.label.clone(), c.n.to_string()];
            if with_m {
                r.push(c.m.to_string());
            }
            r
        })
        .collect()
}

#[component]
fn Board(v: DashboardView) -> impl IntoView {
    use crate::stations::model::{Amenity, StationKind};
    let f = &v.figures;
    let mut query = format!("from={}&to={}", v.from, v.to);
    if let Some(c) = v.community {
        query.push_str(&format!("&community={c}"));
    }
    let scope = v
        .community_name
        .clone()
        .unwrap_or_else(|| tr("dashboard.city"));
    let median = |key: &str, h: Option<f64>| match h {
        Some(h) => tr_args(key, &[("h", format!("{h:.1}"))]),
        None => tr(&format!("{key}_none")),
    };
    let week_rows: Vec<Vec<String>> = f
        .bookings_by_week
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.served.to_string(),
                r.no_show.to_string(),
                r.walk_ins.to_string(),
            ]
        })
        .collect();
    // The busiest twenty on the page (the CSV has every centre).
    let mut busiest: Vec<_> = f.bookings_by_center.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.served + r.walk_ins));
    busiest.truncate(20);
    let center_rows: Vec<Vec<String>> = busiest
        .iter()
        .map(|r| {
            vec![
                format!("{} · {} · {}", r.street, r.community, r.label),
                r.served.to_string(),
                r.no_show.to_string(),
                r.walk_ins.to_string(),
            ]
        })
        .collect();
    let wish_rows: Vec<Vec<String>> = f
        .wishes_by_state
        .iter()
        .map(|c| vec![tr(&format!("wish_status.{}", c.label)), c.n.to_string()])
        .collect();
    let street_rows: Vec<Vec<String>> = f
        .stations_by_street
        .iter()
        .map(|r| {
            let mut row = vec![r.street.clone()];
            row.extend(r.by_kind.iter().map(|n| n.to_string()));
            row
        })
        .collect();
    let mut street_head = vec![tr("common.street")];
    street_head.extend(StationKind::ALL.iter().map(|k| tr(k.label_key())));
    let amenity_rows: Vec<Vec<String>> = f
        .amenity_counts
        .iter()
        .map(|c| {
            let name = Amenity::parse(&c.label)
                .map(|a| tr(a.label_key()))
                .unwrap_or_default();
            vec![
                name,
                c.n.to_string(),
                format!("{} %", percent(c.n, f.stations_total)),
            ]
        })
        .collect();
    // Each chart copied once, into its own figure.
    let chart = |name: &str| {
        v.charts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
    };
    view! {
        <form method="get" action="/admin/dashboard" class="card filters">
            <label for="dash-from">{tr("dashboard.from")}</label>
            <input id="dash-from" name="from" type="date" value=v.from.clone() />
            <label for="dash-to">{tr("dashboard.to")}</label>
            <input id="dash-to" name="to" type="date" value=v.to.clone() />
            {(!v.communities.is_empty()).then(|| view! {
                <label for="dash-community">{tr("common.community")}</label>
                <crate::pages::community_select::CommunitySelect id="dash-community" name="community"
                    options=v.communities.clone() selected=v.community all_label=tr("dashboard.city") />
            })}
            <button class="button secondary" type="submit">{tr("dashboard.show")}</button>
        </form>
        <p class="hint">{tr_args("dashboard.scope", &[("scope", scope), ("from", v.from.clone()), ("to", v.to.clone())])}</p>
        <Figure v_query=query.clone() name="bookings_week" chart=chart("bookings_week") title=tr("dashboard.bookings_week")
            head=vec![tr("dashboard.week"), tr("dashboard.served"), tr("dashboard.no_show"), tr("dashboard.walk_ins")] rows=week_rows />
        <p class="hint">{tr("dashboard.top_centres")}</p>
        <Figure v_query=query.clone() name="bookings_center" chart=None title=tr("dashboard.by_center")
            head=vec![tr("dashboard.center"), tr("dashboard.served"), tr("dashboard.no_show"), tr("dashboard.walk_ins")] rows=center_rows />
        <Figure v_query=query.clone() name="bookings_item" chart=None title=tr("dashboard.by_item")
            head=vec![tr("dashboard.item"), tr("dashboard.served")] rows=counts(&f.bookings_by_item, false) />
        <Figure v_query=query.clone() name="wishes" chart=chart("wishes") title=tr("dashboard.wishes")
            head=vec![tr("dashboard.state"), tr("dashboard.count")] rows=wish_rows />
        <section class="card">
            <p>{median("dashboard.median_claim", f.median_claim_hours)}</p>
            <p>{median("dashboard.median_fulfil", f.median_fulfil_hours)}</p>
        </section>
        <Figure v_query=query.clone() name="volunteers" chart=None title=tr("dashboard.volunteers")
            head=vec![tr("dashboard.volunteer"), tr("dashboard.claims"), tr("dashboard.fulfilled")] rows=counts(&f.claims_by_volunteer, true) />
        <section class="card">
            <h2>{tr("dashboard.activities")}</h2>
            <p>{tr_args("dashboard.activity_counts", &[
                ("a", f.activities.to_string()), ("s", f.signups.to_string()),
                ("c", f.checked_in.to_string()), ("h", f.volunteer_hours.to_string()),
            ])}</p>
            <p>{tr_args("dashboard.points_issued", &[("n", f.points_issued.to_string())])}</p>
            {f.messages.map(|(s, fl, w)| view! {
                <p>{tr_args("dashboard.messages", &[("sent", s.to_string()), ("failed", fl.to_string()), ("waiting", w.to_string())])}</p>
            })}
        </section>
        <Figure v_query=query.clone() name="points" chart=chart("points") title=tr("dashboard.points_title")
            head=vec![tr("dashboard.reward"), tr("dashboard.vouchers"), tr("dashboard.points")] rows=counts(&f.redeemed_by_reward, true) />
        <Figure v_query=query.clone() name="stations" chart=chart("stations") title=tr("dashboard.stations_street")
            head=street_head rows=street_rows />
        <section class="card">
            <h2>{tr_args("dashboard.amenities", &[("n", f.stations_total.to_string())])}</h2>
            <p>{tr_args("dashboard.verified", &[("n", f.verified_recent.to_string()), ("pct", percent(f.verified_recent, f.stations_total).to_string())])}</p>
            <table class="audit figures">
                <thead><tr>
                    <th scope="col">{tr("coverage.amenity")}</th>
                    <th scope="col">{tr("dashboard.count")}</th>
                    <th scope="col">{tr("coverage.share")}</th>
                </tr></thead>
                <tbody>
                    {amenity_rows.into_iter().map(|r| view! { <tr><th scope="row">{r[0].clone()}</th><td>{r[1].clone()}</td><td>{r[2].clone()}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
