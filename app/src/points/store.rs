//! SQL for the points ledger, rewards and vouchers: the only place these tables are
//! queried. The ledger is append-only (database triggers refuse UPDATE and DELETE); a
//! redemption takes the user's row first (so one person's redemptions queue), checks the
//! ledger's sum, then takes stock with `stock = stock - 1 WHERE stock > 0`.

use crate::db::Db;
use crate::error::AppError;
use crate::points::model::{LedgerLine, Reward, VOUCHER_LEN};
use rand::Rng;
use sqlx::Row;

/// One line of the points ledger: the only way points are given or spent. Runs inside
/// the caller's transaction, so the points and what earned them commit together.
pub async fn credit(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    delta: i64,
    reason: &str,
    reference: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO points_ledger (user_id, delta, reason, ref, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user)
        .bind(delta)
        .bind(reason)
        .bind(reference)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

const BALANCE_SQL: &str =
    "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger WHERE user_id = $1";

pub async fn balance(db: &Db, user: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(BALANCE_SQL)
        .bind(user)
        .fetch_one(&db.pool)
        .await
}

/// The newest 50 lines of a person's ledger.
pub async fn ledger(db: &Db, user: i64) -> Result<Vec<LedgerLine>, sqlx::Error> {
    let rows = sqlx::query("SELECT delta, reason, created_at FROM points_ledger WHERE user_id = $1 ORDER BY id DESC LIMIT 50")
        .bind(user)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LedgerLine {
                delta: r.try_get("delta")?,
                reason: r.try_get("reason")?,
                date: crate::time::date_of(r.try_get("created_at")?),
            })
        })
        .collect()
}

pub async fn rewards(db: &Db) -> Result<Vec<Reward>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, category, cost, stock FROM rewards ORDER BY cost, id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Reward {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                category: r.try_get("category")?,
                cost: r.try_get("cost")?,
                stock: r.try_get("stock")?,
            })
        })
        .collect()
}

/// Redeems a reward: never a negative balance, never beyond stock, whatever the
/// concurrency. Returns the voucher code.
pub async fn redeem(db: &Db, user: i64, reward: i64, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    // The user's row lock: this person's redemptions run one at a time.
    sqlx::query("UPDATE users SET points_seq = points_seq + 1 WHERE id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query("SELECT cost, stock FROM rewards WHERE id = $1")
        .bind(reward)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("该兑换项目".into()))?;
    let (cost, stock): (i64, i64) = (row.try_get("cost")?, row.try_get("stock")?);
    let balance: i64 = sqlx::query_scalar(BALANCE_SQL)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    crate::points::model::check_redeem(balance, cost, stock).map_err(AppError::Conflict)?;
    let r = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = $1 AND stock > 0")
        .bind(reward)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::Conflict("该项目已兑完".into()));
    }
    credit(
        &mut tx,
        user,
        -cost,
        "积分兑换",
        &format!("reward:{reward}"),
        now,
    )
    .await?;
    let mut rng = rand::rngs::OsRng;
    let alphabet = crate::booking::model::CODE_ALPHABET;
    for _ in 0..8 {
        let code: String = (0..VOUCHER_LEN)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
            .collect();
        let ok = sqlx::query(
            "INSERT INTO vouchers (code, user_id, reward_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id",
        )
        .bind(&code)
        .bind(user)
        .bind(reward)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if ok.is_some() {
            tx.commit().await?;
            return Ok(code);
        }
    }
    Err(AppError::internal("no free voucher code"))
}

/// Verifies a voucher once: the reward's name the first time, `None` ever after.
pub async fn use_voucher(db: &Db, code: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE vouchers SET used_at = $1 WHERE code = $2 AND used_at IS NULL \
         RETURNING (SELECT name FROM rewards r WHERE r.id = vouchers.reward_id)",
    )
    .bind(now)
    .bind(code)
    .fetch_optional(&db.pool)
    .await
}

/// The vouchers a person holds, newest first: (code, reward, used).
pub async fn vouchers(db: &Db, user: i64) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.code, r.name, v.used_at FROM vouchers v JOIN rewards r ON r.id = v.reward_id \
         WHERE v.user_id = $1 ORDER BY v.id DESC LIMIT 20",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let used: Option<i64> = r.try_get("used_at")?;
            Ok((r.try_get("code")?, r.try_get("name")?, used.is_some()))
        })
        .collect()
}

/// Adds a reward (name, category, cost in points, stock), inside the caller's
/// transaction.
pub async fn insert_reward(
    conn: &mut sqlx::AnyConnection,
    name: &str,
    category: &str,
    cost: i64,
    stock: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO rewards (name, category, cost, stock) VALUES ($1, $2, $3, $4)")
        .bind(name)
        .bind(category)
        .bind(cost)
        .bind(stock)
        .execute(conn)
        .await?;
    Ok(())
}
