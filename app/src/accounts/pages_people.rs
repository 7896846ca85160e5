//! The back office's people pages: `/admin/people` (admins: staff per community, grant,
//! move, revoke; volunteers awaiting verification) and `/admin/audit` (the audit trail
//! with filters in the address and a CSV export; staff see their own community's).
//! Plain forms: filters are GET forms, changes POST forms; nothing needs JavaScript.

use crate::accounts::api_people::{
    audit_trail, people, GrantRole, MoveStaff, RevokeStaff, TrailQuery, TrailView,
};
use crate::i18n::{tr, tr_args};
use crate::pages::not_found::{ErrorBox, Flash};
use crate::stations::model::CommunityOption;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A `<select>` of communities grouped by street; `none` is the empty choice's label.
#[component]
fn CommunitySelect(
    id: String,
    name: &'static str,
    list: Vec<CommunityOption>,
    selected: Option<i64>,
    #[prop(optional)] none: Option<String>,
) -> impl IntoView {
    let mut streets: Vec<(String, Vec<CommunityOption>)> = Vec::new();
    for c in list {
        match streets.last_mut() {
            Some((s, v)) if *s == c.street => v.push(c),
            _ => streets.push((c.street.clone(), vec![c])),
        }
    }
    view! {
        <select id=id name=name>
            {none.map(|n| view! { <option value="">{n}</option> })}
            {streets.into_iter().map(|(street, cs)| view! {
                <optgroup label=street>
                    {cs.into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=selected == Some(c.id)>{c.name}</option>
                    }).collect_view()}
                </optgroup>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let q = use_query_map();
    let view_r = Resource::new(
        move || {
            q.read()
                .get("community")
                .and_then(|c| c.parse::<i64>().ok())
        },
        people,
    );
    view! {
        <Title text=tr("office.people_title") />
        <h1>{tr("office.people_title")}</h1>
        <Flash />
        <p class="lead">{tr("office.people_lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match view_r.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(v) => {
                        let communities = v.communities.clone();
                        view! {
                            <form method="get" action="/admin/people" class="card stack">
                                <label for="people-community">{tr("office.people_community")}</label>
                                <CommunitySelect id="people-community".into() name="community" list=communities.clone() selected=v.community none=tr("office.people_all") />
                                <button class="button secondary" type="submit">{tr("office.people_filter")}</button>
                            </form>
                            <section class="card">
                                <h2>{tr("office.people_grant")}</h2>
                                <form method="post" action=GrantRole::PATH class="stack">
                                    <label for="grant-phone">{tr("office.people_phone")}</label>
                                    <input id="grant-phone" name="phone" required inputmode="numeric" maxlength="11" autocomplete="off" />
                                    <label for="grant-role">{tr("office.people_role")}</label>
                                    <select id="grant-role" name="role">
                                        <option value="staff">{tr("role.staff")}</option>
                                        <option value="admin">{tr("role.admin")}</option>
                                    </select>
                                    <label for="grant-community">{tr("office.people_community")}</label>
                                    <CommunitySelect id="grant-community".into() name="community" list=communities.clone() selected=v.community />
                                    <button class="button" type="submit">{tr("office.people_grant")}</button>
                                </form>
                            </section>
                            <section class="card">
                                <h2>{tr("office.people_staff")}</h2>
                                {v.staff.is_empty().then(|| view! { <p class="hint">{tr("office.people_none")}</p> })}
                                <div class="table-wrap" tabindex="0">
                                <table class="audit">
                                    <thead><tr>
                                        <th scope="col">{tr("office.people_person")}</th>
                                        <th scope="col">{tr("office.people_role")}</th>
                                        <th scope="col">{tr("office.people_community")}</th>
                                        <th scope="col">{tr("office.people_move")}</th>
                                        <th scope="col">{tr("office.people_revoke")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.staff.into_iter().map(|s| {
                                            let id = s.id.to_string();
                                            let move_id = format!("move-{}", s.id);
                                            let staff = s.role == "staff";
                                            view! {
                                                <tr>
                                                    <td>{s.name.clone()} " " {s.masked_phone.clone()}
                                                        <br /><small class="hint">{tr_args("office.people_sessions", &[("n", s.sessions.to_string())])}</small></td>
                                                    <td>{tr(&format!("role.{}", s.role))}</td>
                                                    <td>{s.community.clone()}</td>
                                                    <td>{staff.then(|| view! {
                                                        <form method="post" action=MoveStaff::PATH class="inline">
                                                            <input type="hidden" name="user_id" value=id.clone() />
                                                            <label for=move_id.clone() class="visually-hidden">{tr("office.people_move")}</label>
                                                            <CommunitySelect id=move_id.clone() name="community" list=communities.clone() selected=s.community_id />
                                                            <button class="button secondary" type="submit">{tr("office.people_move_btn")}</button>
                                                        </form>
                                                    })}</td>
                                                    <td>
                                                        <form method="post" action=RevokeStaff::PATH class="inline">
                                                            <input type="hidden" name="user_id" value=id.clone() />
                                                            <button class="button secondary" type="submit">{tr("office.people_revoke")}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            </section>
                            <section class="card">
                                <h2>{tr("office.people_awaiting")}</h2>
                                {if v.awaiting.is_empty() {
                                    view! { <p class="hint">{tr("office.people_awaiting_none")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul>
                                            {v.awaiting.into_iter().map(|a| view! {
                                                <li>{a.name} " · " {a.masked_phone} {a.team.map(|t| view! { " · " {t} })}</li>
                                            }).collect_view()}
                                        </ul>
                                        <p><a class="button secondary" href="/volunteers">{tr("office.people_awaiting_go")}</a></p>
                                    }.into_any()
                                }}
                            </section>
                            <p><a href="/admin/audit">{tr("office.audit_title")}</a></p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The filters of the audit trail, read from the address.
fn trail_query(get: impl Fn(&str) -> Option<String>) -> TrailQuery {
    let num = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
    let text = |k: &str| get(k).filter(|v| !v.trim().is_empty());
    TrailQuery {
        who: num("who"),
        what: text("what"),
        community: num("community"),
        from: text("from"),
        to: text("to"),
        page: num("page"),
    }
}

/// The same filters as an address query (for the CSV link and the next page).
fn trail_params(q: &TrailQuery) -> String {
    let mut p: Vec<String> = Vec::new();
    if let Some(w) = q.who {
        p.push(format!("who={w}"));
    }
    if let Some(w) = &q.what {
        p.push(format!("what={}", crate::util::url_encode(w)));
    }
    if let Some(c) = q.community {
        p.push(format!("community={c}"));
    }
    if let Some(f) = &q.from {
        p.push(format!("from={}", crate::util::url_encode(f)));
    }
    if let Some(t) = &q.to {
        p.push(format!("to={}", crate::util::url_encode(t)));
    }
    p.join("&")
}

/// An audit action in words where the portal has them (`office.act_<code>`), with its
/// code, which the filter and the CSV use.
fn action_label(code: &str) -> String {
    let key = format!("office.act_{code}");
    let text = tr(&key);
    if text == key || text.ends_with(&key) {
        code.to_string()
    } else {
        format!("{text}（{code}）")
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let q = use_query_map();
    let trail = Resource::new(
        move || {
            let m = q.read();
            trail_query(|k| m.get(k))
        },
        audit_trail,
    );
    view! {
        <Title text=tr("office.audit_title") />
        <h1>{tr("office.audit_title")}</h1>
        <Flash />
        <p class="lead">{tr("office.audit_lead")}</p>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match trail.await {
                    Err(e) => {
                        // 401 or 403 (or 404) for the page itself, not a 200 that says so.
                        #[cfg(feature = "ssr")]
                        e.set_response_status();
                        view! { <ErrorBox message=e.to_string() /> }.into_any()
                    }
                    Ok(v) => view! { <Trail v=v /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trail(v: TrailView) -> impl IntoView {
    let params = trail_params(&v.query);
    let page = v.query.page.unwrap_or(0);
    let next = format!("/admin/audit?{params}&page={}", page + 1);
    let q = v.query.clone();
    view! {
        <form method="get" action="/admin/audit" class="card filters">
            <label for="audit-who">{tr("office.audit_who")}</label>
            <select id="audit-who" name="who">
                <option value="">{tr("office.audit_anyone")}</option>
                {v.actors.into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=q.who == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <label for="audit-what">{tr("office.audit_what")}</label>
            <select id="audit-what" name="what">
                <option value="">{tr("office.audit_any")}</option>
                {v.actions.into_iter().map(|a| view! {
                    <option value=a.clone() selected=q.what.as_deref() == Some(a.as_str())>{action_label(&a)}</option>
                }).collect_view()}
            </select>
            {(!v.communities.is_empty()).then(|| view! {
                <label for="audit-community">{tr("office.people_community")}</label>
                <CommunitySelect id="audit-community".into() name="community" list=v.communities.clone() selected=q.community none=tr("office.people_all") />
            })}
            <label for="audit-from">{tr("office.audit_from")}</label>
            <input id="audit-from" name="from" type="date" value=q.from.clone().unwrap_or_default() />
            <label for="audit-to">{tr("office.audit_to")}</label>
            <input id="audit-to" name="to" type="date" value=q.to.clone().unwrap_or_default() />
            <button class="button secondary" type="submit">{tr("office.people_filter")}</button>
        </form>
        // A form, not a link: the export is put on record, and a GET never writes.
        <form method="post" action="/api/v1/audit.csv" class="actions">
            {q.who.map(|w| view! { <input type="hidden" name="who" value=w.to_string() /> })}
            {q.what.clone().map(|w| view! { <input type="hidden" name="what" value=w /> })}
            {q.community.map(|c| view! { <input type="hidden" name="community" value=c.to_string() /> })}
            {q.from.clone().map(|f| view! { <input type="hidden" name="from" value=f /> })}
            {q.to.clone().map(|t| view! { <input type="hidden" name="to" value=t /> })}
            <button class="button secondary" type="submit">{tr("office.audit_csv")}</button>
        </form>
        {if v.lines.is_empty() {
            view! { <p class="card">{tr("office.audit_none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0">
                <table class="audit">
                    <thead><tr>
                        <th scope="col">{tr("office.audit_when")}</th>
                        <th scope="col">{tr("office.audit_who")}</th>
                        <th scope="col">{tr("office.audit_what")}</th>
                        <th scope="col">{tr("office.audit_target")}</th>
                        <th scope="col">{tr("office.people_community")}</th>
                        <th scope="col">{tr("office.audit_change")}</th>
                    </tr></thead>
                    <tbody>
                        {v.lines.into_iter().map(|l| view! {
                            <tr><td>{l.at}</td><td>{l.actor}</td><td>{action_label(&l.action)}</td><td>{l.target}</td><td>{l.community}</td><td class="overflow-wrap"><small>{l.change}</small></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }.into_any()
        }}
        {v.more.then(|| view! { <p><a href=next>{tr("office.audit_more")}</a></p> })}
    }
}
