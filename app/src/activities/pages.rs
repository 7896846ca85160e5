//! 志愿活动: the list (by kind, mine only), an activity's page (sign up or join the
//! waitlist, withdraw, the check-in QR code; for staff the roster and check-in), and the
//! posting form for staff. All plain links and forms.

use crate::activities::api::{
    get_activity, ActivityAction, ActivityPage, ActivityQuery, ActivityView,
};
use crate::activities::model::{kind_label_key, SignupStatus};
use crate::i18n::tr;
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn places_line(a: &ActivityView) -> String {
    crate::i18n::tr_args(
        "activities.places",
        &[
            ("confirmed", a.confirmed.to_string()),
            ("capacity", a.capacity.to_string()),
            ("waiting", a.waitlisted.to_string()),
            ("hours", a.hours.to_string()),
            ("points", a.points.to_string()),
        ],
    )
}

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let q = use_query_map();
    let list = Resource::new(
        move || ActivityQuery::from_pairs(|k| q.read().get(k)),
        ActivityQuery::run,
    );
    let sel = move |k: &str| q.read_untracked().get(k).unwrap_or_default();
    let communities = Resource::new(|| (), |_| crate::stations::api::list_communities());
    view! {
        <Title text=tr("activities.title") />
        <h1>{tr("activities.title")}</h1>
        <p class="lead">{tr("activities.lead")}</p>
        <Flash />
        // Dates first (this weekend leads), then community and kind; each a plain GET.
        <nav class="chips when-chips" aria-label=tr("activities.when")>
            {[("weekend", "activities.when_weekend"), ("week", "activities.when_week"), ("", "activities.when_all")].into_iter().map(|(w, key)| {
                let current = sel("when") == w;
                view! {
                    <a class=if current { "chip current" } else { "chip" } aria-current=current.then_some("page")
                        href=when_link(&q.read_untracked(), w)>{tr(key)}</a>
                }
            }).collect_view()}
        </nav>
        <form method="get" action="/activities" class="filters stack-filters">
            <input type="hidden" name="when" value=sel("when") />
            <div class="field">
                <label for="f-community">{tr("activities.community")}</label>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let selected = q.read_untracked().get("community").and_then(|v| v.parse().ok());
                        communities.await.ok().map(|c| view! {
                            <crate::pages::community_select::CommunitySelect id="f-community" name="community"
                                options=c selected=selected all_label=tr("activities.all_communities") />
                        })
                    })}
                </Suspense>
            </div>
            <div class="field">
                <label for="f-kind">{tr("activities.kind")}</label>
                <select id="f-kind" name="kind">
                    <option value="">{tr("wishes.all")}</option>
                    <option value="red_saturday" selected=sel("kind") == "red_saturday">{tr("activities.red_saturday")}</option>
                    <option value="project" selected=sel("kind") == "project">{tr("activities.project")}</option>
                </select>
            </div>
            <label class="check"><input type="checkbox" name="mine" value="1" checked=sel("mine") == "1" /><span>{tr("activities.mine")}</span></label>
            <button class="button secondary" type="submit">{tr("stations.apply")}</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(l) => {
                        let params = q.read_untracked().clone();
                        let prev = (l.page > 1).then(|| page_link(&params, l.page - 1));
                        let next = l.has_more.then(|| page_link(&params, l.page + 1));
                        view! {
                        {l.can_create.then(NewActivityForm)}
                        {l.items.is_empty().then(|| view! { <p class="hint">{tr("activities.none")}</p> })}
                        <ol class="station-list" start=((l.page - 1) * crate::activities::model::PAGE_SIZE + 1).to_string()>
                            {l.items.into_iter().map(|a| view! {
                                <li class="station-item">
                                    <a class="station-link" href=format!("/activities/{}", a.id)>
                                        <span class="station-name">{a.title.clone()}</span>
                                        <span class="station-kind">{tr(kind_label_key(&a.kind))} " · " {day_text(&a)} " " {a.time.clone()}</span>
                                    </a>
                                    <p class="station-meta">{a.community.clone()} " · " {a.place.clone()}</p>
                                    <p class="station-meta">{places_line(&a)}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                        {(prev.is_some() || next.is_some()).then(|| view! {
                            <nav class="pager" aria-label=tr("activities.pages")>
                                {prev.map(|h| view! { <a class="button secondary" rel="prev" href=h>{tr("activities.prev")}</a> })}
                                <span>{crate::i18n::tr_args("activities.page_n", &[("n", l.page.to_string())])}</span>
                                {next.map(|h| view! { <a class="button secondary" rel="next" href=h>{tr("activities.next")}</a> })}
                            </nav>
                        })}
                    }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The day of an activity as people say it: `12-05 周六`.
fn day_text(a: &ActivityView) -> String {
    let md = a.day.get(5..).unwrap_or(&a.day).to_string();
    if (1..=7).contains(&a.weekday) {
        format!("{md} {}", tr(crate::i18n::weekday_key(a.weekday)))
    } else {
        md
    }
}

/// The list's address with one parameter changed (the others kept; paging restarts).
fn with_param(q: &leptos_router::params::ParamsMap, key: &str, value: &str) -> String {
    let mut parts: Vec<String> = ["when", "community", "kind", "mine", "page"]
        .into_iter()
        .filter(|k| *k != key && !(key != "page" && *k == "page"))
        .filter_map(|k| {
            q.get(k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::util::url_encode(&v)))
        })
        .collect();
    if !value.is_empty() {
        parts.push(format!("{key}={}", crate::util::url_encode(value)));
    }
    if parts.is_empty() {
        "/activities".to_string()
    } else {
        format!("/activities?{}", parts.join("&"))
    }
}

fn when_link(q: &leptos_router::params::ParamsMap, when: &str) -> String {
    with_param(q, "when", when)
}

fn page_link(q: &leptos_router::params::ParamsMap, page: i64) -> String {
    with_param(q, "page", &page.to_string())
}

/// Staff's form to post an activity. After a refused post (no JavaScript), the address
/// carries what was typed (`f_title`, …) so that nothing has to be typed again; the
/// values only fill the fields.
#[component]
fn NewActivityForm() -> impl IntoView {
    let q = use_query_map();
    let typed = move |k: &str, default: &str| {
        q.read_untracked()
            .get(&format!("f_{k}"))
            .map(|v| v.chars().take(300).collect::<String>())
            .unwrap_or_else(|| default.to_string())
    };
    let refused = q.read_untracked().get("f_title").is_some();
    let kind = typed("kind", "");
    view! {
        <details class="card" open=refused>
            <summary>{tr("activities.new")}</summary>
            <form method="post" action=crate::activities::api::CreateActivity::PATH class="stack">
                <label for="kind">{tr("activities.kind")}</label>
                <select id="kind" name="kind" required>
                    <option value="" selected=kind.is_empty()>{tr("common.choose")}</option>
                    <option value="project" selected=kind == "project">{tr("activities.project")}</option>
                    <option value="red_saturday" selected=kind == "red_saturday">{tr("activities.red_saturday")}</option>
                </select>
                <label for="atitle">{tr("activities.name")}</label>
                <input id="atitle" name="title" maxlength="40" required value=typed("title", "") />
                <label for="aday">{tr("activities.day")}</label>
                <input id="aday" name="day" type="date" required value=typed("day", "") />
                <label for="astart">{tr("activities.start")}</label>
                <input id="astart" name="start" type="time" required value=typed("start", "09:00") />
                <label for="aend">{tr("activities.end")}</label>
                <input id="aend" name="end" type="time" required value=typed("end", "11:00") />
                <label for="adesc">{tr("activities.description")}</label>
                <textarea id="adesc" name="description" rows="3" maxlength="300">{typed("description", "")}</textarea>
                <label for="aplace">{tr("activities.place")}</label>
                <input id="aplace" name="place" maxlength="60" required value=typed("place", "") />
                <label for="acap">{tr("activities.capacity")}</label>
                <input id="acap" name="capacity" type="number" min="1" max="500" required value=typed("capacity", "20") />
                <label for="ahours">{tr("activities.hours")}</label>
                <input id="ahours" name="hours" type="number" min="1" max="12" required value=typed("hours", "2") />
                <label for="apoints">{tr("activities.points")}</label>
                <input id="apoints" name="points" type="number" min="1" max="50" required value=typed("points", "5") />
                <button class="button" type="submit">{tr("activities.publish")}</button>
            </form>
        </details>
    }
}

#[component]
pub fn ActivityDetailPage() -> impl IntoView {
    let p = use_params_map();
    let a = Resource::new(
        move || {
            p.read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_activity,
    );
    view! {
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match a.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(p) => view! { <ActivityBody p=p /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn act_button(
    id: i64,
    action: ActivityAction,
    label: String,
    class: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=crate::activities::api::ActivityAct::PATH class="inline">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="action" value=match action {
                ActivityAction::SignUp => "sign_up",
                ActivityAction::Withdraw => "withdraw",
            } />
            <button class=class type="submit">{label}</button>
        </form>
    }
}

#[component]
fn ActivityBody(p: ActivityPage) -> impl IntoView {
    let a = p.activity.clone();
    let id = a.id;
    let full = a.confirmed >= a.capacity;
    view! {
        <Title text=a.title.clone() />
        <article>
            <h1>{a.title.clone()}</h1>
            <p class="hint">{tr(kind_label_key(&a.kind))} " · " {a.community.clone()}</p>
            <section class="card">
                <dl class="settings">
                    <dt>{tr("activities.day")}</dt><dd>{a.day.clone()} " " {day_text(&a)} " " {a.time.clone()}</dd>
                    <dt>{tr("activities.place")}</dt><dd>{a.place.clone()}</dd>
                    <dt>{tr("activities.organiser")}</dt>
                    <dd>{a.community.clone()}
                        {(!a.organiser_phone.is_empty()).then(|| view! {
                            " · " <a class="tel" href=format!("tel:{}", a.organiser_phone.replace('-', ""))>{a.organiser_phone.clone()}</a>
                        })}
                    </dd>
                </dl>
                {(!a.description.is_empty()).then(|| view! { <p class="description">{a.description.clone()}</p> })}
                <p>{places_line(&a)}</p>
            </section>
            <section class="card" id="my-signup">
                {(!p.signed_in).then(|| view! { <crate::pages::not_found::SignInHere /> })}
                {p.can_sign_up.then(|| act_button(id, ActivityAction::SignUp,
                    if full { tr("activities.waitlist") } else { tr("activities.sign_up") }, "button"))}
                {p.mine.clone().map(|m| {
                    let status = match (m.status, m.checked_in) {
                        (_, true) => crate::i18n::tr_args("activities.checked_in", &[("hours", m.hours.to_string()), ("points", a.points.to_string())]),
                        (SignupStatus::Confirmed, false) => tr("activities.confirmed"),
                        (SignupStatus::Waitlisted, _) => crate::i18n::tr_args("activities.waiting", &[("n", m.waiting_place.to_string())]),
                        (SignupStatus::Withdrawn, _) => String::new(),
                    };
                    view! {
                        <p class="form-ok" id="my-status">{status}</p>
                        {m.qr_svg.clone().map(|svg| view! {
                            <div class="qr" role="img" aria-label=tr("activities.qr") inner_html=svg></div>
                        })}
                        {m.checkin_code.clone().map(|c| view! {
                            <p>{tr("activities.code")} "：" <strong class="code" id="checkin-code">{c}</strong></p>
                            <p class="hint">{tr("activities.code_hint")}</p>
                        })}
                        {(!m.checked_in).then(|| act_button(id, ActivityAction::Withdraw, tr("activities.withdraw"), "button secondary"))}
                    }
                })}
            </section>
            {p.staff.then(|| view! {
                <section class="card" id="roster">
                    <h2>{tr("activities.roster")}</h2>
                    {if p.check_in_open {
                        view! {
                            <form method="post" action=crate::activities::api::ActivityCheckIn::PATH class="search">
                                <input type="hidden" name="id" value=id.to_string() />
                                <input name="code" required autocomplete="off" maxlength="40"
                                    aria-label=tr("activities.scan") placeholder=tr("activities.scan") />
                                <button class="button" type="submit">{tr("activities.check_in")}</button>
                            </form>
                        }.into_any()
                    } else {
                        view! { <p class="hint">{tr("activities.check_in_day")}</p> }.into_any()
                    }}
                    <ol class="roster">
                        {p.roster.into_iter().map(|r| view! {
                            // Numbered once: by the list itself, at the sign-up position.
                            <li value=r.position.to_string()>
                                {r.name} " · " {r.phone} " · "
                                {match (r.status, r.checked_in) {
                                    (_, true) => tr("activities.done"),
                                    (SignupStatus::Confirmed, false) => tr("activities.confirmed_short"),
                                    _ => tr("activities.waitlisted_short"),
                                }}
                                {(p.check_in_open && r.status == SignupStatus::Confirmed && !r.checked_in).then(|| view! {
                                    <form method="post" action=crate::activities::api::ActivityCheckIn::PATH class="inline">
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="user_id" value=r.user_id.to_string() />
                                        <input name="reason" required minlength="2" maxlength="60" aria-label=tr("activities.check_in_reason") placeholder=tr("activities.check_in_reason") />
                                        <button class="chip" type="submit">{tr("activities.check_in")}</button>
                                    </form>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
            <p><a href="/activities">{tr("activities.back")}</a></p>
        </article>
    }
}
