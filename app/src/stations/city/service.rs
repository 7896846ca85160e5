//! Setting the city: checked, audited with before and after, seen by every process on its
//! next request.

use crate::db::Db;
use crate::stations::city::store;
use crate::stations::model::City;

/// Sets the city's name, centre and bounds (the set-up form and `linli city set`),
/// audited with before and after; every process sees it on its next request. `actor`
/// is `None` from the shell.
pub async fn set_city(
    db: &Db,
    actor: Option<crate::audit::model::Actor>,
    city: &City,
    now: i64,
) -> Result<(), sqlx::Error> {
    let before = store::city(db).await?;
    let mut tx = db.begin_write().await?;
    store::set_city(&mut tx, city, now).await?;
    crate::audit::store::record(
        &mut *tx,
        crate::audit::store::AuditRecord {
            actor_id: actor.map(|a| a.id),
            action: "set_city",
            target: "city",
            community_id: None,
            before: before.map(|b| serde_json::json!(b)).as_ref(),
            after: Some(&serde_json::json!(city)),
            at: now,
        },
    )
    .await?;
    tx.commit().await
}
