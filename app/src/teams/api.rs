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

#[server(prefix = "/api", endpoint = "teams/get")]
pub async fn get_team(id: i64) -> Result<TeamRecord, AppError> {
    let r: Result<TeamRecord, AppError> = async {
        use crate::wishes::model::{WishStatus, WISH_POINTS};
        let state = crate::state::app_state()?;
        let db = &state.db;
        let team = crate::teams::store::team(db, id)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("teams.what_team")))?;
        let counts = crate::teams::store::wish_counts(db, id).await?;
        let confirmed = counts
            .iter()
            .find(|(s, _)| s == WishStatus::Confirmed.code())
            .map_or(0, |(_, n)| *n);
        let filter = crate::wishes::store::Filter {
            team: Some(id),
            ..Default::default()
        };
        let wishes = crate::wishes::store::public(db, &filter, 20)
            .await?
            .iter()
            .map(|w| crate::wishes::api::ssr::public(w, None))
            .collect();
        let user = crate::accounts::session::current_user().await?;
        Ok(TeamRecord {
            wish_counts: counts
                .into_iter()
                .filter_map(|(s, n)| {
                    WishStatus::parse(&s).map(|s| (crate::i18n::tr(s.label_key()), n))
                })
                .collect(),
            points: confirmed * WISH_POINTS,
            hours: crate::teams::store::member_hours(db, id).await?,
            wishes,
            is_member: user
                .as_ref()
                .is_some_and(|u| u.volunteer && u.team_id == Some(id)),
            signed_in: user.is_some(),
            team: summary(team),
        })
    }
    .await;
    crate::reply::page(r)
}
