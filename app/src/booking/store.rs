//! SQL for booking: the only place its tables are queried. Each outcome that a race
//! could decide is one conditional statement inside a write transaction:
//! - the seat: `booked = booked + 1 WHERE booked < capacity` (and a CHECK behind it);
//! - the resident's limits: the user's row is locked first (`booking_seq`), then the
//!   active bookings are counted and overlaps looked for, so one resident's concurrent
//!   requests run one after another;
//! - the reminder: `reminded_at` is claimed with `WHERE reminded_at IS NULL`.

use crate::booking::model::{self, hm, Schedule, Status, CODE_ALPHABET, CODE_LEN, MAX_ACTIVE};
use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::error::AppError;
use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub id: i64,
    pub center_id: i64,
    pub day: String,
    pub start: String,
    pub end: String,
    pub starts_at: i64,
    pub capacity: i64,
    pub booked: i64,
    pub closed: bool,
    pub close_reason: String,
}

impl Slot {
    pub fn seats_left(&self) -> i64 {
        if self.closed {
            0
        } else {
            (self.capacity - self.booked).max(0)
        }
    }
}

fn slot_from(r: &AnyRow) -> Result<Slot, sqlx::Error> {
    Ok(Slot {
        id: r.try_get("id")?,
        center_id: r.try_get("center_id")?,
        day: r.try_get("day")?,
        start: hm(r.try_get::<i64, _>("start_min")? as u32),
        end: hm(r.try_get::<i64, _>("end_min")? as u32),
        starts_at: r.try_get("starts_at")?,
        capacity: r.try_get("capacity")?,
        booked: r.try_get("booked")?,
        closed: crate::db::flag(r, "closed")?,
        close_reason: r.try_get("close_reason")?,
    })
}

const SLOT_COLS: &str =
    "id, center_id, day, start_min, end_min, starts_at, capacity, booked, closed, close_reason";

/// A booking as its owner and the desk see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    pub id: i64,
    pub code: String,
    pub user_id: i64,
    pub status: Status,
    pub item_code: String,
    pub center_id: i64,
    pub center_name: String,
    pub center_address: String,
    pub slot: Slot,
    pub user_name: String,
    pub user_phone: String,
}

const BOOKING_SELECT: &str = "SELECT b.id AS bid, b.code, b.user_id, b.status, b.item_code, b.center_id AS bcenter, \
     st.name AS center_name, st.address AS center_address, u.display_name, u.phone, \
     s.id, s.center_id, s.day, s.start_min, s.end_min, s.starts_at, s.capacity, s.booked, s.closed, s.close_reason \
     FROM bookings b JOIN booking_slots s ON s.id = b.slot_id JOIN stations st ON st.id = b.center_id \
     JOIN users u ON u.id = b.user_id";

fn booking_from(r: &AnyRow) -> Result<Booking, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Booking {
        id: r.try_get("bid")?,
        code: r.try_get("code")?,
        user_id: r.try_get("user_id")?,
        status: Status::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("status {status}").into()))?,
        item_code: r.try_get("item_code")?,
        center_id: r.try_get("bcenter")?,
        center_name: r.try_get("center_name")?,
        center_address: r.try_get("center_address")?,
        slot: slot_from(r)?,
        user_name: r.try_get("display_name")?,
        user_phone: r.try_get("phone")?,
    })
}

