//! Server functions for points: a person's balance, ledger, hours and vouchers; redeeming;
//! and verifying a voucher (staff, or a merchant with a staff account).

use crate::error::AppError;
use crate::points::model::{LedgerLine, Reward};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointsView {
    pub balance: i64,
    /// Volunteer hours recorded at activity check-ins.
    pub hours: i64,
    pub ledger: Vec<LedgerLine>,
    pub rewards: Vec<Reward>,
    pub vouchers: Vec<crate::points::model::VoucherView>,
    /// The viewer verifies vouchers (staff, admins, a reward's merchant): the form is
    /// shown to them only.
    pub may_verify: bool,
}

#[server(prefix = "/api", endpoint = "points/me")]
pub async fn my_points() -> Result<PointsView, AppError> {
    let r = async {
        use crate::points::store;
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let db = &state.db;
        let (balance, merchant) = store::standing(db, user.id).await?;
        Ok(PointsView {
            balance,
            hours: crate::activities::store::hours_of(db, user.id).await?,
            ledger: store::ledger(db, user.id).await?,
            rewards: crate::points::service::rewards(&state.rewards_cache, db)
                .await?
                .as_ref()
                .clone(),
            vouchers: store::vouchers(db, user.id)
                .await?
                .into_iter()
                .map(|(code, reward, used, issued, accepted_by)| {
                    let until = issued + crate::points::model::VOUCHER_DAYS * 86_400;
                    crate::points::model::VoucherView {
                        code,
                        reward,
                        used,
                        accepted_by,
                        valid_until: crate::time::date_of(until),
                        expired: crate::time::now_ts() > until,
                    }
                })
                .collect(),
            may_verify: user.is_staff() || merchant,
        })
    }
    .await;
    crate::reply::read(r, "/points")
}

/// Redeems points for a reward; returns the voucher code.
#[server(prefix = "/api", endpoint = "points/redeem")]
pub async fn redeem(reward_id: i64) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        crate::points::service::redeem(&state.db, user.id, reward_id, crate::time::now_ts()).await
    }
    .await;
    // The new voucher heads the person's list; the address carries no code.
    crate::reply::reply(r, "/points", |_| Some("/points?ok=1#vouchers".to_string()))
}

/// The reward's community staff, its merchant, or an admin verify a voucher, once. Returns the
/// reward's name.
#[server(prefix = "/api", endpoint = "points/verify")]
pub async fn verify_voucher(code: String) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let code = crate::points::model::parse_voucher(&code).map_err(AppError::BadRequest)?;
        crate::points::service::verify_voucher(&state.db, &user, &code, crate::time::now_ts()).await
    }
    .await;
    crate::reply::reply(r, "/points", |_| Some("/points?verified=1".to_string()))
}
