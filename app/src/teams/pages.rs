//! 志愿服务队: find a team (GET form) and join it; a team's record.

use crate::i18n::tr;
use crate::pages::not_found::{ErrorBox, Flash};
use crate::teams::api::{get_team, search_teams, TeamRecord};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TeamsPage() -> impl IntoView {
    let q = use_query_map();
    let list = Resource::new(
        move || {
            let q = q.read();
            (
                q.get("q"),
                q.get("community")
                    .and_then(|c| c.trim().parse::<i64>().ok()),
            )
        },
        |(text, community)| search_teams(text, community),
    );
    view! {
        <Title text=tr("teams.title") />
        <h1>{tr("teams.title")}</h1>
        <p class="lead">{tr("teams.lead")}</p>
        <Flash />
        <form method="get" action="/teams" class="search" role="search">
            <input name="q" maxlength="30" value=move || q.read_untracked().get("q").unwrap_or_default()
                aria-label=tr("teams.search") placeholder=tr("teams.search") />
            <button class="button secondary" type="submit">{tr("teams.search_button")}</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(l) if l.is_empty() => view! { <p class="hint">{tr("teams.none")}</p> }.into_any(),
                    Ok(l) => view! {
                        <ol class="station-list">
                            {l.into_iter().map(|t| view! {
                                <li class=if t.mine { "station-item mine" } else { "station-item" }>
                                    <a class="station-link" href=format!("/teams/{}", t.id)>
                                        <span class="station-name">{t.name}</span>
                                        {t.mine.then(|| view! { <span class="badge">{tr("teams.mine")}</span> })}
                                        <span class="station-kind">{t.community.unwrap_or_default()}</span>
                                    </a>
                                    <p class="station-meta">{crate::i18n::tr_args("teams.members", &[("n", t.members.to_string())])}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let p = use_params_map();
    let t = Resource::new(
        move || {
            p.read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_team,
    );
    view! {
        <Flash />
        <Suspense fallback=|| view! { <p class="loading">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match t.await {
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    Ok(r) => view! { <TeamBody r=r /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TeamBody(r: TeamRecord) -> impl IntoView {
    let t = r.team.clone();
    view! {
        <Title text=t.name.clone() />
        <h1>{t.name.clone()}</h1>
        <p class="hint">{t.unit.clone()} {t.community.clone().map(|c| format!(" · {c}"))}</p>
        <section class="card figures" id="team-record">
            <p><span class="kind-count">{t.members}</span> " " {tr("teams.members_label")}</p>
            <p><span class="kind-count">{r.points}</span> " " {tr("teams.points")}</p>
            <p><span class="kind-count">{r.hours}</span> " " {tr("teams.hours")}</p>
            <ul>
                {r.wish_counts.into_iter().map(|(label, n)| view! { <li>{label} " " {n}</li> }).collect_view()}
            </ul>
        </section>
        <section class="card">
            {if r.is_member {
                view! { <p class="form-ok">{tr("teams.you_are_member")}</p> }.into_any()
            } else if r.signed_in {
                view! {
                    <form method="post" action=crate::accounts::api::SetVolunteer::PATH class="inline">
                        <input type="hidden" name="on" value="true" />
                        <input type="hidden" name="team_id" value=t.id.to_string() />
                        <button class="button" type="submit">{tr("teams.join")}</button>
                    </form>
                }.into_any()
            } else {
                view! { <a class="button" href="/login">{tr("login.title")}</a> }.into_any()
            }}
        </section>
        <section class="card">
            <h2>{tr("teams.wishes")}</h2>
            {r.wishes.is_empty().then(|| view! { <p class="hint">{tr("teams.no_wishes")}</p> })}
            <ol class="station-list">
                {r.wishes.into_iter().map(|w| view! {
                    <li class="station-item">
                        <a class="station-link" href=format!("/wishes/{}", w.id)>
                            <span class="station-name">{w.title}</span>
                            <span class="station-kind">{w.category} " · " {w.community} " · " {crate::i18n::tr(w.status.label_key())}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <p><a href="/teams">{tr("teams.back")}</a></p>
    }
}
