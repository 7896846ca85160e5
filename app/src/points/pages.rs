//! 我的积分: the balance (the ledger's sum), volunteer hours, the rewards with their
//! stock, the person's vouchers and ledger; staff verify a voucher here. Plain forms.

use crate::i18n::tr;
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
                    Ok(p) => view! { <PointsBody p=p /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card">
            <h2>{tr("points.verify")}</h2>
            <p class="hint">{tr("points.verify_hint")}</p>
            <form method="post" action=crate::points::api::VerifyVoucher::PATH class="search">
                <input name="code" maxlength="12" required autocomplete="off" aria-label=tr("points.voucher") />
                <button class="button secondary" type="submit">{tr("points.verify_button")}</button>
            </form>
        </section>
    }
}

#[component]
fn PointsBody(p: PointsView) -> impl IntoView {
    let balance = p.balance;
    view! {
        <section class="card figures">
            <p><span class="kind-count" id="balance">{p.balance}</span> " " {tr("points.balance")}</p>
            <p><span class="kind-count">{p.hours}</span> " " {tr("points.hours")}</p>
        </section>
        {(!p.vouchers.is_empty()).then(|| view! {
            <section class="card" id="vouchers">
                <h2>{tr("points.my_vouchers")}</h2>
                <ul>
                    {p.vouchers.into_iter().map(|(code, name, used)| view! {
                        <li><strong class="code">{code}</strong> " · " {name} " · "
                            {if used { tr("points.used") } else { tr("points.unused") }}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="card">
            <h2>{tr("points.rewards")}</h2>
            <ul class="service-list">
                {p.rewards.into_iter().map(|r| view! {
                    <li class="reward">
                        <form method="post" action=crate::points::api::Redeem::PATH class="search">
                            <input type="hidden" name="reward_id" value=r.id.to_string() />
                            <span>{r.name} " · " {r.category} " · "
                                {crate::i18n::tr_args("points.cost", &[("n", r.cost.to_string())])} " · "
                                {crate::i18n::tr_args("points.stock", &[("n", r.stock.to_string())])}</span>
                            <button class="chip" type="submit" disabled={r.stock == 0 || r.cost > balance}>{tr("points.redeem")}</button>
                        </form>
                    </li>
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
    }
}
