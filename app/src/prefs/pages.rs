//! The language and care-mode switches: plain forms posting to `/prefs`, so they work
//! before (and without) WebAssembly.

use crate::i18n::tr;
use crate::prefs::Locale;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The page's own address, used as the `next` of the preference forms.
pub fn here() -> Memo<String> {
    let loc = use_location();
    Memo::new(move |_| {
        let search = loc.search.get();
        if search.is_empty() {
            loc.pathname.get()
        } else {
            format!("{}?{}", loc.pathname.get(), search.trim_start_matches('?'))
        }
    })
}

#[component]
pub fn LanguageSwitch(current: Locale) -> impl IntoView {
    let (target, label) = match current {
        Locale::ZhCn => (Locale::En, "English"),
        Locale::En => (Locale::ZhCn, "中文"),
    };
    let next = here();
    view! {
        <form method="post" action=crate::prefs::PREFS_PATH class="inline">
            <input type="hidden" name="lang" value=target.tag() />
            <input type="hidden" name="next" value=move || next.get() />
            <button type="submit" class="chip" lang=target.tag() title=tr("prefs.language")>
                {label}
            </button>
        </form>
    }
}

#[component]
pub fn CareSwitch(on: bool) -> impl IntoView {
    let next = here();
    view! {
        <form method="post" action=crate::prefs::PREFS_PATH class="inline">
            <input type="hidden" name="care" value=if on { "0" } else { "1" } />
            <input type="hidden" name="next" value=move || next.get() />
            <button type="submit" class="chip care-toggle" aria-pressed=if on { "true" } else { "false" }>
                {tr("prefs.care")}
            </button>
        </form>
    }
}
