//! Activities as transactions: posting one (audited), signing up (confirmed while seats
//! remain, else the waitlist), withdrawing (the first waiting is promoted and told), and
//! the check-in that records hours and credits points once.
//!
//! Every sign-up change first takes the activity's row lock (`store::lock_activity`), so
//! the capacity count, the waitlist order and the promotion are decided one at a time
//! on any number of server processes.

use crate::accounts::model::Notice;
use crate::activities::model::{signup_status, NewActivity, SignupStatus};
use crate::activities::store;
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
    today: &str,
    now: i64,
) -> Result<SignupStatus, AppError> {
    let mut tx = db.begin_write().await?;
    let (cap, _, day) = store::lock_activity(&mut tx, activity)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("activities.what_activity_signup")))?;
    crate::activities::model::may_sign_up(&day, today).map_err(AppError::Conflict)?;
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
                .arg("day", &day)
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
