//! Server functions for booking, each at a stable endpoint. Thin: check the caller and
//! the input, call the store, map errors; plain forms are redirected on or back.

use crate::booking::model::{Schedule, Status};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use crate::booking::store::{Booking, Slot};

/// A booking as its pages show it (the store's row plus names and the QR picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    pub code: String,
    pub status: Status,
    pub item_code: String,
    pub item_name: String,
    pub center_id: i64,
    pub center_name: String,
    pub center_address: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub slot_closed: bool,
    pub close_reason: String,
    /// Whether the slot is still ahead (cancel and reschedule allowed).
    pub upcoming: bool,
    /// Inline SVG of the QR code carrying the confirmation code.
    pub qr_svg: String,
    /// What to bring: (material, originals, copies, required).
    pub bring: Vec<(String, u32, u32, bool)>,
}

/// One slot as the booking page offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotOption {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub seats_left: i64,
    pub closed: bool,
    pub close_reason: String,
}

/// A centre that takes the item in extended hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CenterOption {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub distance_m: Option<f64>,
}

/// Everything the booking page needs for the choices made so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingChoices {
    pub item_code: String,
    pub item_name: String,
    pub centers: Vec<CenterOption>,
    pub center: Option<CenterOption>,
    /// (day `YYYY-MM-DD`, label `MM-DD 周X`, seats left that day, holiday name)
    pub days: Vec<(String, String, i64, Option<String>)>,
    pub day: Option<String>,
    pub slots: Vec<SlotOption>,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::booking::store;
    use crate::state::AppState;

    pub const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

    pub fn today_local() -> chrono::NaiveDate {
        crate::stations::hours::now_local().date()
    }

    pub fn now_ts() -> i64 {
        chrono::Utc::now().timestamp()
    }

    pub fn qr_svg(code: &str) -> String {
        crate::util::qr_svg(&crate::booking::model::qr_payload(code))
    }

    pub async fn view(state: &AppState, b: &store::Booking) -> Result<BookingView, AppError> {
        let cat = state.catalogue.get(&state.db).await?;
        let item = cat.item(&b.item_code);
        Ok(BookingView {
            code: b.code.clone(),
            status: b.status,
            item_code: b.item_code.clone(),
            item_name: item
                .map(|i| i.item.name.clone())
                .unwrap_or_else(|| b.item_code.clone()),
            center_id: b.center_id,
            center_name: b.center_name.clone(),
            center_address: b.center_address.clone(),
            day: b.slot.day.clone(),
            start: b.slot.start.clone(),
            end: b.slot.end.clone(),
            slot_closed: b.slot.closed,
            close_reason: b.slot.close_reason.clone(),
            upcoming: b.slot.starts_at > now_ts(),
            qr_svg: qr_svg(&b.code),
            bring: item
                .map(|i| {
                    i.item
                        .checklist()
                        .into_iter()
                        .map(|m| (m.name.clone(), m.originals, m.copies, m.required))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The staff member's centre: the 党群服务中心 of their community (admins name one).
    pub async fn desk_center(
        state: &AppState,
        center: Option<i64>,
    ) -> Result<(crate::accounts::model::CurrentUser, i64), AppError> {
        let user = crate::accounts::session::require_user().await?;
        let id = match (user.role, user.community_id, center) {
            (crate::accounts::model::Role::Admin, _, Some(c)) => c,
            (crate::accounts::model::Role::Staff, Some(c), _) => {
                store::center_of_community(&state.db, c)
                    .await?
                    .ok_or_else(|| AppError::NotFound("本社区党群服务中心".into()))?
            }
            (crate::accounts::model::Role::Admin, Some(c), None) => {
                store::center_of_community(&state.db, c)
                    .await?
                    .ok_or_else(|| AppError::NotFound("党群服务中心".into()))?
            }
            _ => return Err(AppError::Forbidden),
        };
        let community = crate::stations::store::station(&state.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("党群服务中心".into()))?
            .community_id;
        if !user.may_act_in(community) {
            return Err(AppError::Forbidden);
        }
        Ok((user, id))
    }

    /// The item if it exists and may be done in extended hours.
    pub async fn bookable_item(
        state: &AppState,
        code: &str,
    ) -> Result<crate::catalogue::model::Item, AppError> {
        let cat = state.catalogue.get(&state.db).await?;
        let item = cat
            .item(code)
            .ok_or_else(|| AppError::NotFound("该事项".into()))?;
        if !item.item.extended_hours {
            return Err(AppError::bad(
                "该事项不在延时服务时段办理，请在工作时间前往服务中心",
            ));
        }
        Ok(item.item.clone())
    }
}

/// `params`: the booking page's query string (`item`, `center`, `day`, `lat`, `lng`).
#[server(prefix = "/api", endpoint = "booking/choices")]
pub async fn get_booking_choices(params: String) -> Result<BookingChoices, AppError> {
    use crate::booking::store;
    use chrono::Datelike;
    let r: Result<BookingChoices, AppError> = async {
        let state = crate::state::app_state()?;
        let pairs = crate::util::parse_query(&params);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let item_code = get("item").ok_or_else(|| AppError::bad("请先选择要办理的事项"))?;
        let item = ssr::bookable_item(&state, &item_code).await?;
        let point = match (get("lat"), get("lng")) {
            (Some(a), Some(b)) => {
                let (a, b) = (a.parse::<f64>(), b.parse::<f64>());
                match (a, b) {
                    (Ok(a), Ok(b)) => Some(
                        crate::stations::model::LatLng::new(a, b).map_err(AppError::BadRequest)?,
                    ),
                    _ => return Err(AppError::bad("位置参数有误")),
                }
            }
            _ => None,
        };
        let set = state.stations.get(&state.db).await?;
        let mut centers: Vec<CenterOption> = store::schedules(&state.db)
            .await?
            .into_iter()
            .filter(|(_, s)| s.items.contains(&item_code))
            .filter_map(|(id, _)| set.position(id).map(|i| &set.stations[i]))
            .map(|s| CenterOption {
                id: s.id,
                name: s.name.clone(),
                address: s.address.clone(),
                distance_m: point.map(|p| {
                    crate::stations::model::distance_m(
                        p,
                        crate::stations::model::LatLng {
                            lat: s.lat,
                            lng: s.lng,
                        },
                    )
                    .round()
                }),
            })
            .collect();
        if point.is_some() {
            centers.sort_by(|a, b| {
                a.distance_m
                    .unwrap_or(0.0)
                    .total_cmp(&b.distance_m.unwrap_or(0.0))
            });
        }
        let center = match get("center") {
            None => None,
            Some(c) => {
                let id: i64 = c.parse().map_err(|_| AppError::bad("服务中心编号有误"))?;
                Some(
                    centers
                        .iter()
                        .find(|x| x.id == id)
                        .cloned()
                        .ok_or_else(|| AppError::bad("该服务中心不在延时服务时段办理此事项"))?,
                )
            }
        };
        let today = ssr::today_local();
        let mut days = Vec::new();
        let mut slots = Vec::new();
        let mut day = None;
        if let Some(c) = &center {
            let sched = store::schedule(&state.db, c.id)
                .await?
                .ok_or_else(|| AppError::NotFound("延时服务安排".into()))?;
            store::ensure_slots(
                &state.db,
                c.id,
                &sched,
                &set.calendar,
                today,
                crate::booking::model::BOOK_AHEAD_DAYS,
            )
            .await?;
            let now = ssr::now_ts();
            for k in 0..crate::booking::model::BOOK_AHEAD_DAYS {
                let d = today + chrono::Duration::days(k);
                let ds = d.format("%Y-%m-%d").to_string();
                let on_day = store::slots_on_day(&state.db, c.id, &ds).await?;
                let left: i64 = on_day
                    .iter()
                    .filter(|s| s.starts_at > now)
                    .map(|s| s.seats_left())
                    .sum();
                let label = format!(
                    "{} {}",
                    d.format("%m-%d"),
                    ssr::WEEKDAYS[d.weekday().num_days_from_monday() as usize]
                );
                days.push((ds, label, left, set.calendar.get(d).map(|s| s.name.clone())));
            }
            if let Some(d) = get("day") {
                let parsed =
                    crate::calendar::model::parse_date(&d).map_err(AppError::BadRequest)?;
                if parsed < today
                    || parsed
                        >= today + chrono::Duration::days(crate::booking::model::BOOK_AHEAD_DAYS)
                {
                    return Err(AppError::bad("只能预约今天起14天内的时段"));
                }
                slots = store::slots_on_day(&state.db, c.id, &d)
                    .await?
                    .into_iter()
                    .filter(|s| s.starts_at > now)
                    .map(|s| SlotOption {
                        id: s.id,
                        start: s.start.clone(),
                        end: s.end.clone(),
                        seats_left: s.seats_left(),
                        closed: s.closed,
                        close_reason: s.close_reason.clone(),
                    })
                    .collect();
                day = Some(d);
            }
        }
        let signed_in = crate::accounts::session::current_user().await?.is_some();
        Ok(BookingChoices {
            item_code,
            item_name: item.name,
            centers,
            center,
            days,
            day,
            slots,
            signed_in,
        })
    }
    .await;
    AppError::form_result(r, None, "/services")
}

/// Books a seat; returns the confirmation code.
#[server(prefix = "/api", endpoint = "booking/create")]
pub async fn create_booking(slot_id: i64, item_code: String) -> Result<String, AppError> {
    let back = format!("/book?item={}", crate::util::url_encode(&item_code));
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        ssr::bookable_item(&state, &item_code).await?;
        let slot = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .ok_or_else(|| AppError::NotFound("该时段".into()))?;
        let accepts = crate::booking::store::schedule(&state.db, slot.center_id)
            .await?
            .is_some_and(|s| s.items.contains(&item_code));
        if !accepts {
            return Err(AppError::bad("该服务中心不在延时服务时段办理此事项"));
        }
        crate::booking::store::book(&state.db, user.id, &slot, &item_code, ssr::now_ts()).await
    }
    .await;
    let ok = r.as_ref().ok().map(|c| format!("/bookings/{c}?new=1"));
    AppError::form_result(r, ok.as_deref(), &back)
}

#[server(prefix = "/api", endpoint = "booking/cancel")]
pub async fn cancel_booking(code: String) -> Result<(), AppError> {
    let back = format!("/bookings/{}", crate::util::url_encode(&code));
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        crate::booking::store::cancel(&state.db, user.id, &code, ssr::now_ts()).await
    }
    .await;
    AppError::form_result(r, Some(&back), &back)
}

#[server(prefix = "/api", endpoint = "booking/reschedule")]
pub async fn reschedule_booking(code: String, slot_id: i64) -> Result<(), AppError> {
    let back = format!("/bookings/{}", crate::util::url_encode(&code));
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        let b = crate::booking::store::by_code(&state.db, &code)
            .await?
            .filter(|b| b.user_id == user.id)
            .ok_or_else(|| AppError::NotFound("该预约".into()))?;
        let to = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .ok_or_else(|| AppError::NotFound("该时段".into()))?;
        let accepts = crate::booking::store::schedule(&state.db, to.center_id)
            .await?
            .is_some_and(|s| s.items.contains(&b.item_code));
        if !accepts {
            return Err(AppError::bad("该服务中心不在延时服务时段办理此事项"));
        }
        crate::booking::store::reschedule(&state.db, user.id, &code, &to, ssr::now_ts()).await
    }
    .await;
    AppError::form_result(r, Some(&back), &back)
}

/// One booking: its owner, staff of its centre's community, or an admin. Anyone else
/// gets 404 (a code is not a password, but nobody else's booking is shown).
#[server(prefix = "/api", endpoint = "booking/get")]
pub async fn get_booking(code: String) -> Result<BookingView, AppError> {
    let r: Result<BookingView, AppError> = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        let b = crate::booking::store::by_code(&state.db, &code)
            .await?
            .ok_or_else(|| AppError::NotFound("该预约".into()))?;
        let community = crate::stations::store::station(&state.db, b.center_id)
            .await?
            .map(|s| s.community_id)
            .unwrap_or(0);
        if b.user_id != user.id && !user.may_act_in(community) {
            return Err(AppError::NotFound("该预约".into()));
        }
        ssr::view(&state, &b).await
    }
    .await;
    if let Err(e) = &r {
        e.set_response_status();
    }
    r
}

