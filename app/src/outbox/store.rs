//! SQL of the outbox table. Claims are conditional updates whose conditions are
//! re-checked on the row itself, so two processes never hold the same message.

use crate::db::Db;
use sqlx::Row;

/// One message claimed for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub phone: String,
    pub purpose: String,
    pub body: String,
    pub attempts: i64,
    /// The end of this claim's lease: the outcome is recorded only while it still holds
    /// (a process whose lease lapsed and was taken over records nothing).
    pub lease: i64,
}

/// A message that could not be delivered, for the admins' page (the body is not shown:
/// it may hold a sign-in code or a booking code).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Failed {
    pub id: i64,
    pub phone: String,
    pub purpose: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: i64,
    pub failed_at: Option<i64>,
}

/// Queues a text inside the caller's transaction: it is sent only if that commits.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    purpose: &str,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (phone, purpose, body, created_at, next_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(phone)
    .bind(purpose)
    .bind(body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The purposes sent before anything else: a sign-in code is waited for by someone at
/// the screen and expires in minutes, so it never queues behind a backlog of reminders.
pub const URGENT_PURPOSES: &[&str] = &["login_code"];

/// Takes the next due message for this process until `lease_until` (urgent ones first,
/// then the oldest): one at a time, so every message's lease starts when its own send
/// does. `None` when nothing is due.
pub async fn claim_next(
    db: &Db,
    now: i64,
    lease_until: i64,
) -> Result<Option<Claimed>, sqlx::Error> {
    let urgent = URGENT_PURPOSES
        .iter()
        .map(|p| format!("'{p}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                        AND next_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) \
                      ORDER BY CASE WHEN purpose IN ({urgent}) THEN 0 ELSE 1 END, id LIMIT 1) \
           AND sent_at IS NULL AND failed_at IS NULL \
           AND (claimed_until IS NULL OR claimed_until < $2) \
         RETURNING id, phone, purpose, body, attempts, claimed_until"
    );
    let row = sqlx::query(&sql)
        .bind(lease_until)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Claimed {
            id: r.try_get("id")?,
            phone: r.try_get("phone")?,
            purpose: r.try_get("purpose")?,
            body: r.try_get("body")?,
            attempts: r.try_get("attempts")?,
            lease: r.try_get("claimed_until")?,
        })
    })
    .transpose()
}

/// Marks a message sent and erases its body (it may hold a code).
/// False if the claim was no longer this process's.
pub async fn mark_sent(db: &Db, m: &Claimed, now: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE outbox SET sent_at = $1, body = '', claimed_until = NULL, last_error = '' \
         WHERE id = $2 AND claimed_until = $3 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(m.id)
    .bind(m.lease)
    .execute(&db.pool)
    .await?
    .rows_affected();
    // The admins' overview counts these: a write like any other for the caches.
    db.wrote();
    Ok(n == 1)
}

/// Records a failed try: again at `retry_at`, or (`None`) given up on.
pub async fn mark_failed(
    db: &Db,
    m: &Claimed,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(200).collect();
    match retry_at {
        Some(at) => sqlx::query(
            "UPDATE outbox SET next_at = $1, claimed_until = NULL, last_error = $2 \
             WHERE id = $3 AND claimed_until = $4",
        )
        .bind(at)
        .bind(error)
        .bind(m.id)
        .bind(m.lease),
        None => sqlx::query(
            "UPDATE outbox SET failed_at = $1, body = '', claimed_until = NULL, last_error = $2 \
             WHERE id = $3 AND claimed_until = $4",
        )
        .bind(now)
        .bind(error)
        .bind(m.id)
        .bind(m.lease),
    }
    .execute(&db.pool)
    .await?;
    db.wrote();
    Ok(())
}

/// Messages given up on, or still failing, newest first.
pub async fn failures(db: &Db, limit: i64) -> Result<Vec<Failed>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, phone, purpose, attempts, last_error, created_at, failed_at FROM outbox \
         WHERE sent_at IS NULL AND last_error <> '' ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Failed {
                id: r.try_get("id")?,
                phone: r.try_get("phone")?,
                purpose: r.try_get("purpose")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                failed_at: r.try_get("failed_at")?,
            })
        })
        .collect()
}

/// Counts by state: (waiting, sent, failed).
pub async fn counts(db: &Db) -> Result<(i64, i64, i64), sqlx::Error> {
    let r = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting, \
                COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent, \
                COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS failed FROM outbox",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((
        r.try_get("waiting")?,
        r.try_get("sent")?,
        r.try_get("failed")?,
    ))
}

/// Drops sent messages older than `before` (their bodies are already erased).
pub async fn purge_sent(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1")
            .bind(before)
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}
