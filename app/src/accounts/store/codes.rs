//! SQL for sign-in codes and their limits: the per-address hourly quota, the per-number
//! resend slot, the codes themselves with their tries, and the failure records behind the
//! lock. Every limit is one conditional statement, so that concurrent requests on any
//! number of server processes cannot slip past it.

use crate::db::Db;
use sqlx::Row;

/// Counts one code request for this IP in this hour; false when the hour's quota is used.
pub async fn take_ip_quota(db: &Db, ip: &str, hour: i64, max: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO ip_throttle (ip, hour, n) VALUES ($1, $2, 1) \
         ON CONFLICT (ip, hour) DO UPDATE SET n = ip_throttle.n + 1 WHERE ip_throttle.n < $3 \
         RETURNING n",
    )
    .bind(ip)
    .bind(hour)
    .bind(max)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Claims the right to send a code to this number now; false if one went out less than
/// `resend_secs` ago.
pub async fn take_phone_slot(
    db: &Db,
    phone: &str,
    now: i64,
    resend_secs: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO code_throttle (phone, last_sent_at) VALUES ($1, $2) \
         ON CONFLICT (phone) DO UPDATE SET last_sent_at = excluded.last_sent_at \
         WHERE code_throttle.last_sent_at <= $3 RETURNING phone",
    )
    .bind(phone)
    .bind(now)
    .bind(now - resend_secs)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Gives the slot back when the message could not be sent, so the resident can retry.
pub async fn release_phone_slot(db: &Db, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM code_throttle WHERE phone = $1")
        .bind(phone)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_code(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    hash: &str,
    now: i64,
    expires: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(phone)
    .bind(hash)
    .bind(now)
    .bind(expires)
    .execute(conn)
    .await?;
    Ok(())
}

/// Codes sent to a number since `since`.
pub async fn codes_sent_since(db: &Db, phone: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_codes WHERE phone = $1 AND created_at > $2")
        .bind(phone)
        .bind(since)
        .fetch_one(&db.pool)
        .await
}

/// The times of a number's wrong codes since `since` (newest first, at most 50).
pub async fn failures_since(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    since: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE phone = $1 AND at > $2 ORDER BY at DESC LIMIT 50",
    )
    .bind(phone)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Records a wrong code for a number.
pub async fn record_failure(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (phone, at) VALUES ($1, $2)")
        .bind(phone)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Housekeeping (run by the jobs): expired sessions and codes, old throttle rows and
/// failure records, photos staged but never tied to a wish. Returns rows removed.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let day_ago = now - 86_400;
    let mut n = 0;
    for (sql, at) in [
        ("DELETE FROM sessions WHERE expires_at < $1", now),
        ("DELETE FROM login_codes WHERE expires_at < $1", day_ago),
        ("DELETE FROM code_throttle WHERE last_sent_at < $1", day_ago),
        ("DELETE FROM ip_throttle WHERE hour < $1", day_ago / 3600),
        ("DELETE FROM login_failures WHERE at < $1", day_ago),
        (
            "DELETE FROM photos WHERE wish_id IS NULL AND created_at < $1",
            now - 3600,
        ),
    ] {
        n += sqlx::query(sql)
            .bind(at)
            .execute(&db.pool)
            .await?
            .rows_affected();
    }
    Ok(n)
}

/// Spends one try on the number's latest code, if it is still live (unused, unexpired,
/// under the try limit). Returns its id, hash and tries so far.
pub async fn spend_attempt(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    now: i64,
    max_attempts: i64,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE login_codes SET attempts = attempts + 1 \
         WHERE id = (SELECT MAX(id) FROM login_codes WHERE phone = $1) \
           AND used_at IS NULL AND expires_at > $2 AND attempts < $3 \
         RETURNING id, code_hash, attempts",
    )
    .bind(phone)
    .bind(now)
    .bind(max_attempts)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("code_hash")?,
            r.try_get("attempts")?,
        ))
    })
    .transpose()
}

/// Marks a code used; false if a concurrent request used it first.
pub async fn consume_code(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE login_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
