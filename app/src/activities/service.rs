//! Activities as the server functions ask for them: the list (its query checked) and an
//! activity's page for its viewer (their sign-up, the roster for its staff), read as
//! stored for the api to shape; and as transactions: posting one (checked, audited),
//! signing up (confirmed while seats remain, else the waitlist), withdrawing (the first
//! waiting is promoted and told), and the check-in at the event (by code or from the
//! roster) that records hours and credits points once.
//!
//! Every sign-up change first takes the activity's row lock (`store::lock_activity`), so
//! the capacity count, the waitlist order and the promotion are decided one at a time
//! on any number of server processes.

use crate::accounts::model::{CurrentUser, Notice, Role};
use crate::activities::model::{signup_status, NewActivity, SignupStatus};
use crate::activities::store::{self, Activity, MySignup, Signup};
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;

/// Stores a new activity with its audit record (who posted it), in one transaction.
pub async fn create(
    db: &Db,
    a: &NewActivity,
    actor: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id = store::insert_activity(&mut tx, a, now).await?;
    let after = serde_json::to_value(a).unwrap_or_default();
    crate::audit::store::record(
        &mut *tx,
        crate::audit::store::AuditRecord {
            actor_id: actor,
            action: "activity.create",
            target: &format!("activity:{id}"),
            community_id: Some(a.community),
            before: None,
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Signs up: confirmed while seats remain, else next on the waitlist. Returns the status.
pub async fn sign_up(
    db: &Db,
    activity: i64,
    user: i64,
    today: crate::calendar_types::Day,
    now: i64,
) -> Result<SignupStatus, AppError> {
    let mut tx = db.begin_write().await?;
    let (cap, _, day) = store::lock_activity(&mut tx, activity)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity_signup")))?;
    crate::activities::model::may_sign_up(day, today).map_err(AppError::Conflict)?;
    if store::signed_up(&mut tx, activity, user).await? {
        return Err(AppError::Conflict(Msg::new("activities.already_signed_up")));
    }
    let confirmed = store::confirmed_count(&mut tx, activity).await?;
    let status = signup_status(confirmed, cap);
    // A fresh code per sign-up; a clash with the unique index (1 in 25^8) is retried.
    for _ in 0..5 {
        let code = store::new_checkin_code();
        if store::insert_signup(&mut tx, activity, user, status, &code, now).await? {
            tx.commit().await?;
            return Ok(status);
        }
    }
    Err(AppError::internal("no free check-in code"))
}

/// Withdraws; if a confirmed seat is freed, the first on the waitlist is promoted (once)
/// and told so. Returns the promoted user, if any.
pub async fn withdraw(
    db: &Db,
    activity: i64,
    user: i64,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut tx = db.begin_write().await?;
    let (cap, title, day) = store::lock_activity(&mut tx, activity)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity_signup")))?;
    if !store::withdraw(&mut tx, activity, user).await? {
        return Err(AppError::Conflict(Msg::new("activities.not_signed_up")));
    }
    let mut promoted = None;
    if store::confirmed_count(&mut tx, activity).await? < cap {
        promoted = store::promote_first_waiting(&mut tx, activity).await?;
        if let Some(p) = promoted {
            let n = Notice::new("notice.waitlist_promoted")
                .arg("day", day)
                .arg("title", &title);
            crate::accounts::store::notify(&mut tx, p, &n, now).await?;
        }
    }
    tx.commit().await?;
    Ok(promoted)
}

/// Checks a confirmed volunteer in: the activity's hours and points are recorded once,
/// with the check-in and a notice, in one transaction.
/// Checks a volunteer in (`how`: "code", or the reason given for a check-in from the
/// roster), credits the points and records it in the audit log, in one transaction.
pub async fn check_in(
    db: &Db,
    actor: crate::audit::model::Actor,
    activity: i64,
    user: i64,
    how: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (points, title) = store::check_in(&mut tx, activity, user, now)
        .await?
        .ok_or_else(|| AppError::Conflict(Msg::new("activities.no_signup_to_check_in")))?;
    crate::points::store::credit(
        &mut tx,
        user,
        points,
        "参加志愿活动",
        &format!("activity:{activity}"),
        now,
    )
    .await?;
    let n = Notice::new("notice.checked_in")
        .arg("title", &title)
        .arg("points", points);
    crate::accounts::store::notify(&mut tx, user, &n, now).await?;
    crate::audit::store::record_step(
        &mut tx,
        actor,
        "activity_check_in",
        &format!("activity:{activity}"),
        None,
        Some(serde_json::json!({ "user": user, "points": points, "how": how })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The caller, if they are staff (or an admin) who may act in `community`.
pub fn is_staff_of(user: &CurrentUser, community: i64) -> bool {
    user.is_staff_of(community)
}

/// The activity list's query, decoded from the server function's arguments.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub community: Option<i64>,
    pub kind: Option<String>,
    /// Only those the viewer signed up for.
    pub mine: bool,
    /// `weekend`, `week` or empty (everything ahead).
    pub when: String,
    /// The page, from 1.
    pub page: i64,
}

/// One page of upcoming activities as stored, and whether the viewer may post one.
#[derive(Debug, Clone)]
pub struct Listing {
    pub items: Vec<Activity>,
    /// The page shown (from 1) and whether another follows.
    pub page: i64,
    pub has_more: bool,
    /// The viewer is staff with a community.
    pub can_create: bool,
}

/// Returns the page of upcoming activities (from `today`) that `q` asks for, for the list
/// page; a bad kind, window or page is a 400, and `mine` signed out a 401.
pub async fn list(
    db: &Db,
    user: Option<&CurrentUser>,
    q: ListQuery,
    today: chrono::NaiveDate,
) -> Result<Listing, AppError> {
    let ListQuery {
        community,
        kind,
        mine,
        when,
        page,
    } = q;
    if let Some(k) = &kind {
        if !crate::activities::model::KINDS.contains(&k.as_str()) {
            return Err(AppError::bad(Msg::new("activities.unknown_kind")));
        }
    }
    if mine && user.is_none() {
        return Err(AppError::Unauthorized);
    }
    if !["", "weekend", "week"].contains(&when.trim()) {
        return Err(AppError::bad(Msg::new("activities.bad_when")));
    }
    if !(1..=1000).contains(&page) {
        return Err(AppError::bad(Msg::new("activities.bad_page")));
    }
    let (from, to_day) = crate::activities::model::day_window(when.trim(), today);
    let filter = store::Filter {
        community,
        kind,
        signed_up_by: user.filter(|_| mine).map(|u| u.id),
        to_day,
    };
    let size = crate::activities::model::PAGE_SIZE;
    // One more than a page: whether a next page exists.
    let mut items = store::upcoming(db, &from, &filter, size + 1, (page - 1) * size).await?;
    let has_more = items.len() as i64 > size;
    items.truncate(size as usize);
    Ok(Listing {
        items,
        page,
        has_more,
        can_create: user.is_some_and(|u| u.is_staff() && u.community_id.is_some()),
    })
}

/// An activity as its viewer may see it, as stored: their own sign-up, the roster (for
/// the community's staff only) and what may be done with it today.
#[derive(Debug, Clone)]
pub struct Detail {
    pub activity: Activity,
    pub signed_in: bool,
    pub mine: Option<MySignup>,
    pub can_sign_up: bool,
    /// The viewer is staff of the activity's community: roster and check-in.
    pub staff: bool,
    /// Empty unless `staff`.
    pub roster: Vec<Signup>,
    /// Check-in is open (the activity is `today`).
    pub check_in_open: bool,
}

/// Returns activity `id` as `user` may see it on `today` (`YYYY-MM-DD`), for its page;
/// an unknown id is a 404.
pub async fn detail(
    db: &Db,
    id: i64,
    user: Option<&CurrentUser>,
    today: crate::calendar_types::Day,
) -> Result<Detail, AppError> {
    let a = store::activity(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity")))?;
    let staff = user.is_some_and(|u| is_staff_of(u, a.community_id));
    let mine = match user {
        Some(u) => store::my_signup(db, id, u.id).await?,
        None => None,
    };
    let roster = if staff {
        store::signups(db, id).await?
    } else {
        Vec::new()
    };
    Ok(Detail {
        can_sign_up: mine.is_none() && a.day >= today,
        check_in_open: a.day == today,
        signed_in: user.is_some(),
        mine,
        staff,
        roster,
        activity: a,
    })
}

/// The posting form as typed; what is left out takes the defaults of [`post`].
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub kind: String,
    pub title: String,
    pub day: String,
    pub place: String,
    pub capacity: i64,
    pub hours: Option<i64>,
    pub points: Option<i64>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub description: Option<String>,
}

/// Staff post `d` in their own community (others get a 403; a draft the model refuses
/// is a 400 naming every problem), stored through [`create`]. Returns the new id.
pub async fn post(
    db: &Db,
    staff: &CurrentUser,
    d: Draft,
    today: crate::calendar_types::Day,
    now: i64,
) -> Result<i64, AppError> {
    let community = match (staff.role, staff.community_id) {
        (Role::Resident, _) | (_, None) => return Err(AppError::Forbidden),
        (_, Some(c)) => c,
    };
    let a = NewActivity {
        community,
        kind: d.kind,
        title: d.title,
        day: d.day,
        place: d.place,
        capacity: d.capacity,
        hours: d.hours.unwrap_or(2),
        points: d.points.unwrap_or(5),
        start: d.start.unwrap_or_else(|| "09:00".into()),
        end: d.end.unwrap_or_else(|| "11:00".into()),
        description: d.description.unwrap_or_default(),
    };
    let p = a.problems(today);
    if !p.is_empty() {
        return Err(AppError::BadRequest(
            Msg::join(p).unwrap_or_else(|| Msg::new("banner.bad")),
        ));
    }
    create(db, &a, Some(staff.id), now).await
}

/// Whom staff check in: by the code (typed, or the QR text a scanner types), else by
/// `user_id` from the roster with a `reason`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckInBy<'a> {
    pub code: Option<&'a str>,
    pub user_id: Option<i64>,
    pub reason: Option<&'a str>,
}

/// Staff of the activity's community check a confirmed volunteer in on the activity's
/// day (`today`), recorded through [`check_in`]; another community's activity answers
/// as one that does not exist, a code of another activity is a 409.
pub async fn check_in_at_event(
    db: &Db,
    staff: &CurrentUser,
    id: i64,
    by: CheckInBy<'_>,
    today: crate::calendar_types::Day,
    now: i64,
) -> Result<(), AppError> {
    // Another community's activity answers as one that does not exist.
    let a = store::activity(db, id)
        .await?
        .filter(|a| is_staff_of(staff, a.community_id))
        .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity")))?;
    let mut how = String::from("code");
    let user = match (by.code.map(str::trim).filter(|c| !c.is_empty()), by.user_id) {
        (Some(c), _) => {
            let c = crate::activities::model::parse_checkin(c).map_err(AppError::BadRequest)?;
            match store::by_checkin_code(db, &c).await? {
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
            how = crate::activities::model::parse_reason(by.reason.unwrap_or(""))
                .map_err(AppError::BadRequest)?;
            u
        }
        (None, None) => return Err(AppError::bad(Msg::new("activities.code_required"))),
    };
    crate::activities::model::may_check_in(a.day, today).map_err(AppError::Conflict)?;
    let actor = crate::audit::model::Actor {
        id: staff.id,
        community_id: Some(a.community_id),
    };
    check_in(db, actor, id, user, &how, now).await
}
