//! The back office's people page: `/admin/people` (admins: staff per community, grant,
//! move, revoke; volunteers awaiting verification). The audit trail's page is in
//! `crate::audit::pages`.
//! Plain forms: filters are GET forms, changes POST forms; nothing needs JavaScript.

use crate::accounts::api_people::{people, GrantRole, MoveStaff, RevokeStaff};
use crate::i18n::{tr, tr_args};
use crate::pages::community_select::CommunitySelect;
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PeoplePage() -> impl IntoView {
    let q = use_query_map();
    let view_r = Resource::new(
        move || {
            let q = q.read();
            (
                q.get("community").and_then(|c| c.parse::<i64>().ok()),
                q.get("page").and_then(|p| p.parse::<u32>().ok()),
            )
        },
        |(community, page)| people(community, page),
    );
    // The one row whose move form is open (`?move=id`): a community list per row was
    // 11 KB each, 293 options times every staff member.
    let moving = move || q.read().get("move").and_then(|m| m.parse::<i64>().ok());
    view! {
        <Title text=tr("accounts.people.title") />
        <h1>{tr("accounts.people.title")}</h1>
        <Flash />
        <p class="lead">{tr("accounts.people.lead")}</p>
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
                        let moving = moving();
                        // The address of this page with another page or open row.
                        let here = |page: u32, open: Option<i64>| {
                            let mut p = Vec::new();
                            if let Some(c) = v.community {
                                p.push(format!("community={c}"));
                            }
                            if page > 0 {
                                p.push(format!("page={page}"));
                            }
                            if let Some(id) = open {
                                p.push(format!("move={id}"));
                            }
                            let anchor = open.map(|id| format!("#staff-{id}")).unwrap_or_default();
                            format!("/admin/people?{}{anchor}", p.join("&"))
                        };
                        let (page, more) = (v.page, v.more);
                        let earlier = (page > 0).then(|| here(page - 1, None));
                        let later = more.then(|| here(page + 1, None));
                        view! {
                            <form method="get" action="/admin/people" class="card stack">
                                <label for="people-community">{tr("common.community")}</label>
                                <CommunitySelect id="people-community" name="community" options=communities.clone() selected=v.community all_label=tr("accounts.people.all_communities") />
                                <button class="button secondary" type="submit">{tr("common.filter")}</button>
                            </form>
                            <section class="card">
                                <h2>{tr("accounts.people.grant")}</h2>
                                <form method="post" action=GrantRole::PATH class="stack">
                                    <label for="grant-phone">{tr("accounts.people.phone")}</label>
                                    <input id="grant-phone" name="phone" required inputmode="numeric" maxlength="11" autocomplete="off" />
                                    <label for="grant-role">{tr("accounts.people.role")}</label>
                                    <select id="grant-role" name="role" required>
                                        <option value="" selected>{tr("common.choose")}</option>
                                        <option value="staff">{tr("role.staff")}</option>
                                        <option value="admin">{tr("role.admin")}</option>
                                    </select>
                                    <label for="grant-community">{tr("common.community")}</label>
                                    <CommunitySelect id="grant-community" name="community" options=communities.clone() selected=v.community all_label=tr("accounts.people.community_pick") />
                                    <button class="button" type="submit">{tr("accounts.people.grant")}</button>
                                </form>
                            </section>
                            <section class="card">
                                <h2>{tr("accounts.people.staff")}</h2>
                                {v.staff.is_empty().then(|| view! { <p class="hint">{tr("accounts.people.none")}</p> })}
                                <div class="table-wrap" tabindex="0">
                                <table class="audit">
                                    <thead><tr>
                                        <th scope="col">{tr("accounts.people.person")}</th>
                                        <th scope="col">{tr("accounts.people.role")}</th>
                                        <th scope="col">{tr("common.community")}</th>
                                        <th scope="col">{tr("accounts.people.move")}</th>
                                        <th scope="col">{tr("accounts.people.revoke")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.staff.into_iter().map(|s| {
                                            let id = s.id.to_string();
                                            let move_id = format!("move-{}", s.id);
                                            let staff = s.role == "staff";
                                            let open = moving == Some(s.id);
                                            let open_link = here(page, Some(s.id));
                                            view! {
                                                <tr id=format!("staff-{}", s.id)>
                                                    <td>{s.name.clone()} " " {s.masked_phone.clone()}
                                                        <br /><small class="hint">{tr_args("accounts.people.sessions", &[("n", s.sessions.to_string())])}</small></td>
                                                    <td>{tr(&format!("role.{}", s.role))}</td>
                                                    <td>{s.community.clone()}</td>
                                                    <td>{(staff && open).then(|| view! {
                                                        <form method="post" action=MoveStaff::PATH class="inline">
                                                            <input type="hidden" name="user_id" value=id.clone() />
                                                            <label for=move_id.clone() class="visually-hidden">{tr("accounts.people.move")}</label>
                                                            <CommunitySelect id=move_id.clone() name="community" options=communities.clone() selected=s.community_id />
                                                            <button class="button secondary" type="submit">{tr("accounts.people.move_button")}</button>
                                                        </form>
                                                    })}
                                                    {(staff && !open).then(|| view! {
                                                        <a href=open_link.clone()>{tr("accounts.people.move_open")}</a>
                                                    })}</td>
                                                    <td>
                                                        <form method="post" action=RevokeStaff::PATH class="inline">
                                                            <input type="hidden" name="user_id" value=id.clone() />
                                                            <button class="button secondary" type="submit">{tr("accounts.people.revoke")}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                {(earlier.is_some() || later.is_some()).then(|| view! {
                                    <p class="actions">
                                        {earlier.clone().map(|h| view! { <a class="button secondary" href=h>{tr("accounts.people.earlier")}</a> })}
                                        {later.clone().map(|h| view! { <a class="button secondary" href=h>{tr("accounts.people.later")}</a> })}
                                    </p>
                                })}
                            </section>
                            <section class="card">
                                <h2>{tr("accounts.people.awaiting")}</h2>
                                {if v.awaiting.is_empty() {
                                    view! { <p class="hint">{tr("accounts.people.awaiting_none")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul>
                                            {v.awaiting.into_iter().map(|a| view! {
                                                <li>{a.name} " · " {a.masked_phone} {a.team.map(|t| view! { " · " {t} })}</li>
                                            }).collect_view()}
                                        </ul>
                                        <p><a class="button secondary" href="/volunteers">{tr("accounts.people.awaiting_go")}</a></p>
                                    }.into_any()
                                }}
                            </section>
                            <p><a href="/admin/audit">{tr("audit.title")}</a></p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
