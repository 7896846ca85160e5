//! Server functions of the back office's people pages: staff accounts per community
//! (admins grant, move and revoke), volunteers awaiting verification, and the audit
//! trail with its filters. Staff see only their own community's trail; the CSV export
//! of the same rows is a plain handler (`server::http::office`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A staff member or admin, as the people page lists them (number masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffLine {
    pub id: i64,
    pub name: String,
    pub masked_phone: String,
    pub role: String,
    pub community_id: Option<i64>,
    pub community: String,
    pub sessions: i64,
}

/// A volunteer waiting for their community's staff to verify them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwaitingLine {
    pub name: String,
    pub masked_phone: String,
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeopleView {
    pub staff: Vec<StaffLine>,
    pub communities: Vec<crate::stations::model::CommunityOption>,
    pub community: Option<i64>,
    pub awaiting: Vec<AwaitingLine>,
}

/// One audit record as the trail shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub community: String,
    pub change: String,
}

/// The trail's filters as the address carries them (`?who=&what=&community=&from=&to=&page=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrailQuery {
    pub who: Option<i64>,
    pub what: Option<String>,
    pub community: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailView {
    pub lines: Vec<TrailLine>,
    pub more: bool,
    /// Who may be chosen: `(id, name)`.
    pub actors: Vec<(i64, String)>,
    pub actions: Vec<String>,
    /// Admins choose a community; staff see theirs only (empty list).
    pub communities: Vec<crate::stations::model::CommunityOption>,
    pub query: TrailQuery,
}

/// Rows per page of the trail; the CSV export takes up to [`TRAIL_EXPORT_MAX`].
pub const TRAIL_PAGE: i64 = 50;
pub const TRAIL_EXPORT_MAX: i64 = 50_000;

#[server(prefix = "/api", endpoint = "admin/people")]
pub async fn people(community: Option<i64>) -> Result<PeopleView, AppError> {
    let r = async {
        crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let now = crate::time::now_ts();
        let staff = crate::accounts::store::staff_accounts(&state.db, community, now)
            .await?
            .into_iter()
            .map(|s| StaffLine {
                id: s.id,
                name: s.display_name,
                masked_phone: crate::accounts::model::mask_phone(&s.phone),
                role: s.role,
                community_id: s.community_id,
                community: match (s.street, s.community) {
                    (Some(st), Some(c)) => format!("{st} · {c}"),
                    (_, c) => c.unwrap_or_default(),
                },
                sessions: s.sessions,
            })
            .collect();
        let awaiting = crate::accounts::store::volunteers_of(&state.db, community, None, 200)
            .await?
            .into_iter()
            .filter(|v| !v.verified)
            .map(|v| AwaitingLine {
                name: v.display_name,
                masked_phone: v.masked_phone,
                team: v.team.or(v.team_pending),
            })
            .collect();
        Ok(PeopleView {
            staff,
            communities: crate::stations::store::communities(&state.db).await?,
            community,
            awaiting,
        })
    }
    .await;
    crate::reply::read(r, "/admin/people")
}

#[cfg(feature = "ssr")]
async fn change(c: crate::accounts::admin::StaffChange) -> Result<i64, AppError> {
    let user = crate::accounts::session::require_admin().await?;
    let state = crate::state::app_state()?;
    crate::accounts::admin::change_staff(&state.db, &user, c, crate::time::now_ts()).await
}

/// Makes someone staff of a community, or an admin (audited).
#[server(prefix = "/api", endpoint = "admin/people/grant")]
pub async fn grant_role(
    phone: String,
    role: String,
    community: Option<i64>,
) -> Result<i64, AppError> {
    let r = async {
        let phone = crate::accounts::model::Phone::parse(&phone).map_err(AppError::BadRequest)?;
        let role = crate::accounts::model::Role::parse(&role)
            .ok_or_else(|| AppError::bad(crate::i18n::tr("office.people_e_role")))?;
        change(crate::accounts::admin::StaffChange::Grant {
            phone,
            role,
            community,
        })
        .await
    }
    .await;
    crate::reply::reply(r, "/admin/people", |_| {
        Some("/admin/people?ok=office.people_saved".into())
    })
}

