//! Server functions for wishes, activities and points. Public answers never carry a
//! poster's name, number or address: those go only to the poster, the claimant and the
//! staff of the wish's community.

// A server function takes the fields of its plain HTML form one by one; the posting
// form has eight.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::wishes::model::WishStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub contact: Option<(String, String)>,
    pub reject_reason: String,
    pub fulfil_note: String,
    /// The fulfilment photo's address, for those who may see it (poster, claimant, staff).
    pub photo_url: Option<String>,
    /// The claiming team's record page.
    pub team_id: Option<i64>,
    pub can_claim: bool,
    /// The viewer is a volunteer in a team and may claim for it.
    pub can_claim_for_team: bool,
    pub can_withdraw: bool,
    pub can_fulfil: bool,
    pub can_confirm: bool,
    pub can_review: bool,
    pub can_close: bool,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::wishes::store::Wish;

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

    pub fn now() -> i64 {
        crate::util::now_ts()
    }

    /// Whether this viewer may see a wish's private parts (contact, address, photo): the
    /// poster, the claimant and the staff of its community.
    pub fn sees_private(user: &crate::accounts::model::CurrentUser, w: &Wish) -> bool {
        user.id == w.poster_id || w.claimant_id == Some(user.id) || is_staff_of(user, w)
    }

    pub fn is_staff_of(user: &crate::accounts::model::CurrentUser, w: &Wish) -> bool {
        user.role != crate::accounts::model::Role::Resident && user.may_act_in(w.community_id)
    }
}

/// `params`: `category`, `community`, `sort` (`newest`, `deadline`, `nearest` with
/// `lat`/`lng`), `open=1` for unclaimed only.
#[server(prefix = "/api", endpoint = "wishes/list")]
pub async fn list_wishes(params: String) -> Result<Vec<PublicWish>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        crate::wishes::store::expire_claims(&state.db, ssr::now()).await?;
        let pairs = crate::util::parse_query(&params);
        let get = |k: &str| crate::util::query_value(&pairs, k);
        let category = get("category");
        if let Some(c) = &category {
            if !crate::wishes::model::CATEGORIES.contains(&c.as_str()) {
                return Err(AppError::bad("未知的心愿类别"));
            }
        }
        let community = get("community")
            .map(|c| c.parse::<i64>().map_err(|_| AppError::bad("社区编号有误")))
            .transpose()?;
        let point = match (get("lat"), get("lng")) {
            (Some(a), Some(b)) => match (a.parse(), b.parse()) {
                (Ok(a), Ok(b)) => {
                    Some(crate::stations::model::LatLng::new(a, b).map_err(AppError::BadRequest)?)
                }
                _ => return Err(AppError::bad("位置参数有误")),
            },
            _ => None,
        };
        use crate::wishes::store::{Filter, Order};
        let order = match (get("sort").as_deref(), point) {
            (Some("deadline"), _) => Order::Deadline,
            (Some("nearest"), Some(p)) => Order::Nearest {
                lat: p.lat,
                lng: p.lng,
            },
            (Some("nearest"), None) => {
                return Err(AppError::bad("请先定位或在地图上选一个位置，再按距离排序"))
            }
            _ => Order::Newest,
        };
        let filter = Filter {
            community,
            category,
            team: None,
            open_only: get("open").is_some_and(|v| v == "1"),
            order,
        };
        let rows = crate::wishes::store::public(&state.db, &filter, 50).await?;
        Ok(rows.iter().map(|w| ssr::public(w, point)).collect())
    }
    .await;
    AppError::form_result(r, None, "/wishes")
}

