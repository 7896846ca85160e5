//! Server functions for activities: the list, an activity's page (with the viewer's own
//! sign-up and QR code, and the roster for the community's staff), sign-up and
//! withdrawal, posting (staff), and check-in at the event (staff, by code or QR).

// A server function takes the fields of its plain HTML form one by one.
#![allow(clippy::too_many_arguments)]

use crate::activities::model::SignupStatus;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub hours: i64,
    pub points: i64,
    /// `HH:MM–HH:MM`.
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub description: String,
    /// The organiser's desk (the community's 党群服务中心), empty if unknown.
    #[serde(default)]
    pub organiser_phone: String,
    /// The day's weekday, 1 (Monday) to 7.
    #[serde(default)]
    pub weekday: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityList {
    pub items: Vec<ActivityView>,
    /// The page shown (from 1) and whether another follows.
    pub page: i64,
    pub has_more: bool,
    /// Whether the viewer may post an activity (staff with a community).
    pub can_create: bool,
}

/// One line of the roster, for the activity's community staff only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterLine {
    pub user_id: i64,
    pub name: String,
    /// Masked: staff call through the contact page when they must.
    pub phone: String,
    pub status: SignupStatus,
    pub position: i64,
    pub checked_in: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySignupView {
    pub status: SignupStatus,
    pub waiting_place: i64,
    pub checked_in: bool,
    pub hours: i64,
    /// Shown while the person is confirmed and not yet checked in.
    pub checkin_code: Option<String>,
    pub qr_svg: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub activity: ActivityView,
    pub signed_in: bool,
    pub mine: Option<MySignupView>,
    pub can_sign_up: bool,
    /// The viewer is staff of the activity's community: roster and check-in.
    pub staff: bool,
    pub roster: Vec<RosterLine>,
    /// Check-in is open (the activity is today).
    pub check_in_open: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::activities::store::Activity;

    pub fn view(a: Activity) -> ActivityView {
        let weekday = crate::activities::model::iso_weekday(&a.day).unwrap_or(0);
        ActivityView {
            id: a.id,
            community: a.community,
            kind: a.kind,
            title: a.title,
            day: a.day,
            place: a.place,
            capacity: a.capacity,
            confirmed: a.confirmed,
            waitlisted: a.waitlisted,
            hours: a.hours,
            points: a.points,
            time: format!(
                "{}–{}",
                crate::activities::model::hhmm(a.start_min),
                crate::activities::model::hhmm(a.end_min)
            ),
            weekday,
            description: a.description,
            organiser_phone: a.organiser_phone.unwrap_or_default(),
        }
    }

    /// The caller, if they are staff (or an admin) who may act in `community`.
    pub fn is_staff_of(user: &crate::accounts::model::CurrentUser, community: i64) -> bool {
        user.role != crate::accounts::model::Role::Resident && user.may_act_in(community)
    }
}

/// The activity list's query, typed (the `/activities` page's query string).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityQuery {
    pub community: Option<i64>,
    pub kind: Option<String>,
    /// Only those the viewer signed up for.
    pub mine: Option<bool>,
    /// `weekend`, `week` or empty (everything ahead).
    pub when: Option<String>,
    /// The page, from 1.
    pub page: Option<i64>,
}

impl ActivityQuery {
    /// Reads the page's query string; values that do not parse are left out.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        ActivityQuery {
            community: get("community").and_then(|v| v.trim().parse().ok()),
            kind: get("kind").filter(|k| !k.trim().is_empty()),
            mine: get("mine").map(|v| v == "1" || v == "true"),
            when: get("when").filter(|k| !k.trim().is_empty()),
            page: get("page").and_then(|v| v.trim().parse().ok()),
        }
    }

    pub async fn run(self) -> Result<ActivityList, AppError> {
        list_activities(self.community, self.kind, self.mine, self.when, self.page).await
    }
}

