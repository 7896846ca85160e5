//! SQL for activities and sign-ups: the only place these tables are queried.
//!
//! Every sign-up change (sign up, withdraw) first bumps the activity's `seq`, which takes
//! the activity's row lock (on SQLite, `BEGIN IMMEDIATE` serialises writers anyway), so
//! the capacity count, the waitlist order and the promotion of the first waiting person
//! are decided one at a time, on any number of server processes. A check-in is a
//! conditional update (`checked_in_at IS NULL`): the hours and points are recorded once.

use crate::activities::model::{signup_status, NewActivity, SignupStatus, CHECKIN_LEN};
use crate::db::Db;
use crate::error::AppError;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub kind: String,
    pub title: String,
    pub day: String,
    pub place: String,
    pub capacity: i64,
    pub hours: i64,
    pub points: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
}

const ACTIVITY_SELECT: &str = "SELECT a.id, a.community_id, c.name AS community, a.kind, a.title, a.day, a.place, a.capacity, \
     a.hours, a.points, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'confirmed') AS confirmed, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted') AS waitlisted \
     FROM activities a JOIN communities c ON c.id = a.community_id";

fn activity_from(r: &AnyRow) -> Result<Activity, sqlx::Error> {
    Ok(Activity {
        id: r.try_get("id")?,
        community_id: r.try_get("community_id")?,
        community: r.try_get("community")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        day: r.try_get("day")?,
        place: r.try_get("place")?,
        capacity: r.try_get("capacity")?,
        hours: r.try_get("hours")?,
        points: r.try_get("points")?,
        confirmed: r.try_get("confirmed")?,
        waitlisted: r.try_get("waitlisted")?,
    })
}

/// What the activities list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community: Option<i64>,
    pub kind: Option<String>,
    /// Only those this person signed up for (and has not withdrawn from).
    pub signed_up_by: Option<i64>,
}

