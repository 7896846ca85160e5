//! The home page (地图 tab): the life circle at a glance, from the database.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::ErrorBox;
use crate::stations::api::get_city_summary;
use crate::stations::model::StationKind;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_city_summary());
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(s) => {
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
                            </section>
                            <ul class="kind-grid" aria-label=tr("home.kinds")>
                                {s
                                    .by_kind
                                    .iter()
                                    .map(|(k, n)| {
                                        view! {
                                            <li class=format!("kind-card kind-{}", k.code())>
                                                <span class="kind-count">{*n}</span>
                                                <span class="kind-name">{tr(k.label_key())}</span>
                                                <span class="kind-hint">{tr(kind_hint(*k))}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
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
