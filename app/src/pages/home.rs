//! The life circle at a glance (the top of the 地图 tab), from the database.

use crate::i18n::{tr, tr_args};
use crate::stations::api::get_city_summary;
use crate::stations::model::StationKind;
use leptos::prelude::*;

#[component]
pub fn CityHero() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_city_summary());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                summary.await.ok().map(|s| {
                    let total: i64 = s.by_kind.iter().map(|(_, n)| n).sum();
                    view! {
                        <section class="hero">
                            <h1>{tr_args("home.title", &[("city", s.city.clone())])}</h1>
                            <p class="lead">
                                {tr_args(
                                    "home.lead",
                                    &[
                                        ("streets", s.streets.to_string()),
                                        ("communities", s.communities.to_string()),
                                        ("stations", total.to_string()),
                                    ],
                                )}
                            </p>
                            <a class="button rider-entry" href="/rider" rel="external">{tr("rider.entry")}</a>
                            " "
                            <a class="button secondary rider-entry" href="/book">{tr("booking.entry")}</a>
                        </section>
                        <ul class="kind-grid" aria-label=tr("home.kinds")>
                            {s.by_kind.iter().map(|(k, n)| view! {
                                <li class=format!("kind-card kind-{}", k.code())>
                                    <a href=format!("/map?kind={}", k.code()) rel="external">
                                        <span class="kind-count">{*n}</span>
                                        <span class="kind-name">{tr(k.label_key())}</span>
                                        <span class="kind-hint">{tr(kind_hint(*k))}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })
            })}
        </Suspense>
    }
}

fn kind_hint(k: StationKind) -> &'static str {
    match k {
        StationKind::Center => "home.hint_center",
        StationKind::RedStation => "home.hint_red_station",
        StationKind::Outdoor => "home.hint_outdoor",
        StationKind::Plaza => "home.hint_plaza",
    }
}
