//! SQL for booking: the only place its tables are queried, in three files — schedules
//! and slots (`slots`), bookings and reminders (`bookings`), the desk's figures
//! (`figures`). Each outcome that a race could decide is one conditional statement,
//! run by `booking::service` inside a write transaction:
//! - the seats: `booked = booked + n WHERE booked + n <= capacity` for a batch's slots at
//!   once (`take_seats`, `booking::group`), `booked + 1 WHERE booked < capacity` for a
//!   reschedule (`take_seat`), and a CHECK behind both;
//! - the resident's limits: the users' rows are locked first (`lock_users`, `lock_user`;
//!   on SQLite the transaction's write lock does it), then their active bookings ahead are
//!   read (`active_ahead`) for `model::may_book`, so one resident's concurrent requests
//!   are decided one after another;
//! - a status change: `WHERE status = <the status the rule was decided on>`;
//! - the reminder: `reminded_at` is claimed with `WHERE reminded_at IS NULL`.
//!
//! On PostgreSQL a transaction that touches a slot and its bookings takes the slot's row
//! first, then the bookings', always in that order.

mod bookings;
mod figures;
mod slots;

pub use bookings::*;
pub use figures::*;
pub use slots::*;

use crate::booking::model::Status;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub id: i64,
    pub center_id: i64,
    pub day: crate::calendar_types::Day,
    pub start: crate::calendar_types::ClockTime,
    pub end: crate::calendar_types::ClockTime,
    pub starts_at: i64,
    pub capacity: i64,
    pub booked: i64,
    pub closed: bool,
    pub close_reason: String,
}

impl Slot {
    /// The slot as the resident's limits see it (`model::may_book`).
    pub fn held(&self) -> crate::booking::model::Held {
        crate::booking::model::Held {
            day: self.day,
            start: self.start.minutes(),
            end: self.end.minutes(),
        }
    }

    pub fn seats_left(&self) -> i64 {
        if self.closed {
            0
        } else {
            (self.capacity - self.booked).max(0)
        }
    }
}

/// A time of day stored as minutes since midnight.
pub(crate) fn clock_column(
    r: &AnyRow,
    column: &str,
) -> Result<crate::calendar_types::ClockTime, sqlx::Error> {
    let min: i64 = r.try_get(column)?;
    u32::try_from(min)
        .ok()
        .and_then(crate::calendar_types::ClockTime::from_minutes)
        .ok_or_else(|| sqlx::Error::Decode(format!("{column}: {min} is not a time of day").into()))
}

pub(crate) fn slot_from(r: &AnyRow) -> Result<Slot, sqlx::Error> {
    Ok(Slot {
        id: r.try_get("id")?,
        center_id: r.try_get("center_id")?,
        day: crate::calendar_types::day_column(r, "day")?,
        start: clock_column(r, "start_min")?,
        end: clock_column(r, "end_min")?,
        starts_at: r.try_get("starts_at")?,
        capacity: r.try_get("capacity")?,
        booked: r.try_get("booked")?,
        closed: crate::db::flag(r, "closed")?,
        close_reason: r.try_get("close_reason")?,
    })
}

pub(crate) const SLOT_COLS: &str =
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

pub(crate) const BOOKING_SELECT: &str = "SELECT b.id AS bid, b.code, b.user_id, b.status, b.item_code, b.center_id AS bcenter, \
     st.name AS center_name, st.address AS center_address, u.display_name, u.phone, \
     s.id, s.center_id, s.day, s.start_min, s.end_min, s.starts_at, s.capacity, s.booked, s.closed, s.close_reason \
     FROM bookings b JOIN booking_slots s ON s.id = b.slot_id JOIN stations st ON st.id = b.center_id \
     JOIN users u ON u.id = b.user_id";

pub(crate) fn booking_from(r: &AnyRow) -> Result<Booking, sqlx::Error> {
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

pub use crate::time::local_ts;