#[server(prefix = "/api", endpoint = "booking/mine")]
pub async fn my_bookings() -> Result<Vec<BookingView>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let mut out = Vec::new();
        for b in crate::booking::store::of_user(&state.db, user.id).await? {
            out.push(ssr::view(&state, &b).await?);
        }
        Ok(out)
    }
    .await;
    AppError::form_result(r, None, "/me")
}

#[server(prefix = "/api", endpoint = "me/notices")]
pub async fn my_notices() -> Result<Vec<(String, String)>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        Ok(crate::booking::store::notices(&state.db, user.id)
            .await?
            .into_iter()
            .map(|(t, at)| (t, crate::catalogue::api::ssr::date_of(at)))
            .collect())
    }
    .await;
    AppError::form_result(r, None, "/me")
}

/// The staff desk: today's (or a given day's) slots and bookings at the staff member's
/// centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    pub center_id: i64,
    pub center_name: String,
    pub day: String,
    /// Each slot with the bookings in it.
    pub slots: Vec<(SlotOption, Vec<DeskEntry>)>,
    pub schedule: Option<Schedule>,
    pub figures: DeskFigures,
}

/// One booking on the desk list. Staff of the centre see the resident's number: they
/// call when someone does not come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskEntry {
    pub code: String,
    pub item: String,
    pub status: Status,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeskFigures {
    pub served: i64,
    pub walk_ins: i64,
    pub by_week: Vec<(String, i64)>,
    pub by_item: Vec<(String, i64)>,
}

