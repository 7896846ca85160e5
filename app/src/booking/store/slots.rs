//! Schedules, slots and walk-ins.

use super::{slot_from, Slot, SLOT_COLS};
use crate::booking::model::{self, Schedule, Status};
use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::time::local_ts;
use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

pub async fn schedule(db: &Db, center_id: i64) -> Result<Option<Schedule>, sqlx::Error> {
    let s: Option<String> =
        sqlx::query_scalar("SELECT schedule FROM booking_schedules WHERE center_id = $1")
            .bind(center_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(s.and_then(|s| serde_json::from_str(&s).ok()))
}

/// Every centre with a schedule: (centre id, schedule).
pub async fn schedules(db: &Db) -> Result<Vec<(i64, Schedule)>, sqlx::Error> {
    let rows = sqlx::query("SELECT center_id, schedule FROM booking_schedules ORDER BY center_id")
        .fetch_all(&db.pool)
        .await?;
    let mut v = Vec::new();
    for r in rows {
        let s: String = r.try_get("schedule")?;
        if let Ok(s) = serde_json::from_str(&s) {
            v.push((r.try_get("center_id")?, s));
        }
    }
    Ok(v)
}

/// The schedules' version (see [`bump_schedules_version`]).
pub async fn schedules_version(db: &Db) -> Result<i64, sqlx::Error> {
    Ok(crate::db::meta(db, "schedules_version")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Marks the schedules changed, so that every process reads them again.
async fn bump_schedules_version(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'schedules_version'")
        .execute(conn)
        .await?;
    Ok(())
}

/// Saves a centre's schedule; returns the one it replaced (for the audit record).
pub async fn save_schedule(
    conn: &mut AnyConnection,
    center_id: i64,
    s: &Schedule,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let json = serde_json::to_string(s).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT schedule FROM booking_schedules WHERE center_id = $1")
            .bind(center_id)
            .fetch_optional(&mut *conn)
            .await?;
    sqlx::query(
        "INSERT INTO booking_schedules (center_id, schedule, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (center_id) DO UPDATE SET schedule = excluded.schedule, updated_at = excluded.updated_at",
    )
    .bind(center_id)
    .bind(&json)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    bump_schedules_version(conn).await?;
    Ok(before)
}

/// Makes the slots of `days` days from `from` in the caller's transaction (idempotent:
/// existing slots and their bookings are kept). Holidays have none; make-up working days
/// follow their weekday.
pub async fn ensure_slots(
    tx: &mut AnyConnection,
    center_id: i64,
    s: &Schedule,
    cal: &Calendar,
    from: NaiveDate,
    days: i64,
) -> Result<(), sqlx::Error> {
    let mut rows: Vec<(String, u32, u32, i64)> = Vec::new();
    for k in 0..days {
        let d = from + chrono::Duration::days(k);
        for (a, b) in model::slots_on(s, model::day_rule(cal, d)) {
            rows.push((d.format("%Y-%m-%d").to_string(), a, b, local_ts(d, a)));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    for chunk in rows.chunks(200) {
        let mut sql = String::from("INSERT INTO booking_slots (center_id, day, start_min, end_min, starts_at, capacity) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 6;
            sql.push_str(&format!(
                "(${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        sql.push_str(" ON CONFLICT (center_id, day, start_min) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for (day, a, b, ts) in chunk {
            q = q
                .bind(center_id)
                .bind(day.clone())
                .bind(i64::from(*a))
                .bind(i64::from(*b))
                .bind(*ts)
                .bind(i64::from(s.capacity));
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

pub async fn slots_on_day(db: &Db, center_id: i64, day: &str) -> Result<Vec<Slot>, sqlx::Error> {
    let sql = format!("SELECT {SLOT_COLS} FROM booking_slots WHERE center_id = $1 AND day = $2 ORDER BY start_min");
    let rows = sqlx::query(&sql)
        .bind(center_id)
        .bind(day)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(slot_from).collect()
}

/// A centre's slots from one day to another (inclusive), in time order.
pub async fn slots_between(
    db: &Db,
    center_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<Slot>, sqlx::Error> {
    let sql = format!(
        "SELECT {SLOT_COLS} FROM booking_slots WHERE center_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, start_min"
    );
    let rows = sqlx::query(&sql)
        .bind(center_id)
        .bind(from)
        .bind(to)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(slot_from).collect()
}

pub async fn slot(db: &Db, id: i64) -> Result<Option<Slot>, sqlx::Error> {
    let sql = format!("SELECT {SLOT_COLS} FROM booking_slots WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(slot_from).transpose()
}

/// Locks a slot's row for the rest of the transaction (PostgreSQL; SQLite's write
/// transaction already excludes other writers). Every transaction that touches a slot
/// and its bookings takes this first, so two of them never wait on each other in
/// opposite orders.
pub async fn lock_slot(
    conn: &mut AnyConnection,
    dialect: crate::db::Dialect,
    slot_id: i64,
) -> Result<(), sqlx::Error> {
    if dialect == crate::db::Dialect::Postgres {
        sqlx::query("SELECT id FROM booking_slots WHERE id = $1 FOR UPDATE")
            .bind(slot_id)
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// Takes one seat of a slot that is open, not full and not started; false if none.
pub async fn take_seat(
    conn: &mut AnyConnection,
    slot_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE booking_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity AND closed = 0 AND starts_at > $2",
    )
    .bind(slot_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Seats left and start time of each open slot among `ids` (a closed one is left out);
/// on PostgreSQL their rows are locked, lowest id first (see [`lock_slot`]).
pub async fn open_seats(
    conn: &mut AnyConnection,
    dialect: crate::db::Dialect,
    ids: &[i64],
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let lock = match dialect {
        crate::db::Dialect::Postgres => " ORDER BY id FOR UPDATE",
        crate::db::Dialect::Sqlite => "",
    };
    let sql = format!(
        "SELECT id, capacity - booked, starts_at FROM booking_slots WHERE closed = 0 AND id IN ({}){lock}",
        crate::db::params_from(1, ids.len())
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(conn).await
}

/// Takes `n` seats of each `(slot, n)` at once, of each slot only if all `n` are free,
/// it is open and it has not started at `now`. Returns the slots whose seats were taken.
pub async fn take_seats(
    conn: &mut AnyConnection,
    seats: &[(i64, i64)],
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    if seats.is_empty() {
        return Ok(Vec::new());
    }
    let mut case = String::from("CASE id");
    for i in 0..seats.len() {
        case.push_str(&format!(" WHEN ${} THEN ${}", 2 * i + 2, 2 * i + 3));
    }
    case.push_str(" ELSE 0 END");
    let ids = (0..seats.len())
        .map(|i| format!("${}", 2 * i + 2))
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "UPDATE booking_slots SET booked = booked + {case} WHERE id IN ({ids}) \
         AND booked + {case} <= capacity AND closed = 0 AND starts_at > $1 RETURNING id"
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(now);
    for (id, n) in seats {
        q = q.bind(*id).bind(*n);
    }
    q.fetch_all(conn).await
}

/// Gives back `n` seats of a slot.
pub async fn free_seats(conn: &mut AnyConnection, slot_id: i64, n: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE booking_slots SET booked = booked - $1 WHERE id = $2")
        .bind(n)
        .bind(slot_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A centre's open slots that have not started by `now`, soonest first.
pub async fn future_slots(
    conn: &mut AnyConnection,
    center_id: i64,
    now: i64,
) -> Result<Vec<Slot>, sqlx::Error> {
    let sql = format!(
        "SELECT {SLOT_COLS} FROM booking_slots WHERE center_id = $1 AND starts_at > $2 AND closed = 0 \
         ORDER BY starts_at"
    );
    sqlx::query(&sql)
        .bind(center_id)
        .bind(now)
        .fetch_all(conn)
        .await?
        .iter()
        .map(slot_from)
        .collect()
}

/// Sets a slot's seats to `capacity`, never below the seats already booked (those
/// bookings are kept). True if the slot changed.
pub async fn set_capacity(
    conn: &mut AnyConnection,
    slot_id: i64,
    capacity: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE booking_slots SET capacity = CASE WHEN booked > $1 THEN booked ELSE $1 END \
         WHERE id = $2 AND capacity <> CASE WHEN booked > $1 THEN booked ELSE $1 END",
    )
    .bind(capacity)
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Deletes a slot nobody ever booked (no booking rows, cancelled ones included); false
/// if it has any, and it stays.
pub async fn delete_unbooked_slot(
    conn: &mut AnyConnection,
    slot_id: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "DELETE FROM booking_slots WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM bookings WHERE slot_id = $1)",
    )
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Closes an open slot with a reason; false if it was already closed.
pub async fn close_slot(
    conn: &mut AnyConnection,
    slot_id: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE booking_slots SET closed = 1, close_reason = $1 WHERE id = $2 AND closed = 0",
    )
    .bind(reason)
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Reopens a closed slot; false if it was open.
pub async fn reopen_slot(conn: &mut AnyConnection, slot_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE booking_slots SET closed = 0, close_reason = '' WHERE id = $1 AND closed = 1",
    )
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn record_walk_in(
    conn: &mut AnyConnection,
    center_id: i64,
    item_code: &str,
    day: &str,
    staff: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO walk_ins (center_id, item_code, day, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(center_id)
        .bind(item_code)
        .bind(day)
        .bind(staff)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a centre's schedule without an audit record, inside the caller's transaction
/// (for bulk set-up such as the demo seed; staff edits go through [`set_schedule`]).
pub async fn insert_schedule(
    conn: &mut sqlx::AnyConnection,
    center: i64,
    s: &Schedule,
    now: i64,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(s).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO booking_schedules (center_id, schedule, updated_at) VALUES ($1, $2, $3)",
    )
    .bind(center)
    .bind(json)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    bump_schedules_version(conn).await?;
    Ok(())
}

/// A booking of the past, as a history import or the demo writes it.
pub struct PastBooking<'a> {
    pub center: i64,
    pub day: NaiveDate,
    pub start_min: u32,
    pub end_min: u32,
    pub capacity: i64,
    pub code: &'a str,
    pub user: i64,
    pub item: &'a str,
    pub status: Status,
    pub created_at: i64,
}

/// Writes a past booking and its slot (made if missing). A booking that is not
/// cancelled takes a seat only while there is one, as a live booking would; returns
/// whether the booking was written.
pub async fn insert_past_booking(
    conn: &mut sqlx::AnyConnection,
    b: &PastBooking<'_>,
) -> Result<bool, sqlx::Error> {
    let ds = b.day.format("%Y-%m-%d").to_string();
    let starts_at = local_ts(b.day, b.start_min);
    sqlx::query(
        "INSERT INTO booking_slots (center_id, day, start_min, end_min, starts_at, capacity) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (center_id, day, start_min) DO NOTHING",
    )
    .bind(b.center)
    .bind(&ds)
    .bind(i64::from(b.start_min))
    .bind(i64::from(b.end_min))
    .bind(starts_at)
    .bind(b.capacity)
    .execute(&mut *conn)
    .await?;
    let slot_id: Option<i64> = if b.status.holds_seat() {
        sqlx::query_scalar(
            "UPDATE booking_slots SET booked = booked + 1 WHERE center_id = $1 AND day = $2 AND start_min = $3 \
             AND booked < capacity RETURNING id",
        )
        .bind(b.center)
        .bind(&ds)
        .bind(i64::from(b.start_min))
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query_scalar(
            "SELECT id FROM booking_slots WHERE center_id = $1 AND day = $2 AND start_min = $3",
        )
        .bind(b.center)
        .bind(&ds)
        .bind(i64::from(b.start_min))
        .fetch_optional(&mut *conn)
        .await?
    };
    let Some(slot_id) = slot_id else {
        return Ok(false);
    };
    let r = sqlx::query(
        "INSERT INTO bookings (code, user_id, slot_id, center_id, item_code, status, created_at, updated_at, reminded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) ON CONFLICT (code) DO NOTHING",
    )
    .bind(b.code)
    .bind(b.user)
    .bind(slot_id)
    .bind(b.center)
    .bind(b.item)
    .bind(b.status.code())
    .bind(b.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a walk-in of the past (no staff member named), inside the caller's
/// transaction.
pub async fn insert_walk_in(
    conn: &mut sqlx::AnyConnection,
    center: i64,
    item: &str,
    day: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO walk_ins (center_id, item_code, day, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(center)
    .bind(item)
    .bind(day)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A slot of the past with its seats already counted, for a bulk load into a city
/// without slots (the province generator). `booked` is the number of its bookings that
/// hold a seat, which [`insert_bookings_in_slots`] then writes.
pub struct SlotSeed {
    pub id: i64,
    pub center: i64,
    pub day: NaiveDate,
    pub start_min: u32,
    pub end_min: u32,
    pub capacity: i64,
    pub booked: i64,
}

/// Writes slots with the ids given, inside the caller's transaction, in multi-row
/// statements. The caller moves the id sequence on (`db::after_explicit_ids`).
pub async fn insert_slots_with_ids(
    conn: &mut AnyConnection,
    rows: &[SlotSeed],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::large_bulk_rows(8)) {
        let sql = format!(
            "INSERT INTO booking_slots (id, center_id, day, start_min, end_min, starts_at, capacity, booked) VALUES {}",
            crate::db::placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(s.id)
                .bind(s.center)
                .bind(s.day.format("%Y-%m-%d").to_string())
                .bind(i64::from(s.start_min))
                .bind(i64::from(s.end_min))
                .bind(local_ts(s.day, s.start_min))
                .bind(s.capacity)
                .bind(s.booked);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A booking of the past in a slot [`insert_slots_with_ids`] wrote.
pub struct BookingSeed<'a> {
    pub code: String,
    pub user: i64,
    pub slot: i64,
    pub center: i64,
    pub item: &'a str,
    pub status: Status,
    pub created_at: i64,
}

/// Writes past bookings into slots whose seat counts already include them, inside the
/// caller's transaction, in multi-row statements (no reminder is due for any of them).
pub async fn insert_bookings_in_slots(
    conn: &mut AnyConnection,
    rows: &[BookingSeed<'_>],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::large_bulk_rows(8)) {
        let sql = format!(
            "INSERT INTO bookings (code, user_id, slot_id, center_id, item_code, status, created_at, updated_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for b in chunk {
            q = q
                .bind(b.code.as_str())
                .bind(b.user)
                .bind(b.slot)
                .bind(b.center)
                .bind(b.item)
                .bind(b.status.code())
                .bind(b.created_at)
                .bind(b.created_at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
