//! SQL for the points ledger, rewards and vouchers: the only place these tables are
//! queried. The ledger is append-only (database triggers refuse UPDATE and DELETE); a
//! redemption takes the user's row first (so one person's redemptions queue), checks the
//! ledger's sum, then takes stock with `stock = stock - 1 WHERE stock > 0`.

use crate::db::Db;
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

/// Credits in bulk: (user, delta, reason, reference, when), in multi-row statements.
pub async fn credit_many(
    conn: &mut sqlx::AnyConnection,
    rows: &[(i64, i64, &str, String, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::large_bulk_rows(5)) {
        let sql = format!(
            "INSERT INTO points_ledger (user_id, delta, reason, ref, created_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for (user, delta, reason, reference, at) in chunk {
            q = q
                .bind(*user)
                .bind(*delta)
                .bind(*reason)
                .bind(reference.as_str())
                .bind(*at);
        }
        q.execute(&mut *conn).await?;
    }
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

/// A person's balance and whether they are a merchant of some reward (who may verify
/// vouchers), in one query: the points page asked twice.
pub async fn standing(db: &Db, user: i64) -> Result<(i64, bool), sqlx::Error> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE((SELECT SUM(delta) FROM points_ledger WHERE user_id = $1), 0) AS BIGINT) AS balance, \
                CASE WHEN EXISTS (SELECT 1 FROM rewards WHERE merchant_id = $1) THEN 1 ELSE 0 END AS merchant",
    )
    .bind(user)
    .fetch_one(&db.pool)
    .await?;
    let merchant: i32 = row.try_get("merchant")?;
    Ok((row.try_get("balance")?, merchant == 1))
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
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.category, r.cost, r.stock, \
                COALESCE(c.name, m.display_name, '') AS accepted_by \
         FROM rewards r LEFT JOIN communities c ON c.id = r.community_id \
         LEFT JOIN users m ON m.id = r.merchant_id ORDER BY r.cost, r.id",
    )
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
                accepted_by: r.try_get("accepted_by")?,
            })
        })
        .collect()
}

/// Takes the person's points lock (their own row), so that one person's redemptions run
/// one at a time.
pub async fn lock_user(conn: &mut sqlx::AnyConnection, user: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET points_seq = points_seq + 1 WHERE id = $1")
        .bind(user)
        .execute(conn)
        .await?;
    Ok(())
}

/// A reward's cost and stock.
pub async fn reward_terms(
    conn: &mut sqlx::AnyConnection,
    reward: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT cost, stock FROM rewards WHERE id = $1")
        .bind(reward)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get("cost")?, r.try_get("stock")?)))
        .transpose()
}

/// A balance inside a transaction (after the person's lock).
pub async fn balance_in(conn: &mut sqlx::AnyConnection, user: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(BALANCE_SQL)
        .bind(user)
        .fetch_one(conn)
        .await
}

/// Takes one of a reward's stock; false if none is left.
pub async fn take_stock(conn: &mut sqlx::AnyConnection, reward: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = $1 AND stock > 0")
        .bind(reward)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A fresh random voucher code.
pub fn new_voucher_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let alphabet = crate::booking::model::CODE_ALPHABET;
    (0..VOUCHER_LEN)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// Issues a voucher under `code`; false if the code is taken (draw again).
pub async fn insert_voucher(
    conn: &mut sqlx::AnyConnection,
    code: &str,
    user: i64,
    reward: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let ok = sqlx::query(
        "INSERT INTO vouchers (code, user_id, reward_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id",
    )
    .bind(code)
    .bind(user)
    .bind(reward)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(ok.is_some())
}

/// Verifies a voucher once: the reward's name the first time, `None` ever after.
/// A voucher and who may verify it: (voucher id, reward name, the reward's community,
/// its merchant's account, used).
pub struct VoucherOwner {
    pub id: i64,
    pub reward: String,
    pub community_id: Option<i64>,
    pub merchant_id: Option<i64>,
    pub used: bool,
    pub issued_at: i64,
}

pub async fn voucher_owner(db: &Db, code: &str) -> Result<Option<VoucherOwner>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT v.id, r.name, r.community_id, r.merchant_id, v.used_at, v.created_at FROM vouchers v \
         JOIN rewards r ON r.id = v.reward_id WHERE v.code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(VoucherOwner {
            id: r.try_get("id")?,
            reward: r.try_get("name")?,
            community_id: r.try_get("community_id")?,
            merchant_id: r.try_get("merchant_id")?,
            used: r.try_get::<Option<i64>, _>("used_at")?.is_some(),
            issued_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// Marks a voucher used by `by`, once: false if it was used first.
pub async fn use_voucher(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE vouchers SET used_at = $1, verified_by = $2 WHERE id = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives a reward to a community (its staff verify its vouchers) or to a merchant's
/// account.
pub async fn set_reward_owner(
    conn: &mut sqlx::AnyConnection,
    reward: i64,
    community_id: Option<i64>,
    merchant_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rewards SET community_id = $1, merchant_id = $2 WHERE id = $3")
        .bind(community_id)
        .bind(merchant_id)
        .bind(reward)
        .execute(conn)
        .await?;
    Ok(())
}

/// The vouchers a person holds, newest first: (code, reward, used, issued at, who
/// accepts it).
pub async fn vouchers(
    db: &Db,
    user: i64,
) -> Result<Vec<(String, String, bool, i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.code, r.name, v.used_at, v.created_at, COALESCE(c.name, m.display_name, '') AS accepted_by \
         FROM vouchers v JOIN rewards r ON r.id = v.reward_id \
         LEFT JOIN communities c ON c.id = r.community_id LEFT JOIN users m ON m.id = r.merchant_id \
         WHERE v.user_id = $1 ORDER BY v.id DESC LIMIT 20",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let used: Option<i64> = r.try_get("used_at")?;
            Ok((
                r.try_get("code")?,
                r.try_get("name")?,
                used.is_some(),
                r.try_get("created_at")?,
                r.try_get("accepted_by")?,
            ))
        })
        .collect()
}

/// Adds a reward (name, category, cost in points, stock), inside the caller's
/// transaction; returns its id.
pub async fn insert_reward(
    conn: &mut sqlx::AnyConnection,
    name: &str,
    category: &str,
    cost: i64,
    stock: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO rewards (name, category, cost, stock) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(category)
    .bind(cost)
    .bind(stock)
    .fetch_one(conn)
    .await
}
