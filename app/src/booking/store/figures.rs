//! The desk's figures.

use crate::db::Db;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

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
        if let Some(d) =
            crate::calendar_types::Day::parse(&day).map(crate::calendar_types::Day::date)
        {
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
