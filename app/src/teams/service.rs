//! A team's public record, gathered for its page: the team, how many of the wishes its
//! members claimed for it are in each state, the points those earned, the members'
//! volunteer hours, the newest of those wishes, and whether the viewer belongs to it.
//! Read as stored; the api shapes it (status labels, the public parts of each wish).

use crate::accounts::model::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::teams::store::{self, TeamRow};
use crate::wishes::model::{WishStatus, WISH_POINTS};
use crate::wishes::store::Wish;

/// A team's record as stored (see [`record`]).
#[derive(Debug, Clone)]
pub struct Record {
    pub team: TeamRow,
    /// (status, count) of the wishes claimed for the team, in the store's order.
    pub wish_counts: Vec<(WishStatus, i64)>,
    pub points: i64,
    pub hours: i64,
    /// The newest wishes claimed for the team.
    pub wishes: Vec<Wish>,
    /// The viewer is a volunteer in this team.
    pub is_member: bool,
    pub signed_in: bool,
}

/// Returns team `id`'s public record as `user` sees it, for the team's page; an unknown
/// team is a 404.
pub async fn record(db: &Db, id: i64, user: Option<&CurrentUser>) -> Result<Record, AppError> {
    let team = store::team(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("teams.what_team")))?;
    let counts = store::wish_counts(db, id).await?;
    let confirmed = counts
        .iter()
        .find(|(s, _)| s == WishStatus::Confirmed.code())
        .map_or(0, |(_, n)| *n);
    let filter = crate::wishes::store::Filter {
        team: Some(id),
        ..Default::default()
    };
    let wishes = crate::wishes::store::public(db, &filter, 20).await?;
    Ok(Record {
        wish_counts: counts
            .into_iter()
            .filter_map(|(s, n)| WishStatus::parse(&s).map(|s| (s, n)))
            .collect(),
        points: confirmed * WISH_POINTS,
        hours: store::member_hours(db, id).await?,
        wishes,
        is_member: user.is_some_and(|u| u.volunteer && u.team_id == Some(id)),
        signed_in: user.is_some(),
        team,
    })
}
