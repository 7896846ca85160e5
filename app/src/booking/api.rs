//! Server functions for booking, each at a stable endpoint. Thin: check the caller and
//! the input, call the store, map errors; plain forms are redirected on or back.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use crate::booking::store::{Booking, Slot};

pub use crate::booking::views::*;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::booking::store;
    use crate::state::AppState;

    /// A booking as its pages show it (see [`crate::booking::service::view`]).
    pub async fn view(state: &AppState, b: &store::Booking) -> Result<BookingView, AppError> {
        let cat = state.catalogue().await?;
        Ok(crate::booking::service::view(
            b,
            &cat,
            crate::time::now_ts(),
        ))
    }

    /// The staff member's centre: the 党群服务中心 of their community (admins name one),
    /// read from the database (for the desk's writes).
    pub async fn desk_center(
        state: &AppState,
        center: Option<i64>,
    ) -> Result<(CurrentUser, i64, crate::audit::model::Actor), AppError> {
        desk_center_in(state, center, None).await
    }

    /// The same for the desk's pages, from the station set (the stations as the public
    /// pages show them: a change made elsewhere shows within a second): two queries
    /// fewer per page.
    pub async fn desk_center_shown(
        state: &AppState,
        center: Option<i64>,
    ) -> Result<(CurrentUser, i64, crate::audit::model::Actor), AppError> {
        let set = state.stations().await?;
        desk_center_in(state, center, Some(&set)).await
    }

    type CurrentUser = crate::accounts::model::CurrentUser;

    async fn desk_center_in(
        state: &AppState,
        center: Option<i64>,
        set: Option<&crate::stations::service::StationSet>,
    ) -> Result<(CurrentUser, i64, crate::audit::model::Actor), AppError> {
        let user = crate::accounts::session::require_user().await?;
        let center_of = |c: i64| async move {
            match set {
                Some(set) => Ok(set.center_of(c).map(|s| s.id)),
                None => store::center_of_community(&state.db, c).await,
            }
        };
        let id = match (user.role, user.community_id, center) {
            (crate::accounts::model::Role::Admin, _, Some(c)) => c,
            (crate::accounts::model::Role::Staff, Some(c), _) => center_of(c)
                .await?
                .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_own_center")))?,
            (crate::accounts::model::Role::Admin, Some(c), None) => center_of(c)
                .await?
                .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_center")))?,
            _ => return Err(AppError::Forbidden),
        };
        let community = match set {
            Some(set) => set.get(id).map(|s| s.community_id),
            None => crate::stations::store::station(&state.db, id)
                .await?
                .map(|s| s.community_id),
        }
        .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_center")))?;
        if !user.may_act_in(community) {
            return Err(AppError::Forbidden);
        }
        let actor = crate::audit::model::Actor {
            id: user.id,
            community_id: Some(community),
        };
        Ok((user, id, actor))
    }

    /// The item if it exists and may be done in extended hours.
    pub async fn bookable_item(
        state: &AppState,
        code: &str,
    ) -> Result<crate::catalogue::model::Item, AppError> {
        let cat = state.catalogue().await?;
        let item = cat
            .item(code)
            .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_item")))?;
        if !item.item.extended_hours {
            return Err(AppError::bad(Msg::new("booking.not_extended")));
        }
        Ok(item.item.clone())
    }
}

/// The booking page's query, typed (`/book?item=…&center=…&day=…&lat=…&lng=…`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BookQuery {
    pub item: Option<String>,
    pub center: Option<i64>,
    pub day: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A search among the centres (name, street, address).
    pub q: Option<String>,
}

impl BookQuery {
    /// Reads the page's query string; values that do not parse are left out.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let num = |k: &str| text(k).and_then(|v| v.parse::<f64>().ok());
        BookQuery {
            item: text("item"),
            center: text("center").and_then(|v| v.parse().ok()),
            day: text("day"),
            lat: num("lat"),
            lng: num("lng"),
            q: text("q"),
        }
    }

    pub async fn run(self) -> Result<BookingChoices, AppError> {
        get_booking_choices(self.item, self.center, self.day, self.lat, self.lng, self.q).await
    }
}

