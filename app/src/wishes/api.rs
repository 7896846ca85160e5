//! Server functions for wishes: the list, a wish's page, posting, its steps, its contact
//! (on record) and the staff's and the caller's own lists. Public answers never carry a
//! poster's name, number or address: those go only to the poster, the claimant and the
//! staff of the wish's community.

// A server function takes the fields of its plain HTML form one by one; the posting
// form has eight.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use crate::wishes::model::{WishAction, WishStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The multipart fulfilment form's target (a plain axum handler: a photo is a stream,
/// not a server-function argument).
pub const FULFIL_PATH: &str = "/api/wishes/fulfil";

/// What anyone may see of a wish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicWish {
    pub id: i64,
    pub community: String,
    pub category: String,
    pub title: String,
    pub story: String,
    pub needs: String,
    pub value_yuan: i64,
    pub deadline: String,
    pub status: WishStatus,
    pub team: Option<String>,
    pub distance_m: Option<f64>,
}

/// A wish's page: the public part, the private part for those who may see it, and what
/// the viewer may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WishPage {
    pub wish: PublicWish,
    /// The poster's contact and address: for the poster; for the current claimant (while
    /// the claim lasts) and the community's staff only after they asked to see it, which
    /// is recorded (`wishes/contact`), for `CONTACT_SHOWN_SECS`.
    pub contact: Option<(String, String)>,
    /// The viewer may ask to see the contact (the button that records the view).
    pub may_reveal_contact: bool,
    pub reject_reason: String,
    pub fulfil_note: String,
    /// The fulfilment photo's address, for those who may see it (poster, claimant, staff).
    pub photo_url: Option<String>,
    /// The claiming team's record page.
    pub team_id: Option<i64>,
    /// The steps this viewer may take (the page's buttons), from the same state machine
    /// and roles that decide a step when it is posted.
    pub actions: Vec<WishAction>,
    /// The viewer is a volunteer in a team and may claim for it.
    pub can_claim_for_team: bool,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::wishes::service::{self, Shown};
    use crate::wishes::store::Wish;

    pub use crate::wishes::service::{may_reveal, CONTACT_READ};

    /// The service's order for the list's `sort`.
    pub fn sort(s: WishSort) -> service::Sort {
        match s {
            WishSort::Newest => service::Sort::Newest,
            WishSort::Deadline => service::Sort::Deadline,
            WishSort::Nearest => service::Sort::Nearest,
        }
    }

    /// The wish's page: the public parts of the wish, and the photo's address for those
    /// who may see it.
    pub fn page(s: Shown) -> WishPage {
        let id = s.wish.id;
        WishPage {
            wish: public(&s.wish, None),
            contact: s.contact,
            may_reveal_contact: s.may_reveal_contact,
            reject_reason: s.reject_reason,
            fulfil_note: s.fulfil_note,
            photo_url: s.photo.then(|| format!("/wishes/{id}/photo")),
            team_id: s.team_id,
            actions: s.actions,
            can_claim_for_team: s.can_claim_for_team,
            signed_in: s.signed_in,
        }
    }

    pub fn public(w: &Wish, from: Option<crate::stations::model::LatLng>) -> PublicWish {
        PublicWish {
            id: w.id,
            community: w.community.clone(),
            category: w.category.clone(),
            title: w.title.clone(),
            story: w.story.clone(),
            needs: w.needs.clone(),
            value_yuan: w.value_yuan,
            deadline: w.deadline.clone(),
            status: w.status,
            team: w.team.clone(),
            distance_m: from.map(|p| {
                crate::stations::model::distance_m(
                    p,
                    crate::stations::model::LatLng {
                        lat: w.lat,
                        lng: w.lng,
                    },
                )
                .round()
            }),
        }
    }
}

/// How the wish list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishSort {
    #[default]
    Newest,
    Deadline,
    /// Nearest `lat`/`lng` first.
    Nearest,
}

/// The wish list's query (the `/wishes` page's query string, typed).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WishQuery {
    pub category: Option<String>,
    pub community: Option<i64>,
    pub sort: Option<WishSort>,
    /// Unclaimed only.
    pub open: Option<bool>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A place typed in instead of a position (see [`crate::stations::model::landmark`]).
    pub near: Option<String>,
}

impl WishQuery {
    /// "Nearest first" was asked for, but there is no point to measure from yet.
    pub fn needs_point(&self) -> bool {
        self.sort == Some(WishSort::Nearest)
            && (self.lat.is_none() || self.lng.is_none())
            && self.near.is_none()
    }

    /// Calls [`list_wishes`] with this query.
    pub async fn run(self) -> Result<Vec<PublicWish>, AppError> {
        list_wishes(
            self.category,
            self.community,
            self.sort,
            self.open,
            self.lat,
            self.lng,
            self.near,
        )
        .await
    }

    /// Reads the page's query string; a value that does not parse is left out (the page
    /// then shows the unfiltered list rather than an error).
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |k: &str| get(k).and_then(|v| v.trim().parse::<f64>().ok());
        WishQuery {
            category: get("category").filter(|c| !c.trim().is_empty()),
            community: get("community").and_then(|v| v.trim().parse().ok()),
            sort: get("sort")
                .and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()),
            open: get("open").map(|v| v == "1" || v == "true"),
            lat: num("lat"),
            lng: num("lng"),
            near: get("near")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
        }
    }
}

