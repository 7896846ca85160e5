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
        Ok(crate::teams::store::search(&state.db, &q, community, 50)
            .await?
            .into_iter()
            .map(summary)
            .collect())
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