/// Activities from `from_day` on, soonest first.
pub async fn upcoming(
    db: &Db,
    from_day: &str,
    f: &Filter,
    limit: i64,
) -> Result<Vec<Activity>, sqlx::Error> {
    let sql = format!(
        "{ACTIVITY_SELECT} WHERE a.day >= $1 AND ($2 IS NULL OR a.community_id = $2) AND ($3 IS NULL OR a.kind = $3) \
         AND ($4 IS NULL OR EXISTS (SELECT 1 FROM signups m WHERE m.activity_id = a.id AND m.user_id = $4 AND m.status <> 'withdrawn')) \
         ORDER BY a.day, a.id LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(from_day)
        .bind(f.community)
        .bind(f.kind.as_deref())
        .bind(f.signed_up_by)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(activity_from).collect()
}

pub async fn activity(db: &Db, id: i64) -> Result<Option<Activity>, sqlx::Error> {
    let sql = format!("{ACTIVITY_SELECT} WHERE a.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(activity_from).transpose()
}

/// Stores a new activity with its audit record (who posted it), in one transaction.
pub async fn create_activity(
    db: &Db,
    a: &NewActivity,
    actor: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.community)
    .bind(a.kind.as_str())
    .bind(a.title.trim())
    .bind(a.day.trim())
    .bind(a.place.trim())
    .bind(a.capacity)
    .bind(a.hours)
    .bind(a.points)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::to_value(a).unwrap_or_default();
    crate::accounts::store::audit(
        &mut *tx,
        crate::accounts::store::AuditRecord {
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

fn new_checkin_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let alphabet = crate::booking::model::CODE_ALPHABET;
    (0..CHECKIN_LEN)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
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
    let row =
        sqlx::query("UPDATE activities SET seq = seq + 1 WHERE id = $1 RETURNING capacity, day")
            .bind(activity)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("该活动".into()))?;
    let (cap, day): (i64, String) = (row.try_get("capacity")?, row.try_get("day")?);
    crate::activities::model::may_sign_up(&day, today).map_err(AppError::Conflict)?;
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND user_id = $2 AND status <> 'withdrawn'")
        .bind(activity)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    if already > 0 {
        return Err(AppError::Conflict("您已报名这个活动".into()));
    }
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND status = 'confirmed'",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM signups WHERE activity_id = $1",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let status = signup_status(confirmed, cap);
    // A fresh code per sign-up; a clash with the unique index (1 in 25^8) is retried.
    for _ in 0..5 {
        let inserted = sqlx::query(
            "INSERT INTO signups (activity_id, user_id, status, position, checkin_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (checkin_code) DO NOTHING RETURNING id",
        )
        .bind(activity)
        .bind(user)
        .bind(status.code())
        .bind(position)
        .bind(new_checkin_code())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_some() {
            tx.commit().await?;
            return Ok(status);
        }
    }
    Err(AppError::internal("no free check-in code"))
}

/// Withdraws; if a confirmed seat is freed, the first on the waitlist is promoted (once)
/// and told so. Returns the promoted user, if any.
pub async fn withdraw_signup(
    db: &Db,
    activity: i64,
    user: i64,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE activities SET seq = seq + 1 WHERE id = $1 RETURNING capacity, title, day",
    )
    .bind(activity)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("该活动".into()))?;
    let (cap, title, day): (i64, String, String) = (
        row.try_get("capacity")?,
        row.try_get("title")?,
        row.try_get("day")?,
    );
    let left = sqlx::query(
        "UPDATE signups SET status = 'withdrawn' WHERE activity_id = $1 AND user_id = $2 \
         AND status <> 'withdrawn' AND checked_in_at IS NULL RETURNING id",
    )
    .bind(activity)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    if left.is_none() {
        return Err(AppError::Conflict("您没有报名这个活动，或已签到".into()));
    }
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND status = 'confirmed'",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let mut promoted = None;
    if confirmed < cap {
        promoted = sqlx::query_scalar(
            "UPDATE signups SET status = 'confirmed' WHERE id = \
             (SELECT id FROM signups WHERE activity_id = $1 AND status = 'waitlisted' ORDER BY position LIMIT 1) \
             AND status = 'waitlisted' RETURNING user_id",
        )
        .bind(activity)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(p) = promoted {
            let n = crate::accounts::model::Notice::new("notice.waitlist_promoted")
                .arg("day", &day)
                .arg("title", &title);
            crate::accounts::store::notify(&mut tx, p, &n, now).await?;
        }
    }
    tx.commit().await?;
    Ok(promoted)
}

/// One person's place in an activity's list (the roster staff see).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signup {
    pub user_id: i64,
    pub display_name: String,
    pub phone: String,
    pub status: SignupStatus,
    pub position: i64,
    pub checked_in: bool,
}

/// An activity's sign-ups in the order they came, withdrawals left out.
pub async fn signups(db: &Db, activity: i64) -> Result<Vec<Signup>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.user_id, u.display_name, u.phone, s.status, s.position, s.checked_in_at FROM signups s \
         JOIN users u ON u.id = s.user_id WHERE s.activity_id = $1 AND s.status <> 'withdrawn' ORDER BY s.position",
    )
    .bind(activity)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let checked: Option<i64> = r.try_get("checked_in_at")?;
            Ok(Signup {
                user_id: r.try_get("user_id")?,
                display_name: r.try_get("display_name")?,
                phone: r.try_get("phone")?,
                status: SignupStatus::parse(&status)
                    .ok_or_else(|| sqlx::Error::Decode(format!("signup status {status}").into()))?,
                position: r.try_get("position")?,
                checked_in: checked.is_some(),
            })
        })
        .collect()
}

/// A person's own sign-up for an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySignup {
    pub status: SignupStatus,
    /// For the waitlisted: how many wait before them, plus one.
    pub waiting_place: i64,
    pub checkin_code: String,
    pub checked_in: bool,
    pub hours: i64,
}

