//! The sign-in page and 我的. Plain forms posting to the server functions' endpoints:
//! they work the same before WebAssembly loads, after it, and without it.

use crate::accounts::api::{get_viewer, Viewer};
use crate::accounts::model::{mask_phone, Role};
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::ErrorBox;
use crate::prefs::pages::{CareSwitch, LanguageSwitch};
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A message carried back in `?err=` after a form failed without JavaScript.
#[component]
fn FormError() -> impl IntoView {
    let q = use_query_map();
    move || {
        q.read()
            .get("err")
            .and_then(|e| crate::message::Msg::from_banner(&e).map(|m| m.text()))
            .map(|e| {
                view! { <p class="form-error" role="alert">{e}</p> }
            })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let q = use_query_map();
    let viewer = Resource::new(|| (), |_| get_viewer());
    let phone = move || q.read().get("phone").unwrap_or_default();
    let sent = move || q.read().get("sent").is_some_and(|s| s == "1");
    let next = move || q.read().get("next").unwrap_or_default();
    view! {
        <Title text=tr("login.title") />
        <h1>{tr("login.title")}</h1>
        <section class="card">
            <FormError />
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <form method="post" action=crate::accounts::api::RequestCode::PATH class="stack">
                            <input type="hidden" name="next" value=next />
                            <PhoneField value=phone() />
                            <button type="submit" class="button">{tr("login.get_code")}</button>
                        </form>
                    }
                }
            >
                <p>{move || tr_args("login.sent_to", &[("phone", mask_phone(&phone()))])}</p>
                <form method="post" action=crate::accounts::api::VerifyCode::PATH class="stack">
                    <input type="hidden" name="phone" value=phone />
                    <input type="hidden" name="next" value=next />
                    <label for="code">{tr("login.code")}</label>
                    <input id="code" name="code" type="text" inputmode="numeric"
                        autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" required />
                    <button type="submit" class="button">{tr("login.sign_in")}</button>
                </form>
                <a href=move || format!("/login?phone={}&next={}", phone(), crate::util::url_encode(&next()))>{tr("login.resend")}</a>
            </Show>
            <p class="hint">{tr("login.hint")}</p>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                viewer.await.ok().filter(|v| v.demo).map(|_| view! { <DemoPanel /> })
            })}
        </Suspense>
    }
}

/// The mobile-number field. Without WebAssembly it is a plain input checked by the
/// server; as an island it checks the number as it is typed, with the same rule
/// (`Phone::parse`) and the same Chinese message.
#[island]
fn PhoneField(value: String) -> impl IntoView {
    let (message, set_message) = signal(None::<String>);
    let check = move |v: String| {
        let msg = if v.trim().is_empty() {
            None
        } else {
            crate::accounts::model::Phone::parse(&v)
                .err()
                .map(|m| m.text())
        };
        set_message.set(msg);
    };
    view! {
        <label for="phone">{tr("login.phone")}</label>
        <input id="phone" name="phone" type="tel" inputmode="numeric"
            autocomplete="tel" maxlength="20" required
            aria-describedby="phone-hint"
            placeholder=tr("login.phone_placeholder") value=value
            on:input=move |ev| check(event_target_value(&ev)) />
        <p id="phone-hint" class="field-hint" aria-live="polite">{move || message.get()}</p>
    }
}

