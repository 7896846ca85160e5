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
    /// (code, reward, used)
    pub vouchers: Vec<(String, String, bool)>,
}

#[server(prefix = "/api", endpoint = "points/me")]
pub async fn my_points() -> Result<PointsView, AppError> {
    let r = async {
        use crate::points::store;
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let db = &state.db;
        Ok(PointsView {
            balance: store::balance(db, user.id).await?,
            hours: crate::activities::store::hours_of(db, user.id).await?,
            ledger: store::ledger(db, user.id).await?,
            rewards: store::rewards(db).await?,
            vouchers: store::vouchers(db, user.id).await?,
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
    crate::reply::reply(r, "/points", |c| Some(format!("/points?voucher={c}")))
}

/// Staff (or a merchant with a staff account) verify a voucher, once. Returns the
/// reward's name.
#[server(prefix = "/api", endpoint = "points/verify")]
pub async fn verify_voucher(code: String) -> Result<String, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        if user.role == crate::accounts::model::Role::Resident {
            return Err(AppError::Forbidden);
        }
        let code = crate::points::model::parse_voucher(&code).map_err(AppError::BadRequest)?;
        crate::points::store::use_voucher(&state.db, &code, crate::time::now_ts())
            .await?
            .ok_or_else(|| AppError::Conflict(crate::i18n::tr("msg.points_api.m1")))
    }
    .await;
    crate::reply::reply(r, "/points", |name| {
        Some(format!(
            "/points?verified={}",
            crate::util::url_encode(name)
        ))
    })
}