/// Upcoming activities by community and kind (`red_saturday`, `project`), or only the
/// viewer's (`mine=true`).
#[server(prefix = "/api", endpoint = "activities/list")]
pub async fn list_activities(
    community: Option<i64>,
    kind: Option<String>,
    mine: Option<bool>,
    when: Option<String>,
    page: Option<i64>,
) -> Result<ActivityList, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::current_user().await?;
        if let Some(k) = &kind {
            if !crate::activities::model::KINDS.contains(&k.as_str()) {
                return Err(AppError::bad(Msg::new("activities.unknown_kind")));
            }
        }
        let mine = mine.unwrap_or(false);
        if mine && user.is_none() {
            return Err(AppError::Unauthorized);
        }
        let when = when.unwrap_or_default();
        if !["", "weekend", "week"].contains(&when.trim()) {
            return Err(AppError::bad(Msg::new("activities.bad_when")));
        }
        let page = page.unwrap_or(1);
        if !(1..=1000).contains(&page) {
            return Err(AppError::bad(Msg::new("activities.bad_page")));
        }
        let (from, to_day) =
            crate::activities::model::day_window(when.trim(), crate::time::today_local());
        let filter = crate::activities::store::Filter {
            community,
            kind,
            signed_up_by: user.as_ref().filter(|_| mine).map(|u| u.id),
            to_day,
        };
        let size = crate::activities::model::PAGE_SIZE;
        // One more than a page: whether a next page exists.
        let mut items: Vec<ActivityView> = crate::activities::store::upcoming(
            &state.db,
            &from,
            &filter,
            size + 1,
            (page - 1) * size,
        )
        .await?
        .into_iter()
        .map(ssr::view)
        .collect();
        let has_more = items.len() as i64 > size;
        items.truncate(size as usize);
        Ok(ActivityList {
            items,
            page,
            has_more,
            can_create: user.is_some_and(|u| {
                u.role != crate::accounts::model::Role::Resident && u.community_id.is_some()
            }),
        })
    }
    .await;
    crate::reply::page(r)
}

