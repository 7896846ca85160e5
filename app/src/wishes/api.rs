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
    pub can_claim: bool,
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
        chrono::Utc::now().timestamp()
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
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
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
        let open = get("open").is_some_and(|v| v == "1");
        let rows =
            crate::wishes::store::public(&state.db, community, category.as_deref(), open, 300)
                .await?;
        let mut out: Vec<PublicWish> = rows.iter().map(|w| ssr::public(w, point)).collect();
        match get("sort").as_deref() {
            Some("deadline") => out.sort_by(|a, b| a.deadline.cmp(&b.deadline)),
            Some("nearest") if point.is_some() => out.sort_by(|a, b| {
                a.distance_m
                    .unwrap_or(0.0)
                    .total_cmp(&b.distance_m.unwrap_or(0.0))
            }),
            _ => {}
        }
        out.truncate(50);
        Ok(out)
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
                u.role != crate::accounts::model::Role::Resident && u.may_act_in(w.community_id),
            ),
            None => (false, false, false),
        };
        if !w.status.public() && !is_poster && !is_staff {
            return Err(AppError::NotFound("该心愿".into()));
        }
        let sees_private = is_poster || is_claimant || is_staff;
        let volunteer = user.as_ref().is_some_and(|u| u.volunteer);
        Ok(WishPage {
            contact: sees_private.then(|| (w.contact.clone(), w.address.clone())),
            reject_reason: if is_poster || is_staff {
                w.reject_reason.clone()
            } else {
                String::new()
            },
            fulfil_note: w.fulfil_note.clone(),
            can_claim: w.status == WishStatus::Published && volunteer && !is_poster,
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
        let today = crate::stations::hours::now_local()
            .date()
            .format("%Y-%m-%d")
            .to_string();
        let p = w.problems(&today);
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
        let staff =
            user.role != crate::accounts::model::Role::Resident && user.may_act_in(w.community_id);
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
                let team = if team.as_deref() == Some("1") {
                    user.team_id
                } else {
                    None
                };
                store::claim(&state.db, id, user.id, team, now, state.config.claim_days).await
            }
            "withdraw" => store::withdraw(&state.db, id, user.id, now).await,
            "fulfil" => {
                if note.is_empty() || note.chars().count() > 200 {
                    return Err(AppError::bad("请用200字以内说明完成情况"));
                }
                store::fulfil(&state.db, id, user.id, &note, now).await
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

/// An activity as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub community: String,
    pub kind: String,
    pub title: String,
    pub day: String,
    pub place: String,
    pub capacity: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub points: i64,
}

#[server(prefix = "/api", endpoint = "activities/list")]
pub async fn list_activities() -> Result<Vec<ActivityView>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let today = crate::stations::hours::now_local()
            .date()
            .format("%Y-%m-%d")
            .to_string();
        Ok(crate::wishes::store::upcoming(&state.db, &today, 40)
            .await?
            .into_iter()
            .map(|a| ActivityView {
                id: a.id,
                community: a.community,
                kind: a.kind,
                title: a.title,
                day: a.day,
                place: a.place,
                capacity: a.capacity,
                confirmed: a.confirmed,
                waitlisted: a.waitlisted,
                points: a.points,
            })
            .collect())
    }
    .await;
    AppError::form_result(r, None, "/activities")
}

/// `action`: `sign_up` or `withdraw`. Returns the resulting status.
#[server(prefix = "/api", endpoint = "activities/act")]
pub async fn activity_act(id: i64, action: String) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        match action.as_str() {
            "sign_up" => crate::wishes::store::sign_up(&state.db, id, user.id, ssr::now()).await,
            "withdraw" => crate::wishes::store::withdraw_signup(&state.db, id, user.id)
                .await
                .map(|_| "withdrawn".to_string()),
            _ => Err(AppError::bad("未知的操作")),
        }
    }
    .await;
    AppError::form_result(r, Some("/activities?ok=1"), "/activities")
}

