//! The background jobs every server process runs. Once a minute (`spawn`): the booking
//! reminders (where `LINLI_REMINDERS` is on), the slots ahead (made once a day, the day
//! recorded in `app_meta`), the claims that ran out, and the purge of expired rows. All the
//! time (`spawn_outbox`, started by `serve`): the outbox worker. Reads never write
//! (ARCHITECTURE.md): housekeeping that a page view used to do on the side happens here.
//!
//! Each job is safe to run in every process at once: the database decides who does what (a
//! reminder is claimed by a conditional update, slots are inserted with
//! `ON CONFLICT DO NOTHING`, an expired claim is returned by an update conditioned on its
//! state, a message is leased before it is sent), so N processes do each piece of work exactly
//! once.

use app::state::AppState;
use std::time::Duration;

/// One round of every job, at the current time. Errors are logged; the next round tries
/// again.
pub async fn run_once(state: &AppState) {
    let now = app::time::now_local();
    if state.config.reminders {
        let r = app::booking::reminders::run_once(&state.db, now).await;
        note(state, "reminders", r.as_ref().err());
        state.wake_outbox();
    }
    let r = app::booking::service::ensure_slots_ahead(&state.db, now.date()).await;
    note(state, "slots", r.as_ref().err());
    let r = app::wishes::service::expire_claims(&state.db, app::time::now_ts()).await;
    note(state, "claim_expiry", r.as_ref().err());
    let r = purge(state).await;
    note(state, "purge", r.as_ref().err());
}

/// Logs a job's failure and counts its round for `/metrics`.
fn note(state: &AppState, job: &str, err: Option<&impl std::fmt::Display>) {
    if let Some(e) = err {
        tracing::warn!(error = %e, job, "job failed");
    }
    state.metrics.job(job, err.is_none());
}

/// Housekeeping: expired sessions and codes, old throttle rows and failure records,
/// staged photos never tied to a wish, sent messages older than 30 days.
pub async fn purge(state: &AppState) -> Result<u64, sqlx::Error> {
    let now = app::time::now_ts();
    let n = app::accounts::service::purge_expired(&state.db, now).await?
        + app::outbox::service::purge_sent(&state.db, now - 30 * 86_400).await?;
    if n > 0 {
        tracing::info!(rows = n, "purged expired rows");
    }
    Ok(n)
}

/// The outbox worker: delivers at once when this process queued a message, and every
/// few seconds for what other processes queued or what is due for a retry.
pub fn spawn_outbox(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let r = app::outbox::service::deliver_due(&state.db, state.sms.as_ref()).await;
            note(&state, "outbox", r.as_ref().err());
            let _ =
                tokio::time::timeout(Duration::from_secs(3), state.outbox_wake.notified()).await;
        }
    })
}

/// Runs the jobs once a minute, from now on.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            run_once(&state).await;
        }
    })
}
