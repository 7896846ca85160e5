//! Changes to the holiday calendar by admins: each in one transaction with its audit
//! record and the calendar's version, so every process's "open now" and booking follow
//! at once (`stations::service::StationCache` rebuilds on the new version).

use crate::calendar::model::SpecialDay;
use crate::calendar::store;
use crate::db::Db;

/// Adds or replaces days (one form line or a pasted year).
pub async fn set_days(
    db: &Db,
    actor_id: i64,
    days: &[SpecialDay],
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    store::upsert_in(&mut tx, days).await?;
    crate::audit::store::record_step(
        &mut tx,
        crate::audit::model::Actor {
            id: actor_id,
            community_id: None,
        },
        "set_holidays",
        "calendar",
        None,
        Some(serde_json::json!({ "days": days.len(), "list": days })),
        now,
    )
    .await?;
    tx.commit().await
}

/// Removes a day; false if the calendar had none.
pub async fn remove_day(
    db: &Db,
    actor_id: i64,
    day: chrono::NaiveDate,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if !store::delete_in(&mut tx, day).await? {
        return Ok(false);
    }
    crate::audit::store::record_step(
        &mut tx,
        crate::audit::model::Actor {
            id: actor_id,
            community_id: None,
        },
        "remove_holiday",
        &format!("calendar:{day}"),
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Seeds the shipped statutory calendar into an empty one (public data, there from the
/// first start); false if the calendar already holds days.
pub async fn seed_if_empty(db: &Db, days: &[SpecialDay]) -> Result<bool, sqlx::Error> {
    if store::load(db).await?.days().next().is_some() {
        return Ok(false);
    }
    let mut tx = db.begin_write().await?;
    store::upsert_in(&mut tx, days).await?;
    tx.commit().await?;
    Ok(true)
}
