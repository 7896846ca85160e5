//! The city's settings page (`/admin/city`): the first step of setting up a real city.
//! A plain form: nothing here needs JavaScript.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The city's settings (`/admin/city`): the first step of setting up a real city.
#[component]
pub fn CityPage() -> impl IntoView {
    use crate::stations::city::api::{get_city_settings, SetCity};
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
