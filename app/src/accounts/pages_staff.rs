//! The staff's pages: volunteers to verify and team requests to settle (`/volunteers`,
//! for staff of a community, a verified team's leader and admins), and the admins'
//! page (`/admin`: guide proposals, undelivered messages, the audit log). Plain forms.

use crate::accounts::api::{list_volunteers, DecideTeamJoin, VerifyVolunteer};
use crate::accounts::api_admin::{admin_overview, AdminView};
use crate::catalogue::api::DecideGuide;
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_volunteers());
    view! {
        <Title text=tr("volunteers.title") />
        <h1>{tr("volunteers.title")}</h1>
        <p class="lead">{tr("volunteers.lead")}</p>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    // Not a failure to load: a plain page saying who this list is for.
                    Err(crate::error::AppError::Forbidden) => view! {
                        <section class="card">
                            <h2>{tr("volunteers.forbidden_title")}</h2>
                            <p>{tr("volunteers.forbidden_text")}</p>
                            <a class="button secondary" href="/teams">{tr("teams.title")}</a>
                        </section>
                    }.into_any(),
                    Err(crate::error::AppError::Unauthorized) => view! {
                        <section class="card">
                            <p>{tr("volunteers.signed_out")}</p>
                            <a class="button" href="/login">{tr("login.title")}</a>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="card">{tr("volunteers.none")}</p> }.into_any(),
                    Ok(rows) => view! {
                        <ol class="station-list">
                            {rows.into_iter().map(|v| {
                                let id = v.id.to_string();
                                let name_id = format!("real-name-{}", v.id);
                                view! {
                                    <li class="card">
                                        <strong>{v.display_name.clone()}</strong> " · " {v.masked_phone.clone()}
                                        {v.team.clone().map(|t| view! { " · " {t} })}
                                        <p class=if v.verified { "form-ok" } else { "hint" }>
                                            {if v.verified {
                                                tr_args("volunteers.verified_as", &[("name", v.real_name.clone())])
                                            } else {
                                                tr("volunteers.verified_no")
                                            }}
                                        </p>
                                        {if v.verified {
                                            view! {
                                                <form method="post" action=VerifyVolunteer::PATH class="inline">
                                                    <input type="hidden" name="user_id" value=id.clone() />
                                                    <input type="hidden" name="on" value="false" />
                                                    <button class="button secondary" type="submit">{tr("volunteers.unverify")}</button>
                                                </form>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action=VerifyVolunteer::PATH class="inline">
                                                    <input type="hidden" name="user_id" value=id.clone() />
                                                    <input type="hidden" name="on" value="true" />
                                                    <label for=name_id.clone()>{tr("volunteers.real_name")}</label>
                                                    <input id=name_id name="real_name" required minlength="2" maxlength="30" autocomplete="off" />
                                                    <button class="button" type="submit">{tr("volunteers.verify")}</button>
                                                </form>
                                            }.into_any()
                                        }}
                                        {v.team_pending.clone().map(|t| view! {
                                            <p class="hint">{tr_args("teams.asks_to_join", &[("team", t)])}</p>
                                            <YesNo action=DecideTeamJoin::PATH field="user_id" id=id.clone() />
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An approve and a refuse button, each a plain form posting `approve=true|false` with
/// the request's id under `field`.
#[component]
fn YesNo(action: &'static str, field: &'static str, id: String) -> impl IntoView {
    [
        ("true", tr("teams.approve_join"), "button"),
        ("false", tr("teams.refuse_join"), "button secondary"),
    ]
    .into_iter()
    .map(|(approve, label, class)| {
        view! {
            <form method="post" action=action class="inline">
                <input type="hidden" name=field value=id.clone() />
                <input type="hidden" name="approve" value=approve />
                <button class=class type="submit">{label}</button>
            </form>
        }
    })
    .collect_view()
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    view! {
        <Title text=tr("admin.title") />
        <h1>{tr("admin.title")}</h1>
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(o) => view! { <AdminBody o=o /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AdminBody(o: AdminView) -> impl IntoView {
    view! {
        <nav class="actions" aria-label=tr("admin.back_office")>
            <a class="button" href="/admin/city">{tr("city.title")}</a>
            <a class="button" href="/admin/import">{tr("transfer.title")}</a>
            <a class="button" href="/admin/people">{tr("accounts.people.title")}</a>
            <a class="button" href="/admin/audit">{tr("audit.title")}</a>
            <a class="button" href="/admin/holidays">{tr("holidays.title")}</a>
            <a class="button" href="/admin/coverage">{tr("coverage.title")}</a>
            <a class="button" href="/admin/dashboard">{tr("dashboard.title")}</a>
        </nav>
        <section class="card">
            <h2>{tr("guide.proposals_pending")}</h2>
            {o.proposals.is_empty().then(|| view! { <p class="hint">{tr("admin.none")}</p> })}
            <ul>
                {o.proposals.into_iter().map(|p| {
                    let id = p.id.to_string();
                    view! {
                        <li>
                            <a href=format!("/services/{}", p.code)>{p.code.clone()}</a>
                            " · " {p.proposer.clone()} " · " {p.date.clone()} " · " {p.note.clone()}
                            <YesNo action=DecideGuide::PATH field="id" id=id.clone() />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        {(!o.code_budgets_reached.is_empty()).then(|| view! {
            <section class="card alarm" role="alert">
                {o.code_budgets_reached.clone().into_iter().map(|(key, n)| view! {
                    <p class="form-error">{tr_args("admin.code_budget_reached", &[("key", key), ("n", n.to_string())])}</p>
                }).collect_view()}
            </section>
        })}
        <section class="card">
            <h2>{tr("outbox.title")}</h2>
            <p>{tr_args("outbox.counts", &[
                ("waiting", o.outbox_waiting.to_string()),
                ("sent", o.outbox_sent.to_string()),
                ("failed", o.outbox_failed.to_string()),
            ])}</p>
            <ul>
                {o.outbox_failures.into_iter().map(|f| view! {
                    <li>{f.phone} " · " {f.purpose} " · " {f.attempts.to_string()} " · " {f.last_error}</li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card">
            <h2>{tr("audit.recent")}</h2>
            <table class="audit">
                <thead><tr>
                    <th scope="col">{tr("audit.recent_when")}</th>
                    <th scope="col">{tr("audit.recent_who")}</th>
                    <th scope="col">{tr("audit.recent_what")}</th>
                    <th scope="col">{tr("audit.recent_target")}</th>
                </tr></thead>
                <tbody>
                    {o.audit.into_iter().map(|a| view! {
                        <tr><td>{a.at}</td><td>{a.actor}</td><td>{a.action}</td><td>{a.target}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
