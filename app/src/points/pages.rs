//! 我的积分: the balance (the ledger's sum), volunteer hours, the rewards with their
//! stock, the person's vouchers and ledger; staff verify a voucher here. Plain forms.

use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use crate::points::api::{my_points, PointsView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PointsPage() -> impl IntoView {
    let p = Resource::new(|| (), |_| my_points());
    let q = use_query_map();
    // `?confirm=<reward id>`: the redemption's confirmation step (a plain link, so that
    // it works without JavaScript).
    let confirm = move || q.read().get("confirm").and_then(|v| v.parse::<i64>().ok());
    view! {
        <Title text=tr("points.title") />
        <h1>{tr("points.title")}</h1>
        <Flash />
        {move || q.read().get("verified").map(|_| view! {
            <p class="form-ok" role="status">{tr("points.verified")}</p>
        })}
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match p.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(p) => view! { <PointsBody p=p confirm=confirm() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PointsBody(p: PointsView, confirm: Option<i64>) -> impl IntoView {
    let balance = p.balance;
    let asked = confirm.and_then(|id| p.rewards.iter().find(|r| r.id == id).cloned());
    view! {
        <section class="card figures">
            <p><span class="kind-count" id="balance">{p.balance}</span> " " {tr("points.balance")}</p>
            <p><span class="kind-count">{p.hours}</span> " " {tr("points.hours")}</p>
        </section>
        {asked.map(|r| view! {
            <section class="card confirm" id="confirm" role="alertdialog" aria-labelledby="confirm-text">
                <p id="confirm-text">{tr_args("points.confirm_redeem", &[("cost", r.cost.to_string()), ("name", r.name.clone())])}</p>
                <form method="post" action=crate::points::api::Redeem::PATH class="inline">
                    <input type="hidden" name="reward_id" value=r.id.to_string() />
                    <button class="button" type="submit">{tr("points.confirm_redeem_button")}</button>
                </form>
                " "
                <a class="button secondary" href="/points">{tr("points.cancel_redeem")}</a>
            </section>
        })}
        {(!p.vouchers.is_empty()).then(|| view! {
            <section class="card" id="vouchers">
                <h2>{tr("points.my_vouchers")}</h2>
                <ul>
                    {p.vouchers.into_iter().map(|v| view! {
                        <li><strong class="code">{v.code}</strong> " · " {v.reward} " · "
                            {if v.used {
                                tr("points.used")
                            } else if v.expired {
                                tr("points.expired")
                            } else {
                                tr("points.unused")
                            }}
                            {(!v.accepted_by.is_empty()).then(|| view! {
                                <br /><span class="hint">{tr_args("points.accepted_by", &[("who", v.accepted_by.clone())])}</span>
                            })}
                            " " <span class="hint">{tr_args("points.valid_until", &[("day", v.valid_until)])}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="card">
            <h2>{tr("points.rewards")}</h2>
            <ul class="service-list">
                {p.rewards.into_iter().map(|r| {
                    // Out of reach: shown disabled, saying why.
                    let why = if r.stock == 0 {
                        Some(tr("points.sold_out"))
                    } else if r.cost > balance {
                        Some(tr_args("points.short_by", &[("n", (r.cost - balance).to_string())]))
                    } else {
                        None
                    };
                    view! {
                        <li class="reward">
                            <span>{r.name.clone()} " · " {r.category.clone()} " · "
                                {tr_args("points.cost", &[("n", r.cost.to_string())])} " · "
                                {tr_args("points.stock", &[("n", r.stock.to_string())])}
                                {(!r.accepted_by.is_empty()).then(|| view! {
                                    " · " <span class="hint">{tr_args("points.accepted_by", &[("who", r.accepted_by.clone())])}</span>
                                })}
                            </span>
                            {match why {
                                Some(why) => view! {
                                    <span class="chip disabled" aria-disabled="true">{why}</span>
                                }.into_any(),
                                None => view! {
                                    <a class="chip" href=format!("/points?confirm={}#confirm", r.id)>{tr("points.redeem")}</a>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="card">
            <h2>{tr("points.ledger")}</h2>
            <ul class="ledger">
                {p.ledger.into_iter().map(|l| view! {
                    <li>{format!("{:+}", l.delta)} " " {l.reason} " · " {l.date}</li>
                }).collect_view()}
            </ul>
        </section>
        {p.may_verify.then(|| view! {
            <section class="card">
                <h2>{tr("points.verify")}</h2>
                <p class="hint">{tr("points.verify_hint")}</p>
                <form method="post" action=crate::points::api::VerifyVoucher::PATH class="search">
                    <input name="code" maxlength="12" required autocomplete="off" aria-label=tr("points.voucher") />
                    <button class="button secondary" type="submit">{tr("points.verify_button")}</button>
                </form>
            </section>
        })}
    }
}
