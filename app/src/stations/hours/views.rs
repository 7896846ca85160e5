//! What the hours editor shows: the preview days and the special ranges. Plain data
//! shared by the server functions and the pages.

use serde::{Deserialize, Serialize};

/// One day of the hours editor's preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewDay {
    /// `MM-DD`.
    pub date: String,
    /// 1–7, Monday first.
    pub weekday: u32,
    /// A public holiday's or make-up workday's name, or the station's special note.
    pub note: Option<String>,
    pub intervals: Vec<String>,
}

/// A special date range as the hours editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialLine {
    pub id: i64,
    pub words: String,
}

/// The hours editor (`/station/:id/hours`, see `stations::api_hours`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursForm {
    pub station_id: i64,
    pub name: String,
    pub community: String,
    pub version: i64,
    /// What the form holds: the proposal being previewed, else the saved hours.
    pub hours: String,
    pub follows_workdays: bool,
    /// Whether `hours` is a proposal (not yet saved).
    pub proposed: bool,
    /// `hours` read as `opening_hours` when written in words (`周一至周五 8:30-17:30`):
    /// what saving stores, shown beside what was written.
    #[serde(default)]
    pub read_as: Option<String>,
    /// Why the proposal cannot be evaluated (then there is no preview).
    pub error: Option<crate::message::Msg>,
    pub preview: Vec<PreviewDay>,
    pub specials: Vec<SpecialLine>,
}

/// The days the hours editor shows ahead.
pub const PREVIEW_DAYS: i64 = 14;
