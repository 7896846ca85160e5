//! Reminders: a text message the evening before each booking, sent once. Every server
//! process runs this loop; the database decides which process sends which reminder
//! (`store::claim_reminders`), so each booking is reminded exactly once. A cancelled
//! booking is never claimed; a rescheduled one is claimable again for its new day.

use crate::accounts::sms::{Sms, SmsSender};
use crate::booking::store;
use crate::db::Db;
use chrono::{Duration, NaiveDateTime, Timelike};

/// From this hour (Asia/Shanghai) the next day's bookings are reminded.
pub const REMINDER_HOUR: u32 = 18;

/// Claims and sends the reminders due at local time `now`. Returns how many were sent.
pub async fn run_once(
    db: &Db,
    sms: &dyn SmsSender,
    now: NaiveDateTime,
) -> Result<usize, sqlx::Error> {
    if now.hour() < REMINDER_HOUR {
        return Ok(0);
    }
    let tomorrow = (now.date() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let due = store::claim_reminders(db, &tomorrow, crate::time::now_ts()).await?;
    let mut sent = 0;
    for r in &due {
        let text = format!(
            "【邻里】提醒：您已预约明天（{}）{} 在{}办理延时服务，预约码 {}。如不能前往，请在“我的”中取消。",
            r.day, r.start, r.center, r.code
        );
        match sms
            .send(Sms {
                phone: &r.phone,
                purpose: "booking_reminder",
                text: &text,
            })
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(error = %e, "booking reminder not sent"),
        }
    }
    Ok(sent)
}
