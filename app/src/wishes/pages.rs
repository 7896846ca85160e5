//! 心愿 tab: published wishes (filters and sorting by GET form), a wish's page with the
//! actions the viewer may take, the posting form, activities with waitlists, and points.
//! All plain links and forms.

use crate::i18n::tr;
use crate::pages::not_found::{ErrorBox, Flash};
use crate::wishes::api::{
    get_wish, list_activities, list_wishes, my_points, pending_wishes, PublicWish, WishPage,
};
use crate::wishes::model::CATEGORIES;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

fn wish_item(w: PublicWish) -> impl IntoView {
    view! {
        <li class="station-item">
            <a class="station-link" href=format!("/wishes/{}", w.id)>
                <span class="station-name">{w.title.clone()}</span>
                <span class="station-kind">{w.category.clone()} " · " {w.community.clone()} " · " {w.status.label()}</span>
            </a>
            <p class="station-meta">{w.needs.clone()} " · 约" {w.value_yuan} "元 · 截止" {w.deadline.clone()}
                {w.distance_m.map(|d| format!(" · 约{}米", d))}</p>
        </li>
    }
}

#[component]
pub fn WishesPage() -> impl IntoView {
    let loc = use_location();
    let q = use_query_map();
    let list = Resource::new(move || loc.search.get(), list_wishes);
    let pending = Resource::new(|| (), |_| pending_wishes());
    let sel = move |k: &str| q.read_untracked().get(k).unwrap_or_default();
    view! {
        <Title text=tr("wishes.title") />
        <h1>{tr("wishes.title")}</h1>
        <p class="lead">{tr("wishes.lead")}</p>
        <p class="actions">
            <a class="button" href="/wishes/new">{tr("wishes.post")}</a>
            <a class="button secondary" href="/activities">{tr("wishes.activities")}</a>
            <a class="button secondary" href="/points">{tr("wishes.points")}</a>
        </p>
        <Flash />
        <form id="point-form" method="get" action="/wishes" class="filters">
            <input type="hidden" name="lat" value=sel("lat") />
            <input type="hidden" name="lng" value=sel("lng") />
            <label>{tr("wishes.category")} " "
                <select name="category">
                    <option value="">{tr("wishes.all")}</option>
                    {CATEGORIES.iter().map(|c| view! { <option value=*c selected=sel("category") == *c>{*c}</option> }).collect_view()}
                </select>
            </label>
            <label>{tr("wishes.sort")} " "
                <select name="sort">
                    <option value="newest">{tr("wishes.newest")}</option>
                    <option value="deadline" selected=sel("sort") == "deadline">{tr("wishes.by_deadline")}</option>
                    <option value="nearest" selected=sel("sort") == "nearest">{tr("wishes.nearest")}</option>
                </select>
            </label>
            <label class="check"><input type="checkbox" name="open" value="1" checked=sel("open") == "1" /><span>{tr("wishes.open_only")}</span></label>
            <div class="actions">
                <button class="button" type="submit">{tr("stations.apply")}</button>
                <button type="button" id="locate" class="button secondary js-only">{tr("stations.locate")}</button>
            </div>
        </form>
        <p id="map-status" role="status" class="hint"></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                pending.await.ok().filter(|p| !p.is_empty()).map(|p| view! {
                    <section class="card">
                        <h2>{tr("wishes.to_review")}</h2>
                        <ol class="station-list">{p.into_iter().map(|(w, _, _)| wish_item(w)).collect_view()}</ol>
                    </section>
                })
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(l) => view! { <ol class="station-list">{l.into_iter().map(wish_item).collect_view()}</ol> }.into_any(),
                }
            })}
        </Suspense>
        <script src="/map.js" defer></script>
    }
}

fn act_form(id: i64, action: &'static str, label: String, extra: impl IntoView) -> impl IntoView {
    view! {
        <form method="post" action="/api/wishes/act" class="stack">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="action" value=action />
            {extra}
            <button class="button" type="submit">{label}</button>
        </form>
    }
}