#[server(prefix = "/api", endpoint = "desk/today")]
pub async fn get_desk(day: Option<String>) -> Result<Desk, AppError> {
    let r: Result<Desk, AppError> = async {
        let state = crate::state::app_state()?;
        let (_, center) = ssr::desk_center(&state, None).await?;
        let day = match day.filter(|d| !d.is_empty()) {
            Some(d) => crate::calendar::model::parse_date(&d)
                .map_err(AppError::BadRequest)?
                .format("%Y-%m-%d")
                .to_string(),
            None => ssr::today_local().format("%Y-%m-%d").to_string(),
        };
        let schedule = crate::booking::store::schedule(&state.db, center).await?;
        if let Some(s) = &schedule {
            let set = state.stations.get(&state.db).await?;
            crate::booking::store::ensure_slots(
                &state.db,
                center,
                s,
                &set.calendar,
                ssr::today_local(),
                crate::booking::model::BOOK_AHEAD_DAYS,
            )
            .await?;
        }
        let cat = state.catalogue.get(&state.db).await?;
        let item_name = |c: &str| {
            cat.item(c)
                .map(|i| i.item.name.clone())
                .unwrap_or_else(|| c.to_string())
        };
        let bookings = crate::booking::store::of_center_day(&state.db, center, &day).await?;
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
                        name: b.user_name.clone(),
                        phone: b.user_phone.clone(),
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
        Ok(Desk {
            center_id: center,
            center_name,
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
    AppError::form_result(r, None, "/desk")
}

/// Check in, mark done or no-show, by code or scanned QR text; only at the staff
/// member's own centre.
#[server(prefix = "/api", endpoint = "desk/mark")]
pub async fn desk_mark(code: String, action: String) -> Result<Status, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center) = ssr::desk_center(&state, None).await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        let b = crate::booking::store::by_code(&state.db, &code)
            .await?
            .ok_or_else(|| AppError::NotFound("该预约码".into()))?;
        if b.center_id != center {
            return Err(AppError::NotFound("本中心的该预约码".into()));
        }
        let action = match action.as_str() {
            "check_in" => crate::booking::model::Action::CheckIn,
            "done" => crate::booking::model::Action::MarkDone,
            "no_show" => crate::booking::model::Action::MarkNoShow,
            _ => return Err(AppError::bad("未知的操作")),
        };
        let started = b.slot.starts_at <= ssr::now_ts();
        let to = crate::booking::model::transition(b.status, action, started)
            .map_err(AppError::Conflict)?;
        crate::booking::store::staff_transition(&state.db, &b, to, ssr::now_ts()).await?;
        Ok(to)
    }
    .await;
    AppError::form_result(r, Some("/desk?ok=1"), "/desk")
}

