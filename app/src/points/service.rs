//! Points as transactions: redeeming a reward for a voucher. Never a negative balance,
//! never beyond stock, whatever the concurrency: the person's row lock orders their own
//! redemptions, and the stock is taken by a conditional update.

use crate::db::Db;
use crate::error::AppError;
use crate::points::store;

/// Redeems a reward; returns the voucher code.
pub async fn redeem(db: &Db, user: i64, reward: i64, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    store::lock_user(&mut tx, user).await?;
    let (cost, stock) = store::reward_terms(&mut tx, reward)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::i18n::tr("msg.points_service.m1")))?;
    let balance = store::balance_in(&mut tx, user).await?;
    crate::points::model::check_redeem(balance, cost, stock).map_err(AppError::Conflict)?;
    if !store::take_stock(&mut tx, reward).await? {
        return Err(AppError::Conflict(crate::i18n::tr("msg.points_service.m2")));
    }
    store::credit(
        &mut tx,
        user,
        -cost,
        "积分兑换",
        &format!("reward:{reward}"),
        now,
    )
    .await?;
    for _ in 0..8 {
        let code = store::new_voucher_code();
        if store::insert_voucher(&mut tx, &code, user, reward, now).await? {
            tx.commit().await?;
            return Ok(code);
        }
    }
    Err(AppError::internal("no free voucher code"))
}