/// Unix seconds of a local (Asia/Shanghai) day and minute.
pub fn local_ts(day: NaiveDate, minute: u32) -> i64 {
    let t = day
        .and_hms_opt(minute / 60, minute % 60, 0)
        .unwrap_or_default();
    Shanghai
        .from_local_datetime(&t)
        .single()
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

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

/// Saves a centre's schedule (audited).
pub async fn set_schedule(
    db: &Db,
    center_id: i64,
    s: &Schedule,
    actor_id: Option<i64>,
    community_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now().timestamp();
    let json = serde_json::to_string(s).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let mut tx = db.begin_write().await?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT schedule FROM booking_schedules WHERE center_id = $1")
            .bind(center_id)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO booking_schedules (center_id, schedule, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (center_id) DO UPDATE SET schedule = excluded.schedule, updated_at = excluded.updated_at",
    )
    .bind(center_id)
    .bind(&json)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if actor_id.is_some() {
        let b = before.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok());
        let a = serde_json::from_str::<serde_json::Value>(&json).ok();
        let target = format!("schedule:{center_id}");
        crate::accounts::store::audit(
            &mut *tx,
            crate::accounts::store::AuditRecord {
                actor_id,
                action: "set_schedule",
                target: &target,
                community_id,
                before: b.as_ref(),
                after: a.as_ref(),
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await
}

/// Makes the slots of `days` days from `from` (idempotent: existing slots and their
/// bookings are kept). Holidays have none; make-up working days follow their weekday.
pub async fn ensure_slots(
    db: &Db,
    center_id: i64,
    s: &Schedule,
    cal: &Calendar,
    from: NaiveDate,
    days: i64,
) -> Result<(), sqlx::Error> {
    let mut rows: Vec<(String, u32, u32, i64)> = Vec::new();
    for k in 0..days {
        let d = from + chrono::Duration::days(k);
        let rule = if cal.is_holiday(d) {
            model::DayRule::Closed
        } else {
            model::DayRule::As(
                cal.makeup_as(d)
                    .map(|w| w.number_from_monday())
                    .unwrap_or(d.weekday().number_from_monday()),
            )
        };
        for (a, b) in model::slots_on(s, rule) {
            rows.push((d.format("%Y-%m-%d").to_string(), a, b, local_ts(d, a)));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
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
    tx.commit().await
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

pub async fn slot(db: &Db, id: i64) -> Result<Option<Slot>, sqlx::Error> {
    let sql = format!("SELECT {SLOT_COLS} FROM booking_slots WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(slot_from).transpose()
}

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// Takes the user's booking lock and checks the limits: fewer than three active future
/// bookings, none overlapping `slot` (other than `except`).
async fn lock_user_and_check(
    conn: &mut AnyConnection,
    user_id: i64,
    slot: &Slot,
    now: i64,
    except: Option<i64>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET booking_seq = booking_seq + 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings b JOIN booking_slots s ON s.id = b.slot_id \
         WHERE b.user_id = $1 AND b.status = 'active' AND s.starts_at > $2 AND b.id <> $3",
    )
    .bind(user_id)
    .bind(now)
    .bind(except.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?;
    if except.is_none() && active >= MAX_ACTIVE {
        return Err(AppError::Conflict(format!(
            "您已有{MAX_ACTIVE}个未到时间的预约，请先办理或取消后再约"
        )));
    }
    let (start, end) = (
        model::minutes(&slot.start).unwrap_or(0),
        model::minutes(&slot.end).unwrap_or(0),
    );
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings b JOIN booking_slots s ON s.id = b.slot_id \
         WHERE b.user_id = $1 AND b.status = 'active' AND s.day = $2 AND s.start_min < $3 AND $4 < s.end_min AND b.id <> $5",
    )
    .bind(user_id)
    .bind(&slot.day)
    .bind(i64::from(end))
    .bind(i64::from(start))
    .bind(except.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?;
    if overlapping > 0 {
        return Err(AppError::Conflict("与您已有的预约时间重叠".into()));
    }
    Ok(())
}

/// Takes one seat of a slot that is open, not full and not started.
async fn take_seat(conn: &mut AnyConnection, slot_id: i64, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE booking_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity AND closed = 0 AND starts_at > $2",
    )
    .bind(slot_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict("该时段已约满".into()))
    }
}

/// Books a seat. All or nothing: the seat, the limits and the booking row are one
/// transaction.
pub async fn book(
    db: &Db,
    user_id: i64,
    slot: &Slot,
    item_code: &str,
    now: i64,
) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    lock_user_and_check(&mut tx, user_id, slot, now, None).await?;
    take_seat(&mut tx, slot.id, now).await?;
    // A fresh code; on the rare collision, draw again (no error aborts the transaction).
    for _ in 0..8 {
        let code = new_code();
        let row = sqlx::query(
            "INSERT INTO bookings (code, user_id, slot_id, center_id, item_code, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $6) ON CONFLICT (code) DO NOTHING RETURNING id",
        )
        .bind(&code)
        .bind(user_id)
        .bind(slot.id)
        .bind(slot.center_id)
        .bind(item_code)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_some() {
            tx.commit().await?;
            return Ok(code);
        }
    }
    Err(AppError::internal("no free booking code after 8 draws"))
}

/// Cancels the resident's own booking before its slot starts; the seat is freed.
pub async fn cancel(db: &Db, user_id: i64, code: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', updated_at = $1 WHERE code = $2 AND user_id = $3 AND status = 'active' \
         AND slot_id IN (SELECT id FROM booking_slots WHERE starts_at > $1) RETURNING slot_id",
    )
    .bind(now)
    .bind(code)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::Conflict(
            "该预约不能取消（已取消、已开始或已办结）".into(),
        ));
    };
    let slot_id: i64 = row.try_get("slot_id")?;
    sqlx::query("UPDATE booking_slots SET booked = booked - 1 WHERE id = $1")
        .bind(slot_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the resident's booking to another slot (any centre), keeping its code. The new
/// seat is taken before the old one is freed; a reminder is due again for the new time.
pub async fn reschedule(
    db: &Db,
    user_id: i64,
    code: &str,
    to: &Slot,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE bookings SET updated_at = $1 WHERE code = $2 AND user_id = $3 AND status = 'active' \
         AND slot_id IN (SELECT id FROM booking_slots WHERE starts_at > $1) RETURNING id, slot_id",
    )
    .bind(now)
    .bind(code)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::Conflict(
            "该预约不能改约（已取消、已开始或已办结）".into(),
        ));
    };
    let (id, old): (i64, i64) = (row.try_get("id")?, row.try_get("slot_id")?);
    if old == to.id {
        return Err(AppError::bad("新时段与原时段相同"));
    }
    lock_user_and_check(&mut tx, user_id, to, now, Some(id)).await?;
    take_seat(&mut tx, to.id, now).await?;
    sqlx::query("UPDATE booking_slots SET booked = booked - 1 WHERE id = $1")
        .bind(old)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE bookings SET slot_id = $1, center_id = $2, reminded_at = NULL WHERE id = $3",
    )
    .bind(to.id)
    .bind(to.center_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
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

/// A staff member moves a booking along its life cycle (the rule is `model::transition`;
/// the update is conditional on the status read, so two clicks cannot both apply).
pub async fn staff_transition(db: &Db, b: &Booking, to: Status, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE bookings SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(now)
    .bind(b.id)
    .bind(b.status.code())
    .execute(&db.pool)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict("该预约状态已变化，请刷新".into()))
    }
}

