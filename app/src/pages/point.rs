//! Asking where someone is, the same way on every page that measures distances (the
//! rider page, the map, wishes near me, the booking page's centres): the device's
//! position (a button that needs `public/map.js`), a place typed in (a plain GET form,
//! matched against the stations' names and addresses on the server), or a tap on the
//! map. Whatever the visitor refuses, the page says what it does instead.

use crate::i18n::tr;
use leptos::prelude::*;

/// The ways to set a point. `hidden` are the page's other query values, kept when a
/// place is typed; `near` the place typed last; `open` whether the ways are unfolded
/// (they fold away once a point is set, so the results come first).
#[component]
pub fn PointAsk(
    action: &'static str,
    hidden: Vec<(String, String)>,
    near: String,
    open: bool,
    #[prop(default = None)] map_link: Option<&'static str>,
    /// The city's streets: each a link that sets the place to that street (the way to
    /// say where one is with neither a device position nor a map).
    #[prop(optional)]
    streets: Vec<String>,
) -> impl IntoView {
    let keep: String = hidden
        .iter()
        .map(|(k, v)| {
            format!(
                "&{}={}",
                crate::util::url_encode(k),
                crate::util::url_encode(v)
            )
        })
        .collect();
    view! {
        <details class="change-point" open=open>
            <summary>{tr("stations.change_point")}</summary>
            <div class="actions">
                <button type="button" id="locate" class="button js-only">{tr("stations.locate")}</button>
            </div>
            <p id="map-status" role="status" class="hint"
                data-unsupported=tr("stations.geo_unsupported") data-denied=tr("stations.geo_denied")
                data-timeout=tr("stations.geo_timeout") data-failed=tr("stations.geo_failed")
                data-locating=tr("stations.geo_locating") data-found=tr("stations.geo_found")></p>
            <form method="get" action=action class="center-search" role="search">
                {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()}
                <label for="near-q">{tr("stations.near_label")}</label>
                <div class="search-row">
                    <input id="near-q" name="near" type="search" maxlength="40" value=near
                        placeholder=tr("stations.near_placeholder") />
                    <button type="submit" class="button secondary">{tr("stations.near_go")}</button>
                </div>
            </form>
            {(!streets.is_empty()).then(|| view! {
                <p class="hint" id="street-pick">{tr("stations.pick_street")}</p>
                <ul class="place-list" aria-labelledby="street-pick">
                    {streets.into_iter().map(|s| {
                        let href = format!("{action}?near={}{keep}", crate::util::url_encode(&s));
                        view! { <li><a href=href>{s}</a></li> }
                    }).collect_view()}
                </ul>
            })}
            // Tapping a map needs its script.
            {map_link.map(|href| view! {
                <p class="hint js-only"><a href=href>{tr("stations.tap_on_map")}</a></p>
            })}
        </details>
    }
}
