//! The dashboard's figures for a date range, as the page, its charts and the CSV
//! downloads (`server::http::office`) read them: one place they are asked for, so the
//! page and its downloads can never count differently.

use crate::dashboard::model::Figures;
use crate::dashboard::store::{self, Range};
use crate::db::Db;

/// Everything the dashboard counts for `range` (one community, or the city): fifteen
/// counts over whole tables, so counted at most once per [`crate::cache::RECENT`] for
/// the same range (and again after any write of this process).
pub async fn figures(
    cache: &crate::cache::RecentCache<String, Figures>,
    db: &Db,
    range: &Range,
) -> Result<Figures, sqlx::Error> {
    let f = cache
        .get(key(range), db.commits(), || store::figures(db, range))
        .await?;
    Ok((*f).clone())
}

/// What identifies a range's figures in the caches.
pub fn key(range: &Range) -> String {
    format!(
        "{}|{}|{:?}|{}|{}",
        range.from_ts, range.to_ts, range.community, range.verified_since, range.messages
    )
}
