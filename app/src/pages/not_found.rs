//! The Chinese 404 page and the error box shown when a part of a page fails.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=tr("err.not_found_title") />
        <section class="card error-page">
            <h1>{tr("err.not_found_title")}</h1>
            <p>{tr("err.not_found_body")}</p>
            <a class="button" href="/">{tr("err.back_home")}</a>
        </section>
    }
}

/// "Sign in" that comes back to this page, with what was chosen on it (its address).
#[component]
pub fn SignInHere(#[prop(optional)] class: &'static str) -> impl IntoView {
    let loc = leptos_router::hooks::use_location();
    let here = {
        let path = loc.pathname.get_untracked();
        let search = loc.search.get_untracked();
        if search.is_empty() {
            path
        } else if search.starts_with('?') {
            format!("{path}{search}")
        } else {
            format!("{path}?{search}")
        }
    };
    let href = format!("/login?next={}", crate::util::url_encode(&here));
    view! { <a class=if class.is_empty() { "button" } else { class } href=href>{tr("login.title")}</a> }
}

/// Shown in place of content whose loading failed; the message is the error's own
/// Chinese text (never an internal detail: see `AppError`).
#[component]
pub fn ErrorBox(message: String) -> impl IntoView {
    view! {
        <section class="card error-page" role="alert">
            <h2>{tr("err.load_failed")}</h2>
            <p>{message}</p>
        </section>
    }
}

/// The outcome of a plain form post, carried back in the address: `?err=` (the keys of
/// fixed messages, see `message::Msg::from_banner`; anything else shows nothing) or `?ok=1`
/// (or `?ok=<key>` of what was done).
#[component]
pub fn Flash() -> impl IntoView {
    let q = use_query_map();
    move || {
        let q = q.read();
        if let Some(e) = q
            .get("err")
            .and_then(|e| crate::message::Msg::from_banner(&e).map(|m| m.text()))
        {
            Some(view! { <p class="form-error" role="alert">{e}</p> }.into_any())
        } else if let Some(ok) = q.get("ok") {
            // `ok=<key>` names what was done, from the same fixed set as errors.
            let text = crate::message::Msg::from_banner(&ok)
                .map(|m| m.text())
                .unwrap_or_else(|| tr("common.done"));
            Some(view! { <p class="form-ok" role="status">{text}</p> }.into_any())
        } else {
            None
        }
    }
}
