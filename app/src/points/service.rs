//! Points as transactions: redeeming a reward for a voucher. Never a negative balance,
//! never beyond stock, whatever the concurrency: the person's row lock orders their own
//! redemptions, and the stock is taken by a conditional update.

use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::points::store;

/// The rewards with their stock, the same for every reader: counted at most once per
/// [`crate::cache::RECENT`] and again after any write this process committed (a
/// redemption takes stock), so a burst of readers of 我的积分 asks once.
pub async fn rewards(
    cache: &crate::cache::RecentCache<(), Vec<crate::points::model::Reward>>,
    db: &Db,
) -> Result<std::sync::Arc<Vec<crate::points::model::Reward>>, AppError> {
    Ok(cache.get((), db.commits(), || store::rewards(db)).await?)
}

/// Redeems a reward; returns the voucher code.
pub async fn redeem(db: &Db, user: i64, reward: i64, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    store::lock_user(&mut tx, user).await?;
    let (cost, stock) = store::reward_terms(&mut tx, reward)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("points.what_reward")))?;
    let balance = store::balance_in(&mut tx, user).await?;
    crate::points::model::check_redeem(balance, cost, stock).map_err(AppError::Conflict)?;
    if !store::take_stock(&mut tx, reward).await? {
        return Err(AppError::Conflict(Msg::new("points.stock_gone")));
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

/// Verifies a voucher at the counter: only the staff of the reward's community, the
/// reward's merchant, or an admin (a reward with no owner: admins only). Anyone else
/// gets the same answer as for a code that does not exist. Once; audited with who.
pub async fn verify_voucher(
    db: &Db,
    user: &crate::accounts::model::CurrentUser,
    code: &str,
    now: i64,
) -> Result<String, AppError> {
    let not_found = || AppError::NotFound(Msg::new("points.what_voucher"));
    let v = store::voucher_owner(db, code)
        .await?
        .ok_or_else(not_found)?;
    let allowed = user.is_admin()
        || v.merchant_id == Some(user.id)
        || (user.role == crate::accounts::model::Role::Staff
            && v.community_id.is_some_and(|c| user.may_act_in(c)));
    if !allowed {
        return Err(not_found());
    }
    if v.used {
        return Err(AppError::Conflict(Msg::new("points.voucher_invalid")));
    }
    if now > v.issued_at + crate::points::model::VOUCHER_DAYS * 86_400 {
        return Err(AppError::Conflict(Msg::new("points.voucher_expired")));
    }
    let mut tx = db.begin_write().await?;
    if !store::use_voucher(&mut tx, v.id, user.id, now).await? {
        return Err(AppError::Conflict(Msg::new("points.voucher_invalid")));
    }
    crate::audit::store::record_step(
        &mut tx,
        crate::audit::model::Actor {
            id: user.id,
            community_id: v.community_id,
        },
        "verify_voucher",
        &format!("voucher:{}", v.id),
        Some(serde_json::json!({ "used": false })),
        Some(serde_json::json!({ "used": true, "reward": v.reward, "merchant": v.merchant_id })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(v.reward)
}
