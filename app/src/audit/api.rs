//! The audit trail's server function (`audit`, the `/admin/audit` page's data) and how a
//! record reads in words. The CSV export of the same rows is a plain handler
//! (`server::http::office`), through `audit::service::export`.

pub use crate::audit::model::TrailQuery;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One audit record as the trail shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailLine {
    pub at: String,
    /// The actor's id (none for the shell), for lists kept in Excel.
    pub actor_id: Option<i64>,
    /// The actor's name as it was when they acted, with the masked number.
    pub actor: String,
    pub action: String,
    pub target: String,
    pub community: String,
    pub change: String,
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

/// An audit row in words (times in Asia/Shanghai, the actor's number masked).
#[cfg(feature = "ssr")]
pub fn trail_line(r: crate::audit::store::AuditRow) -> TrailLine {
    let actor = match (r.entry.actor_id, r.actor_name, r.actor_phone) {
        (None, _, _) => crate::i18n::tr("audit.shell"),
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
        actor_id: r.entry.actor_id,
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
        let filter = crate::audit::service::filter_for(&user, &query)?;
        let state = crate::state::app_state()?;
        let page = query.page.unwrap_or(0).clamp(0, 10_000);
        let (rows, more) =
            crate::audit::service::page(&state.db, &filter, TRAIL_PAGE, page * TRAIL_PAGE).await?;
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
            actions: crate::audit::service::actions(&state.db).await?,
            communities: if user.is_admin() {
                state.stations().await?.community_options()
            } else {
                Vec::new()
            },
            query,
        })
    }
    .await;
    crate::reply::read(r, "/admin/audit")
}
