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

/// A cell of hours written in words and what the import reads it as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursConversion {
    pub row: usize,
    /// As the file wrote it.
    pub written: String,
    /// As `opening_hours`, what applying stores.
    pub osm: String,
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
    /// Hours written in words and what they are read as (see [`HoursConversion`]).
    #[serde(default)]
    pub conversions: Vec<HoursConversion>,
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
