//! SQL for activities and sign-ups: the only place these tables are queried. The
//! transactions are `activities::service`'s.
//!
//! Every sign-up change (sign up, withdraw) first bumps the activity's `seq`, which takes
//! the activity's row lock (on SQLite, `BEGIN IMMEDIATE` serialises writers anyway), so
//! the capacity count, the waitlist order and the promotion of the first waiting person
//! are decided one at a time, on any number of server processes. A check-in is a
//! conditional update (`checked_in_at IS NULL`): the hours and points are recorded once.

use crate::activities::model::{NewActivity, SignupStatus, CHECKIN_LEN};
use crate::db::Db;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub kind: String,
    pub title: String,
    pub day: crate::calendar_types::Day,
    pub place: String,
    pub capacity: i64,
    pub hours: i64,
    pub points: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub start_min: i64,
    pub end_min: i64,
    pub description: String,
    /// The phone of the organising community's 党群服务中心 (the organiser's desk).
    pub organiser_phone: Option<String>,
}

const ACTIVITY_SELECT: &str = "SELECT a.id, a.community_id, c.name AS community, a.kind, a.title, a.day, a.place, a.capacity, \
     a.hours, a.points, a.start_min, a.end_min, a.description, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'confirmed') AS confirmed, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted') AS waitlisted, \
     (SELECT MIN(st.phone) FROM stations st WHERE st.community_id = a.community_id AND st.kind = 'center') AS organiser_phone \
     FROM activities a JOIN communities c ON c.id = a.community_id";

fn activity_from(r: &AnyRow) -> Result<Activity, sqlx::Error> {
    Ok(Activity {
        id: r.try_get("id")?,
        community_id: r.try_get("community_id")?,
        community: r.try_get("community")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        day: crate::calendar_types::day_column(r, "day")?,
        place: r.try_get("place")?,
        capacity: r.try_get("capacity")?,
        hours: r.try_get("hours")?,
        points: r.try_get("points")?,
        confirmed: r.try_get("confirmed")?,
        waitlisted: r.try_get("waitlisted")?,
        start_min: r.try_get("start_min")?,
        end_min: r.try_get("end_min")?,
        description: r.try_get("description")?,
        organiser_phone: r.try_get("organiser_phone")?,
    })
}

/// What the activities list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community: Option<i64>,
    pub kind: Option<String>,
    /// Only those this person signed up for (and has not withdrawn from).
    pub signed_up_by: Option<i64>,
    /// The last day shown (`YYYY-MM-DD`), if any.
    pub to_day: Option<String>,
}

/// Activities from `from_day` on (to the filter's last day), soonest first, `limit` of
/// them after skipping `offset`.
pub async fn upcoming(
    db: &Db,
    from_day: &str,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Activity>, sqlx::Error> {
    let sql = format!(
        "{ACTIVITY_SELECT} WHERE a.day >= $1 AND ($2 IS NULL OR a.community_id = $2) AND ($3 IS NULL OR a.kind = $3) \
         AND ($4 IS NULL OR EXISTS (SELECT 1 FROM signups m WHERE m.activity_id = a.id AND m.user_id = $4 AND m.status <> 'withdrawn')) \
         AND ($6 IS NULL OR a.day <= $6) \
         ORDER BY a.day, a.start_min, a.id LIMIT $5 OFFSET $7"
    );
    let rows = sqlx::query(&sql)
        .bind(from_day)
        .bind(f.community)
        .bind(f.kind.as_deref())
        .bind(f.signed_up_by)
        .bind(limit)
        .bind(f.to_day.as_deref())
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(activity_from).collect()
}

pub async fn activity(db: &Db, id: i64) -> Result<Option<Activity>, sqlx::Error> {
    let sql = format!("{ACTIVITY_SELECT} WHERE a.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(activity_from).transpose()
}

/// Stores a new activity inside the caller's transaction; returns its id.
pub async fn insert_activity(
    conn: &mut AnyConnection,
    a: &NewActivity,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at, \
         start_min, end_min, description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
    .bind(crate::activities::model::minutes_of(&a.start).unwrap_or(540))
    .bind(crate::activities::model::minutes_of(&a.end).unwrap_or(660))
    .bind(a.description.trim())
    .fetch_one(conn)
    .await
}

/// A fresh random check-in code.
pub fn new_checkin_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let alphabet = crate::booking::model::CODE_ALPHABET;
    (0..CHECKIN_LEN)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// Takes the activity's row lock for the rest of the transaction (every sign-up change
/// does this first) and returns its capacity, title and day; `None` if there is no such
/// activity.
pub async fn lock_activity(
    conn: &mut AnyConnection,
    activity: i64,
) -> Result<Option<(i64, String, crate::calendar_types::Day)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE activities SET seq = seq + 1 WHERE id = $1 RETURNING capacity, title, day",
    )
    .bind(activity)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("capacity")?,
            r.try_get("title")?,
            crate::calendar_types::day_column(&r, "day")?,
        ))
    })
    .transpose()
}

