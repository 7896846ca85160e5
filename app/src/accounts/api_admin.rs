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
fn failed_texts(o: &crate::accounts::admin::Overview) -> Vec<FailedText> {
    o.failures
        .iter()
        .map(|f| FailedText {
            phone: crate::accounts::model::mask_phone(&f.phone),
            purpose: f.purpose.clone(),
            attempts: f.attempts,
            last_error: f.last_error.clone(),
            given_up: f.failed_at.is_some(),
        })
        .collect()
}

/// The newest audit records as the overview lists them.
#[cfg(feature = "ssr")]
fn audit_lines(o: &crate::accounts::admin::Overview) -> Vec<AuditLine> {
    o.audit
        .iter()
        .map(|a| AuditLine {
            at: crate::time::local_of(a.at)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            actor: a.actor_id.map(|i| format!("#{i}")).unwrap_or_default(),
            action: a.action.clone(),
            target: a.target.clone(),
        })
        .collect()
}

#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn admin_overview() -> Result<AdminView, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        crate::accounts::session::require_admin().await?;
        let proposals = crate::catalogue::api::guide_proposals().await?;
        let o = crate::accounts::admin::overview(
            &state.overview_cache,
            &state.db,
            &state.config,
            crate::time::now_ts(),
        )
        .await?;
        let (waiting, sent, failed) = o.outbox;
        let (failures, audit) = (failed_texts(&o), audit_lines(&o));
        let reached = o.budgets_reached.clone();
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
