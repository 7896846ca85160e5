//! What the booking pages show: the confirmation, the choices of the booking page and the
//! staff desk. Plain data shared by the server functions and the pages (and the `.ics`
//! writer), with no I/O.

use crate::booking::model::{Action, Schedule, Status};
use serde::{Deserialize, Serialize};

/// A booking as its pages show it (the store's row plus names and the QR picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    pub code: String,
    pub status: Status,
    pub item_code: String,
    pub item_name: String,
    pub center_id: i64,
    pub center_name: String,
    pub center_address: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub slot_closed: bool,
    pub close_reason: String,
    /// Whether the slot is still ahead.
    pub upcoming: bool,
    /// The resident's steps now (cancel, reschedule): from `booking::model::actions_for`,
    /// the same rule that decides them when posted.
    pub actions: Vec<Action>,
    /// Inline SVG of the QR code carrying the confirmation code.
    pub qr_svg: String,
    /// What to bring: (material, originals, copies, required).
    pub bring: Vec<(String, u32, u32, bool)>,
}

/// One slot as the booking page offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotOption {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub seats_left: i64,
    pub closed: bool,
    pub close_reason: String,
}

/// A centre that takes the item in extended hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CenterOption {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub distance_m: Option<f64>,
}

/// Everything the booking page needs for the choices made so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingChoices {
    pub item_code: String,
    pub item_name: String,
    pub centers: Vec<CenterOption>,
    pub center: Option<CenterOption>,
    /// (day `YYYY-MM-DD`, label `MM-DD 周X`, seats left that day, holiday name)
    pub days: Vec<(String, String, i64, Option<String>)>,
    pub day: Option<String>,
    pub slots: Vec<SlotOption>,
    pub signed_in: bool,
}

/// The staff desk: today's (or a given day's) slots and bookings at the staff member's
/// centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    pub center_id: i64,
    pub center_name: String,
    pub day: String,
    /// Each slot with the bookings in it.
    pub slots: Vec<(SlotOption, Vec<DeskEntry>)>,
    pub schedule: Option<Schedule>,
    pub figures: DeskFigures,
}

/// One booking on the desk list. Staff of the centre see the resident's number: they
/// call when someone does not come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskEntry {
    pub code: String,
    pub item: String,
    pub status: Status,
    /// The desk's steps now (check in, done, no-show), from `booking::model::actions_for`.
    pub actions: Vec<Action>,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeskFigures {
    pub served: i64,
    pub walk_ins: i64,
    pub by_week: Vec<(String, i64)>,
    pub by_item: Vec<(String, i64)>,
}