/// The booking page: the centres offering the item (nearest first with a point), the
/// chosen centre's days with seats left, and the chosen day's slots (see
/// [`crate::booking::service::choices`]).
#[server(prefix = "/api", endpoint = "booking/choices")]
pub async fn get_booking_choices(
    item: Option<String>,
    center: Option<i64>,
    day: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    q: Option<String>,
) -> Result<BookingChoices, AppError> {
    let r: Result<BookingChoices, AppError> = async {
        let state = crate::state::app_state()?;
        let item_code = item
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .ok_or_else(|| AppError::bad(Msg::new("booking.item_required")))?;
        let item = ssr::bookable_item(&state, &item_code).await?;
        let point = match crate::stations::model::Whereabouts::from_query(lat, lng, None) {
            Ok(crate::stations::model::Whereabouts::Position(p)) => Some(p),
            Ok(_) => None,
            Err(m) => return Err(AppError::BadRequest(m)),
        };
        let user = crate::accounts::session::current_user().await?;
        let ask = crate::booking::service::ChoiceAsk {
            center,
            day: day.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
            point,
            q: q.unwrap_or_default(),
        };
        let set = state.stations().await?;
        let schedules = state.schedules().await?;
        let now = crate::time::now_ts();
        crate::booking::service::choices(
            &state.db,
            &schedules,
            &set,
            &item,
            user.as_ref(),
            &ask,
            now,
        )
        .await
    }
    .await;
    crate::reply::read(r, "/services")
}

/// Books a seat; returns the confirmation code.
#[server(prefix = "/api", endpoint = "booking/create")]
pub async fn create_booking(slot_id: i64, item_code: String) -> Result<String, AppError> {
    // A refused booking goes back to the same centre and day (the choice is kept), and
    // names the booking it collides with, if that is why.
    let mut back = format!("/book?item={}", crate::util::url_encode(&item_code));
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        ssr::bookable_item(&state, &item_code).await?;
        let slot = crate::booking::service::slot_for_item(&state.db, slot_id, &item_code).await?;
        back = format!(
            "/book?item={}&center={}&day={}",
            crate::util::url_encode(&item_code),
            slot.center_id,
            crate::util::url_encode(&slot.day.to_string())
        );
        let now = crate::time::now_ts();
        let r = crate::booking::service::book(
            &state.db,
            &state.book_queue,
            user.id,
            &slot,
            &item_code,
            now,
        )
        .await;
        if let Err(AppError::Conflict(_)) = &r {
            let hint = crate::booking::service::conflict_hint(&state.db, user.id, &slot, now);
            if let Some(h) = hint.await? {
                back.push_str(&format!("&conflict={h}"));
            }
        }
        r
    }
    .await;
    crate::reply::reply(r, &back, |c| Some(format!("/bookings/{c}?new=1")))
}

#[server(prefix = "/api", endpoint = "booking/cancel")]
pub async fn cancel_booking(code: String) -> Result<(), AppError> {
    let back = format!("/bookings/{}", crate::util::url_encode(&code));
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let code = crate::booking::model::parse_code(&code).map_err(AppError::BadRequest)?;
        crate::booking::service::cancel(&state.db, user.id, &code, crate::time::now_ts()).await
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(back.to_string()))
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
            .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_booking")))?;
        let to = crate::booking::store::slot(&state.db, slot_id)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_slot")))?;
        let accepts = crate::booking::store::schedule(&state.db, to.center_id)
            .await?
            .is_some_and(|s| s.items.contains(&b.item_code));
        if !accepts {
            return Err(AppError::bad(Msg::new("booking.center_not_extended")));
        }
        crate::booking::service::reschedule(&state.db, user.id, &code, &to, crate::time::now_ts())
            .await
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(back.to_string()))
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
            .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_booking")))?;
        let community = crate::stations::store::station(&state.db, b.center_id)
            .await?
            .map(|s| s.community_id)
            .unwrap_or(0);
        if b.user_id != user.id && !user.may_act_in(community) {
            return Err(AppError::NotFound(Msg::new("booking.what_booking")));
        }
        ssr::view(&state, &b).await
    }
    .await;
    crate::reply::page(r)
}

#[server(prefix = "/api", endpoint = "booking/mine")]
pub async fn my_bookings() -> Result<Vec<BookingView>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        // The catalogue once for the whole list, not once per booking.
        let cat = state.catalogue().await?;
        let now = crate::time::now_ts();
        Ok(crate::booking::store::of_user(&state.db, user.id)
            .await?
            .iter()
            .map(|b| crate::booking::service::view(b, &cat, now))
            .collect())
    }
    .await;
    crate::reply::read(r, "/me")
}

#[server(prefix = "/api", endpoint = "me/notices")]
pub async fn my_notices() -> Result<Vec<(String, String)>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        let locale = crate::prefs::Prefs::current().locale;
        Ok(crate::accounts::store::notices(&state.db, user.id)
            .await?
            .into_iter()
            .map(|(n, at)| {
                let text = match n {
                    Ok(n) => n.render(locale),
                    Err(legacy) => legacy,
                };
                (text, crate::time::date_of(at))
            })
            .collect())
    }
    .await;
    crate::reply::read(r, "/me")
}