/// The public list, narrowed and ordered by the [`WishQuery`]'s fields (each a typed
/// argument: `community=3&open=true&sort=nearest&lat=…&lng=…`).
#[server(prefix = "/api", endpoint = "wishes/list")]
pub async fn list_wishes(
    category: Option<String>,
    community: Option<i64>,
    sort: Option<WishSort>,
    open: Option<bool>,
    lat: Option<f64>,
    lng: Option<f64>,
    near: Option<String>,
) -> Result<Vec<PublicWish>, AppError> {
    let r: Result<Vec<PublicWish>, AppError> = async {
        let state = crate::state::app_state()?;
        let q = crate::wishes::service::ListQuery {
            category,
            community,
            sort: ssr::sort(sort.unwrap_or_default()),
            open: open.unwrap_or(false),
            lat,
            lng,
            near,
        };
        let l = crate::wishes::service::list(&state.db, &state.station_cache, q).await?;
        Ok(l.wishes.iter().map(|w| ssr::public(w, l.from)).collect())
    }
    .await;
    crate::reply::read(r, "/wishes")
}

#[server(prefix = "/api", endpoint = "wishes/get")]
pub async fn get_wish(id: i64) -> Result<WishPage, AppError> {
    let r: Result<WishPage, AppError> = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::current_user().await?;
        let now = crate::time::now_ts();
        crate::wishes::service::shown(&state.db, user.as_ref(), id, now)
            .await
            .map(ssr::page)
    }
    .await;
    crate::reply::page(r)
}

/// A resident posts a wish in their community; staff review it before it is public.
#[server(prefix = "/api", endpoint = "wishes/post")]
pub async fn post_wish(
    category: String,
    title: String,
    story: String,
    needs: String,
    value_yuan: i64,
    deadline: String,
    contact: String,
    address: String,
) -> Result<i64, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let w = crate::wishes::model::NewWish {
            category,
            title,
            story,
            needs,
            value_yuan,
            deadline,
            contact,
            address,
        };
        let (today, now) = (crate::time::today(), crate::time::now_ts());
        crate::wishes::service::post(&state.db, &user, &w, &today, now).await
    }
    .await;
    crate::reply::reply(r, "/wishes/new", |id| Some(format!("/wishes/{id}")))
}

/// One step of a wish's life (see [`WishAction`]): `note` is the reason of a refusal;
/// `team=true` claims for the volunteer's team. Fulfilling with a photo goes through the
/// multipart handler at `/api/wishes/fulfil`, which ends in the same service.
#[server(prefix = "/api", endpoint = "wishes/act")]
pub async fn wish_act(
    id: i64,
    action: WishAction,
    note: Option<String>,
    team: Option<bool>,
) -> Result<(), AppError> {
    let back = format!("/wishes/{id}");
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let note = note.unwrap_or_default();
        let input = crate::wishes::service::StepInput {
            note: &note,
            for_team: team.unwrap_or(false),
            photo: None,
        };
        crate::wishes::service::act(
            &state.db,
            &user,
            id,
            action,
            input,
            crate::time::now_ts(),
            state.config.claim_days,
        )
        .await?;
        // A review leads on to the next wish waiting in the same community.
        let next = match (action, user.community_id) {
            (WishAction::Approve | WishAction::Reject, Some(c)) => {
                crate::wishes::store::pending(&state.db, c)
                    .await?
                    .into_iter()
                    .map(|w| w.id)
                    .find(|w| *w != id)
            }
            _ => None,
        };
        Ok(next)
    }
    .await;
    let ok_to = |next: &Option<i64>| match next {
        Some(n) => Some(format!("/wishes/{n}?ok=wishes.reviewed_next")),
        None => Some(back.clone()),
    };
    crate::reply::reply(r, &back, ok_to).map(|_| ())
}

/// Shows the caller a wish's contact and address, recording the read first (who, which
/// wish, when): the current claimant while the claim lasts, or the community's staff.
/// Anyone else gets the same "not found" as for a wish that does not exist.
#[server(prefix = "/api", endpoint = "wishes/contact")]
pub async fn wish_contact(id: i64) -> Result<(String, String), AppError> {
    let back = format!("/wishes/{id}");
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let not_found = || AppError::NotFound(Msg::new("wishes.what_wish"));
        let w = crate::wishes::store::get(&state.db, id)
            .await?
            .ok_or_else(not_found)?;
        let roles = crate::wishes::service::roles(Some(&user), &w);
        if roles.poster {
            return Ok((w.contact, w.address));
        }
        if !ssr::may_reveal(&w, roles) {
            return Err(not_found());
        }
        crate::accounts::service::record_read(
            &state.db,
            &user,
            ssr::CONTACT_READ,
            &format!("wish:{id}"),
            Some(w.community_id),
            crate::time::now_ts(),
        )
        .await?;
        Ok((w.contact, w.address))
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(back.clone()))
}

/// Staff: wishes of their community waiting for review (contacts are read one by one,
/// on record, from each wish's page).
#[server(prefix = "/api", endpoint = "wishes/pending")]
pub async fn pending_wishes() -> Result<Vec<PublicWish>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let community = match (user.role, user.community_id) {
            (crate::accounts::model::Role::Resident, _) | (_, None) => {
                return Err(AppError::Forbidden)
            }
            (_, Some(c)) => c,
        };
        Ok(crate::wishes::store::pending(&state.db, community)
            .await?
            .iter()
            .map(|w| ssr::public(w, None))
            .collect())
    }
    .await;
    crate::reply::read(r, "/wishes")
}

/// The wishes the caller posted or claimed (with their private parts: they are the
/// poster or the claimant of each).
#[server(prefix = "/api", endpoint = "wishes/mine")]
pub async fn my_wishes() -> Result<Vec<PublicWish>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let Some(user) = crate::accounts::session::current_user().await? else {
            return Ok(Vec::new());
        };
        Ok(crate::wishes::store::of_user(&state.db, user.id)
            .await?
            .iter()
            .map(|w| ssr::public(w, None))
            .collect())
    }
    .await;
    crate::reply::read(r, "/wishes")
}
