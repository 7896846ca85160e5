//! Delivery of the outbox: claim what is due, send each, record the outcome. Run by
//! every server process (woken at once by its own writes, and every few seconds for the
//! others'); the lease decides which process sends which message.

use crate::accounts::sms::{Sms, SmsSender};
use crate::db::Db;
use crate::outbox::store;

/// Tries per message before it is given up on and shown to admins as failed.
pub const MAX_ATTEMPTS: i64 = 6;
/// How long a claim holds: longer than the sender's own timeout and retries.
pub const LEASE_SECS: i64 = 120;

/// Seconds before try `attempts + 1`: 30 s, 1, 2, 4, 8 minutes.
pub fn backoff_secs(attempts: i64) -> i64 {
    30 * (1_i64 << attempts.clamp(1, 5).saturating_sub(1))
}

/// Delivers what is due; returns how many were sent.
pub async fn deliver_due(db: &Db, sender: &dyn SmsSender) -> Result<usize, sqlx::Error> {
    deliver_due_with(db, sender, LEASE_SECS).await
}

/// [`deliver_due`] with a lease of `lease_secs`. One message per claim, each claimed at
/// the clock's own now: a slow gateway delays the rest of the queue, never lets a lease
/// lapse under a message still being sent (each send is bounded by the sender's timeout,
/// well under the lease), and a sign-in code queued meanwhile is the next one taken.
pub async fn deliver_due_with(
    db: &Db,
    sender: &dyn SmsSender,
    lease_secs: i64,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let now = crate::time::now_ts();
        let Some(m) = store::claim_next(db, now, now + lease_secs).await? else {
            return Ok(sent);
        };
        let result = sender
            .send(Sms {
                phone: &m.phone,
                purpose: &m.purpose,
                text: &m.body,
            })
            .await;
        let at = crate::time::now_ts();
        match result {
            Ok(()) => {
                if store::mark_sent(db, &m, at).await? {
                    sent += 1;
                } else {
                    tracing::warn!(id = m.id, "text sent after its lease lapsed");
                }
            }
            Err(e) => {
                let retry = (m.attempts < MAX_ATTEMPTS).then(|| at + backoff_secs(m.attempts));
                tracing::warn!(id = m.id, purpose = %m.purpose, attempts = m.attempts, error = %e, "text not sent");
                store::mark_failed(db, &m, &e.to_string(), retry, at).await?;
            }
        }
    }
}

/// Housekeeping: texts sent before `before` are deleted (numbers are not kept longer
/// than needed). Returns rows removed.
pub async fn purge_sent(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    store::purge_sent(db, before).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(5), 480);
        assert_eq!(backoff_secs(50), 480);
        assert_eq!(backoff_secs(0), 30);
    }
}