#[server(prefix = "/api", endpoint = "activities/get")]
pub async fn get_activity(id: i64) -> Result<ActivityPage, AppError> {
    let r: Result<ActivityPage, AppError> = async {
        use crate::activities::store;
        let state = crate::state::app_state()?;
        let a = store::activity(&state.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity")))?;
        let user = crate::accounts::session::current_user().await?;
        let today = crate::time::today();
        let staff = user
            .as_ref()
            .is_some_and(|u| ssr::is_staff_of(u, a.community_id));
        let mine = match &user {
            Some(u) => store::my_signup(&state.db, id, u.id).await?,
            None => None,
        };
        let roster = if staff {
            store::signups(&state.db, id)
                .await?
                .into_iter()
                .map(|s| RosterLine {
                    user_id: s.user_id,
                    name: s.display_name,
                    phone: crate::accounts::model::mask_phone(&s.phone),
                    status: s.status,
                    position: s.position,
                    checked_in: s.checked_in,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mine = mine.map(|m| {
            let show = m.status == SignupStatus::Confirmed && !m.checked_in;
            MySignupView {
                status: m.status,
                waiting_place: m.waiting_place,
                checked_in: m.checked_in,
                hours: m.hours,
                qr_svg: show.then(|| {
                    crate::util::qr_svg(&crate::activities::model::qr_payload(&m.checkin_code))
                }),
                checkin_code: show.then_some(m.checkin_code),
            }
        });
        Ok(ActivityPage {
            can_sign_up: mine.is_none() && a.day >= today,
            check_in_open: a.day == today,
            signed_in: user.is_some(),
            mine,
            staff,
            roster,
            activity: ssr::view(a),
        })
    }
    .await;
    crate::reply::page(r)
}

/// What a volunteer does with an activity (the form's `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityAction {
    SignUp,
    Withdraw,
}

/// Signs up or withdraws. Returns the resulting status (`confirmed`, `waitlisted` or
/// `withdrawn`).
#[server(prefix = "/api", endpoint = "activities/act")]
pub async fn activity_act(id: i64, action: ActivityAction) -> Result<String, AppError> {
    let r = async {
        use crate::activities::service;
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let now = crate::time::now_ts();
        match action {
            ActivityAction::SignUp => {
                service::sign_up(&state.db, id, user.id, &crate::time::today(), now)
                    .await
                    .map(|s| s.code().to_string())
            }
            ActivityAction::Withdraw => service::withdraw(&state.db, id, user.id, now)
                .await
                .map(|_| SignupStatus::Withdrawn.code().to_string()),
        }
    }
    .await;
    let page = format!("/activities/{id}");
    // The banner says what happened (已报名, 已候补, 已取消报名), not just "done".
    crate::reply::reply(r, &page, |status| {
        let said = match status.as_str() {
            "withdrawn" => "activities.withdrawn",
            "waitlisted" => "activities.waitlisted",
            _ => "activities.signed_up",
        };
        Some(format!("{page}?ok={said}"))
    })
}

/// Staff post a micro-project or a Red-Saturday activity in their community. Returns its id.
#[server(prefix = "/api", endpoint = "activities/create")]
pub async fn create_activity(
    kind: String,
    title: String,
    day: String,
    place: String,
    capacity: i64,
    hours: Option<i64>,
    points: Option<i64>,
    start: Option<String>,
    end: Option<String>,
    description: Option<String>,
) -> Result<i64, AppError> {
    // A refused plain form comes back with what was typed (bounded), to fill it again.
    let back = {
        let mut b = String::from("/activities?");
        let fields: [(&str, String); 10] = [
            ("kind", kind.clone()),
            ("title", title.clone()),
            ("day", day.clone()),
            ("place", place.clone()),
            ("capacity", capacity.to_string()),
            ("hours", hours.map(|h| h.to_string()).unwrap_or_default()),
            ("points", points.map(|p| p.to_string()).unwrap_or_default()),
            ("start", start.clone().unwrap_or_default()),
            ("end", end.clone().unwrap_or_default()),
            ("description", description.clone().unwrap_or_default()),
        ];
        for (k, v) in fields {
            let v: String = v.chars().take(300).collect();
            b.push_str(&format!("f_{k}={}&", crate::util::url_encode(&v)));
        }
        b.push_str("new=1");
        b
    };
    let r = async {
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        let community = match (staff.role, staff.community_id) {
            (crate::accounts::model::Role::Resident, _) | (_, None) => {
                return Err(AppError::Forbidden)
            }
            (_, Some(c)) => c,
        };
        let a = crate::activities::model::NewActivity {
            community,
            kind,
            title,
            day,
            place,
            capacity,
            hours: hours.unwrap_or(2),
            points: points.unwrap_or(5),
            start: start.unwrap_or_else(|| "09:00".into()),
            end: end.unwrap_or_else(|| "11:00".into()),
            description: description.unwrap_or_default(),
        };
        let p = a.problems(&crate::time::today());
        if !p.is_empty() {
            return Err(AppError::BadRequest(
                Msg::join(p).unwrap_or_else(|| Msg::new("banner.bad")),
            ));
        }
        let id = crate::activities::service::create(
            &state.db,
            &a,
            Some(staff.id),
            crate::time::now_ts(),
        )
        .await?;
        Ok(id)
    }
    .await;
    crate::reply::reply(r, &back, |id| Some(format!("/activities/{id}?ok=1")))
}

/// Staff of the activity's community check a confirmed volunteer in, on the day: by the
/// code (typed, or the QR text a scanner types: `LINLI:ACT:…`) or by `user_id` from the
/// roster, which needs a `reason` (no code shown: a forgotten phone, say). Hours and
/// points are recorded once, and the check-in is audited with how it was made.
#[server(prefix = "/api", endpoint = "activities/check-in")]
pub async fn activity_check_in(
    id: i64,
    code: Option<String>,
    user_id: Option<i64>,
    reason: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        use crate::activities::store;
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        // Another community's activity answers as one that does not exist.
        let a = store::activity(&state.db, id)
            .await?
            .filter(|a| ssr::is_staff_of(&staff, a.community_id))
            .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity")))?;
        let mut how = String::from("code");
        let user = match (
            code.as_deref().map(str::trim).filter(|c| !c.is_empty()),
            user_id,
        ) {
            (Some(c), _) => {
                let c = crate::activities::model::parse_checkin(c).map_err(AppError::BadRequest)?;
                match store::by_checkin_code(&state.db, &c).await? {
                    Some((act, user)) if act == id => user,
                    Some(_) => {
                        return Err(AppError::Conflict(Msg::new(
                            "activities.code_other_activity",
                        )))
                    }
                    None => return Err(AppError::NotFound(Msg::new("activities.what_code"))),
                }
            }
            (None, Some(u)) => {
                how = crate::activities::model::parse_reason(reason.as_deref().unwrap_or(""))
                    .map_err(AppError::BadRequest)?;
                u
            }
            (None, None) => return Err(AppError::bad(Msg::new("activities.code_required"))),
        };
        crate::activities::model::may_check_in(&a.day, &crate::time::today())
            .map_err(AppError::Conflict)?;
        let actor = crate::audit::model::Actor {
            id: staff.id,
            community_id: Some(a.community_id),
        };
        crate::activities::service::check_in(
            &state.db,
            actor,
            id,
            user,
            &how,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    let page = format!("/activities/{id}");
    crate::reply::reply(r, &page, |_| Some(format!("{page}?ok=1")))
}
