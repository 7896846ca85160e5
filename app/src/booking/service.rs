//! Booking as transactions that combine the rules (`booking::model`) and the stores:
//! book, cancel and reschedule for residents; check-in, marks, closing and reopening
//! slots, walk-ins and schedules for the desk; the slots ahead of every schedule (made
//! when a schedule is saved and by the daily job, never while a page is read); the
//! confirmation as the pages show it.
//!
//! Races are decided by the database: each step is a conditional statement in a write
//! transaction, and on PostgreSQL a transaction that touches a slot and its bookings
//! locks the slot's row first (`store::lock_slot`), so a slot closed while a resident
//! cancels in it gives neither a deadlock nor a 500.

use crate::accounts::model::Notice;
use crate::audit::model::Actor;
use crate::audit::store as audit;
use crate::booking::model::{self, Action, Schedule, Status, MAX_ACTIVE};
use crate::booking::store::{self, Booking, Slot};
use crate::booking::views::BookingView;
use crate::calendar::model::Calendar;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use chrono::NaiveDate;

/// The app_meta key that says through which day every centre's slots exist.
pub const SLOTS_MADE_ON: &str = "slots_made_on";

/// Makes the slots of the next [`BOOK_AHEAD_DAYS`](crate::booking::model::BOOK_AHEAD_DAYS)
/// days for every centre with a schedule, once a day: the first process to run the job
/// on a new day does the work (idempotent inserts), the others see the day recorded.
/// Returns whether this call made them.
pub async fn ensure_slots_ahead(db: &Db, today: NaiveDate) -> Result<bool, sqlx::Error> {
    let day = crate::time::ymd(today);
    if crate::db::meta(db, SLOTS_MADE_ON).await?.as_deref() == Some(day.as_str()) {
        return Ok(false);
    }
    let calendar = crate::calendar::store::load(db).await?;
    for (center, schedule) in store::schedules(db).await? {
        let ahead = crate::booking::model::BOOK_AHEAD_DAYS;
        make_slots(db, center, &schedule, &calendar, today, ahead).await?;
    }
    let mut conn = db.pool.acquire().await?;
    crate::db::set_meta(&mut conn, SLOTS_MADE_ON, &day).await?;
    Ok(true)
}