/// Staff post a micro-project or a Red-Saturday activity in their community.
#[server(prefix = "/api", endpoint = "activities/create")]
pub async fn create_activity(
    kind: String,
    title: String,
    day: String,
    place: String,
    capacity: i64,
) -> Result<i64, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        let community = match (staff.role, staff.community_id) {
            (crate::accounts::model::Role::Resident, _) | (_, None) => {
                return Err(AppError::Forbidden)
            }
            (_, Some(c)) => c,
        };
        if kind != "project" && kind != "red_saturday" {
            return Err(AppError::bad("请选择活动类型"));
        }
        let (title, place) = (title.trim(), place.trim());
        if title.is_empty()
            || title.chars().count() > 40
            || place.is_empty()
            || place.chars().count() > 60
        {
            return Err(AppError::bad("请填写活动名称（40字内）和地点（60字内）"));
        }
        let date = crate::calendar::model::parse_date(&day).map_err(AppError::BadRequest)?;
        if date < crate::stations::hours::now_local().date() {
            return Err(AppError::bad("活动日期不能早于今天"));
        }
        if !(1..=500).contains(&capacity) {
            return Err(AppError::bad("名额应为1到500"));
        }
        let day = date.format("%Y-%m-%d").to_string();
        let a = crate::wishes::store::NewActivity {
            community,
            kind: &kind,
            title,
            day: &day,
            place,
            capacity,
        };
        Ok(crate::wishes::store::create_activity(&state.db, &a, ssr::now()).await?)
    }
    .await;
    AppError::form_result(r, Some("/activities?ok=1"), "/activities")
}

/// Staff check a signed-up volunteer in at the event (the volunteer's QR carries
/// `LINLI:ACTIVITY:{id}:{user}`); points and hours are credited once.
#[server(prefix = "/api", endpoint = "activities/check-in")]
pub async fn activity_check_in(id: i64, user_id: i64) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        let a = crate::wishes::store::activity(&state.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("该活动".into()))?;
        if staff.role == crate::accounts::model::Role::Resident || !staff.may_act_in(a.community_id)
        {
            return Err(AppError::Forbidden);
        }
        crate::wishes::store::check_in(&state.db, id, user_id, ssr::now()).await
    }
    .await;
    AppError::form_result(r, Some("/activities?ok=1"), "/activities")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointsView {
    pub balance: i64,
    pub ledger: Vec<(i64, String, String)>,
    pub rewards: Vec<(i64, String, String, i64, i64)>,
}

#[server(prefix = "/api", endpoint = "points/me")]
pub async fn my_points() -> Result<PointsView, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let db = &state.db;
        Ok(PointsView {
            balance: crate::wishes::store::balance(db, user.id).await?,
            ledger: crate::wishes::store::ledger(db, user.id)
                .await?
                .into_iter()
                .map(|(d, r, at)| (d, r, crate::catalogue::api::ssr::date_of(at)))
                .collect(),
            rewards: crate::wishes::store::rewards(db)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name, r.category, r.cost, r.stock))
                .collect(),
        })
    }
    .await;
    AppError::form_result(r, None, "/points")
}

/// Redeems points for a reward; returns the voucher code.
#[server(prefix = "/api", endpoint = "points/redeem")]
pub async fn redeem(reward_id: i64) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        crate::wishes::store::redeem(&state.db, user.id, reward_id, ssr::now()).await
    }
    .await;
    let ok = r.as_ref().ok().map(|c| format!("/points?voucher={c}"));
    AppError::form_result(r, ok.as_deref(), "/points")
}

/// Staff (or a merchant with a staff account) verify a voucher, once.
#[server(prefix = "/api", endpoint = "points/verify")]
pub async fn verify_voucher(code: String) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        if user.role == crate::accounts::model::Role::Resident {
            return Err(AppError::Forbidden);
        }
        let code = code.trim().to_uppercase();
        crate::wishes::store::use_voucher(&state.db, &code, ssr::now())
            .await?
            .ok_or_else(|| AppError::Conflict("兑换码无效或已使用".into()))
    }
    .await;
    AppError::form_result(r, Some("/points?ok=1"), "/points")
}
