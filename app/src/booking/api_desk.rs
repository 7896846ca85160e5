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
        let (_, center, _) = ssr::desk_center(&state, None).await?;
        let day = match day.filter(|d| !d.is_empty()) {
            Some(d) => crate::calendar::model::parse_date(&d)
                .map_err(AppError::BadRequest)?
                .format("%Y-%m-%d")
                .to_string(),
            None => crate::time::today(),
        };
        let schedule = crate::booking::store::schedule(&state.db, center).await?;
        let cat = state.catalogue().await?;
        let item_name = |c: &str| {
            cat.item(c)
                .map(|i| i.item.title())
                .unwrap_or_else(|| c.to_string())
        };
        let bookings = crate::booking::store::of_center_day(&state.db, center, &day).await?;
        let now = crate::time::now_ts();
        let slots = crate::booking::store::slots_on_day(&state.db, center, &day)
            .await?
            .into_iter()
            .map(|s| {
                let list = bookings
                    .iter()
                    .filter(|b| b.slot.id == s.id)
                    .map(|b| DeskEntry {
                        code: b.code.clone(),
                        item: item_name(&b.item_code),
                        status: b.status,
                        actions: crate::booking::model::actions_for(
                            b.status,
                            b.slot.starts_at <= now,
                            true,
                        ),
                        name: b.user_name.clone(),
                        // The desk sees the number masked; the full one is an audited
                        // read (`users/contact`).
                        phone: crate::accounts::model::mask_phone(&b.user_phone),
                    })
                    .collect();
                (
                    SlotOption {
                        id: s.id,
                        start: s.start.clone(),
                        end: s.end.clone(),
                        seats_left: s.seats_left(),
                        closed: s.closed,
                        close_reason: s.close_reason.clone(),
                    },
                    list,
                )
            })
            .collect();
        let f = crate::booking::store::figures(&state.db, Some(center)).await?;
        let center_name = crate::stations::store::station(&state.db, center)
            .await?
            .map(|s| s.name)
            .unwrap_or_default();
        let shown = crate::calendar::model::parse_date(&day).map_err(AppError::BadRequest)?;
        let items = cat
            .summaries()
            .into_iter()
            .flat_map(|(c, list)| {
                let category = c.title();
                list.into_iter()
                    .filter(|i| i.extended_hours)
                    .map(move |i| (category.clone(), i.code, i.name))
            })
            .collect();
        Ok(Desk {
            center_id: center,
            center_name,
            today: crate::time::today(),
            prev_day: crate::time::ymd(shown - chrono::Duration::days(1)),
            next_day: crate::time::ymd(shown + chrono::Duration::days(1)),
            items,
            day,
            slots,
            schedule,
            figures: DeskFigures {
                served: f.booked_served,
                walk_ins: f.walk_ins,
                by_week: f.by_week,
                by_item: f.by_item,
            },
        })
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

/// Items one centre may offer in extended hours (the whole catalogue has 42).
#[cfg(feature = "ssr")]
const MAX_ITEMS: usize = 60;

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
        let windows = match &rows {
            Some(rows) if windows.trim().is_empty() => {
                if rows.len() > crate::booking::model::MAX_WINDOW_LINES * 2 {
                    return Err(AppError::bad(
                        Msg::new("desk.too_many_windows")
                            .arg("n", crate::booking::model::MAX_WINDOW_LINES),
                    ));
                }
                crate::booking::model::windows_from_rows(rows)
            }
            _ => crate::booking::model::parse_windows(&windows),
        }
        .map_err(AppError::BadRequest)?;
        let cat = state.catalogue().await?;
        let picked = pick.unwrap_or_default();
        let mut items: Vec<String> = items
            .split([',', '，', ' ', '\n'])
            .chain(picked.iter().map(String::as_str))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .take(MAX_ITEMS + 1)
            .collect();
        if items.len() > MAX_ITEMS {
            return Err(AppError::bad(
                Msg::new("desk.too_many_items").arg("n", MAX_ITEMS),
            ));
        }
        // A code both typed and ticked counts once (after the bound above).
        let mut seen = std::collections::HashSet::new();
        items.retain(|i| seen.insert(i.clone()));
        for i in &items {
            match cat.item(i) {
                None => return Err(AppError::bad(Msg::new("desk.no_such_item").arg("i", i))),
                Some(it) if !it.item.extended_hours => {
                    return Err(AppError::bad(
                        Msg::new("desk.item_not_extended").arg("item", &it.item.name),
                    ))
                }
                _ => {}
            }
        }
        let s = crate::booking::model::Schedule {
            windows,
            slot_minutes,
            capacity,
            items,
        };
        let problems = s.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(
                Msg::join(problems).unwrap_or_else(|| Msg::new("banner.bad")),
            ));
        }
        let community = crate::stations::store::station(&state.db, center)
            .await?
            .map(|s| s.community_id);
        // The new schedule's slots exist at once (the daily job keeps them ahead).
        let set = state.stations().await?;
        crate::booking::service::set_schedule(
            &state.db,
            center,
            &s,
            user.id,
            community,
            &set.calendar,
            crate::time::today_local(),
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(r, "/desk", |_| Some("/desk?ok=1".to_string()))
}