#[server(prefix = "/api", endpoint = "wishes/get")]
pub async fn get_wish(id: i64) -> Result<WishPage, AppError> {
    let r: Result<WishPage, AppError> = async {
        let state = crate::state::app_state()?;
        crate::wishes::store::expire_claims(&state.db, ssr::now()).await?;
        let w = crate::wishes::store::get(&state.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("该心愿".into()))?;
        let user = crate::accounts::session::current_user().await?;
        let (is_poster, is_claimant, is_staff) = match &user {
            Some(u) => (
                u.id == w.poster_id,
                w.claimant_id == Some(u.id),
                ssr::is_staff_of(u, &w),
            ),
            None => (false, false, false),
        };
        if !w.status.public() && !is_poster && !is_staff {
            return Err(AppError::NotFound("该心愿".into()));
        }
        let sees_private = is_poster || is_claimant || is_staff;
        let volunteer = user.as_ref().is_some_and(|u| u.volunteer);
        let has_team = user.as_ref().is_some_and(|u| u.team_id.is_some());
        let can_claim = w.status == WishStatus::Published && volunteer && !is_poster;
        Ok(WishPage {
            contact: sees_private.then(|| (w.contact.clone(), w.address.clone())),
            reject_reason: if is_poster || is_staff {
                w.reject_reason.clone()
            } else {
                String::new()
            },
            fulfil_note: w.fulfil_note.clone(),
            photo_url: (sees_private && w.has_photo).then(|| format!("/wishes/{}/photo", w.id)),
            team_id: w.claim_team_id,
            can_claim,
            can_claim_for_team: can_claim && has_team,
            can_withdraw: w.status == WishStatus::Claimed && is_claimant,
            can_fulfil: w.status == WishStatus::Claimed && is_claimant,
            can_confirm: w.status == WishStatus::Fulfilled && (is_poster || is_staff),
            can_review: w.status == WishStatus::Pending && is_staff,
            can_close: matches!(w.status, WishStatus::Pending | WishStatus::Published)
                && (is_poster || is_staff),
            signed_in: user.is_some(),
            wish: ssr::public(&w, None),
        })
    }
    .await;
    if let Err(e) = &r {
        e.set_response_status();
    }
    r
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
        let community = user
            .community_id
            .ok_or_else(|| AppError::bad("请先在“我的”里选择您所在的社区"))?;
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
        let p = w.problems(&crate::util::today());
        if !p.is_empty() {
            return Err(AppError::BadRequest(p.join("；")));
        }
        Ok(crate::wishes::store::post(&state.db, user.id, community, &w, ssr::now()).await?)
    }
    .await;
    let ok = r.as_ref().ok().map(|id| format!("/wishes/{id}"));
    AppError::form_result(r, ok.as_deref(), "/wishes/new")
}

/// One step of a wish's life: `review` (staff: `approve=1|0`, `reason`), `claim`
/// (volunteers; `team=1` to claim for their team), `withdraw`, `fulfil` (`note`),
/// `confirm` (poster or staff), `close` (poster or staff).
#[server(prefix = "/api", endpoint = "wishes/act")]
pub async fn wish_act(
    id: i64,
    action: String,
    note: Option<String>,
    approve: Option<String>,
    team: Option<String>,
) -> Result<(), AppError> {
    let back = format!("/wishes/{id}");
    let r = async {
        use crate::wishes::store;
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let w = store::get(&state.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("该心愿".into()))?;
        let staff = ssr::is_staff_of(&user, &w);
        let now = ssr::now();
        let note = note.unwrap_or_default().trim().to_string();
        match action.as_str() {
            "review" if staff => {
                let approve = approve.as_deref() == Some("1");
                if !approve && note.is_empty() {
                    return Err(AppError::bad("请写明不通过的原因，发布人会看到"));
                }
                store::review(&state.db, id, approve, &note, now).await
            }
            "claim" => {
                if !user.volunteer {
                    return Err(AppError::bad("请先在“我的”里成为志愿者"));
                }
                crate::wishes::model::next(w.status, crate::wishes::model::WishAction::Claim)
                    .map_err(AppError::Conflict)?;
                let team = match (team.as_deref() == Some("1"), user.team_id) {
                    (true, None) => {
                        return Err(AppError::bad(
                            "您还没有加入志愿服务队，请先在“志愿服务队”里加入",
                        ))
                    }
                    (true, Some(t)) => Some(t),
                    (false, _) => None,
                };
                store::claim(&state.db, id, user.id, team, now, state.config.claim_days).await
            }
            "withdraw" => store::withdraw(&state.db, id, user.id, now).await,
            "fulfil" => {
                crate::wishes::model::check_fulfil_note(&note).map_err(AppError::BadRequest)?;
                store::fulfil(&state.db, id, user.id, &note, None, now).await
            }
            "confirm" if staff || user.id == w.poster_id => {
                store::confirm(&state.db, id, now).await
            }
            "close" if staff || user.id == w.poster_id => store::close(&state.db, id, now).await,
            "review" | "confirm" | "close" => Err(AppError::Forbidden),
            _ => Err(AppError::bad("未知的操作")),
        }
    }
    .await;
    AppError::form_result(r, Some(&back), &back)
}

/// Staff: wishes of their community waiting for review.
#[server(prefix = "/api", endpoint = "wishes/pending")]
pub async fn pending_wishes() -> Result<Vec<(PublicWish, String, String)>, AppError> {
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
            .map(|w| (ssr::public(w, None), w.contact.clone(), w.address.clone()))
            .collect())
    }
    .await;
    AppError::form_result(r, None, "/wishes")
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
    AppError::form_result(r, None, "/wishes")
}