/// Closes a slot with a reason: its bookings are cancelled, each resident gets a notice
/// in 我的 and a text message.
#[server(prefix = "/api", endpoint = "desk/close-slot")]
pub async fn desk_close_slot(slot_id: i64, reason: String) -> Result<usize, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center) = ssr::desk_center(&state, None).await?;
        let reason = reason.trim().to_string();
        if reason.is_empty() || reason.chars().count() > 60 {
            return Err(AppError::bad("请用60字以内说明关闭原因"));
        }
        let slot = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .ok_or_else(|| AppError::NotFound("该时段".into()))?;
        if slot.center_id != center {
            return Err(AppError::Forbidden);
        }
        let told =
            crate::booking::store::close_slot(&state.db, slot_id, &reason, ssr::now_ts()).await?;
        for (_, phone, text) in &told {
            let sms = crate::accounts::sms::Sms {
                phone,
                purpose: "slot_closed",
                text: &format!("【邻里】{text}"),
            };
            if let Err(e) = state.sms.send(sms).await {
                tracing::warn!(error = %e, "slot-closed sms not sent");
            }
        }
        Ok(told.len())
    }
    .await;
    AppError::form_result(r, Some("/desk?ok=1"), "/desk")
}

#[server(prefix = "/api", endpoint = "desk/reopen-slot")]
pub async fn desk_reopen_slot(slot_id: i64) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (_, center) = ssr::desk_center(&state, None).await?;
        let slot = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .ok_or_else(|| AppError::NotFound("该时段".into()))?;
        if slot.center_id != center {
            return Err(AppError::Forbidden);
        }
        crate::booking::store::reopen_slot(&state.db, slot_id).await
    }
    .await;
    AppError::form_result(r, Some("/desk?ok=1"), "/desk")
}

