//! Reminders: a text message the evening before each booking, sent once. Every server
//! process runs this loop; the database decides which process sends which reminder
//! (`store::claim_reminders`), so each booking is reminded exactly once. A cancelled
//! booking is never claimed; a rescheduled one is claimable again for its new day.

use crate::accounts::sms::Sms;
use crate::booking::store;
use crate::state::AppState;
use chrono::{Duration, NaiveDateTime, Timelike};

/// From this hour (Asia/Shanghai) the next day's bookings are reminded.
pub const REMINDER_HOUR: u32 = 18;

/// Claims and sends the reminders due at local time `now`. Returns how many were sent.
pub async fn run_once(state: &AppState, now: NaiveDateTime) -> Result<usize, sqlx::Error> {
    if now.hour() < REMINDER_HOUR {
        return Ok(0);
    }
    let tomorrow = (now.date() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let due = store::claim_reminders(&state.db, &tomorrow, chrono::Utc::now().timestamp()).await?;
    let mut sent = 0;
    for r in &due {
        let text = format!(
            "【邻里】提醒：您已预约明天（{}）{} 在{}办理延时服务，预约码 {}。如不能前往，请在“我的”中取消。",
            r.day, r.start, r.center, r.code
        );
        match state
            .sms
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

/// The background loop, once a minute.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = run_once(&state, crate::stations::hours::now_local()).await {
                tracing::warn!(error = %e, "reminder run failed");
            }
        }
    })
}