/// Closes a slot: its active bookings are cancelled and each resident gets a notice.
/// Returns (user id, phone, code) of the residents to tell by SMS.
pub async fn close_slot(
    db: &Db,
    slot_id: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let mut tx = db.begin_write().await?;
    let r = sqlx::query(
        "UPDATE booking_slots SET closed = 1, close_reason = $1 WHERE id = $2 AND closed = 0",
    )
    .bind(reason)
    .bind(slot_id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::Conflict("该时段已关闭".into()));
    }
    let rows = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', updated_at = $1 WHERE slot_id = $2 AND status = 'active' \
         RETURNING user_id, code",
    )
    .bind(now)
    .bind(slot_id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("UPDATE booking_slots SET booked = booked - $1 WHERE id = $2")
        .bind(rows.len() as i64)
        .bind(slot_id)
        .execute(&mut *tx)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let (user_id, code): (i64, String) = (r.try_get("user_id")?, r.try_get("code")?);
        let text = format!("您预约的延时服务（预约码 {code}）因“{reason}”取消，请改约其他时段。给您带来不便，敬请谅解。");
        crate::accounts::store::notify(&mut tx, user_id, &text, now).await?;
        let phone: String = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        out.push((user_id, phone, text));
    }
    tx.commit().await?;
    Ok(out)
}