#[server(prefix = "/api", endpoint = "desk/walk-in")]
pub async fn desk_walk_in(item_code: String) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (user, center) = ssr::desk_center(&state, None).await?;
        let cat = state.catalogue.get(&state.db).await?;
        if cat.item(&item_code).is_none() {
            return Err(AppError::bad("请选择办理的事项"));
        }
        let day = ssr::today_local().format("%Y-%m-%d").to_string();
        crate::booking::store::record_walk_in(
            &state.db,
            center,
            &item_code,
            &day,
            user.id,
            ssr::now_ts(),
        )
        .await?;
        Ok(())
    }
    .await;
    AppError::form_result(r, Some("/desk?ok=1"), "/desk")
}

/// Staff set their centre's extended hours: windows as lines `1-5 17:30-20:00` or
/// `6 09:00-12:00` (ISO weekdays), slot length, seats per slot, items (codes).
#[server(prefix = "/api", endpoint = "desk/schedule")]
pub async fn desk_set_schedule(
    windows: String,
    slot_minutes: u32,
    capacity: u32,
    items: String,
) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let (user, center) = ssr::desk_center(&state, None).await?;
        let windows =
            crate::booking::model::parse_windows(&windows).map_err(AppError::BadRequest)?;
        let cat = state.catalogue.get(&state.db).await?;
        let items: Vec<String> = items
            .split([',', '，', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for i in &items {
            match cat.item(i) {
                None => return Err(AppError::bad(format!("没有编码为 {i} 的事项"))),
                Some(it) if !it.item.extended_hours => {
                    return Err(AppError::bad(format!(
                        "{} 不能在延时时段办理",
                        it.item.name
                    )))
                }
                _ => {}
            }
        }
        let s = Schedule {
            windows,
            slot_minutes,
            capacity,
            items,
        };
        let problems = s.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(problems.join("；")));
        }
        let community = crate::stations::store::station(&state.db, center)
            .await?
            .map(|s| s.community_id);
        crate::booking::store::set_schedule(&state.db, center, &s, Some(user.id), community)
            .await?;
        Ok(())
    }
    .await;
    AppError::form_result(r, Some("/desk?ok=1"), "/desk")
}