/// 体验身份: sign in as any role without a text message (demo mode only).
#[component]
fn DemoPanel() -> impl IntoView {
    let roles = [
        ("resident", "demo.resident"),
        ("volunteer", "demo.volunteer"),
        ("staff", "demo.staff"),
        ("admin", "demo.admin"),
        ("leader", "demo.leader"),
    ];
    view! {
        <section class="card demo-panel" aria-labelledby="demo-title">
            <h2 id="demo-title">{tr("demo.title")}</h2>
            <p class="hint">{tr("demo.hint")}</p>
            <div class="demo-roles">
                {roles
                    .into_iter()
                    .map(|(role, key)| {
                        view! {
                            <form method="post" action=crate::accounts::api::DemoSignIn::PATH class="inline">
                                <input type="hidden" name="role" value=role />
                                <button type="submit" class="button secondary">{tr(key)}</button>
                            </form>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

#[component]
pub fn MePage() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| get_viewer());
    // Every resource of the page here, above the Suspense that reads them.
    let data = MeData {
        bookings: crate::booking::pages::my_bookings_data(),
        wishes: crate::wishes::pages::my_wishes_data(),
        communities: Resource::new(|| (), |_| crate::stations::api::list_communities()),
    };
    view! {
        <Title text=tr("me.title") />
        <h1>{tr("me.title")}</h1>
        <FormError />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(v) => view! { <MeBody viewer=v data=data /> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
        <Preferences />
    }
}

/// The resources 我的 reads below the viewer.
#[derive(Clone, Copy)]
struct MeData {
    bookings: crate::booking::pages::MyBookingsData,
    wishes: crate::wishes::pages::MyWishesData,
    communities:
        Resource<Result<Vec<crate::stations::model::CommunityOption>, crate::error::AppError>>,
}

#[component]
fn MeBody(viewer: Viewer, data: MeData) -> impl IntoView {
    let q = use_query_map();
    let saved = move || q.read().get("saved").is_some();
    match viewer.user {
        None => view! {
            <section class="card">
                <p>{tr("me.signed_out")}</p>
                <a class="button" href="/login">{tr("login.title")}</a>
            </section>
            {viewer.demo.then(|| view! { <DemoPanel /> })}
        }
        .into_any(),
        Some(u) => {
            let role = tr(u.role.label_key());
            let volunteer = u.volunteer;
            view! {
                <Show when=saved>
                    <p class="form-ok" role="status">{tr("me.saved")}</p>
                </Show>
                // What is mine first (bookings, wishes and claims, activities, points);
                // the profile form after it.
                <crate::booking::pages::MyBookings data=data.bookings />
                <crate::wishes::pages::MyWishesCard mine=data.wishes />
                <section class="card">
                    <a class="button secondary" href="/points">{tr("points.title")}</a>
                    " "
                    <a class="button secondary" href="/activities?mine=1">{tr("activities.my")}</a>
                </section>
                <section class="card profile">
                    <h2>{u.display_name.clone()}</h2>
                    <dl class="settings">
                        <dt>{tr("me.phone")}</dt>
                        <dd>{u.phone.clone()}</dd>
                        <dt>{tr("me.role")}</dt>
                        <dd>
                            {role}
                            {volunteer.then(|| view! { <span class="badge">{tr("role.volunteer")}</span> })}
                        </dd>
                        {u.community_name.clone().map(|c| view! {
                            <dt>{if u.role == Role::Staff { tr("me.staff_of") } else { tr("me.community") }}</dt>
                            <dd>{c}</dd>
                        })}
                        {u.team_name.clone().map(|t| view! { <dt>{tr("me.team")}</dt><dd>{t}</dd> })}
                    </dl>
                    <form method="post" action=crate::accounts::api::UpdateProfile::PATH class="stack">
                        <label for="display_name">{tr("me.display_name")}</label>
                        <input id="display_name" name="display_name" maxlength="20" required
                            value=u.display_name.clone() />
                        {(u.role == Role::Resident).then(|| {
                            let communities = data.communities;
                            let selected = u.community_id;
                            view! {
                                <label for="community_id">{tr("me.community")}</label>
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        communities.await.ok().map(|c| view! {
                                            <crate::pages::community_select::CommunitySelect id="community_id" name="community_id"
                                                options=c selected=selected all_label=tr("me.no_community") />
                                        })
                                    })}
                                </Suspense>
                            }
                        })}
                        // Staff keep the community they were granted.
                        {(u.role != Role::Resident).then(|| view! {
                            <input type="hidden" name="community_id"
                                value=u.community_id.map(|c| c.to_string()).unwrap_or_default() />
                        })}
                        <button type="submit" class="button secondary">{tr("common.save")}</button>
                    </form>
                </section>
                {(u.role != Role::Resident).then(|| view! {
                    <section class="card">
                        <a class="button" href="/desk">{tr("desk.title")}</a>
                        " "
                        <a class="button secondary" href="/volunteers">{tr("volunteers.title")}</a>
                        {(u.role == Role::Admin).then(|| view! {
                            " " <a class="button secondary" href="/admin">{tr("admin.title")}</a>
                        })}
                    </section>
                })}
                <section class="card">
                    <h2>{tr("me.volunteer")}</h2>
                    <p class="hint">{tr("me.volunteer_hint")}</p>
                    {volunteer.then(|| view! {
                        <p class=if u.verified { "form-ok" } else { "hint" }>
                            {if u.verified { tr("volunteers.verified_yes") } else { tr("volunteers.verified_no") }}
                        </p>
                    })}
                    {u.team_pending.is_some().then(|| view! { <p class="hint">{tr("teams.join_pending")}</p> })}
                    <form method="post" action=crate::accounts::api::SetVolunteer::PATH class="inline">
                        <input type="hidden" name="on" value=if volunteer { "false" } else { "true" } />
                        <button type="submit" class="button secondary">
                            {if volunteer { tr("me.volunteer_leave") } else { tr("me.volunteer_join") }}
                        </button>
                    </form>
                </section>
                <section class="card">
                    <form method="post" action=crate::accounts::api::SignOut::PATH class="inline">
                        <button type="submit" class="button secondary">{tr("me.sign_out")}</button>
                    </form>
                    <form method="post" action=crate::accounts::api::SignOutEverywhere::PATH class="inline">
                        <button type="submit" class="button secondary">{tr("me.sign_out_all")}</button>
                    </form>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn Preferences() -> impl IntoView {
    let prefs = Prefs::current();
    view! {
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