/// Moves a staff member to another community (audited).
#[server(prefix = "/api", endpoint = "admin/people/move")]
pub async fn move_staff(user_id: i64, community: i64) -> Result<i64, AppError> {
    let r = change(crate::accounts::admin::StaffChange::Move {
        user: user_id,
        community,
    })
    .await;
    crate::reply::reply(r, "/admin/people", |_| {
        Some("/admin/people?ok=office.people_saved".into())
    })
}

/// Takes a staff member's or admin's role away and ends their sessions (audited).
#[server(prefix = "/api", endpoint = "admin/people/revoke")]
pub async fn revoke_staff(user_id: i64) -> Result<i64, AppError> {
    let r = change(crate::accounts::admin::StaffChange::Revoke { user: user_id }).await;
    crate::reply::reply(r, "/admin/people", |_| {
        Some("/admin/people?ok=office.people_saved".into())
    })
}

/// The audit filter a caller may use: admins any; staff their own community only.
#[cfg(feature = "ssr")]
pub fn trail_filter(
    user: &crate::accounts::model::CurrentUser,
    q: &TrailQuery,
) -> Result<crate::accounts::store::AuditFilter, AppError> {
    use crate::accounts::model::Role;
    let community = match user.role {
        Role::Admin => q.community,
        Role::Staff => user.community_id,
        Role::Resident => return Err(AppError::Forbidden),
    };
    let day = |s: &Option<String>, plus: i64| -> Result<Option<i64>, AppError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => {
                let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| AppError::bad(crate::i18n::tr("office.audit_bad_date")))?;
                let d = d + chrono::Duration::days(plus);
                Ok(Some(crate::time::local_ts(d, 0)))
            }
        }
    };
    let what = q
        .what
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 40)
        .map(str::to_string);
    Ok(crate::accounts::store::AuditFilter {
        actor: q.who,
        action: what,
        community,
        from: day(&q.from, 0)?,
        to: day(&q.to, 1)?,
    })
}

/// An audit row in words (times in Asia/Shanghai, the actor's number masked).
#[cfg(feature = "ssr")]
pub fn trail_line(r: crate::accounts::store::AuditRow) -> TrailLine {
    let actor = match (r.entry.actor_id, r.actor_name, r.actor_phone) {
        (None, _, _) => crate::i18n::tr("office.audit_shell"),
        (Some(_), Some(n), Some(p)) => format!("{n}（{}）", crate::accounts::model::mask_phone(&p)),
        (Some(id), _, _) => format!("#{id}"),
    };
    let change = match (r.entry.before, r.entry.after) {
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => a,
        (Some(b), None) => b,
        (None, None) => String::new(),
    };
    TrailLine {
        at: crate::time::local_of(r.entry.at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        actor,
        action: r.entry.action,
        target: r.entry.target,
        community: r.community.unwrap_or_default(),
        change,
    }
}

#[server(prefix = "/api", endpoint = "audit")]
pub async fn audit_trail(query: TrailQuery) -> Result<TrailView, AppError> {
    let r = async {
        let user = crate::accounts::session::require_user().await?;
        let filter = trail_filter(&user, &query)?;
        let state = crate::state::app_state()?;
        let page = query.page.unwrap_or(0).clamp(0, 10_000);
        let mut rows = crate::accounts::store::audit_trail(
            &state.db,
            &filter,
            TRAIL_PAGE + 1,
            page * TRAIL_PAGE,
        )
        .await?;
        let more = rows.len() as i64 > TRAIL_PAGE;
        rows.truncate(TRAIL_PAGE as usize);
        let now = crate::time::now_ts();
        let scope = if user.is_admin() {
            None
        } else {
            user.community_id
        };
        let actors = crate::accounts::store::staff_accounts(&state.db, scope, now)
            .await?
            .into_iter()
            .map(|s| (s.id, s.display_name))
            .collect();
        Ok(TrailView {
            lines: rows.into_iter().map(trail_line).collect(),
            more,
            actors,
            actions: crate::accounts::store::audit_actions(&state.db).await?,
            communities: if user.is_admin() {
                crate::stations::store::communities(&state.db).await?
            } else {
                Vec::new()
            },
            query,
        })
    }
    .await;
    crate::reply::read(r, "/admin/audit")
}