#[component]
pub fn WishDetailPage() -> impl IntoView {
    let p = use_params_map();
    let w = Resource::new(
        move || {
            p.read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_wish,
    );
    view! {
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match w.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(w) => view! { <WishBody p=w /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WishBody(p: WishPage) -> impl IntoView {
    let w = p.wish.clone();
    let id = w.id;
    view! {
        <Title text=w.title.clone() />
        <article class="wish">
            <h1>{w.title.clone()}</h1>
            <p class="hint">{w.category.clone()} " · " {w.community.clone()} " · " <strong>{w.status.label()}</strong>
                {w.team.clone().map(|t| format!(" · {t}"))}</p>
            <section class="card">
                <p>{w.story.clone()}</p>
                <dl class="settings">
                    <dt>{tr("wishes.needs")}</dt><dd>{w.needs.clone()}</dd>
                    <dt>{tr("wishes.value")}</dt><dd>{w.value_yuan} " 元"</dd>
                    <dt>{tr("wishes.deadline")}</dt><dd>{w.deadline.clone()}</dd>
                </dl>
                {(!p.fulfil_note.is_empty()).then(|| view! { <p class="form-ok">{tr("wishes.fulfil_note")} "：" {p.fulfil_note.clone()}</p> })}
                {(!p.reject_reason.is_empty()).then(|| view! { <p class="form-error">{tr("wishes.rejected")} "：" {p.reject_reason.clone()}</p> })}
            </section>
            {p.contact.clone().map(|(c, a)| view! {
                <section class="card private">
                    <h2>{tr("wishes.contact")}</h2>
                    <p>{c} " · " {a}</p>
                    <p class="hint">{tr("wishes.private_hint")}</p>
                </section>
            })}
            <section class="card">
                {(!p.signed_in).then(|| view! { <a class="button" href="/login">{tr("login.title")}</a> })}
                {p.can_claim.then(|| act_form(id, "claim", tr("wishes.claim"), view! {
                    <label class="check"><input type="checkbox" name="team" value="1" /><span>{tr("wishes.for_team")}</span></label>
                }))}
                {p.can_withdraw.then(|| act_form(id, "withdraw", tr("wishes.withdraw"), ()))}
                {p.can_fulfil.then(|| act_form(id, "fulfil", tr("wishes.fulfil"), view! {
                    <label for="note">{tr("wishes.fulfil_note")}</label>
                    <textarea id="note" name="note" rows="3" maxlength="200" required></textarea>
                }))}
                {p.can_confirm.then(|| act_form(id, "confirm", tr("wishes.confirm"), ()))}
                {p.can_review.then(|| view! {
                    {act_form(id, "review", tr("wishes.approve"), view! { <input type="hidden" name="approve" value="1" /> })}
                    {act_form(id, "review", tr("wishes.reject"), view! {
                        <input type="hidden" name="approve" value="0" />
                        <input name="note" maxlength="100" required placeholder=tr("wishes.reject_reason") aria-label=tr("wishes.reject_reason") />
                    })}
                })}
                {p.can_close.then(|| act_form(id, "close", tr("wishes.close"), ()))}
            </section>
        </article>
    }
}

#[component]
pub fn NewWishPage() -> impl IntoView {
    view! {
        <Title text=tr("wishes.post") />
        <h1>{tr("wishes.post")}</h1>
        <Flash />
        <form method="post" action="/api/wishes/post" class="stack card">
            <label for="category">{tr("wishes.category")}</label>
            <select id="category" name="category" required>
                {CATEGORIES.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
            </select>
            <label for="title">{tr("wishes.title_field")}</label>
            <input id="title" name="title" maxlength="30" required />
            <label for="story">{tr("wishes.story")}</label>
            <textarea id="story" name="story" rows="5" maxlength="500" required></textarea>
            <label for="needs">{tr("wishes.needs")}</label>
            <input id="needs" name="needs" maxlength="200" required />
            <label for="value_yuan">{tr("wishes.value")}</label>
            <input id="value_yuan" name="value_yuan" type="number" min="0" max="2000" value="0" required />
            <label for="deadline">{tr("wishes.deadline")}</label>
            <input id="deadline" name="deadline" type="date" required />
            <label for="contact">{tr("wishes.contact")}</label>
            <input id="contact" name="contact" maxlength="40" required />
            <label for="address">{tr("wishes.address")}</label>
            <input id="address" name="address" maxlength="100" required />
            <p class="hint">{tr("wishes.private_hint")}</p>
            <button class="button" type="submit">{tr("wishes.submit")}</button>
        </form>
    }
}

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_activities());
    view! {
        <Title text=tr("wishes.activities") />
        <h1>{tr("wishes.activities")}</h1>
        <Flash />
        <details class="card">
            <summary>{tr("wishes.new_activity")}</summary>
            <form method="post" action="/api/activities/create" class="stack">
                <label for="kind">{tr("wishes.activity_kind")}</label>
                <select id="kind" name="kind">
                    <option value="red_saturday">{tr("wishes.red_saturday")}</option>
                    <option value="project">{tr("wishes.project")}</option>
                </select>
                <label for="atitle">{tr("wishes.activity_title")}</label>
                <input id="atitle" name="title" maxlength="40" required />
                <label for="aday">{tr("wishes.activity_day")}</label>
                <input id="aday" name="day" type="date" required />
                <label for="aplace">{tr("wishes.activity_place")}</label>
                <input id="aplace" name="place" maxlength="60" required />
                <label for="acap">{tr("wishes.activity_capacity")}</label>
                <input id="acap" name="capacity" type="number" min="1" max="500" value="20" required />
                <button class="button" type="submit">{tr("wishes.publish_activity")}</button>
            </form>
        </details>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                list.await.map(|l| view! {
                    <ol class="station-list">
                        {l.into_iter().map(|a| view! {
                            <li class="station-item">
                                <p class="station-name">{a.title.clone()}</p>
                                <p class="hint">{a.day.clone()} " · " {a.community.clone()} " · " {a.place.clone()}</p>
                                <p>{format!("名额 {}/{} · 候补 {} · {} 积分", a.confirmed, a.capacity, a.waitlisted, a.points)}</p>
                                <form method="post" action="/api/activities/act" class="inline">
                                    <input type="hidden" name="id" value=a.id.to_string() />
                                    <input type="hidden" name="action" value="sign_up" />
                                    <button class="button secondary" type="submit">
                                        {if a.confirmed < a.capacity { tr("wishes.sign_up") } else { tr("wishes.waitlist") }}
                                    </button>
                                </form>
                                <form method="post" action="/api/activities/act" class="inline">
                                    <input type="hidden" name="id" value=a.id.to_string() />
                                    <input type="hidden" name="action" value="withdraw" />
                                    <button class="chip" type="submit">{tr("wishes.withdraw")}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ol>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn PointsPage() -> impl IntoView {
    let p = Resource::new(|| (), |_| my_points());
    let q = use_query_map();
    view! {
        <Title text=tr("wishes.points") />
        <h1>{tr("wishes.points")}</h1>
        <Flash />
        {move || q.read().get("voucher").map(|v| view! { <p class="form-ok code">{tr("wishes.voucher")} "：" {v}</p> })}
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match p.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(p) => { let balance = p.balance; view! {
                        <section class="card"><p class="kind-count">{p.balance}</p><p>{tr("wishes.balance")}</p></section>
                        <section class="card">
                            <h2>{tr("wishes.rewards")}</h2>
                            <ul class="service-list">
                                {p.rewards.into_iter().map(|(id, name, cat, cost, stock)| view! {
                                    <li class="reward">
                                        <form method="post" action="/api/points/redeem" class="search">
                                            <input type="hidden" name="reward_id" value=id.to_string() />
                                            <span>{name} " · " {cat} " · " {cost} "分 · 余" {stock}</span>
                                            <button class="chip" type="submit" disabled={stock == 0 || cost > balance}>{tr("wishes.redeem")}</button>
                                        </form>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                        <section class="card">
                            <h2>{tr("wishes.ledger")}</h2>
                            <ul>{p.ledger.into_iter().map(|(d, r, at)| view! { <li>{format!("{d:+}")} " " {r} " · " {at}</li> }).collect_view()}</ul>
                        </section>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}
