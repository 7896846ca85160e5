//! The admins' overview: guide proposals waiting, the outbox (counts and what failed,
//! numbers masked, bodies never shown), and the newest audit records.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One audit record as the admins' page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub proposals: Vec<crate::catalogue::model::ProposalView>,
    pub outbox_waiting: i64,
    pub outbox_sent: i64,
    pub outbox_failed: i64,
    pub outbox_failures: Vec<FailedText>,
    /// Sign-in code budgets used up this hour (`net:…/24`, `net:…/48`, `all`) with their
    /// counts: an alarm, shown at the top of the overview.
    pub code_budgets_reached: Vec<(String, i64)>,
    pub audit: Vec<AuditLine>,
}

/// A text that could not be delivered (number masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedText {
    pub phone: String,
    pub purpose: String,
    pub attempts: i64,
    pub last_error: String,
    pub given_up: bool,
}

/// The texts that could not be delivered, newest first, numbers masked.
#[cfg(feature = "ssr")]
async fn failed_texts(db: &crate::db::Db) -> Result<Vec<FailedText>, AppError> {
    Ok(crate::outbox::store::failures(db, 50)
        .await?
        .into_iter()
        .map(|f| FailedText {
            phone: crate::accounts::model::mask_phone(&f.phone),
            purpose: f.purpose,
            attempts: f.attempts,
            last_error: f.last_error,
            given_up: f.failed_at.is_some(),
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn admin_overview() -> Result<AdminView, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        crate::accounts::session::require_admin().await?;
        let proposals = crate::catalogue::api::guide_proposals().await?;
        let (waiting, sent, failed) = crate::outbox::store::counts(&state.db).await?;
        let failures = failed_texts(&state.db).await?;
        let reached = crate::accounts::store::budgets_reached(
            &state.db,
            crate::time::now_ts() / 3600,
            state.config.codes_per_network_hour,
            state.config.codes_per_hour,
        )
        .await?;
        let audit = crate::audit::service::newest(&state.db, None, 100)
            .await?
            .into_iter()
            .map(|a| AuditLine {
                at: crate::time::local_of(a.at)
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                actor: a.actor_id.map(|i| format!("#{i}")).unwrap_or_default(),
                action: a.action,
                target: a.target,
            })
            .collect();
        Ok(AdminView {
            proposals,
            outbox_waiting: waiting,
            outbox_sent: sent,
            outbox_failed: failed,
            outbox_failures: failures,
            code_budgets_reached: reached,
            audit,
        })
    }
    .await;
    crate::reply::read(r, "/admin")
}