pub async fn reopen_slot(db: &Db, slot_id: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE booking_slots SET closed = 0, close_reason = '' WHERE id = $1 AND closed = 1",
    )
    .bind(slot_id)
    .execute(&db.pool)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict("该时段未关闭".into()))
    }
}

pub async fn record_walk_in(
    db: &Db,
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
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn notices(db: &Db, user_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT text, created_at FROM notices WHERE user_id = $1 ORDER BY id DESC LIMIT 20",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("text")?, r.try_get("created_at")?)))
        .collect()
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
pub async fn claim_reminders(db: &Db, day: &str, now: i64) -> Result<Vec<Reminder>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(
        "UPDATE bookings SET reminded_at = $1 WHERE reminded_at IS NULL AND status = 'active' \
         AND slot_id IN (SELECT id FROM booking_slots WHERE day = $2) RETURNING id",
    )
    .bind(now)
    .bind(day)
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let d = sqlx::query(
            "SELECT b.code, u.phone, st.name, s.day, s.start_min FROM bookings b JOIN users u ON u.id = b.user_id \
             JOIN stations st ON st.id = b.center_id JOIN booking_slots s ON s.id = b.slot_id WHERE b.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        out.push(Reminder {
            code: d.try_get("code")?,
            phone: d.try_get("phone")?,
            center: d.try_get("name")?,
            day: d.try_get("day")?,
            start: hm(d.try_get::<i64, _>("start_min")? as u32),
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// Figures for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// (centre name, bookings served)
    pub by_center: Vec<(String, i64)>,
    /// (item code, bookings served)
    pub by_item: Vec<(String, i64)>,
    /// (ISO week "YYYY-Www", bookings served)
    pub by_week: Vec<(String, i64)>,
    pub booked_served: i64,
    pub walk_ins: i64,
}

pub async fn figures(db: &Db, center_id: Option<i64>) -> Result<Figures, sqlx::Error> {
    let filter = if center_id.is_some() {
        "AND b.center_id = $1"
    } else {
        "AND $1 IS NULL"
    };
    let by_center = sqlx::query(&format!(
        "SELECT st.name AS k, COUNT(*) AS n FROM bookings b JOIN stations st ON st.id = b.center_id \
         WHERE b.status = 'done' {filter} GROUP BY st.name ORDER BY n DESC, st.name LIMIT 20"
    ))
    .bind(center_id)
    .fetch_all(&db.pool)
    .await?;
    let by_item = sqlx::query(&format!(
        "SELECT b.item_code AS k, COUNT(*) AS n FROM bookings b WHERE b.status = 'done' {filter} \
         GROUP BY b.item_code ORDER BY n DESC, b.item_code"
    ))
    .bind(center_id)
    .fetch_all(&db.pool)
    .await?;
    let days = sqlx::query(&format!(
        "SELECT s.day AS k, COUNT(*) AS n FROM bookings b JOIN booking_slots s ON s.id = b.slot_id \
         WHERE b.status = 'done' {filter} GROUP BY s.day"
    ))
    .bind(center_id)
    .fetch_all(&db.pool)
    .await?;
    let pairs = |rows: Vec<AnyRow>| -> Result<Vec<(String, i64)>, sqlx::Error> {
        rows.iter()
            .map(|r| Ok((r.try_get("k")?, r.try_get("n")?)))
            .collect()
    };
    let mut weeks = std::collections::BTreeMap::<String, i64>::new();
    for (day, n) in pairs(days)? {
        if let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            let w = d.iso_week();
            *weeks
                .entry(format!("{}-W{:02}", w.year(), w.week()))
                .or_default() += n;
        }
    }
    let booked_served: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM bookings b WHERE b.status = 'done' {filter}"
    ))
    .bind(center_id)
    .fetch_one(&db.pool)
    .await?;
    let walk_filter = if center_id.is_some() {
        "WHERE center_id = $1"
    } else {
        "WHERE $1 IS NULL"
    };
    let walk_ins: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM walk_ins {walk_filter}"))
        .bind(center_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(Figures {
        by_center: pairs(by_center)?,
        by_item: pairs(by_item)?,
        by_week: weeks.into_iter().collect(),
        booked_served,
        walk_ins,
    })
}

