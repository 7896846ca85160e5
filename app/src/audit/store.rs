//! SQL for the audit trail: the only place `audit_log` is written or read. A record is
//! written in the caller's transaction (the action and its record stand or fall
//! together); services call [`record`] or [`record_step`], nothing else does (the layer
//! check, `scripts/layers.py`, fails on a write anywhere else).

use crate::audit::model::{Actor, AuditEntry, AuditFilter};
use crate::db::Db;
use sqlx::{Any, Executor, Row};

/// One audit record: who did what to which, when, with the state before and after.
pub struct AuditRecord<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target: &'a str,
    pub community_id: Option<i64>,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub at: i64,
}

/// Writes an audit record in the caller's transaction, so that the action and its
/// record stand or fall together.
pub async fn record<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    r: AuditRecord<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, action, target, community_id, before_json, after_json, at, actor_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT display_name FROM users WHERE id = $1))",
    )
    .bind(r.actor_id)
    .bind(r.action)
    .bind(r.target)
    .bind(r.community_id)
    .bind(r.before.map(|v| v.to_string()))
    .bind(r.after.map(|v| v.to_string()))
    .bind(r.at)
    .execute(ex)
    .await?;
    Ok(())
}

/// [`record`] in one call: `actor` did `action` to `target`, with the state before and
/// after, in the caller's transaction.
pub async fn record_step(
    conn: &mut sqlx::AnyConnection,
    actor: Actor,
    action: &str,
    target: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    at: i64,
) -> Result<(), sqlx::Error> {
    record(
        conn,
        AuditRecord {
            actor_id: Some(actor.id),
            action,
            target,
            community_id: actor.community_id,
            before: before.as_ref(),
            after: after.as_ref(),
            at,
        },
    )
    .await
}

/// Whether `actor` has a recorded `action` on `target` since `since` (a read of private
/// data is shown only once it is on record).
pub async fn recorded_since(
    db: &Db,
    actor: i64,
    action: &str,
    target: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND action = $2 AND target = $3 AND at > $4",
    )
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// An audit record with the names of its actor and community.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor_name: Option<String>,
    pub actor_phone: Option<String>,
    pub community: Option<String>,
}

/// The audit trail, newest first, narrowed by `f`: `limit` rows after `offset`.
pub async fn trail(
    db: &Db,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.actor_id, a.action, a.target, a.community_id, a.before_json, a.after_json, a.at, \
                COALESCE(a.actor_name, u.display_name) AS actor_name, u.phone AS actor_phone, c.name AS community \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         LEFT JOIN communities c ON c.id = a.community_id \
         WHERE ($1 IS NULL OR a.actor_id = $1) AND ($2 IS NULL OR a.action = $2) \
           AND ($3 IS NULL OR a.community_id = $3) AND ($4 IS NULL OR a.at >= $4) \
           AND ($5 IS NULL OR a.at < $5) \
         ORDER BY a.id DESC LIMIT $6 OFFSET $7",
    )
    .bind(f.actor)
    .bind(f.action.as_deref())
    .bind(f.community)
    .bind(f.from)
    .bind(f.to)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                entry: entry_from(r)?,
                actor_name: r.try_get("actor_name")?,
                actor_phone: r.try_get("actor_phone")?,
                community: r.try_get("community")?,
            })
        })
        .collect()
}

/// The actions on record (for the filter's choices).
pub async fn actions(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(&db.pool)
        .await
}

/// The newest records (of one community, if given).
pub async fn entries(
    db: &Db,
    community_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, actor_id, action, target, community_id, before_json, after_json, at FROM audit_log \
         WHERE ($1 IS NULL OR community_id = $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(community_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(entry_from).collect()
}

/// One record from a row of `audit_log`'s columns.
fn entry_from(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        actor_id: r.try_get("actor_id")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        community_id: r.try_get("community_id")?,
        before: r.try_get("before_json")?,
        after: r.try_get("after_json")?,
        at: r.try_get("at")?,
    })
}
