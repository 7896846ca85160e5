//! Server functions for activities: the list, an activity's page (with the viewer's own
//! sign-up and QR code, and the roster for the community's staff), sign-up and
//! withdrawal, posting (staff), and check-in at the event (staff, by code or QR).

// A server function takes the fields of its plain HTML form one by one.
#![allow(clippy::too_many_arguments)]

use crate::activities::model::SignupStatus;
use crate::error::AppError;
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
    use crate::activities::service;
    use crate::activities::store::Activity;

    pub fn view(a: Activity) -> ActivityView {
        let weekday = crate::activities::model::iso_weekday(&a.day.to_string()).unwrap_or(0);
        ActivityView {
            id: a.id,
            community: a.community,
            kind: a.kind,
            title: a.title,
            day: a.day.to_string(),
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

    /// The list page's answer, each stored activity shaped for the page.
    pub fn list(l: service::Listing) -> ActivityList {
        ActivityList {
            items: l.items.into_iter().map(view).collect(),
            page: l.page,
            has_more: l.has_more,
            can_create: l.can_create,
        }
    }

    /// The activity's page: the roster's phones masked, and the viewer's QR code shown
    /// while they are confirmed and not yet checked in.
    pub fn page(d: service::Detail) -> ActivityPage {
        let roster = d
            .roster
            .into_iter()
            .map(|s| RosterLine {
                user_id: s.user_id,
                name: s.display_name,
                phone: crate::accounts::model::mask_phone(&s.phone),
                status: s.status,
                position: s.position,
                checked_in: s.checked_in,
            })
            .collect();
        let mine = d.mine.map(|m| {
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
        ActivityPage {
            can_sign_up: d.can_sign_up,
            check_in_open: d.check_in_open,
            signed_in: d.signed_in,
            mine,
            staff: d.staff,
            roster,
            activity: view(d.activity),
        }
    }

    /// Where a refused posting form goes back to: what was typed (bounded), to fill it
    /// again.
    pub fn refill(d: &service::Draft) -> String {
        let mut b = String::from("/activities?");
        let fields: [(&str, String); 10] = [
            ("kind", d.kind.clone()),
            ("title", d.title.clone()),
            ("day", d.day.clone()),
            ("place", d.place.clone()),
            ("capacity", d.capacity.to_string()),
            ("hours", d.hours.map(|h| h.to_string()).unwrap_or_default()),
            (
                "points",
                d.points.map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("start", d.start.clone().unwrap_or_default()),
            ("end", d.end.clone().unwrap_or_default()),
            ("description", d.description.clone().unwrap_or_default()),
        ];
        for (k, v) in fields {
            let v: String = v.chars().take(300).collect();
            b.push_str(&format!("f_{k}={}&", crate::util::url_encode(&v)));
        }
        b.push_str("new=1");
        b
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
        let q = crate::activities::service::ListQuery {
            community,
            kind,
            mine: mine.unwrap_or(false),
            when: when.unwrap_or_default(),
            page: page.unwrap_or(1),
        };
        let today = crate::time::today_local();
        crate::activities::service::list(&state.db, user.as_ref(), q, today)
            .await
            .map(ssr::list)
    }
    .await;
    crate::reply::page(r)
}

#[server(prefix = "/api", endpoint = "activities/get")]
pub async fn get_activity(id: i64) -> Result<ActivityPage, AppError> {
    let r: Result<ActivityPage, AppError> = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::current_user().await?;
        let today = crate::time::today_day();
        crate::activities::service::detail(&state.db, id, user.as_ref(), today)
            .await
            .map(ssr::page)
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
                service::sign_up(&state.db, id, user.id, crate::time::today_day(), now)
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
    let draft = crate::activities::service::Draft {
        kind,
        title,
        day,
        place,
        capacity,
        hours,
        points,
        start,
        end,
        description,
    };
    // A refused plain form comes back with what was typed (bounded), to fill it again.
    let back = ssr::refill(&draft);
    let r = async {
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        let (today, now) = (crate::time::today_day(), crate::time::now_ts());
        crate::activities::service::post(&state.db, &staff, draft, today, now).await
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
        let state = crate::state::app_state()?;
        let staff = crate::accounts::session::require_user().await?;
        let by = crate::activities::service::CheckInBy {
            code: code.as_deref(),
            user_id,
            reason: reason.as_deref(),
        };
        let (today, now) = (crate::time::today_day(), crate::time::now_ts());
        crate::activities::service::check_in_at_event(&state.db, &staff, id, by, today, now).await
    }
    .await;
    let page = format!("/activities/{id}");
    crate::reply::reply(r, &page, |_| Some(format!("{page}?ok=1")))
}