/// The centre (党群服务中心) of a community.
pub async fn center_of_community(db: &Db, community_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM stations WHERE community_id = $1 AND kind = 'center'")
        .bind(community_id)
        .fetch_optional(&db.pool)
        .await
}

/// Writes the demo's schedules, residents and booking history (one transaction).
pub async fn seed_demo(db: &Db, demo: &crate::demo::DemoBooking) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now().timestamp();
    let today = chrono::Utc::now().with_timezone(&Shanghai).date_naive();
    let mut tx = db.begin_write().await?;
    for (center, s) in &demo.schedules {
        let json = serde_json::to_string(s).map_err(|e| sqlx::Error::Encode(e.into()))?;
        sqlx::query(
            "INSERT INTO booking_schedules (center_id, schedule, updated_at) VALUES ($1, $2, $3)",
        )
        .bind(center)
        .bind(json)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let mut user_ids = Vec::with_capacity(demo.residents.len());
    for (phone, name) in &demo.residents {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (phone, display_name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(phone)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        user_ids.push(id);
    }
    let capacity = |center: i64| {
        demo.schedules
            .iter()
            .find(|(c, _)| *c == center)
            .map(|(_, s)| s.capacity)
            .unwrap_or(2)
    };
    for (i, (center, days_ago, start, who, item, status)) in demo.history.iter().enumerate() {
        let day = today - chrono::Duration::days(*days_ago);
        let ds = day.format("%Y-%m-%d").to_string();
        let cap = i64::from(capacity(*center));
        sqlx::query(
            "INSERT INTO booking_slots (center_id, day, start_min, end_min, starts_at, capacity) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (center_id, day, start_min) DO NOTHING",
        )
        .bind(center)
        .bind(&ds)
        .bind(i64::from(*start))
        .bind(i64::from(start + 30))
        .bind(local_ts(day, *start))
        .bind(cap)
        .execute(&mut *tx)
        .await?;
        // Past slots take a seat only while there is one, as live bookings would.
        let holds = *status != "cancelled";
        let slot_id: Option<i64> = if holds {
            sqlx::query_scalar(
                "UPDATE booking_slots SET booked = booked + 1 WHERE center_id = $1 AND day = $2 AND start_min = $3 \
                 AND booked < capacity RETURNING id",
            )
            .bind(center)
            .bind(&ds)
            .bind(i64::from(*start))
            .fetch_optional(&mut *tx)
            .await?
        } else {
            sqlx::query_scalar(
                "SELECT id FROM booking_slots WHERE center_id = $1 AND day = $2 AND start_min = $3",
            )
            .bind(center)
            .bind(&ds)
            .bind(i64::from(*start))
            .fetch_optional(&mut *tx)
            .await?
        };
        let Some(slot_id) = slot_id else { continue };
        let code: String = (0..CODE_LEN)
            .map(|k| CODE_ALPHABET[(i * 7 + k * 13 + (i / 25)) % CODE_ALPHABET.len()] as char)
            .collect();
        let code = format!(
            "{}{}",
            &code[..2],
            &format!("{i:04}")
                .chars()
                .map(|c| CODE_ALPHABET[c.to_digit(10).unwrap_or(0) as usize] as char)
                .collect::<String>()
        );
        let ts = local_ts(day, *start);
        sqlx::query(
            "INSERT INTO bookings (code, user_id, slot_id, center_id, item_code, status, created_at, updated_at, reminded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(user_ids[*who % user_ids.len().max(1)])
        .bind(slot_id)
        .bind(center)
        .bind(item)
        .bind(*status)
        .bind(ts - 86_400)
        .execute(&mut *tx)
        .await?;
    }
    for (center, days_ago, item) in &demo.walk_ins {
        let day = (today - chrono::Duration::days(*days_ago))
            .format("%Y-%m-%d")
            .to_string();
        sqlx::query(
            "INSERT INTO walk_ins (center_id, item_code, day, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(center)
        .bind(item)
        .bind(day)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
