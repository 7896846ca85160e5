//! Server functions of the staff desk: a centre's day, check-in and marks, closing and
//! reopening slots, walk-ins, the schedule. Staff act only at their own centre.

#[cfg(feature = "ssr")]
use crate::booking::api::ssr;
use crate::booking::model::{Action, Status};
use crate::booking::views::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "desk/today")]
pub async fn get_desk(day: Option<String>) -> Result<Desk, AppError> {
    let r: Result<Desk, AppError> = async {
        let state = crate::state::app_state()?;
        let (_, center, _) = ssr::desk_center_shown(&state, None).await?;
        let day = match day.filter(|d| !d.is_empty()) {
            Some(d) => crate::calendar::model::parse_date(&d)
                .map_err(AppError::BadRequest)?
                .format("%Y-%m-%d")
                .to_string(),
            None => crate::time::today(),
        };
        let cat = state.catalogue().await?;
        let now = crate::time::now_ts();
        let center_name = state
            .stations()
            .await?
            .get(center)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        crate::booking::service::desk(
            &state.db,
            &state.desk_figures_cache,
            &cat,
            (center, center_name),
            &day,
            now,
        )
        .await
    }
    .await;
    crate::reply::read(r, "/desk")
}

/// Check in, mark done or no-show, by code or scanned QR text; only at the staff
/// member's own centre.
#[server(prefix = "/api", endpoint = "desk/mark")]
pub async fn desk_mark(code: String, action: Action) -> Result<Status, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center, actor) = ssr::desk_center(&state, None).await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        let b = crate::booking::store::by_code(&state.db, &code)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("desk.what_code")))?;
        // Another centre's booking answers exactly as an unknown code does.
        if b.center_id != center {
            return Err(AppError::NotFound(Msg::new("desk.what_code")));
        }
        crate::booking::service::mark(&state.db, actor, &b, action, crate::time::now_ts())
            .await
            .map(|st| (st, b.code.clone()))
    }
    .await;
    // Back to the desk, which names the resident and the item that were just marked.
    let r = crate::reply::reply(r, "/desk", |(_, code)| {
        Some(format!("/desk?marked={code}#marked"))
    });
    r.map(|(st, _)| st)
}

/// Closes a slot with a reason: its bookings are cancelled, each resident gets a notice
/// in 我的 and a text message.
#[server(prefix = "/api", endpoint = "desk/close-slot")]
pub async fn desk_close_slot(slot_id: i64, reason: String) -> Result<usize, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center, actor) = ssr::desk_center(&state, None).await?;
        let reason = reason.trim().to_string();
        if reason.is_empty() || reason.chars().count() > 60 {
            return Err(AppError::bad(Msg::new("desk.close_reason_length")));
        }
        let slot = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .filter(|s| s.center_id == center)
            .ok_or_else(|| AppError::NotFound(Msg::new("desk.what_slot")))?;
        // A slot that has begun cannot be closed: its residents may already be here.
        if slot.starts_at <= crate::time::now_ts() {
            return Err(AppError::Conflict(Msg::new("desk.slot_started")));
        }
        let told = crate::booking::service::close_slot(
            &state.db,
            actor,
            slot.id,
            &reason,
            crate::time::now_ts(),
        )
        .await?;
        state.wake_outbox();
        Ok(told.len())
    }
    .await;
    crate::reply::reply(r, "/desk", |_| Some("/desk?ok=1".to_string()))
}

#[server(prefix = "/api", endpoint = "desk/reopen-slot")]
pub async fn desk_reopen_slot(slot_id: i64) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center, actor) = ssr::desk_center(&state, None).await?;
        let slot = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .filter(|s| s.center_id == center)
            .ok_or_else(|| AppError::NotFound(Msg::new("desk.what_slot")))?;
        crate::booking::service::reopen_slot(&state.db, actor, slot.id, crate::time::now_ts()).await
    }
    .await;
    crate::reply::reply(r, "/desk", |_| Some("/desk?ok=1".to_string()))
}

#[server(prefix = "/api", endpoint = "desk/walk-in")]
pub async fn desk_walk_in(item_code: String) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center, actor) = ssr::desk_center(&state, None).await?;
        let cat = state.catalogue().await?;
        if cat.item(&item_code).is_none() {
            return Err(AppError::bad(Msg::new("desk.item_required")));
        }
        let day = crate::time::today();
        crate::booking::service::walk_in(
            &state.db,
            center,
            &item_code,
            &day,
            actor,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(r, "/desk", |_| Some("/desk?ok=1".to_string()))
}

/// Where staff set their centre's extended hours (`booking::pages::DeskSchedulePage`): a
/// setting changed now and then, kept off the desk that serves the queue all day (the
/// editor was half the desk's page).
pub const DESK_SCHEDULE_PATH: &str = "/desk/schedule";

/// Staff set their centre's extended hours: windows as lines `1-5 17:30-20:00` or
/// `6 09:00-12:00` (ISO weekdays), slot length, seats per slot, items (codes).
#[server(prefix = "/api", endpoint = "desk/schedule")]
pub async fn desk_set_schedule(
    windows: String,
    slot_minutes: u32,
    capacity: u32,
    items: String,
    /// The form's picker: weekday and time rows (`rows[0][days][0]=1`, …), used
    /// instead of `windows` when given.
    rows: Option<Vec<crate::booking::model::WindowRow>>,
    /// The form's picker: item codes ticked (`pick[0]=MZ-01`, …), added to `items`.
    pick: Option<Vec<String>>,
) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (user, center, _) = ssr::desk_center(&state, None).await?;
        let form = crate::booking::model::ScheduleForm {
            windows: &windows,
            rows: rows.as_deref(),
            items: &items,
            picked: pick.as_deref().unwrap_or_default(),
            slot_minutes,
            capacity,
        };
        let s = form.schedule().map_err(AppError::BadRequest)?;
        let cat = state.catalogue().await?;
        let set = state.stations().await?;
        let now = crate::time::now_ts();
        crate::booking::service::save_schedule(
            &state.db,
            &cat,
            &set.calendar,
            center,
            &s,
            user.id,
            now,
        )
        .await
    }
    .await;
    crate::reply::reply(r, DESK_SCHEDULE_PATH, |_| {
        Some(format!("{}?ok=1", DESK_SCHEDULE_PATH))
    })
}
