//! SQL for sessions: made at sign-in, looked up on every request (a demo account's only
//! while demo mode is on), ended one by one, for a person or for every demo account.
//! A write here counts for the caches (`Db::wrote`): the session cache forgets at once.

use super::users::{user_from_row, USER_COLUMNS, USER_EXTRAS};
use crate::accounts::model::CurrentUser;
use crate::db::Db;

/// Ends every session of a demo account (demo mode is off); returns how many.
pub async fn end_demo_sessions(db: &Db) -> Result<u64, sqlx::Error> {
    let r =
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE demo = 1)")
            .execute(&db.pool)
            .await?;
    db.wrote();
    Ok(r.rows_affected())
}

pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires)
        .execute(&db.pool)
        .await?;
    db.wrote();
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    db.wrote();
    Ok(())
}

pub async fn delete_user_sessions(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    db.wrote();
    Ok(r.rows_affected())
}

/// The user behind a live session, if any.
/// A demo account's session counts only while demo mode is on (`demo_on`).
pub async fn session_user(
    db: &Db,
    token_hash: &str,
    now: i64,
    demo_on: bool,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id {USER_EXTRAS} \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND (u.demo = 0 OR $3 = 1)"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now)
        .bind(i64::from(demo_on))
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Ends every session of a user, inside the caller's transaction.
pub async fn end_sessions_in(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}
