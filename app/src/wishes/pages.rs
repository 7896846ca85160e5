//! 心愿 tab: published wishes (filters and sorting by GET form), the viewer's own wishes,
//! the review queue for staff, a wish's page with the steps the viewer may take, and the
//! posting form. All plain links and forms.

use crate::i18n::{tr, tr_args};
use crate::pages::community_select::CommunitySelect;
use crate::pages::not_found::{ErrorBox, Flash};
use crate::stations::api::list_communities;
use crate::wishes::api::{
    get_wish, my_wishes, pending_wishes, PublicWish, WishAct, WishPage, WishQuery,
};
use crate::wishes::model::WishAction;
use crate::wishes::model::CATEGORIES;

/// A category in the reader's language (a value not in the list as stored).
fn category_label(c: &str) -> String {
    crate::wishes::model::category_label(c).map_or_else(|| c.to_string(), |m| m.text())
}
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn wish_item(w: PublicWish) -> impl IntoView {
    let meta = crate::i18n::tr_args(
        "wishes.item_meta",
        &[
            ("value", w.value_yuan.to_string()),
            ("deadline", w.deadline.to_string()),
        ],
    );
    let distance = w
        .distance_m
        .map(|d| crate::i18n::tr_args("wishes.distance", &[("m", d.to_string())]));
    view! {
        <li class="station-item">
            <a class="station-link" href=format!("/wishes/{}", w.id)>
                <span class="station-name">{w.title.clone()}</span>
                <span class="station-kind">{category_label(&w.category)} " · " {w.community.clone()} " · " {tr(w.status.label_key())}</span>
            </a>
            <p class="station-meta">{w.needs.clone()} " · " {meta} {distance.map(|d| format!(" · {d}"))}</p>
        </li>
    }
}

/// What 我的心愿 reads: made by the page above its Suspense (see `MyBookingsData`).
pub type MyWishesData = Resource<Result<Vec<PublicWish>, crate::error::AppError>>;

pub fn my_wishes_data() -> MyWishesData {
    Resource::new(|| (), |_| my_wishes())
}

