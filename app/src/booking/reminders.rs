//! Reminders: a text message the evening before each booking (from 18:00), sent once.
//! `run_once` is one round; the server's jobs run it every minute in each process that takes
//! part (`LINLI_REMINDERS`, on by default), and the database decides which process sends which
//! reminder (`store::claim_reminders`), so each booking is reminded exactly once. A cancelled
//! booking is never claimed; a rescheduled one is claimable again for its new day. The texts go
//! out through the outbox, queued in the claim's transaction.

use crate::booking::store;
use crate::db::Db;
use chrono::{Duration, NaiveDateTime, Timelike};

pub const REMINDER_HOUR: u32 = 18;

/// Claims tomorrow's unreminded bookings and queues their texts in the outbox, in one
/// transaction: each booking is reminded exactly once, by whichever process claims it.
/// Returns how many were queued.
pub async fn run_once(db: &Db, now: NaiveDateTime) -> Result<usize, sqlx::Error> {
    if now.hour() < REMINDER_HOUR {
        return Ok(0);
    }
    let tomorrow = (now.date() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let ts = crate::time::now_ts();
    let mut tx = db.begin_write().await?;
    let due = store::claim_reminders(&mut tx, &tomorrow, ts).await?;
    for r in &due {
        let text = crate::i18n::fill(
            &crate::i18n::tr_in(crate::prefs::Locale::ZhCn, "booking.sms_reminder"),
            &[
                ("day".to_string(), r.day.clone()),
                ("start".to_string(), r.start.clone()),
                ("center".to_string(), r.center.clone()),
                ("code".to_string(), r.code.clone()),
            ],
        );
        crate::outbox::store::enqueue(&mut tx, &r.phone, "booking_reminder", &text, ts).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}
