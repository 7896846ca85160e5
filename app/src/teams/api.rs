//! Server functions for teams: search, and a team's public record.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use crate::wishes::api::PublicWish;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSummary {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub community: Option<String>,
    pub members: i64,
    /// The viewer serves in this team (listed first, marked).
    #[serde(default)]
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRecord {
    pub team: TeamSummary,
    /// (status label, count) of the wishes claimed for the team.
    pub wish_counts: Vec<(String, i64)>,
    pub points: i64,
    pub hours: i64,
    /// The newest wishes claimed for the team (public parts only).
    pub wishes: Vec<PublicWish>,
    /// The viewer is a volunteer in this team.
    pub is_member: bool,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
fn summary(t: crate::teams::store::TeamRow) -> TeamSummary {
    TeamSummary {
        id: t.id,
        name: t.name,
        unit: t.unit,
        community: t.community,
        members: t.members,
        mine: false,
    }
}

/// Teams whose name or unit contains `q`, optionally in one community.
#[server(prefix = "/api", endpoint = "teams/search")]
pub async fn search_teams(
    q: Option<String>,
    community: Option<i64>,
) -> Result<Vec<TeamSummary>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let q = q.unwrap_or_default().trim().to_string();
        if q.chars().count() > 30 {
            return Err(AppError::bad(Msg::new("teams.search_too_long")));
        }
        let mut list: Vec<TeamSummary> = crate::teams::store::search(&state.db, &q, community, 50)
            .await?
            .into_iter()
            .map(summary)
            .collect();
        // The viewer's own team first, marked (fetched when the first 50 do not hold it
        // and no search narrows the list).
        let my_team = crate::accounts::session::current_user()
            .await?
            .and_then(|u| u.team_id);
        for t in &mut list {
            t.mine = Some(t.id) == my_team;
        }
        if let (Some(id), true, None) = (my_team, !list.iter().any(|t| t.mine), community) {
            if q.is_empty() {
                if let Some(t) = crate::teams::store::team(&state.db, id).await? {
                    list.insert(
                        0,
                        TeamSummary {
                            mine: true,
                            ..summary(t)
                        },
                    );
                }
            }
        }
        list.sort_by_key(|t| !t.mine);
        Ok(list)
    }
    .await;
    crate::reply::read(r, "/teams")
}

/// The team's page: its record with the status words in the reader's language and the
/// public parts of each wish.
#[cfg(feature = "ssr")]
fn record(r: crate::teams::service::Record) -> TeamRecord {
    TeamRecord {
        wish_counts: r
            .wish_counts
            .into_iter()
            .map(|(s, n)| (crate::i18n::tr(s.label_key()), n))
            .collect(),
        points: r.points,
        hours: r.hours,
        wishes: r
            .wishes
            .iter()
            .map(|w| crate::wishes::api::ssr::public(w, None))
            .collect(),
        is_member: r.is_member,
        signed_in: r.signed_in,
        team: summary(r.team),
    }
}

#[server(prefix = "/api", endpoint = "teams/get")]
pub async fn get_team(id: i64) -> Result<TeamRecord, AppError> {
    let r: Result<TeamRecord, AppError> = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::current_user().await?;
        crate::teams::service::record(&state.db, id, user.as_ref())
            .await
            .map(record)
    }
    .await;
    crate::reply::page(r)
}