/// 我的心愿 on 我的: the wishes the person posted or claimed (nothing when none).
#[component]
pub fn MyWishesCard(mine: MyWishesData) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                mine.await.ok().filter(|m| !m.is_empty()).map(|m| view! {
                    <section class="card" id="my-wishes-me">
                        <h2>{tr("wishes.mine")}</h2>
                        <ol class="station-list">{m.into_iter().map(wish_item).collect_view()}</ol>
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn WishesPage() -> impl IntoView {
    let q = use_query_map();
    // "Nearest first" without a point: the newest are listed, and the page asks for a
    // point the same way as the rider page.
    let list = Resource::new(
        move || {
            let mut w = WishQuery::from_pairs(|k| q.read().get(k));
            if w.needs_point() {
                w.sort = None;
            }
            w
        },
        WishQuery::run,
    );
    let needs_point = move || WishQuery::from_pairs(|k| q.read().get(k)).needs_point();
    let pending = Resource::new(|| (), |_| pending_wishes());
    let mine = Resource::new(|| (), |_| my_wishes());
    let communities = Resource::new(|| (), |_| list_communities());
    let sel = move |k: &str| q.read_untracked().get(k).unwrap_or_default();
    view! {
        <Title text=tr("wishes.title") />
        <h1>{tr("wishes.title")}</h1>
        <p class="lead">{tr("wishes.lead")}</p>
        <p class="actions">
            <a class="button" href="/wishes/new">{tr("wishes.post")}</a>
            <a class="button secondary" href="/activities">{tr("activities.title")}</a>
            <a class="button secondary" href="/teams">{tr("teams.title")}</a>
            <a class="button secondary" href="/points">{tr("points.title")}</a>
        </p>
        <Flash />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                mine.await.ok().filter(|m| !m.is_empty()).map(|m| view! {
                    <section class="card" id="my-wishes">
                        <h2>{tr("wishes.mine")}</h2>
                        <ol class="station-list">{m.into_iter().map(wish_item).collect_view()}</ol>
                    </section>
                })
            })}
        </Suspense>
        <form id="point-form" method="get" action="/wishes" class="filters">
            <input type="hidden" name="lat" value=sel("lat") />
            <input type="hidden" name="lng" value=sel("lng") />
            <label>{tr("wishes.category")} " "
                <select name="category">
                    <option value="">{tr("wishes.all")}</option>
                    {CATEGORIES.iter().map(|c| view! { <option value=*c selected=sel("category") == *c>{category_label(c)}</option> }).collect_view()}
                </select>
            </label>
            <label>{tr("wishes.community")} " "
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let selected = sel("community").parse::<i64>().ok();
                        communities.await.ok().map(|c| view! {
                            <CommunitySelect id="community" name="community" options=c selected=selected
                                all_label=tr("wishes.all") />
                        })
                    })}
                </Suspense>
            </label>
            <label>{tr("wishes.sort")} " "
                <select name="sort">
                    <option value="newest">{tr("wishes.newest")}</option>
                    <option value="deadline" selected=sel("sort") == "deadline">{tr("wishes.by_deadline")}</option>
                    <option value="nearest" selected=sel("sort") == "nearest">{tr("wishes.nearest")}</option>
                </select>
            </label>
            <label class="check"><input type="checkbox" name="open" value="1" checked=sel("open") == "1" /><span>{tr("wishes.open_only")}</span></label>
            <input type="hidden" name="near" value=sel("near") />
            <div class="actions">
                <button class="button" type="submit">{tr("stations.apply")}</button>
            </div>
        </form>
        {move || {
            let w = WishQuery::from_pairs(|k| q.read_untracked().get(k));
            let located = w.lat.is_some() || w.near.is_some();
            (w.sort == Some(crate::wishes::api::WishSort::Nearest)).then(|| {
                let hidden: Vec<(String, String)> = ["category", "community", "open"]
                    .into_iter()
                    .filter_map(|k| q.read_untracked().get(k).filter(|v| !v.is_empty()).map(|v| (k.to_string(), v)))
                    .chain(std::iter::once(("sort".to_string(), "nearest".to_string())))
                    .collect();
                view! {
                    <section class=if located { "origin card" } else { "origin card unlocated" }>
                        <p class="origin-said"><strong>{match (&w.near, located) {
                            (Some(n), _) => crate::i18n::tr_args("stations.from_landmark", &[("name", n.clone())]),
                            (None, true) => tr("stations.from_here"),
                            (None, false) => tr("wishes.need_point"),
                        }}</strong></p>
                        <crate::pages::point::PointAsk action="/wishes" hidden=hidden
                            near=w.near.clone().unwrap_or_default() open=needs_point() />
                    </section>
                }
            })
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                pending.await.ok().filter(|p| !p.is_empty()).map(|p| view! {
                    <section class="card" id="review">
                        <h2>{tr("wishes.to_review")}</h2>
                        <ol class="station-list">{p.into_iter().map(wish_item).collect_view()}</ol>
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

fn act_form(id: i64, action: WishAction, label: String, extra: impl IntoView) -> impl IntoView {
    view! {
        <form method="post" action=WishAct::PATH class="stack">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="action" value=action.code() />
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
    let q = use_query_map();
    view! {
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                // `?release=1`: the step that asks before a claim is given back.
                let ask_release = q.read_untracked().get("release").is_some();
                match w.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(w) => view! { <WishBody p=w ask_release=ask_release /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WishBody(p: WishPage, ask_release: bool) -> impl IntoView {
    let w = p.wish.clone();
    let id = w.id;
    let actions = p.actions.clone();
    let has = move |a: WishAction| actions.contains(&a);
    view! {
        <Title text=w.title.clone() />
        <article class="wish">
            <h1>{w.title.clone()}</h1>
            <p class="hint">{category_label(&w.category)} " · " {w.community.clone()} " · " <strong>{tr(w.status.label_key())}</strong>
                {w.team.clone().map(|t| view! {
                    " · " <a href=p.team_id.map(|t| format!("/teams/{t}")).unwrap_or_default()>{t}</a>
                })}</p>
            <section class="card">
                <p>{w.story.clone()}</p>
                <dl class="settings">
                    <dt>{tr("wishes.needs")}</dt><dd>{w.needs.clone()}</dd>
                    <dt>{tr("wishes.value")}</dt><dd>{w.value_yuan}</dd>
                    <dt>{tr("wishes.deadline")}</dt><dd>{w.deadline.clone()}</dd>
                </dl>
                {(!p.fulfil_note.is_empty()).then(|| view! { <p class="form-ok">{tr("wishes.fulfil_note")} "：" {p.fulfil_note.clone()}</p> })}
                {p.photo_url.clone().map(|u| view! {
                    <figure class="wish-photo">
                        <img src=u alt=tr("wishes.photo_alt") loading="lazy" width="320" />
                        <figcaption class="hint">{tr("wishes.photo_private")}</figcaption>
                    </figure>
                })}
                {(!p.reject_reason.is_empty()).then(|| view! { <p class="form-error">{tr("wishes.rejected")} "：" {p.reject_reason.clone()}</p> })}
            </section>
            // The claimant's next step, in words: what, by when, and how to reach the poster.
            {has(WishAction::Fulfil).then(|| view! {
                <section class="card next-step" aria-labelledby="next-step">
                    <h2 id="next-step">{tr("wishes.next_step")}</h2>
                    <p>{tr_args("wishes.next_step_text", &[("needs", w.needs.clone()), ("deadline", w.deadline.clone())])}</p>
                    <p class="hint">{if p.contact.is_some() { tr("wishes.next_step_call") } else { tr("wishes.next_step_reveal") }}</p>
                </section>
            })}
            {p.contact.clone().map(|(c, a)| {
                // A number is a button that calls it (one tap for a volunteer outdoors).
                let digits: String = c.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect();
                let callable = (7..=15).contains(&digits.len());
                view! {
                <section class="card private">
                    <h2>{tr("wishes.contact")}</h2>
                    {if callable {
                        view! { <p><a class="button" href=format!("tel:{digits}")>{tr_args("wishes.call", &[("n", c.clone())])}</a></p> }.into_any()
                    } else {
                        view! { <p>{c.clone()}</p> }.into_any()
                    }}
                    <p class="address">{a}</p>
                    <p class="hint">{tr("wishes.private_hint")}</p>
                </section>
            }})}
            {p.may_reveal_contact.then(|| view! {
                <section class="card private">
                    <h2>{tr("wishes.contact")}</h2>
                    <p class="hint">{tr("wishes.reveal_hint")}</p>
                    <form method="post" action=crate::wishes::api::WishContact::PATH>
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button secondary">{tr("wishes.reveal")}</button>
                    </form>
                </section>
            })}
            <section class="card">
                {(!p.signed_in).then(|| view! { <crate::pages::not_found::SignInHere /> })}
                {has(WishAction::Claim).then(|| act_form(id, WishAction::Claim, tr("wishes.claim"), p.can_claim_for_team.then(|| view! {
                    <label class="check"><input type="checkbox" name="team" value="true" /><span>{tr("wishes.for_team")}</span></label>
                })))}
                // Giving a claim back asks first and looks unlike finishing it.
                {(has(WishAction::Withdraw) && !ask_release).then(|| view! {
                    <a class="button secondary release" href=format!("/wishes/{id}?release=1#confirm")>{tr("wishes.withdraw")}</a>
                })}
                {(has(WishAction::Withdraw) && ask_release).then(|| view! {
                    <div class="confirm" id="confirm" role="alertdialog" aria-labelledby="confirm-release">
                        <p id="confirm-release">{tr("wishes.confirm_release")}</p>
                        <form method="post" action=WishAct::PATH class="inline">
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="action" value=WishAction::Withdraw.code() />
                            <button class="button secondary" type="submit">{tr("wishes.confirm_release_button")}</button>
                        </form>
                        " "
                        <a class="button" href=format!("/wishes/{id}")>{tr("wishes.keep_claim")}</a>
                    </div>
                })}
                {has(WishAction::Fulfil).then(|| view! {
                    // Multipart, to a plain handler: the photo is optional, the note is not.
                    <form method="post" action=crate::wishes::api::FULFIL_PATH enctype="multipart/form-data" class="stack">
                        <input type="hidden" name="id" value=id.to_string() />
                        <label for="note">{tr("wishes.fulfil_note")}</label>
                        <textarea id="note" name="note" rows="3" maxlength="200" required></textarea>
                        <label for="photo">{tr("wishes.photo")}</label>
                        <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" />
                        <p class="hint">{tr("wishes.photo_hint")}</p>
                        <button class="button" type="submit">{tr("wishes.fulfil")}</button>
                    </form>
                })}
                {has(WishAction::Confirm).then(|| act_form(id, WishAction::Confirm, tr("wishes.confirm"), ()))}
                {has(WishAction::Approve).then(|| act_form(id, WishAction::Approve, tr("wishes.approve"), ()))}
                {has(WishAction::Reject).then(|| act_form(id, WishAction::Reject, tr("wishes.reject"), view! {
                    <input name="note" maxlength="100" required placeholder=tr("wishes.reject_reason") aria-label=tr("wishes.reject_reason") />
                }))}
                {has(WishAction::Close).then(|| act_form(id, WishAction::Close, tr("wishes.close"), ()))}
            </section>
        </article>
    }
}

#[component]
pub fn NewWishPage() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| crate::accounts::api::get_viewer());
    view! {
        <Title text=tr("wishes.post") />
        <h1>{tr("wishes.post")}</h1>
        <Flash />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = viewer.await.ok().and_then(|v| v.user);
                match user {
                    None => view! {
                        <p class="form-error" role="alert">{tr("wishes.sign_in_first")} " "
                            <a href="/login">{tr("login.title")}</a></p>
                    }.into_any(),
                    Some(u) => match u.community_name {
                        Some(c) => view! { <p class="hint">{crate::i18n::tr_args("wishes.posting_in", &[("c", c.to_string())])}</p> }.into_any(),
                        None => view! {
                            <p class="form-error" role="alert">{tr("wishes.choose_community")} " "
                                <a href="/me">{tr("me.title")}</a></p>
                        }.into_any(),
                    },
                }
            })}
        </Suspense>
        <form method="post" action=crate::wishes::api::PostWish::PATH class="stack card">
            <label for="category">{tr("wishes.category")}</label>
            <select id="category" name="category" required>
                <option value="" selected>{tr("common.choose")}</option>
                {CATEGORIES.iter().map(|c| view! { <option value=*c>{category_label(c)}</option> }).collect_view()}
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
