//! SQL for notices (我的 → 消息): written in the transaction of what they tell of, as a
//! message key and arguments; read newest first.

use crate::accounts::model::Notice;
use crate::db::Db;
use sqlx::Row;

/// Leaves a notice for a user (shown under 我的), inside the caller's transaction so that
/// it is written exactly when what it tells of is. Stored as key and arguments.
pub async fn notify(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    notice: &Notice,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notices (user_id, text, msg_key, msg_args, created_at) VALUES ($1, '', $2, $3, $4)",
    )
    .bind(user)
    .bind(&notice.key)
    .bind(notice.args_json())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's newest notices: (the notice, or the text of one written before notices
/// had keys; when).
pub async fn notices(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(Result<Notice, String>, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT text, msg_key, msg_args, created_at FROM notices WHERE user_id = $1 ORDER BY id DESC LIMIT 20",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let key: String = r.try_get("msg_key")?;
            let notice = if key.is_empty() {
                Err(r.try_get("text")?)
            } else {
                Ok(Notice::from_stored(
                    &key,
                    &r.try_get::<String, _>("msg_args")?,
                ))
            };
            Ok((notice, r.try_get("created_at")?))
        })
        .collect()
}
