//! Bookings: reading them, the resident's limits, the seat-holding writes, reminders.

use super::{booking_from, Booking, Slot, BOOKING_SELECT};
use crate::booking::model::{hm, Status, CODE_ALPHABET, CODE_LEN};
use crate::db::Db;
use rand::Rng;
use sqlx::{AnyConnection, Row};

/// A fresh random booking code.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// Takes the resident's booking lock (their own row), so that one resident's
/// concurrent booking requests run one after another. On SQLite every write transaction
/// already holds the database's one write lock from `BEGIN IMMEDIATE` on
/// (`Db::begin_write`), so the row is not written there: one statement less in the
/// section every booking waits its turn for.
pub async fn lock_user(
    conn: &mut AnyConnection,
    dialect: crate::db::Dialect,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    if dialect == crate::db::Dialect::Sqlite {
        return Ok(());
    }
    sqlx::query("UPDATE users SET booking_seq = booking_seq + 1 WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// [`lock_user`] for several residents at once, lowest id first (PostgreSQL; on SQLite
/// the write lock is already held).
pub async fn lock_users(
    conn: &mut AnyConnection,
    dialect: crate::db::Dialect,
    users: &[i64],
) -> Result<(), sqlx::Error> {
    if dialect == crate::db::Dialect::Sqlite || users.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT id FROM users WHERE id IN ({}) ORDER BY id FOR UPDATE",
        crate::db::params_from(1, users.len())
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for u in users {
        q = q.bind(*u);
    }
    q.fetch_all(conn).await?;
    Ok(())
}

/// An active booking still ahead, as the limits see it (see [`active_ahead`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldBooking {
    pub user_id: i64,
    pub held: crate::booking::model::Held,
    pub starts_at: i64,
}

/// The active bookings of `users` whose slot starts after `since` (other than
/// `except`): what [`crate::booking::model::may_book`] decides on.
pub async fn active_ahead(
    conn: &mut AnyConnection,
    users: &[i64],
    since: i64,
    except: Option<i64>,
) -> Result<Vec<HeldBooking>, sqlx::Error> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::db::params_from(3, users.len());
    let sql = format!(
        "SELECT b.user_id, s.day, s.start_min, s.end_min, s.starts_at FROM bookings b \
         JOIN booking_slots s ON s.id = b.slot_id \
         WHERE b.status = 'active' AND s.starts_at > $1 AND b.id <> $2 AND b.user_id IN ({list})"
    );
    let mut q = sqlx::query(&sql).bind(since).bind(except.unwrap_or(0));
    for u in users {
        q = q.bind(*u);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let day: String = r.try_get(1)?;
            let day = crate::calendar_types::Day::parse(&day)
                .ok_or_else(|| sqlx::Error::Decode(format!("booking_slots.day {day:?}").into()))?;
            let (start, end): (i64, i64) = (r.try_get(2)?, r.try_get(3)?);
            Ok(HeldBooking {
                user_id: r.try_get(0)?,
                held: crate::booking::model::Held {
                    day,
                    start: u32::try_from(start).unwrap_or_default(),
                    end: u32::try_from(end).unwrap_or_default(),
                },
                starts_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// The code of the resident's active booking that overlaps `slot` (the one a refused
/// booking conflicts with), if any.
pub async fn overlapping_code(
    db: &crate::db::Db,
    user_id: i64,
    slot: &Slot,
) -> Result<Option<String>, sqlx::Error> {
    let (start, end) = (slot.start.minutes(), slot.end.minutes());
    sqlx::query_scalar(
        "SELECT b.code FROM bookings b JOIN booking_slots s ON s.id = b.slot_id \
         WHERE b.user_id = $1 AND b.status = 'active' AND s.day = $2 AND s.start_min < $3 AND $4 < s.end_min \
         ORDER BY s.starts_at LIMIT 1",
    )
    .bind(user_id)
    .bind(slot.day.to_string())
    .bind(i64::from(end))
    .bind(i64::from(start))
    .fetch_optional(&db.pool)
    .await
}

/// A booking to write with [`insert_bookings`].
pub struct NewBooking<'a> {
    pub code: &'a str,
    pub user_id: i64,
    pub slot: &'a Slot,
    pub item_code: &'a str,
    pub now: i64,
}

/// Writes active bookings in one statement; a code already taken is skipped. Returns
/// the codes written.
pub async fn insert_bookings(
    conn: &mut AnyConnection,
    rows: &[NewBooking<'_>],
) -> Result<Vec<String>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let values = (0..rows.len())
        .map(|r| {
            let b = r * 6;
            format!(
                "(${},${},${},${},${},'active',${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 6
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "INSERT INTO bookings (code, user_id, slot_id, center_id, item_code, status, created_at, updated_at) \
         VALUES {values} ON CONFLICT (code) DO NOTHING RETURNING code"
    );
    let mut q = sqlx::query_scalar::<_, String>(&sql);
    for r in rows {
        q = q
            .bind(r.code)
            .bind(r.user_id)
            .bind(r.slot.id)
            .bind(r.slot.center_id)
            .bind(r.item_code)
            .bind(r.now);
    }
    q.fetch_all(conn).await
}

/// Moves a booking from status `from` to `to` if it is still in `from` and still in the
/// slot the rule was decided on (and, with `before_start`, only while that slot has not
/// begun at `now`); false if it moved on.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    slot_id: i64,
    from: Status,
    to: Status,
    now: i64,
    before_start: bool,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE bookings SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 AND slot_id = $6 \
         AND ($5 = 0 OR slot_id IN (SELECT id FROM booking_slots WHERE starts_at > $2))",
    )
    .bind(to.code())
    .bind(now)
    .bind(id)
    .bind(from.code())
    .bind(i64::from(before_start))
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Moves an active booking to another slot, keeping its code; a reminder is due again.
pub async fn move_booking(
    conn: &mut AnyConnection,
    id: i64,
    to: &Slot,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bookings SET slot_id = $1, center_id = $2, reminded_at = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(to.id)
    .bind(to.center_id)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Cancels every active booking of a slot (it was closed); returns (user id, code,
/// phone) of each, in one statement each however many there are.
pub async fn cancel_all_in_slot(
    conn: &mut AnyConnection,
    slot_id: i64,
    now: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    // The bookings this statement cancelled, exactly (a check-in committed meanwhile is
    // not among them), then their residents' numbers in one query.
    let rows = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', updated_at = $1 WHERE slot_id = $2 AND status = 'active' \
         RETURNING user_id, code",
    )
    .bind(now)
    .bind(slot_id)
    .fetch_all(&mut *conn)
    .await?;
    let cancelled: Vec<(i64, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("user_id")?, r.try_get("code")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut phones = std::collections::HashMap::new();
    let users: Vec<i64> = cancelled.iter().map(|(u, _)| *u).collect();
    for chunk in users.chunks(500) {
        let sql = format!(
            "SELECT id, phone FROM users WHERE id IN {}",
            crate::db::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for u in chunk {
            q = q.bind(*u);
        }
        for r in q.fetch_all(&mut *conn).await? {
            phones.insert(r.try_get::<i64, _>("id")?, r.try_get::<String, _>("phone")?);
        }
    }
    Ok(cancelled
        .into_iter()
        .map(|(u, code)| (u, code, phones.get(&u).cloned().unwrap_or_default()))
        .collect())
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Booking>, sqlx::Error> {
    let sql = format!("{BOOKING_SELECT} WHERE b.code = $1");
    let row = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(booking_from).transpose()
}

pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<Booking>, sqlx::Error> {
    let sql = format!("{BOOKING_SELECT} WHERE b.user_id = $1 ORDER BY s.starts_at DESC LIMIT 50");
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(&db.pool).await?;
    rows.iter().map(booking_from).collect()
}

/// A centre's bookings on a day, for the desk.
pub async fn of_center_day(
    db: &Db,
    center_id: i64,
    day: &str,
) -> Result<Vec<Booking>, sqlx::Error> {
    let sql = format!(
        "{BOOKING_SELECT} WHERE b.center_id = $1 AND s.day = $2 ORDER BY s.start_min, b.id"
    );
    let rows = sqlx::query(&sql)
        .bind(center_id)
        .bind(day)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(booking_from).collect()
}

/// One due reminder, claimed by this process.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub code: String,
    pub phone: String,
    pub center: String,
    pub day: String,
    pub start: String,
}

/// Claims the reminders of active bookings on `day` that nobody has claimed: each
/// booking is claimed once, whichever process gets there first.
pub async fn claim_reminders(
    tx: &mut sqlx::AnyConnection,
    day: &str,
    now: i64,
) -> Result<Vec<Reminder>, sqlx::Error> {
    // Claim (the database decides which process gets which booking), then read what
    // this process claimed in one statement, however many reminders are due.
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE bookings SET reminded_at = $1 WHERE reminded_at IS NULL AND status = 'active' \
         AND slot_id IN (SELECT id FROM booking_slots WHERE day = $2) RETURNING id",
    )
    .bind(now)
    .bind(day)
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT b.code, u.phone, st.name, s.day, s.start_min FROM bookings b JOIN users u ON u.id = b.user_id \
             JOIN stations st ON st.id = b.center_id JOIN booking_slots s ON s.id = b.slot_id \
             WHERE b.id IN {} ORDER BY b.id",
            crate::db::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for d in q.fetch_all(&mut *tx).await? {
            out.push(Reminder {
                code: d.try_get("code")?,
                phone: d.try_get("phone")?,
                center: d.try_get("name")?,
                day: d.try_get("day")?,
                start: hm(d.try_get::<i64, _>("start_min")? as u32),
            });
        }
    }
    Ok(out)
}
