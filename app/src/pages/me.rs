//! 我的: display preferences now; sign-in, bookings, wishes and points join it as those
//! parts of the product arrive.

use crate::app::{CareSwitch, LanguageSwitch};
use crate::i18n::tr;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let prefs = Prefs::current();
    view! {
        <Title text=tr("me.title") />
        <h1>{tr("me.title")}</h1>
        <section class="card">
            <h2>{tr("me.display")}</h2>
            <dl class="settings">
                <dt>{tr("prefs.language")}</dt>
                <dd>
                    <span class="current">{tr("prefs.current_language")}</span>
                    <LanguageSwitch current=prefs.locale />
                </dd>
                <dt>{tr("prefs.care")}</dt>
                <dd>
                    <span class="current">
                        {if prefs.care { tr("prefs.care_on") } else { tr("prefs.care_off") }}
                    </span>
                    <CareSwitch on=prefs.care />
                </dd>
            </dl>
            <p class="hint">{tr("prefs.care_hint")}</p>
        </section>
    }
}
