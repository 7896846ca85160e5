//! `/admin/audit`: the audit trail with its filters in the address (a GET form) and the
//! CSV export (a POST form: the export is put on record, and a GET never writes). Staff
//! see their own community's records, admins everyone's.

use crate::audit::api::{audit_trail, TrailQuery, TrailView};
use crate::i18n::tr;
use crate::pages::community_select::CommunitySelect;
use crate::pages::not_found::{ErrorBox, Flash};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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

/// An audit action in words where the portal has them (`audit.act_<code>`), with its
/// code, which the filter and the CSV use.
fn action_label(code: &str) -> String {
    let key = format!("audit.act_{code}");
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
        <Title text=tr("audit.title") />
        <h1>{tr("audit.title")}</h1>
        <Flash />
        <p class="lead">{tr("audit.lead")}</p>
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
            <label for="audit-who">{tr("audit.who")}</label>
            <select id="audit-who" name="who">
                <option value="">{tr("audit.anyone")}</option>
                {v.actors.into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=q.who == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <label for="audit-what">{tr("audit.what")}</label>
            <select id="audit-what" name="what">
                <option value="">{tr("audit.any_action")}</option>
                {v.actions.into_iter().map(|a| view! {
                    <option value=a.clone() selected=q.what.as_deref() == Some(a.as_str())>{action_label(&a)}</option>
                }).collect_view()}
            </select>
            {(!v.communities.is_empty()).then(|| view! {
                <label for="audit-community">{tr("common.community")}</label>
                <CommunitySelect id="audit-community" name="community" options=v.communities.clone() selected=q.community all_label=tr("accounts.people.all_communities") />
            })}
            <label for="audit-from">{tr("audit.from")}</label>
            <input id="audit-from" name="from" type="date" value=q.from.clone().unwrap_or_default() />
            <label for="audit-to">{tr("audit.to")}</label>
            <input id="audit-to" name="to" type="date" value=q.to.clone().unwrap_or_default() />
            <button class="button secondary" type="submit">{tr("common.filter")}</button>
        </form>
        // A form, not a link: the export is put on record, and a GET never writes.
        <form method="post" action="/api/v1/audit.csv" class="actions">
            {q.who.map(|w| view! { <input type="hidden" name="who" value=w.to_string() /> })}
            {q.what.clone().map(|w| view! { <input type="hidden" name="what" value=w /> })}
            {q.community.map(|c| view! { <input type="hidden" name="community" value=c.to_string() /> })}
            {q.from.clone().map(|f| view! { <input type="hidden" name="from" value=f /> })}
            {q.to.clone().map(|t| view! { <input type="hidden" name="to" value=t /> })}
            <button class="button secondary" type="submit">{tr("audit.csv")}</button>
        </form>
        {if v.lines.is_empty() {
            view! { <p class="card">{tr("audit.none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0">
                <table class="audit">
                    <thead><tr>
                        <th scope="col">{tr("audit.when")}</th>
                        <th scope="col">{tr("audit.who")}</th>
                        <th scope="col">{tr("audit.what")}</th>
                        <th scope="col">{tr("audit.target")}</th>
                        <th scope="col">{tr("common.community")}</th>
                        <th scope="col">{tr("audit.change")}</th>
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
        {v.more.then(|| view! { <p><a href=next>{tr("audit.more")}</a></p> })}
    }
}
