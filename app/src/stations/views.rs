//! What the import pages show: an uploaded file's check (every problem with its row,
//! column and reason) and what applying it does. Plain data shared by the server
//! functions and the pages.

use serde::{Deserialize, Serialize};

/// Something wrong with one cell of an imported file (or the whole row: `column`
/// empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    /// Why, as a message (rendered in the reader's language by the page).
    pub reason: crate::message::Msg,
}

/// What applying an import did (or would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_streets: usize,
    pub new_communities: usize,
}

/// An uploaded file, checked: what it holds, what is wrong, what applying would do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    /// The encoding the text was read in and the coordinates' datum, as codes.
    pub encoding: String,
    pub datum: String,
    pub uploaded_at: String,
    /// The file as a whole could not be read (a missing column, a broken row).
    pub error: Option<crate::message::Msg>,
    /// Rows that passed every check.
    pub rows_ok: usize,
    pub problems: Vec<Problem>,
    pub more_problems: usize,
    /// Rows that would give a community a second 党群服务中心: (row, community).
    pub clashes: Vec<(usize, String)>,
    pub counts: ImportCounts,
    /// When it was applied (`YYYY-MM-DD HH:MM`), and what that did.
    pub applied_at: Option<String>,
    pub result: Option<ImportCounts>,
}

impl ImportReport {
    /// Whether the file may be applied: read, every row good, not yet applied.
    pub fn may_apply(&self) -> bool {
        self.error.is_none()
            && self.problems.is_empty()
            && self.more_problems == 0
            && self.clashes.is_empty()
            && self.rows_ok > 0
            && self.applied_at.is_none()
    }
}

/// One line of the list of recent uploads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportLine {
    pub id: i64,
    pub file_name: String,
    pub uploaded_at: String,
    pub applied_at: Option<String>,
}

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
