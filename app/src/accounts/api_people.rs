//! Server functions of the back office's people page: staff accounts per community
//! (admins grant, move and revoke) and volunteers awaiting verification. The audit trail
//! is its own feature (`crate::audit`).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
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
    /// One page of [`STAFF_PAGE`] staff.
    pub staff: Vec<StaffLine>,
    /// The page shown (from 0), and whether another follows.
    pub page: u32,
    pub more: bool,
    pub communities: Vec<crate::stations::model::CommunityOption>,
    pub community: Option<i64>,
    pub awaiting: Vec<AwaitingLine>,
}

/// Staff per page of the people page: a city has hundreds; a page a desk PC shows at
/// once, and a phone can take.
pub const STAFF_PAGE: u32 = 50;

/// One page of staff as the people page lists them, and whether another page follows.
#[cfg(feature = "ssr")]
async fn staff_lines(
    db: &crate::db::Db,
    community: Option<i64>,
    page: u32,
) -> Result<(Vec<StaffLine>, bool), AppError> {
    let mut rows = crate::accounts::store::staff_page(
        db,
        community,
        crate::time::now_ts(),
        i64::from(page) * i64::from(STAFF_PAGE),
        i64::from(STAFF_PAGE) + 1,
    )
    .await?;
    let more = rows.len() > STAFF_PAGE as usize;
    rows.truncate(STAFF_PAGE as usize);
    let staff = rows
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
    Ok((staff, more))
}

#[server(prefix = "/api", endpoint = "admin/people")]
pub async fn people(community: Option<i64>, page: Option<u32>) -> Result<PeopleView, AppError> {
    let r = async {
        crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let page = page.unwrap_or(0).min(10_000);
        let (staff, more) = staff_lines(&state.db, community, page).await?;
        let awaiting = crate::accounts::store::awaiting_verification(&state.db, community, 50)
            .await?
            .into_iter()
            .map(|v| AwaitingLine {
                name: v.display_name,
                masked_phone: v.masked_phone,
                team: v.team.or(v.team_pending),
            })
            .collect();
        Ok(PeopleView {
            staff,
            page,
            more,
            communities: state.stations().await?.community_options(),
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
    community: Option<String>,
) -> Result<i64, AppError> {
    let r = async {
        let phone = crate::accounts::model::Phone::parse(&phone).map_err(AppError::BadRequest)?;
        // The form's first option ("请选择社区") sends an empty value: no community.
        let community = match community.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(
                c.parse::<i64>()
                    .map_err(|_| AppError::bad(Msg::new("accounts.people.community_required")))?,
            ),
        };
        let role = crate::accounts::model::Role::parse(&role)
            .ok_or_else(|| AppError::bad(Msg::new("accounts.people.role_invalid")))?;
        change(crate::accounts::admin::StaffChange::Grant {
            phone,
            role,
            community,
        })
        .await
    }
    .await;
    crate::reply::reply(r, "/admin/people", |_| {
        Some("/admin/people?ok=accounts.people.saved".into())
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
        Some("/admin/people?ok=accounts.people.saved".into())
    })
}

/// Takes a staff member's or admin's role away and ends their sessions (audited).
#[server(prefix = "/api", endpoint = "admin/people/revoke")]
pub async fn revoke_staff(user_id: i64) -> Result<i64, AppError> {
    let r = change(crate::accounts::admin::StaffChange::Revoke { user: user_id }).await;
    crate::reply::reply(r, "/admin/people", |_| {
        Some("/admin/people?ok=accounts.people.saved".into())
    })
}