pub async fn my_signup(db: &Db, activity: i64, user: i64) -> Result<Option<MySignup>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.status, s.checkin_code, s.checked_in_at, s.hours, \
         (SELECT COUNT(*) FROM signups w WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted' AND w.position < s.position) AS ahead \
         FROM signups s WHERE s.activity_id = $1 AND s.user_id = $2 AND s.status <> 'withdrawn'",
    )
    .bind(activity)
    .bind(user)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let status: String = r.try_get("status")?;
    let checked: Option<i64> = r.try_get("checked_in_at")?;
    let code: Option<String> = r.try_get("checkin_code")?;
    let ahead: i64 = r.try_get("ahead")?;
    Ok(Some(MySignup {
        status: SignupStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("signup status {status}").into()))?,
        waiting_place: ahead + 1,
        checkin_code: code.unwrap_or_default(),
        checked_in: checked.is_some(),
        hours: r.try_get("hours")?,
    }))
}

/// The (activity, user) a check-in code belongs to.
pub async fn by_checkin_code(db: &Db, code: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT activity_id, user_id FROM signups WHERE checkin_code = $1 AND status <> 'withdrawn'")
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get("activity_id")?, r.try_get("user_id")?)))
        .transpose()
}

/// Checks a confirmed volunteer in: the activity's hours and points are recorded once,
/// with the check-in, in one transaction.
pub async fn check_in(db: &Db, activity: i64, user: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE signups SET checked_in_at = $1, hours = (SELECT hours FROM activities WHERE id = $2) \
         WHERE activity_id = $2 AND user_id = $3 AND status = 'confirmed' AND checked_in_at IS NULL RETURNING id",
    )
    .bind(now)
    .bind(activity)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_none() {
        return Err(AppError::Conflict(
            "未找到待签到的正式报名（候补或已签到的不能再签到）".into(),
        ));
    }
    let a = sqlx::query("SELECT points, title FROM activities WHERE id = $1")
        .bind(activity)
        .fetch_one(&mut *tx)
        .await?;
    let (points, title): (i64, String) = (a.try_get("points")?, a.try_get("title")?);
    crate::points::store::credit(
        &mut tx,
        user,
        points,
        "参加志愿活动",
        &format!("activity:{activity}"),
        now,
    )
    .await?;
    crate::accounts::store::notify(
        &mut tx,
        user,
        &crate::accounts::model::Notice::new("notice.checked_in")
            .arg("title", &title)
            .arg("points", points),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's volunteer hours: the sum recorded at their check-ins.
pub async fn hours_of(db: &Db, user: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(hours), 0) AS BIGINT) FROM signups WHERE user_id = $1",
    )
    .bind(user)
    .fetch_one(&db.pool)
    .await
}

/// An activity written whole (history imports, the demo).
pub struct ActivityRow<'a> {
    pub community: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub day: &'a str,
    pub place: &'a str,
    pub capacity: i64,
    pub hours: i64,
    pub points: i64,
    pub created_at: i64,
}

/// Writes an activity inside the caller's transaction; returns its id.
pub async fn insert_row(
    conn: &mut sqlx::AnyConnection,
    a: &ActivityRow<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.community)
    .bind(a.kind)
    .bind(a.title)
    .bind(a.day)
    .bind(a.place)
    .bind(a.capacity)
    .bind(a.hours)
    .bind(a.points)
    .bind(a.created_at)
    .fetch_one(conn)
    .await
}

/// Records that a person came to a past activity (a confirmed, checked-in sign-up with
/// its hours), inside the caller's transaction. Points are the caller's to credit.
pub async fn insert_attendance(
    conn: &mut sqlx::AnyConnection,
    activity: i64,
    user: i64,
    position: i64,
    code: &str,
    at: i64,
    hours: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signups (activity_id, user_id, status, position, checkin_code, checked_in_at, hours, created_at) \
         VALUES ($1, $2, 'confirmed', $3, $4, $5, $6, $5)",
    )
    .bind(activity)
    .bind(user)
    .bind(position)
    .bind(code)
    .bind(at)
    .bind(hours)
    .execute(conn)
    .await?;
    Ok(())
}
