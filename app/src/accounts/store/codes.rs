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

/// The code budgets (networks, the whole portal) used up in `hour`: each key with its
/// count, for the admins' alarm.
pub async fn budgets_reached(
    db: &Db,
    hour: i64,
    network_max: i64,
    all_max: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT ip, n FROM ip_throttle WHERE hour = $1 \
           AND ((ip LIKE 'net:%' AND n >= $2) OR (ip = 'all' AND n >= $3)) ORDER BY n DESC LIMIT 20",
    )
    .bind(hour)
    .bind(network_max)
    .bind(all_max)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("ip")?, r.try_get("n")?)))
        .collect()
}

/// Claims the right to send `client` a code for this number now; false if one went out
/// to the same requester less than `resend_secs` ago.
pub async fn take_phone_slot(
    db: &Db,
    phone: &str,
    client: &str,
    now: i64,
    resend_secs: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO code_resend (phone, client, last_sent_at) VALUES ($1, $2, $3) \
         ON CONFLICT (phone, client) DO UPDATE SET last_sent_at = excluded.last_sent_at \
         WHERE code_resend.last_sent_at <= $4 RETURNING phone",
    )
    .bind(phone)
    .bind(client)
    .bind(now)
    .bind(now - resend_secs)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Gives the slot back when the message could not be sent, so the resident can retry.
pub async fn release_phone_slot(db: &Db, phone: &str, client: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM code_resend WHERE phone = $1 AND client = $2")
        .bind(phone)
        .bind(client)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Keeps a code for the number, bound to the requester that asked for it.
pub async fn insert_code(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    client: &str,
    hash: &str,
    now: i64,
    expires: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_codes (phone, client, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(phone)
    .bind(client)
    .bind(hash)
    .bind(now)
    .bind(expires)
    .execute(conn)
    .await?;
    Ok(())
}

/// Codes sent to a number since `since`: in all, and to requester `client`.
pub async fn codes_sent_since(
    db: &Db,
    phone: &str,
    client: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0) AS mine \
         FROM login_codes WHERE phone = $1 AND created_at > $3",
    )
    .bind(phone)
    .bind(client)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("mine")?))
}

/// The times of requester `client`'s wrong codes for a number since `since` (newest
/// first, at most 50).
pub async fn failures_since(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    client: &str,
    since: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE phone = $1 AND client = $2 AND at > $3 ORDER BY at DESC LIMIT 50",
    )
    .bind(phone)
    .bind(client)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Records a wrong code for a number by requester `client`.
pub async fn record_failure(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    client: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (phone, client, at) VALUES ($1, $2, $3)")
        .bind(phone)
        .bind(client)
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
        ("DELETE FROM code_resend WHERE last_sent_at < $1", day_ago),
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

/// Spends one try on the latest code requester `client` asked for this number, if it is
/// still live (unused, unexpired,
/// under the try limit). Returns its id, hash and tries so far.
pub async fn spend_attempt(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    client: &str,
    now: i64,
    max_attempts: i64,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE login_codes SET attempts = attempts + 1 \
         WHERE id = (SELECT MAX(id) FROM login_codes WHERE phone = $1 AND client = $2) \
           AND used_at IS NULL AND expires_at > $3 AND attempts < $4 \
         RETURNING id, code_hash, attempts",
    )
    .bind(phone)
    .bind(client)
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
