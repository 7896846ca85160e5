//! Keeping hours true: saving regular hours and special date ranges, each with its audit
//! record in one transaction, and the editor's 14-day preview as the evaluator sees it.

use crate::audit::model::Actor;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::stations::hours::model::{context, effective, Hours};
use crate::stations::hours::store;
use crate::stations::model::Station;
use crate::stations::service::StationSet;

/// Saves a station's regular hours with its audit record (before and after), in one
/// transaction; false if someone saved first.
pub async fn set_station_hours(
    db: &Db,
    actor_id: i64,
    before: &Station,
    hours: &str,
    follows_workdays: bool,
    verified_on: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    if !store::set_station_hours(&mut tx, before, hours, follows_workdays, verified_on, now).await?
    {
        return Ok(false);
    }
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor_id,
            community_id: Some(before.community_id),
        },
        "set_hours",
        &format!("station:{}", before.id),
        Some(serde_json::json!({ "opening_hours": before.opening_hours, "follows_workdays": before.follows_workdays })),
        Some(serde_json::json!({ "opening_hours": hours, "follows_workdays": follows_workdays })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Adds a special date range to a station with its audit record; every process sees it
/// at once.
pub async fn add_special_hours(
    db: &Db,
    actor: Actor,
    station: &Station,
    sp: &crate::stations::hours::model::SpecialHours,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let today = crate::time::date_of(now);
    let ahead = store::count_special_hours_from(&mut tx, station.id, &today).await?;
    if ahead >= crate::stations::hours::model::MAX_SPECIALS_AHEAD {
        return Err(AppError::bad(
            Msg::new("hours.special_too_many")
                .arg("n", crate::stations::hours::model::MAX_SPECIALS_AHEAD),
        ));
    }
    let id = store::add_special_hours(&mut tx, actor.id, station, sp, now).await?;
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor.id,
            community_id: Some(station.community_id),
        },
        "add_special_hours",
        &format!("station:{}", station.id),
        None,
        Some(serde_json::json!({ "from": sp.from, "to": sp.to, "hours": sp.hours.trim(), "note": sp.note.trim() })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a station's special date range with its audit record; false if there was
/// none.
pub async fn delete_special_hours(
    db: &Db,
    actor_id: i64,
    station: &Station,
    id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    let Some(before) = store::delete_special_hours(&mut tx, station, id).await? else {
        return Ok(false);
    };
    crate::audit::store::record_step(
        &mut tx,
        Actor {
            id: actor_id,
            community_id: Some(station.community_id),
        },
        "delete_special_hours",
        &format!("station:{}", station.id),
        Some(serde_json::json!(before)),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The hours editor for station `s` (already checked to be the caller's to keep),
/// previewing `proposed` hours if given (else the saved ones) for the days from `today`
/// as the evaluator sees them. `specials` is left empty: the caller says them in words.
pub fn hours_form(
    set: &StationSet,
    s: &Station,
    proposed: Option<String>,
    follows: Option<bool>,
    today: chrono::NaiveDate,
) -> Result<crate::stations::hours::views::HoursForm, AppError> {
    use crate::stations::hours::views::{HoursForm, PreviewDay, PREVIEW_DAYS};
    use chrono::Datelike;
    let station_id = s.id;
    let proposal = proposed
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    let is_proposal = proposal.is_some();
    let hours = proposal.unwrap_or_else(|| s.opening_hours.clone());
    let follows = if is_proposal {
        follows.unwrap_or(false)
    } else {
        s.follows_workdays
    };
    let specials = set.specials_of(station_id);
    let read = crate::stations::hours::chinese::to_osm(&hours);
    let read_as = read
        .as_ref()
        .ok()
        .filter(|c| c.converted)
        .map(|c| c.osm.clone());
    let (error, preview) = match read {
        Err(e) => (Some(e), Vec::new()),
        Ok(crate::stations::hours::chinese::Converted { osm: hours, .. }) => {
            let ctx = context(&set.calendar);
            let eff = effective(&hours, specials);
            match Hours::parse(&eff, &ctx, follows) {
                None => (Some(Msg::new("hours.not_evaluable")), Vec::new()),
                Some(h) => (
                    None,
                    (0..PREVIEW_DAYS)
                        .map(|k| {
                            let d = today + chrono::Duration::days(k);
                            PreviewDay {
                                date: d.format("%m-%d").to_string(),
                                weekday: d.weekday().number_from_monday(),
                                note: specials
                                    .iter()
                                    .rev()
                                    .find(|sp| sp.from <= d && d <= sp.to)
                                    .map(|sp| sp.note.clone())
                                    .or_else(|| set.calendar.get(d).map(|c| c.name.clone())),
                                intervals: h.intervals_on(&set.calendar, d),
                            }
                        })
                        .collect(),
                ),
            }
        }
    };
    Ok(HoursForm {
        station_id,
        name: s.name.clone(),
        community: s.community.clone(),
        version: s.version,
        hours,
        follows_workdays: follows,
        proposed: is_proposal,
        read_as,
        error,
        preview,
        specials: Vec::new(),
    })
}