/// Whether the person holds a sign-up (confirmed or waiting) for the activity.
pub async fn signed_up(
    conn: &mut AnyConnection,
    activity: i64,
    user: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND user_id = $2 AND status <> 'withdrawn'",
    )
    .bind(activity)
    .bind(user)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Confirmed sign-ups of an activity.
pub async fn confirmed_count(conn: &mut AnyConnection, activity: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND status = 'confirmed'",
    )
    .bind(activity)
    .fetch_one(conn)
    .await
}

/// Adds a sign-up at the end of the list with `code`; false if the code is taken.
pub async fn insert_signup(
    conn: &mut AnyConnection,
    activity: i64,
    user: i64,
    status: SignupStatus,
    code: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM signups WHERE activity_id = $1",
    )
    .bind(activity)
    .fetch_one(&mut *conn)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO signups (activity_id, user_id, status, position, checkin_code, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (checkin_code) DO NOTHING RETURNING id",
    )
    .bind(activity)
    .bind(user)
    .bind(status.code())
    .bind(position)
    .bind(code)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// Withdraws a person's sign-up unless they checked in; false if there was none.
pub async fn withdraw(
    conn: &mut AnyConnection,
    activity: i64,
    user: i64,
) -> Result<bool, sqlx::Error> {
    let left = sqlx::query(
        "UPDATE signups SET status = 'withdrawn' WHERE activity_id = $1 AND user_id = $2 \
         AND status <> 'withdrawn' AND checked_in_at IS NULL RETURNING id",
    )
    .bind(activity)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    Ok(left.is_some())
}

/// Confirms the first person on the waitlist (once); returns who.
pub async fn promote_first_waiting(
    conn: &mut AnyConnection,
    activity: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE signups SET status = 'confirmed' WHERE id = \
         (SELECT id FROM signups WHERE activity_id = $1 AND status = 'waitlisted' ORDER BY position LIMIT 1) \
         AND status = 'waitlisted' RETURNING user_id",
    )
    .bind(activity)
    .fetch_optional(conn)
    .await
}

/// Records a confirmed volunteer's check-in with the activity's hours, once (`checked_in_at
/// IS NULL`); returns the activity's points and title, or `None` if there was no such
/// sign-up waiting.
pub async fn check_in(
    conn: &mut AnyConnection,
    activity: i64,
    user: i64,
    now: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE signups SET checked_in_at = $1, hours = (SELECT hours FROM activities WHERE id = $2) \
         WHERE activity_id = $2 AND user_id = $3 AND status = 'confirmed' AND checked_in_at IS NULL RETURNING id",
    )
    .bind(now)
    .bind(activity)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_none() {
        return Ok(None);
    }
    let a = sqlx::query("SELECT points, title FROM activities WHERE id = $1")
        .bind(activity)
        .fetch_one(conn)
        .await?;
    Ok(Some((a.try_get("points")?, a.try_get("title")?)))
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

/// Writes activities with the ids given (a bulk load into a city without activities),
/// inside the caller's transaction, in multi-row statements.
pub async fn insert_rows_with_ids(
    conn: &mut AnyConnection,
    rows: &[(i64, ActivityRow<'_>)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::BULK_ROWS) {
        let sql = format!(
            "INSERT INTO activities (id, community_id, kind, title, day, place, capacity, hours, points, created_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 10)
        );
        let mut q = sqlx::query(&sql);
        for (id, a) in chunk {
            q = q
                .bind(*id)
                .bind(a.community)
                .bind(a.kind)
                .bind(a.title)
                .bind(a.day)
                .bind(a.place)
                .bind(a.capacity)
                .bind(a.hours)
                .bind(a.points)
                .bind(a.created_at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records attendance in bulk: (activity, user, position, check-in code, when, hours).
pub async fn insert_attendance_rows(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, i64, String, i64, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::BULK_ROWS) {
        let sql = format!(
            "INSERT INTO signups (activity_id, user_id, status, position, checkin_code, checked_in_at, hours, created_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (activity, user, position, code, at, hours) in chunk {
            q = q
                .bind(*activity)
                .bind(*user)
                .bind("confirmed")
                .bind(*position)
                .bind(code.as_str())
                .bind(*at)
                .bind(*hours)
                .bind(*at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