/// Makes one centre's slots ahead (after its schedule was saved).
pub async fn slots_for_center(
    db: &Db,
    center: i64,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<(), sqlx::Error> {
    if let Some(schedule) = store::schedule(db, center).await? {
        let ahead = crate::booking::model::BOOK_AHEAD_DAYS;
        make_slots(db, center, &schedule, calendar, today, ahead).await?;
    }
    Ok(())
}

/// Makes a centre's slots of `days` days from `from` in one transaction (idempotent).
pub async fn make_slots(
    db: &Db,
    center: i64,
    schedule: &Schedule,
    calendar: &Calendar,
    from: NaiveDate,
    days: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    store::ensure_slots(&mut tx, center, schedule, calendar, from, days).await?;
    tx.commit().await
}

/// A booking as its pages show it: the item's name and checklist from the catalogue,
/// the QR picture, whether it is still ahead at `now`.
pub fn view(b: &store::Booking, cat: &crate::catalogue::service::Loaded, now: i64) -> BookingView {
    let item = cat.item(&b.item_code);
    BookingView {
        code: b.code.clone(),
        status: b.status,
        item_code: b.item_code.clone(),
        item_name: item
            .map(|i| i.item.title())
            .unwrap_or_else(|| b.item_code.clone()),
        center_id: b.center_id,
        center_name: b.center_name.clone(),
        center_address: b.center_address.clone(),
        day: b.slot.day.to_string(),
        start: b.slot.start.to_string(),
        end: b.slot.end.to_string(),
        slot_closed: b.slot.closed,
        close_reason: b.slot.close_reason.clone(),
        upcoming: b.slot.starts_at > now,
        actions: model::actions_for(b.status, b.slot.starts_at <= now, false),
        qr_svg: crate::util::qr_svg(&crate::booking::model::qr_payload(&b.code)),
        // In the reader's language: an English reader gets the English guide's names
        // where its translation is current (as the guide page does).
        bring: item
            .map(|i| {
                let english = (crate::i18n::current_locale() == crate::prefs::Locale::En)
                    .then(|| cat.english(&b.item_code))
                    .flatten();
                english
                    .unwrap_or(&i.item)
                    .checklist()
                    .into_iter()
                    .map(|m| (m.name.clone(), m.originals, m.copies, m.required))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The resident's limits, checked after their lock is taken: fewer than
/// [`MAX_ACTIVE`] active bookings ahead, none overlapping `slot`.
async fn check_limits(
    conn: &mut sqlx::AnyConnection,
    dialect: crate::db::Dialect,
    user_id: i64,
    slot: &Slot,
    now: i64,
    except: Option<i64>,
) -> Result<(), AppError> {
    store::lock_user(conn, dialect, user_id).await?;
    let held: Vec<model::Held> = store::active_ahead(conn, &[user_id], now, except)
        .await?
        .into_iter()
        .map(|h| h.held)
        .collect();
    model::may_book(&held, &slot.held(), except.is_some()).map_err(AppError::Conflict)
}

/// Books a seat. All or nothing: the seat, the limits and the booking row are one
/// transaction, shared with the bookings that arrive at the same moment
/// (`booking::group`). Returns the confirmation code.
pub async fn book(
    db: &Db,
    queue: &crate::booking::group::BookQueue,
    user_id: i64,
    slot: &Slot,
    item_code: &str,
    now: i64,
) -> Result<String, AppError> {
    crate::booking::group::book(db, queue, user_id, slot, item_code, now).await
}

/// The resident's own booking by code (another's is "not found", like a wrong code).
async fn own(db: &Db, user_id: i64, code: &str) -> Result<Booking, AppError> {
    store::by_code(db, code)
        .await?
        .filter(|b| b.user_id == user_id)
        .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_own_booking")))
}

/// Cancels the resident's own booking before its slot starts; the seat is freed.
pub async fn cancel(db: &Db, user_id: i64, code: &str, now: i64) -> Result<(), AppError> {
    let b = own(db, user_id, code).await?;
    let started = b.slot.starts_at <= now;
    let to = model::transition(b.status, Action::Cancel, started).map_err(AppError::Conflict)?;
    let mut tx = db.begin_write().await?;
    store::lock_slot(&mut tx, db.dialect, b.slot.id).await?;
    if !store::set_status(&mut tx, b.id, b.slot.id, b.status, to, now, true).await? {
        return Err(AppError::Conflict(Msg::new("booking.cannot_cancel")));
    }
    store::free_seats(&mut tx, b.slot.id, 1).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the resident's booking to another slot (any centre), keeping its code. The new
/// seat is taken before the old one is freed; a reminder is due again for the new time.
pub async fn reschedule(
    db: &Db,
    user_id: i64,
    code: &str,
    to: &Slot,
    now: i64,
) -> Result<(), AppError> {
    let b = own(db, user_id, code).await?;
    let started = b.slot.starts_at <= now;
    model::transition(b.status, Action::Reschedule, started).map_err(AppError::Conflict)?;
    if b.slot.id == to.id {
        return Err(AppError::bad(Msg::new("booking.same_slot")));
    }
    let mut tx = db.begin_write().await?;
    // Both slots' rows, lower id first: two reschedules crossing each other's slots
    // take them in the same order.
    let (first, second) = if b.slot.id < to.id {
        (b.slot.id, to.id)
    } else {
        (to.id, b.slot.id)
    };
    store::lock_slot(&mut tx, db.dialect, first).await?;
    store::lock_slot(&mut tx, db.dialect, second).await?;
    // Still active and ahead (touching it also takes the booking's row).
    if !store::set_status(
        &mut tx,
        b.id,
        b.slot.id,
        Status::Active,
        Status::Active,
        now,
        true,
    )
    .await?
    {
        return Err(AppError::Conflict(Msg::new("booking.cannot_reschedule")));
    }
    check_limits(&mut tx, db.dialect, user_id, to, now, Some(b.id)).await?;
    if !store::take_seat(&mut tx, to.id, now).await? {
        return Err(AppError::Conflict(Msg::new("booking.slot_full")));
    }
    store::free_seats(&mut tx, b.slot.id, 1).await?;
    store::move_booking(&mut tx, b.id, to, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The desk moves a booking along its life cycle (check in, done, no-show). The update
/// is conditional on the status the rule was decided on, so two clicks cannot both
/// apply. Returns the new status.
pub async fn mark(
    db: &Db,
    actor: Actor,
    b: &Booking,
    action: Action,
    now: i64,
) -> Result<Status, AppError> {
    if action.residents() {
        return Err(AppError::bad(Msg::new("booking.unknown_action")));
    }
    let started = b.slot.starts_at <= now;
    let to = model::transition(b.status, action, started).map_err(AppError::Conflict)?;
    // A resident is checked in on the day of their booking only: a check-in on another
    // day would record a visit that did not happen.
    if action == Action::CheckIn && b.slot.day.to_string() != crate::time::date_of(now) {
        return Err(AppError::Conflict(
            Msg::new("desk.check_in_wrong_day").arg("day", b.slot.day),
        ));
    }
    let mut tx = db.begin_write().await?;
    // The slot's row first, as every transaction touching a slot and its bookings does.
    store::lock_slot(&mut tx, db.dialect, b.slot.id).await?;
    if !store::set_status(&mut tx, b.id, b.slot.id, b.status, to, now, false).await? {
        return Err(AppError::Conflict(Msg::new("booking.status_changed")));
    }
    audit::record_step(
        &mut tx,
        actor,
        action_name(action),
        &format!("booking:{}", b.id),
        Some(serde_json::json!({ "status": b.status })),
        Some(serde_json::json!({ "status": to })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// A resident told of a closed slot: (user id, phone, code).
/// The audit log's name of a desk mark.
fn action_name(a: Action) -> &'static str {
    match a {
        Action::CheckIn => "desk_check_in",
        Action::MarkDone => "desk_done",
        Action::MarkNoShow => "desk_no_show",
        _ => "desk_mark",
    }
}

pub type Told = (i64, String, String);

/// Closes a slot with a reason: its active bookings are cancelled, their seats freed
/// and each resident gets a notice, in one transaction. Returns whom to text.
pub async fn close_slot(
    db: &Db,
    actor: Actor,
    slot_id: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<Told>, AppError> {
    let mut tx = db.begin_write().await?;
    store::lock_slot(&mut tx, db.dialect, slot_id).await?;
    if !store::close_slot(&mut tx, slot_id, reason).await? {
        return Err(AppError::Conflict(Msg::new("booking.slot_closed")));
    }
    let told = cancel_and_tell(&mut tx, slot_id, reason, now).await?;
    audit::record_step(
        &mut tx,
        actor,
        "close_slot",
        &format!("slot:{slot_id}"),
        Some(serde_json::json!({ "closed": false })),
        Some(serde_json::json!({ "closed": true, "reason": reason, "cancelled": told.len() })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(told
        .into_iter()
        .map(|(user, code, phone)| (user, phone, code))
        .collect())
}

/// Cancels every active booking of a closed slot in the caller's transaction, frees their
/// seats and tells each holder (a notice, and a text through the outbox after commit).
async fn cancel_and_tell(
    tx: &mut sqlx::AnyConnection,
    slot_id: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let told = store::cancel_all_in_slot(tx, slot_id, now).await?;
    store::free_seats(tx, slot_id, told.len() as i64).await?;
    for (user, code, _) in &told {
        let n = Notice::new("notice.slot_closed")
            .arg("code", code)
            .arg("reason", reason);
        crate::accounts::store::notify(&mut *tx, *user, &n, now).await?;
    }
    // The texts go out through the outbox after commit: the request returns at once,
    // and a text that fails is retried and shown to admins, never silently lost.
    for (_, code, phone) in &told {
        // Texts go out in Chinese: a phone number has no language preference.
        let text = Notice::new("notice.slot_closed")
            .arg("code", code)
            .arg("reason", reason)
            .render(crate::prefs::Locale::ZhCn);
        crate::outbox::store::enqueue(
            &mut *tx,
            phone,
            "slot_closed",
            &format!("【邻里】{text}"),
            now,
        )
        .await?;
    }
    Ok(told)
}

/// What a new schedule did to the slots already made.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Reconciled {
    /// Slots whose seats follow the new capacity (never below what is booked).
    pub resized: usize,
    /// Slots of windows the schedule no longer has, never booked: deleted.
    pub removed: usize,
    /// Slots of such windows that had bookings: closed, their holders told.
    pub closed: usize,
    /// Bookings cancelled in those, each holder told.
    pub cancelled: usize,
}

/// Brings the centre's slots that have not started in line with schedule `s`, in the
/// caller's transaction: a window that is gone takes its slots with it (deleted if
/// nobody ever booked them, else closed with their holders told), and every other slot
/// takes the new number of seats, keeping the bookings already made.
async fn reconcile_slots(
    tx: &mut sqlx::AnyConnection,
    dialect: crate::db::Dialect,
    center_id: i64,
    s: &Schedule,
    calendar: &Calendar,
    now: i64,
) -> Result<Reconciled, AppError> {
    let mut done = Reconciled::default();
    let reason = Msg::new("desk.window_removed").render(crate::prefs::Locale::ZhCn);
    for slot in store::future_slots(tx, center_id, now).await? {
        let wanted = model::slots_on(s, model::day_rule(calendar, slot.day.date()));
        let kept = wanted.contains(&(slot.start.minutes(), slot.end.minutes()));
        if kept {
            if store::set_capacity(tx, slot.id, i64::from(s.capacity)).await? {
                done.resized += 1;
            }
            continue;
        }
        store::lock_slot(tx, dialect, slot.id).await?;
        if store::delete_unbooked_slot(tx, slot.id).await? {
            done.removed += 1;
        } else if store::close_slot(tx, slot.id, &reason).await? {
            done.closed += 1;
            done.cancelled += cancel_and_tell(tx, slot.id, &reason, now).await?.len();
        }
    }
    Ok(done)
}

/// Reopens a closed slot (its cancelled bookings stay cancelled).
pub async fn reopen_slot(db: &Db, actor: Actor, slot_id: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    store::lock_slot(&mut tx, db.dialect, slot_id).await?;
    if !store::reopen_slot(&mut tx, slot_id).await? {
        return Err(AppError::Conflict(Msg::new("booking.slot_not_closed")));
    }
    audit::record_step(
        &mut tx,
        actor,
        "reopen_slot",
        &format!("slot:{slot_id}"),
        Some(serde_json::json!({ "closed": true })),
        Some(serde_json::json!({ "closed": false })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Per-process cache of every centre's schedule (parsed), kept until the schedules'
/// version moves (see [`crate::cache::VersionedCache::get_checked`]).
pub type ScheduleCache = crate::cache::VersionedCache<i64, Vec<(i64, model::Schedule)>>;

/// Every centre with a schedule, as of now: from the cache.
pub async fn schedules(
    cache: &ScheduleCache,
    db: &Db,
) -> Result<std::sync::Arc<Vec<(i64, model::Schedule)>>, sqlx::Error> {
    cache
        .get_checked(
            db.commits(),
            || store::schedules_version(db),
            || store::schedules(db),
        )
        .await
}

/// Saves a centre's schedule with its audit record, in one transaction, and makes its
/// slots ahead.
#[allow(clippy::too_many_arguments)]
pub async fn set_schedule(
    db: &Db,
    center_id: i64,
    s: &Schedule,
    actor_id: i64,
    community_id: Option<i64>,
    calendar: &Calendar,
    today: NaiveDate,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let before = store::save_schedule(&mut tx, center_id, s, now).await?;
    let done = reconcile_slots(&mut tx, db.dialect, center_id, s, calendar, now).await?;
    let b = before.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok());
    let a = Some(serde_json::json!({ "schedule": s, "slots": done }));
    let target = format!("schedule:{center_id}");
    crate::audit::store::record(
        &mut *tx,
        crate::audit::store::AuditRecord {
            actor_id: Some(actor_id),
            action: "set_schedule",
            target: &target,
            community_id,
            before: b.as_ref(),
            after: a.as_ref(),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    // The schedule is saved; if its slots cannot be made now, the job makes them.
    if let Err(e) = slots_for_center(db, center_id, calendar, today).await {
        tracing::warn!(error = %e, center_id, "slots of a new schedule left to the job");
    }
    Ok(())
}

/// Records a walk-in served at the desk.
pub async fn walk_in(
    db: &Db,
    center_id: i64,
    item_code: &str,
    day: &str,
    staff: Actor,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    store::record_walk_in(&mut tx, center_id, item_code, day, staff.id, now).await?;
    audit::record_step(
        &mut tx,
        staff,
        "walk_in",
        &format!("center:{center_id}"),
        None,
        Some(serde_json::json!({ "item": item_code, "day": day })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A booking by its code, for its owner or the staff of its centre's community; for
/// anyone else it does not exist (404), so a guessed code tells nothing.
pub async fn booking_for(
    db: &Db,
    code: &str,
    user: &crate::accounts::model::CurrentUser,
) -> Result<store::Booking, AppError> {
    let not_found = || AppError::NotFound(Msg::new("booking.what_booking"));
    let b = store::by_code(db, code).await?.ok_or_else(not_found)?;
    let community = crate::stations::store::station(db, b.center_id)
        .await?
        .map(|s| s.community_id)
        .unwrap_or(0);
    if b.user_id != user.id && !user.may_act_in(community) {
        return Err(not_found());
    }
    Ok(b)
}

/// What the booking page asks for besides the item: a centre, a day, the reader's point
/// (nearest centres first) and a search among the centres.
#[derive(Debug, Clone, Default)]
pub struct ChoiceAsk {
    pub center: Option<i64>,
    /// `YYYY-MM-DD`, within the days that can be booked.
    pub day: Option<String>,
    pub point: Option<crate::stations::model::LatLng>,
    pub q: String,
}

/// The booking page's choices for `item`: the centres offering it (the reader's own
/// community's first, the nearest with a point, every centre by street), the chosen
/// centre's days with seats left, and the chosen day's slots still ahead at `now`. A slot
/// that overlaps one of the signed-in resident's own bookings is marked so (it cannot be
/// booked: the booking would be refused), so nobody picks a slot only to be told no.
pub async fn choices(
    db: &Db,
    schedules: &[(i64, model::Schedule)],
    set: &crate::stations::service::StationSet,
    item: &crate::catalogue::model::Item,
    user: Option<&crate::accounts::model::CurrentUser>,
    ask: &ChoiceAsk,
    now: i64,
) -> Result<crate::booking::views::BookingChoices, AppError> {
    use crate::booking::views::{BookingChoices, CenterList, CenterOption, SlotOption};
    use crate::stations::model::{distance_m, LatLng};
    use chrono::Datelike;
    let item_code = item.code.clone();
    let centers: Vec<CenterOption> = schedules
        .iter()
        .filter(|(_, s)| s.items.contains(&item_code))
        .filter_map(|(id, _)| set.position(*id).map(|i| &set.stations[i]))
        .map(|s| CenterOption {
            id: s.id,
            name: s.name.clone(),
            address: s.address.clone(),
            community_id: s.community_id,
            street: s.street.clone(),
            distance_m: ask.point.map(|p| {
                distance_m(
                    p,
                    LatLng {
                        lat: s.lat,
                        lng: s.lng,
                    },
                )
                .round()
            }),
        })
        .collect();
    let center = match ask.center {
        None => None,
        Some(id) => Some(
            centers
                .iter()
                .find(|x| x.id == id)
                .cloned()
                .ok_or_else(|| AppError::bad(Msg::new("booking.center_not_extended")))?,
        ),
    };
    let today = crate::time::local_of(now)
        .map(|t| t.date())
        .ok_or(AppError::Internal)?;
    let ahead = model::BOOK_AHEAD_DAYS;
    let mut days = Vec::new();
    let mut slots = Vec::new();
    let mut day = None;
    if let Some(c) = &center {
        store::schedule(db, c.id)
            .await?
            .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_schedule")))?;
        let last = crate::time::ymd(today + chrono::Duration::days(ahead - 1));
        // One query for the whole window, not one per day.
        let window = store::slots_between(db, c.id, &crate::time::ymd(today), &last).await?;
        for k in 0..ahead {
            let d = today + chrono::Duration::days(k);
            let ds = crate::time::ymd(d);
            let left: i64 = window
                .iter()
                .filter(|s| s.day.to_string() == ds && s.starts_at > now)
                .map(|s| s.seats_left())
                .sum();
            // 今天 / 明天 where they apply, else the weekday (in the reader's language).
            let day_word = match k {
                0 => Msg::new("booking.today"),
                1 => Msg::new("booking.tomorrow"),
                _ => Msg::new(crate::i18n::weekday_key(d.weekday().number_from_monday())),
            };
            let label = format!("{} {}", d.format("%m-%d"), day_word.text());
            days.push((ds, label, left, set.calendar.get(d).map(|s| s.name.clone())));
        }
        if let Some(d) = &ask.day {
            let parsed = crate::calendar::model::parse_date(d).map_err(AppError::BadRequest)?;
            if parsed < today || parsed >= today + chrono::Duration::days(ahead) {
                return Err(AppError::bad(Msg::new("booking.too_far_ahead")));
            }
            // The reader's own active bookings that day, as minute ranges.
            let mine: Vec<(u32, u32)> = match user {
                Some(u) => store::of_user(db, u.id)
                    .await?
                    .into_iter()
                    .filter(|b| b.status == Status::Active && b.slot.day.to_string() == *d)
                    .map(|b| (b.slot.start.minutes(), b.slot.end.minutes()))
                    .collect(),
                None => Vec::new(),
            };
            slots = store::slots_on_day(db, c.id, d)
                .await?
                .into_iter()
                .filter(|s| s.starts_at > now)
                .map(|s| {
                    let (a, b) = (s.start.minutes(), s.end.minutes());
                    SlotOption {
                        id: s.id,
                        seats_left: s.seats_left(),
                        closed: s.closed,
                        close_reason: s.close_reason.clone(),
                        overlaps_mine: mine.iter().any(|(x, y)| *x < b && a < *y),
                        start: s.start.to_string(),
                        end: s.end.to_string(),
                    }
                })
                .collect();
            day = Some(d.clone());
        }
    }
    let centers = if center.is_some() {
        CenterList::default()
    } else {
        CenterList::arrange(centers, user.and_then(|u| u.community_id), &ask.q)
    };
    Ok(BookingChoices {
        item_code,
        item_name: item.title(),
        centers,
        center,
        days,
        day,
        slots,
        signed_in: user.is_some(),
    })
}

/// The staff desk for a centre's day: its slots with their bookings (numbers masked; the
/// full one is an audited read), the items that may be booked, the centre's schedule and
/// figures, and the days before and after for the day switcher.
pub async fn desk(
    db: &Db,
    figures: &crate::cache::RecentCache<i64, store::Figures>,
    cat: &crate::catalogue::service::Loaded,
    (center, center_name): (i64, String),
    day: &str,
    now: i64,
) -> Result<crate::booking::views::Desk, AppError> {
    use crate::booking::views::{Desk, DeskEntry, DeskFigures, SlotOption};
    let day = day.to_string();
    let schedule = store::schedule(db, center).await?;
    let item_name = |c: &str| {
        cat.item(c)
            .map(|i| i.item.title())
            .unwrap_or_else(|| c.to_string())
    };
    let bookings = store::of_center_day(db, center, &day).await?;
    let slots = store::slots_on_day(db, center, &day)
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
                    start: s.start.to_string(),
                    end: s.end.to_string(),
                    seats_left: s.seats_left(),
                    closed: s.closed,
                    close_reason: s.close_reason.clone(),
                    overlaps_mine: false,
                },
                list,
            )
        })
        .collect();
    let f = figures
        .get(center, db.commits(), || store::figures(db, Some(center)))
        .await?;
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
        today: crate::time::date_of(now),
        prev_day: crate::time::ymd(shown - chrono::Duration::days(1)),
        next_day: crate::time::ymd(shown + chrono::Duration::days(1)),
        items,
        day,
        slots,
        schedule,
        figures: DeskFigures {
            served: f.booked_served,
            walk_ins: f.walk_ins,
            by_week: f.by_week.clone(),
            by_item: f.by_item.clone(),
        },
    })
}

/// Saves a centre's schedule after checking its items against the catalogue (each must
/// exist and be done in extended hours); its slots exist at once.
pub async fn save_schedule(
    db: &Db,
    cat: &crate::catalogue::service::Loaded,
    calendar: &Calendar,
    center: i64,
    s: &Schedule,
    actor_id: i64,
    now: i64,
) -> Result<(), AppError> {
    for i in &s.items {
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
    let community = crate::stations::store::station(db, center)
        .await?
        .map(|s| s.community_id);
    let today = crate::time::local_of(now)
        .map(|t| t.date())
        .ok_or(AppError::Internal)?;
    set_schedule(db, center, s, actor_id, community, calendar, today, now).await
}

/// The slot, if it exists and its centre takes `item_code` in extended hours.
pub async fn slot_for_item(db: &Db, slot_id: i64, item_code: &str) -> Result<Slot, AppError> {
    let slot = store::slot(db, slot_id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("booking.what_slot")))?;
    let accepts = store::schedule(db, slot.center_id)
        .await?
        .is_some_and(|s| s.items.iter().any(|i| i == item_code));
    if !accepts {
        return Err(AppError::bad(Msg::new("booking.center_not_extended")));
    }
    Ok(slot)
}

/// Why a booking of `slot` was refused as a conflict, for the page to show it: the code
/// of the resident's own booking in the way, or `limit` when they hold the most active
/// bookings allowed; `None` when it was the seats (full, closed or started).
pub async fn conflict_hint(
    db: &Db,
    user_id: i64,
    slot: &Slot,
    now: i64,
) -> Result<Option<String>, AppError> {
    if let Some(code) = store::overlapping_code(db, user_id, slot).await? {
        return Ok(Some(code));
    }
    let mut conn = db.pool.acquire().await?;
    let active = store::active_ahead(&mut conn, &[user_id], now, None)
        .await?
        .len();
    Ok((active as i64 >= MAX_ACTIVE).then(|| "limit".to_string()))
}
