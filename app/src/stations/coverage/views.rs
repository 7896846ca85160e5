//! The life-circle coverage as the back office shows it (see `stations::coverage::service::service`).

use serde::{Deserialize, Serialize};

/// The life-circle coverage as the back office shows it (see `stations::coverage`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoverageView {
    pub communities: usize,
    /// The Monday of the week whose hours are evaluated (`YYYY-MM-DD`).
    pub week_of: String,
    /// `(kind code, communities with one within 10 minutes)`.
    pub by_kind: Vec<(String, usize)>,
    /// `(amenity code, communities with one within 10 minutes)`.
    pub by_amenity: Vec<(String, usize)>,
    /// `[weekday 0–6][hour 0–23]`: communities with a station of the chosen kind open at
    /// half past the hour within 10 minutes.
    pub open_hours: Vec<Vec<usize>>,
    /// The kind the hours are about.
    pub kind: String,
    pub gaps: Vec<CoverageGap>,
    pub center: (f64, f64),
}

/// A community with some kind of station farther than 10 minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageGap {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub lat: f64,
    pub lng: f64,
    /// `(kind code, metres to the nearest, or None when the city has none)`.
    pub missing: Vec<(String, Option<f64>)>,
}

impl CoverageView {
    pub fn percent(&self, n: usize) -> u32 {
        if self.communities == 0 {
            0
        } else {
            ((n as f64) * 100.0 / self.communities as f64).round() as u32
        }
    }
}
