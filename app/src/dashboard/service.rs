//! The dashboard's figures for a date range, as the page, its charts and the CSV
//! downloads (`server::http::office`) read them: one place they are asked for, so the
//! page and its downloads can never count differently.

use crate::dashboard::model::Figures;
use crate::dashboard::store::{self, Range};
use crate::db::Db;

/// Everything the dashboard counts for `range` (one community, or the city).
pub async fn figures(db: &Db, range: &Range) -> Result<Figures, sqlx::Error> {
    store::figures(db, range).await
}
