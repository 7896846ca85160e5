//! Booking pages: choose a centre, a day and a slot (`/book?item=…`), the confirmation
//! with code, QR and .ics (`/bookings/{code}`), and the staff desk (`/desk`). Every step
//! is a link or a plain form, so booking works without JavaScript.

use crate::booking::api::{get_booking, my_bookings, my_notices, BookQuery};
use crate::booking::api_desk::get_desk;
use crate::booking::model::{Action, Status};
use crate::booking::views::{BookingChoices, BookingView, CenterOption, Desk};
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn link(c: &BookingChoices, center: Option<i64>, day: Option<&str>, reschedule: &str) -> String {
    let mut s = format!("/book?item={}", c.item_code);
    if let Some(id) = center {
        s.push_str(&format!("&center={id}"));
    }
    if let Some(d) = day {
        s.push_str(&format!("&day={d}"));
    }
    if !reschedule.is_empty() {
        s.push_str(&format!("&reschedule={reschedule}"));
    }
    s
}

/// `/book` without an item: the items that can be done in extended hours, by category,
/// each a link to its booking (rather than an error).
#[component]
fn ItemPicker() -> impl IntoView {
    let cat = Resource::new(|| (), |_| crate::catalogue::api::get_catalogue());
    // From a centre's own page: the centre stays chosen.
    let q = use_query_map();
    view! {
        <p class="lead">{tr("booking.pick_item")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                let center = q
                    .read_untracked()
                    .get("center")
                    .and_then(|c| c.trim().parse::<i64>().ok())
                    .map(|c| format!("&center={c}"))
                    .unwrap_or_default();
                match cat.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(c) => c.categories.into_iter().filter_map(|(category, items)| {
                        let items: Vec<_> = items.into_iter().filter(|i| i.extended_hours).collect();
                        (!items.is_empty()).then(|| view! {
                            <section class="card">
                                <h2>{category.title()}</h2>
                                <ul class="choice-list">
                                    {items.into_iter().map(|i| view! {
                                        <li><a class="choice" href=format!("/book?item={}{}", i.code, center)>
                                            <span class="choice-main">{i.name}</span>
                                        </a></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })
                    }).collect_view().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn BookPage() -> impl IntoView {
    let q = use_query_map();
    let no_item = move || q.read().get("item").is_none_or(|i| i.trim().is_empty());
    let choices = Resource::new(
        move || BookQuery::from_pairs(|k| q.read().get(k)),
        BookQuery::run,
    );
    view! {
        <Title text=tr("booking.title") />
        <h1>{tr("booking.title")}</h1>
        <Flash />
        // A refused booking says which booking of mine stands in the way.
        {move || q.read().get("conflict").and_then(|c| {
            if c == "limit" {
                Some(view! { <p class="notice"><a href="/me#my-bookings">{tr("booking.conflict_limit")}</a></p> }.into_any())
            } else {
                crate::booking::model::parse_code(&c).ok().map(|code| view! {
                    <p class="notice"><a href=format!("/bookings/{code}")>{tr("booking.conflict_booking")}</a></p>
                }.into_any())
            }
        })}
        <Show when=no_item fallback=move || view! {
            <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let reschedule = q.read_untracked().get("reschedule").unwrap_or_default();
                    match choices.await {
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                        Ok(c) => view! { <BookSteps c=c reschedule=reschedule /> }.into_any(),
                    }
                })}
            </Suspense>
        }>
            <ItemPicker />
        </Show>
        <script src="/map.js" defer></script>
    }
}

#[component]
fn BookSteps(c: BookingChoices, reschedule: String) -> impl IntoView {
    let item = c.item_name.clone();
    let step_center = c.center.is_none();
    view! {
        <p class="lead">{tr("booking.item")} "：" <strong>{item}</strong></p>
        {(!c.signed_in).then(|| view! {
            <p class="form-error">{tr("booking.sign_in_first")} " " <crate::pages::not_found::SignInHere class="inline-link" /></p>
        })}
        {step_center.then(|| {
            let c2 = c.clone();
            let l = c.centers.clone();
            let row = {
                let c2 = c2.clone();
                let reschedule = reschedule.clone();
                move |x: CenterOption| view! {
                    <li>
                        <a class="choice" href=link(&c2, Some(x.id), None, &reschedule)>
                            <span class="choice-main">{x.name.clone()}</span>
                            <span class="choice-sub">{x.address.clone()}
                                {x.distance_m.map(|d| format!(" · {}", tr_args("stations.distance_m", &[("m", d.to_string())])))}
                            </span>
                        </a>
                    </li>
                }
            };
            let (r1, r2, r3, r4) = (row.clone(), row.clone(), row.clone(), row);
            view! {
                <section class="card">
                    <h2>{tr("booking.choose_center")}</h2>
                    {(l.total == 0).then(|| view! { <p>{tr("booking.no_center")}</p> })}
                    {(!l.mine.is_empty()).then(|| view! {
                        <h3>{tr("booking.my_center")}</h3>
                        <ul class="choice-list">{l.mine.clone().into_iter().map(r1).collect_view()}</ul>
                    })}
                    <form id="point-form" method="get" action="/book" class="inline">
                        <input type="hidden" name="item" value=c.item_code.clone() />
                        <input type="hidden" name="lat" value="" />
                        <input type="hidden" name="lng" value="" />
                        {(!reschedule.is_empty()).then(|| view! { <input type="hidden" name="reschedule" value=reschedule.clone() /> })}
                        <button type="button" id="locate" class="button secondary js-only">{tr("booking.nearest_first")}</button>
                    </form>
                    <p id="map-status" role="status" class="hint"></p>
                    {(!l.nearest.is_empty()).then(|| view! {
                        <h3>{tr("booking.nearest")}</h3>
                        <ul class="choice-list">{l.nearest.clone().into_iter().map(r2).collect_view()}</ul>
                    })}
                    <form method="get" action="/book" class="center-search" role="search">
                        <input type="hidden" name="item" value=c.item_code.clone() />
                        {(!reschedule.is_empty()).then(|| view! { <input type="hidden" name="reschedule" value=reschedule.clone() /> })}
                        <label for="center-q">{tr("booking.search_center")}</label>
                        <div class="search-row">
                            <input id="center-q" name="q" type="search" maxlength="40" value=l.query.clone()
                                placeholder=tr("booking.search_placeholder") />
                            <button type="submit" class="button">{tr("services.search")}</button>
                        </div>
                    </form>
                    {match l.found.clone() {
                        Some(found) => view! {
                            <h3 role="status">{tr_args("booking.found", &[("q", l.query.clone()), ("n", found.len().to_string())])}</h3>
                            {found.is_empty().then(|| view! { <p>{tr("booking.found_none")}</p> })}
                            <ul class="choice-list">{found.into_iter().map(r3).collect_view()}</ul>
                            <p><a href=link(&c2, None, None, &reschedule)>{tr("booking.all_centers")}</a></p>
                        }.into_any(),
                        None => view! {
                            <h3>{tr_args("booking.by_street", &[("n", l.total.to_string())])}</h3>
                            <div class="street-groups">
                                {l.streets.clone().into_iter().map(|(street, list)| {
                                    let r = r4.clone();
                                    view! {
                                        <details class="street">
                                            <summary>{street.clone()} <span class="hint">{tr_args("booking.n_centers", &[("n", list.len().to_string())])}</span></summary>
                                            <ul class="choice-list">{list.into_iter().map(r).collect_view()}</ul>
                                        </details>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any(),
                    }}
                </section>
            }
        })}
        {c.center.clone().map(|center| {
            let c2 = c.clone();
            view! {
                <section class="card">
                    <h2>{center.name.clone()}</h2>
                    <p class="hint">{center.address.clone()} " · " <a href=link(&c2, None, None, &reschedule)>{tr("booking.other_center")}</a></p>
                    <h3>{tr("booking.choose_day")}</h3>
                    <ul class="day-grid">
                        {c2.days.iter().map(|(d, label, left, special)| {
                            let current = c2.day.as_deref() == Some(d.as_str());
                            view! {
                                <li>
                                    <a class=if current { "day current" } else { "day" } href=format!("{}#slots", link(&c2, Some(center.id), Some(d), &reschedule))
                                        aria-current=current.then_some("true")>
                                        <span>{label.clone()}</span>
                                        <span class="hint">
                                            {match (special, *left) {
                                                (Some(n), 0) => n.clone(),
                                                (_, 0) => tr("booking.none_left"),
                                                (_, n) => tr_args("booking.seats", &[("n", n.to_string())]),
                                            }}
                                        </span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {c2.day.clone().map(|_| view! {
                        <h3 id="slots">{tr("booking.choose_slot")}</h3>
                        {c2.slots.is_empty().then(|| view! { <p>{tr("booking.no_slots")}</p> })}
                        <ul class="slot-list">
                            {c2.slots.iter().map(|s| {
                                let full = s.seats_left == 0;
                                let (action, extra_name, extra_value) = if reschedule.is_empty() {
                                    (crate::booking::api::CreateBooking::PATH, "item_code", c2.item_code.clone())
                                } else {
                                    (crate::booking::api::RescheduleBooking::PATH, "code", reschedule.clone())
                                };
                                view! {
                                    <li class="slot">
                                        <form method="post" action=action>
                                            <input type="hidden" name="slot_id" value=s.id.to_string() />
                                            <input type="hidden" name=extra_name value=extra_value />
                                            <span class="slot-time">{s.start.clone()} "–" {s.end.clone()}</span>
                                            <span class="hint">
                                                {if s.closed { tr_args("booking.closed", &[("why", s.close_reason.clone())]) }
                                                 else if s.overlaps_mine { tr("booking.overlaps") }
                                                 else if full { tr("booking.full") }
                                                 else { tr_args("booking.seats", &[("n", s.seats_left.to_string())]) }}
                                            </span>
                                            <button type="submit" class="button" disabled=full || s.closed || s.overlaps_mine || !c2.signed_in>
                                                {if reschedule.is_empty() { tr("booking.book") } else { tr("booking.move_here") }}
                                            </button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })}
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let p = use_params_map();
    let q = use_query_map();
    let b = Resource::new(
        move || p.read().get("code").unwrap_or_default(),
        get_booking,
    );
    view! {
        <Title text=tr("booking.confirmation") />
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                let new = q.read_untracked().get("new").is_some();
                let ask_cancel = q.read_untracked().get("cancel").is_some();
                match b.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(b) => view! { <Confirmation b=b new=new ask_cancel=ask_cancel /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Confirmation(b: BookingView, new: bool, ask_cancel: bool) -> impl IntoView {
    // Only a booking still to come carries its code as something to show at the desk:
    // a cancelled or finished one shows no QR, no "show this" and no calendar link.
    let active = b.status == Status::Active;
    let cancellable = b.actions.contains(&Action::Cancel);
    view! {
        <article class="booking">
            <h1>{if new { tr("booking.booked") } else { tr("booking.confirmation") }}</h1>
            <p class=format!("badge-status status-{}", b.status.code())>{tr(b.status.label_key())}</p>
            {b.slot_closed.then(|| view! { <p class="form-error">{tr_args("booking.closed", &[("why", b.close_reason.clone())])}</p> })}
            // Time and place first: what a resident needs to get there.
            <section class="card">
                <dl class="settings">
                    <dt>{tr("booking.when")}</dt><dd class="when">{b.day.clone()} " " {b.start.clone()} "–" {b.end.clone()}</dd>
                    <dt>{tr("booking.where")}</dt><dd><a href=format!("/station/{}", b.center_id)>{b.center_name.clone()}</a> <br/> {b.center_address.clone()}</dd>
                    <dt>{tr("booking.item")}</dt><dd>{b.item_name.clone()}</dd>
                </dl>
            </section>
            {(ask_cancel && cancellable).then(|| view! {
                <section class="card confirm" id="confirm" role="alertdialog" aria-labelledby="confirm-cancel">
                    <p id="confirm-cancel">{tr("booking.confirm_cancel")}</p>
                    <form method="post" action=crate::booking::api::CancelBooking::PATH class="inline">
                        <input type="hidden" name="code" value=b.code.clone() />
                        <button type="submit" class="button">{tr("booking.confirm_cancel_button")}</button>
                    </form>
                    " "
                    <a class="button secondary" href=format!("/bookings/{}", b.code)>{tr("booking.keep")}</a>
                </section>
            })}
            <section class="card code-card">
                <p class="hint">{tr("booking.code")}</p>
                <p class="code" aria-label=tr("booking.code")>{b.code.clone()}</p>
                {active.then(|| view! {
                    <div class="qr" role="img" aria-label=tr("booking.qr") inner_html=b.qr_svg.clone()></div>
                    <p class="hint">{tr("booking.show_at_desk")}</p>
                })}
            </section>
            <section class="card">
                <p class="actions">
                    {active.then(|| view! {
                        <a class="button secondary" href=format!("/bookings/{}/ics", b.code) rel="external" download=format!("booking-{}.ics", b.code)>{tr("booking.ics")}</a>
                    })}
                    <a class="button secondary" href=format!("/services/{}/checklist", b.item_code)>{tr("services.checklist")}</a>
                </p>
            </section>
            <section class="card">
                <h2>{tr("guide.materials")}</h2>
                <ul>{b.bring.iter().map(|(n, o, c, req)| view! {
                    <li>{n.clone()} " · " {crate::catalogue::pages::material_counts(*o, *c)}
                        {(!req).then(|| view! { <span class="tag">{tr("guide.if_applicable")}</span> })}</li>
                }).collect_view()}</ul>
            </section>
            {(!b.actions.is_empty() && !ask_cancel).then(|| view! {
                <section class="card">
                    {b.actions.contains(&Action::Reschedule).then(|| view! {
                        <a class="button secondary" href=format!("/book?item={}&reschedule={}", b.item_code, b.code)>{tr("booking.reschedule")}</a>
                    })}
                    " "
                    // Cancelling asks first (a link to the confirmation, so it works
                    // without JavaScript).
                    {cancellable.then(|| view! {
                        <a class="button secondary" href=format!("/bookings/{}?cancel=1#confirm", b.code)>{tr("booking.cancel")}</a>
                    })}
                </section>
            })}
        </article>
    }
}

/// The resources 我的预约 reads: made by the page itself, above its Suspense (a
/// resource created inside a Suspense's children can leave a server render waiting).
pub type MyBookingsData = (
    Resource<Result<Vec<BookingView>, crate::error::AppError>>,
    Resource<Result<Vec<(String, String)>, crate::error::AppError>>,
);

pub fn my_bookings_data() -> MyBookingsData {
    (
        Resource::new(|| (), |_| my_bookings()),
        Resource::new(|| (), |_| my_notices()),
    )
}

/// 我的预约 and notices, inside 我的.
#[component]
pub fn MyBookings(data: MyBookingsData) -> impl IntoView {
    let (list, notices) = data;
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let n = notices.await.unwrap_or_default();
                (!n.is_empty()).then(|| view! {
                    <section class="card notices" aria-labelledby="notices-title">
                        <h2 id="notices-title">{tr("me.notices")}</h2>
                        <ul>{n.into_iter().map(|(t, d)| view! { <li>{t} <span class="hint">" " {d}</span></li> }).collect_view()}</ul>
                    </section>
                })
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let l = list.await.unwrap_or_default();
                view! {
                    <section class="card" aria-labelledby="my-bookings">
                        <h2 id="my-bookings">{tr("me.bookings")}</h2>
                        <p class="actions"><a class="button secondary" href="/book">{tr("booking.entry")}</a></p>
                        {l.is_empty().then(|| view! { <p class="hint">{tr("me.no_bookings")} " " <a href="/services">{tr("services.title")}</a></p> })}
                        <ul class="choice-list">
                            {l.into_iter().map(|b| view! {
                                <li>
                                    <a class="choice" href=format!("/bookings/{}", b.code)>
                                        <span class="choice-main">{b.item_name.clone()}</span>
                                        <span class="hint">{b.day.clone()} " " {b.start.clone()} " · " {b.center_name.clone()} " · " {tr(b.status.label_key())} " · " {b.code.clone()}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let q = use_query_map();
    let desk = Resource::new(move || q.read().get("day"), get_desk);
    view! {
        <Title text=tr("desk.title") />
        <h1>{tr("desk.title")}</h1>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                let marked = q.read_untracked().get("marked");
                match desk.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(d) => view! { <DeskBody d=d marked=marked /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeskBody(d: Desk, marked: Option<String>) -> impl IntoView {
    let sched = d.schedule.clone();
    // After a mark, the desk says whom it was for (from today's list, never from the
    // address), and the code box has the focus again for the next scan.
    let just = marked.and_then(|code| {
        d.slots
            .iter()
            .flat_map(|(_, list)| list.iter())
            .find(|e| e.code == code)
            .map(|e| (e.name.clone(), e.item.clone(), tr(e.status.label_key())))
    });
    let is_today = d.day == d.today;
    view! {
        <p class="lead">{d.center_name.clone()} " · " {d.day.clone()}
            {is_today.then(|| view! { " " <span class="tag">{tr("booking.today")}</span> })}</p>
        // Another day's queue: the day before or after, today, or any date.
        <nav class="day-switch" aria-label=tr("desk.switch_day")>
            <a class="chip" href=format!("/desk?day={}", d.prev_day)>{tr("desk.prev_day")}</a>
            {(!is_today).then(|| view! { <a class="chip current" href="/desk">{tr("desk.back_today")}</a> })}
            <a class="chip" href=format!("/desk?day={}", d.next_day)>{tr("desk.next_day")}</a>
            <form method="get" action="/desk" class="inline">
                <label for="desk-day" class="visually-hidden">{tr("desk.pick_day")}</label>
                <input id="desk-day" name="day" type="date" value=d.day.clone() />
                <button type="submit" class="button secondary">{tr("desk.show_day")}</button>
            </form>
        </nav>
        {just.map(|(name, item, status)| view! {
            <p class="form-ok" role="status" id="marked">{status} "：" {name} " · " {item}</p>
        })}
        <section class="card">
            <h2>{tr("desk.check_in")}</h2>
            <form method="post" action=crate::booking::api_desk::DeskMark::PATH class="search">
                <input type="hidden" name="action" value=Action::CheckIn.code() />
                <label for="code" class="visually-hidden">{tr("booking.code")}</label>
                <input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="40" required
                    autofocus placeholder=tr("desk.code_placeholder") />
                <button type="submit" class="button">{tr("desk.check_in")}</button>
            </form>
        </section>
        {d.slots.is_empty().then(|| view! { <p class="card">{tr("desk.no_slots")}</p> })}
        {d.slots.iter().map(|(s, list)| view! {
            <section class="card desk-slot">
                <h2>{s.start.clone()} "–" {s.end.clone()}
                    <span class="hint">" " {if s.closed { tr_args("booking.closed", &[("why", s.close_reason.clone())]) } else { tr_args("booking.seats", &[("n", s.seats_left.to_string())]) }}</span>
                </h2>
                <ul class="desk-list">
                    {list.iter().map(|e| (&e.code, &e.item, &e.status, &e.name, &e.phone, &e.actions)).map(|(code, item, status, name, phone, actions)| view! {
                        <li>
                            <strong>{code.clone()}</strong> " " {item.clone()} " · " {name.clone()} " · "
                            <a href=format!("tel:{phone}")>{phone.clone()}</a> " · " {tr(status.label_key())}
                            {actions.contains(&Action::MarkDone).then(|| view! {
                                <form method="post" action=crate::booking::api_desk::DeskMark::PATH class="inline">
                                    <input type="hidden" name="code" value=code.clone() />
                                    <input type="hidden" name="action" value=Action::MarkDone.code() />
                                    <button class="chip" type="submit">{tr("desk.done")}</button>
                                </form>
                            })}
                            {actions.contains(&Action::MarkNoShow).then(|| view! {
                                <form method="post" action=crate::booking::api_desk::DeskMark::PATH class="inline">
                                    <input type="hidden" name="code" value=code.clone() />
                                    <input type="hidden" name="action" value=Action::MarkNoShow.code() />
                                    <button class="chip" type="submit">{tr("desk.no_show")}</button>
                                </form>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
                {if s.closed {
                    view! {
                        <form method="post" action=crate::booking::api_desk::DeskReopenSlot::PATH class="inline">
                            <input type="hidden" name="slot_id" value=s.id.to_string() />
                            <button class="button secondary" type="submit">{tr("desk.reopen")}</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=crate::booking::api_desk::DeskCloseSlot::PATH class="search">
                            <input type="hidden" name="slot_id" value=s.id.to_string() />
                            <input name="reason" maxlength="60" required placeholder=tr("desk.close_reason") aria-label=tr("desk.close_reason") />
                            <button class="button secondary" type="submit">{tr("desk.close")}</button>
                        </form>
                    }.into_any()
                }}
            </section>
        }).collect_view()}
        <section class="card">
            <h2>{tr("desk.walk_in")}</h2>
            <form method="post" action=crate::booking::api_desk::DeskWalkIn::PATH class="search">
                <label for="walk-item">{tr("booking.item")}</label>
                <select id="walk-item" name="item_code" required>
                    <option value="">{tr("desk.pick_item")}</option>
                    {item_options(&d.items, &[])}
                </select>
                <button class="button secondary" type="submit">{tr("desk.record")}</button>
            </form>
            <p class="hint">{tr_args("desk.figures", &[("served", d.figures.served.to_string()), ("walk", d.figures.walk_ins.to_string())])}</p>
            <ul class="hint">{d.figures.by_week.iter().rev().take(8).map(|(w, n)| view! { <li>{w.clone()} ": " {*n}</li> }).collect_view()}</ul>
        </section>
        <section class="card">
            <h2>{tr("desk.schedule")}</h2>
            <p class="hint">{sched.as_ref().map(|s| tr_args("desk.schedule_now", &[
                ("windows", s.windows.len().to_string()),
                ("minutes", s.slot_minutes.to_string()),
                ("seats", s.capacity.to_string()),
            ])).unwrap_or_else(|| tr("desk.schedule_none"))}</p>
            <a class="button secondary" href=crate::booking::api_desk::DESK_SCHEDULE_PATH>{tr("desk.schedule_edit")}</a>
        </section>
    }
}

/// `/desk/schedule`: the centre's extended hours, by weekday pickers and time fields.
#[component]
pub fn DeskSchedulePage() -> impl IntoView {
    let desk = Resource::new(|| (), |_| get_desk(None));
    view! {
        <Title text=tr("desk.schedule") />
        <h1>{tr("desk.schedule")}</h1>
        <Flash />
        <p><a href="/desk">{tr("desk.back_desk")}</a></p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match desk.await {
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(d) => view! { <ScheduleForm d=d /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ScheduleForm(d: Desk) -> impl IntoView {
    let sched = d.schedule.clone();
    view! {
        <section class="card">
            <p class="lead">{d.center_name.clone()}</p>
            <form method="post" action=crate::booking::api_desk::DeskSetSchedule::PATH class="stack schedule-form">
                // Weekdays ticked and times picked; the server checks them by the same
                // rules as typed lines. One empty row is there to add a window.
                <input type="hidden" name="windows" value="" />
                <input type="hidden" name="items" value="" />
                {schedule_rows(sched.as_ref().map(|s| s.windows.clone()).unwrap_or_default())}
                <label for="slot_minutes">{tr("desk.slot_minutes")}</label>
                <input id="slot_minutes" name="slot_minutes" type="number" min="10" max="120" value=sched.as_ref().map(|s| s.slot_minutes).unwrap_or(30).to_string() />
                <label for="capacity">{tr("desk.capacity")}</label>
                <input id="capacity" name="capacity" type="number" min="1" max="20" value=sched.as_ref().map(|s| s.capacity).unwrap_or(2).to_string() />
                <fieldset class="item-picks">
                    <legend>{tr("desk.items")}</legend>
                    {item_checks(&d.items, &sched.as_ref().map(|s| s.items.clone()).unwrap_or_default())}
                </fieldset>
                <button class="button" type="submit">{tr("common.save")}</button>
            </form>
        </section>
    }
}

/// The extended-hours items as `<option>`s grouped by category (names, not codes).
fn item_options(items: &[(String, String, String)], selected: &[String]) -> impl IntoView {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (cat, code, name) in items {
        match groups.last_mut() {
            Some((c, list)) if c == cat => list.push((code.clone(), name.clone())),
            _ => groups.push((cat.clone(), vec![(code.clone(), name.clone())])),
        }
    }
    let selected = selected.to_vec();
    groups
        .into_iter()
        .map(|(cat, list)| {
            let selected = selected.clone();
            view! {
                <optgroup label=cat>
                    {list.into_iter().map(|(code, name)| {
                        let on = selected.contains(&code);
                        view! { <option value=code selected=on>{name}</option> }
                    }).collect_view()}
                </optgroup>
            }
        })
        .collect_view()
}

/// The extended-hours items as tick boxes (`pick[i]`), those offered ticked.
fn item_checks(items: &[(String, String, String)], offered: &[String]) -> impl IntoView {
    items
        .iter()
        .enumerate()
        .map(|(i, (_, code, name))| {
            let id = format!("pick-{i}");
            view! {
                <label class="check">
                    <input type="checkbox" id=id name=format!("pick[{i}]") value=code.clone()
                        checked=offered.contains(code) />
                    <span>{name.clone()}</span>
                </label>
            }
        })
        .collect_view()
}

/// The schedule's windows as picker rows (weekday boxes and two times), plus an empty
/// row to add one.
fn schedule_rows(windows: Vec<crate::booking::model::Window>) -> impl IntoView {
    let mut rows: Vec<(Vec<u32>, String, String)> = windows
        .into_iter()
        .map(|w| (w.days, w.start, w.end))
        .collect();
    rows.push((Vec::new(), String::new(), String::new()));
    rows.into_iter()
        .enumerate()
        .map(|(r, (days, start, end))| {
            view! {
                <fieldset class="window-row">
                    <legend>{tr_args("desk.window_n", &[("n", (r + 1).to_string())])}</legend>
                    <div class="chips">
                        {(1..=7u32).map(|d| {
                            let id = format!("row{r}-d{d}");
                            view! {
                                <label class="check">
                                    <input type="checkbox" id=id name=format!("rows[{r}][days][{d}]") value=d.to_string()
                                        checked=days.contains(&d) />
                                    <span>{tr(crate::i18n::weekday_key(d))}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <div class="time-pair">
                        <label for=format!("row{r}-start")>{tr("desk.from")}</label>
                        <input type="time" id=format!("row{r}-start") name=format!("rows[{r}][start]") value=start />
                        <label for=format!("row{r}-end")>{tr("desk.to")}</label>
                        <input type="time" id=format!("row{r}-end") name=format!("rows[{r}][end]") value=end />
                    </div>
                </fieldset>
            }
        })
        .collect_view()
}
