//! The audit trail's services: who may read which part of it ([`filter_for`]: admins any
//! community, staff their own), a page of it with the choices of its filters, and the
//! CSV export, which is itself put on record in the same transaction as it is read.

use crate::audit::model::{AuditFilter, TrailQuery};
use crate::audit::store::{self, AuditRecord, AuditRow};
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;

/// The audit filter a caller may use: admins any; staff their own community only.
pub fn filter_for(
    user: &crate::accounts::model::CurrentUser,
    q: &TrailQuery,
) -> Result<AuditFilter, AppError> {
    use crate::accounts::model::Role;
    let community = match user.role {
        Role::Admin => q.community,
        Role::Staff => user.community_id,
        Role::Resident => return Err(AppError::Forbidden),
    };
    let day = |s: &Option<String>, plus: i64| -> Result<Option<i64>, AppError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => {
                let d = crate::calendar_types::Day::parse(s)
                    .map(crate::calendar_types::Day::date)
                    .ok_or_else(|| AppError::bad(Msg::new("error.date_format")))?;
                let d = d + chrono::Duration::days(plus);
                Ok(Some(crate::time::local_ts(d, 0)))
            }
        }
    };
    let what = q
        .what
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 40)
        .map(str::to_string);
    Ok(AuditFilter {
        actor: q.who,
        action: what,
        community,
        from: day(&q.from, 0)?,
        to: day(&q.to, 1)?,
    })
}

/// A page of the trail (`limit` rows after `offset`) and whether there are more.
pub async fn page(
    db: &Db,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, bool), AppError> {
    let mut rows = store::trail(db, filter, limit + 1, offset).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    Ok((rows, more))
}

/// The actions on record, for the filter's choices.
pub async fn actions(db: &Db) -> Result<Vec<String>, AppError> {
    Ok(store::actions(db).await?)
}

/// Whether `actor` has a recorded `action` on `target` since `since` (a read of private
/// data is shown only once it is on record).
pub async fn recorded_since(
    db: &Db,
    actor: i64,
    action: &str,
    target: &str,
    since: i64,
) -> Result<bool, AppError> {
    Ok(store::recorded_since(db, actor, action, target, since).await?)
}

/// The newest records (of one community, if given), for the admin overview.
pub async fn newest(
    db: &Db,
    community: Option<i64>,
    limit: i64,
) -> Result<Vec<crate::audit::model::AuditEntry>, AppError> {
    Ok(store::entries(db, community, limit).await?)
}

/// The rows of a CSV export (at most `max`), with the export itself on record: one
/// transaction, so no export goes unrecorded.
pub async fn export(
    db: &Db,
    actor_id: i64,
    filter: &AuditFilter,
    max: i64,
    now: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let rows = store::trail(db, filter, max, 0).await?;
    let mut tx = db.begin_write().await?;
    store::record(
        &mut *tx,
        AuditRecord {
            actor_id: Some(actor_id),
            action: "export_audit",
            target: "audit_log",
            community_id: filter.community,
            before: None,
            after: Some(&serde_json::json!({ "rows": rows.len() })),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}
