//! Keeping hours true: the station's hours editor for its community's staff and admins
//! (`/station/:id/hours`). The form previews the next 14 days as the evaluator sees
//! them (public holidays, make-up workdays and the station's special dates included)
//! before anything is saved; the server is the judge of the syntax. Special dates
//! (closed for repairs, Spring Festival hours) are date ranges with their own hours.
//! Every change is audited and reaches "open now" everywhere at once (the stations'
//! cache version moves in the same transaction).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;

// The editor's views live in the model layer, where the service that builds them can
// name them; they keep their old paths here.
pub use crate::stations::hours::views::{HoursForm, PreviewDay, SpecialLine, PREVIEW_DAYS};

/// A special range in words: `12-07 至 12-09 闭馆维修：全天关闭`.
#[cfg(feature = "ssr")]
pub fn special_words(sp: &crate::stations::hours::model::SpecialHours) -> String {
    let hours = if sp.hours.trim().is_empty() {
        crate::i18n::tr("hours.closed_day")
    } else {
        sp.hours.replace(',', "、")
    };
    crate::i18n::tr_args(
        "hours.special_words",
        &[
            ("from", sp.from.format("%Y-%m-%d").to_string()),
            ("to", sp.to.format("%Y-%m-%d").to_string()),
            ("note", sp.note.clone()),
            ("hours", hours),
        ],
    )
}

/// The station, if the caller keeps it (staff of its community, admins).
#[cfg(feature = "ssr")]
async fn kept_station(
    id: i64,
) -> Result<
    (
        crate::accounts::model::CurrentUser,
        crate::stations::model::Station,
    ),
    AppError,
> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let s = crate::stations::store::station(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("stations.what_station")))?;
    if !user.may_act_in(s.community_id) {
        return Err(AppError::Forbidden);
    }
    Ok((user, s))
}

/// The editor, previewing `proposed` hours if given (else the saved ones).
#[server(prefix = "/api", endpoint = "stations/hours")]
pub async fn hours_editor(
    station_id: i64,
    proposed: Option<String>,
    follows: Option<bool>,
) -> Result<HoursForm, AppError> {
    let r = async {
        let (_, s) = kept_station(station_id).await?;
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        let today = crate::time::today_local();
        let mut form =
            crate::stations::hours::service::hours_form(&set, &s, proposed, follows, today)?;
        // The special dates from today on, in words (said here: a service renders no text).
        form.specials = set
            .specials_of(station_id)
            .iter()
            .filter(|sp| sp.to >= today)
            .map(|sp| SpecialLine {
                id: sp.id,
                words: special_words(sp),
            })
            .collect();
        Ok(form)
    }
    .await;
    crate::reply::page(r)
}

/// Saves a station's regular hours (checked first; a stale form is a 409).
#[server(prefix = "/api", endpoint = "stations/hours/set")]
pub async fn set_hours(
    station_id: i64,
    version: i64,
    opening_hours: String,
    follows_workdays: Option<String>,
) -> Result<(), AppError> {
    let back = format!("/station/{station_id}/hours");
    let r = async {
        let (user, mut s) = kept_station(station_id).await?;
        // Written in words or in `opening_hours`: stored in the one syntax.
        let hours = crate::stations::hours::chinese::to_osm(&opening_hours)
            .map_err(AppError::BadRequest)?
            .osm;
        let state = crate::state::app_state()?;
        s.version = version;
        let follows = matches!(follows_workdays.as_deref(), Some("on" | "true" | "1"));
        if !crate::stations::hours::service::set_station_hours(
            &state.db,
            user.id,
            &s,
            &hours,
            follows,
            &crate::time::today(),
            crate::time::now_ts(),
        )
        .await?
        {
            return Err(AppError::Conflict(Msg::new("stations.stale")));
        }
        Ok(())
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(format!("{back}?ok=hours.saved")))
}

/// Adds a special date range to a station.
#[server(prefix = "/api", endpoint = "stations/hours/special/add")]
pub async fn add_special(
    station_id: i64,
    from: String,
    to: String,
    hours: Option<String>,
    note: String,
) -> Result<i64, AppError> {
    let back = format!("/station/{station_id}/hours");
    let r = async {
        let (user, s) = kept_station(station_id).await?;
        let day = |v: &str| {
            crate::calendar_types::Day::parse(v)
                .map(crate::calendar_types::Day::date)
                .ok_or_else(|| AppError::bad(Msg::new("error.date_format")))
        };
        let (from, to) = (day(&from)?, day(&to)?);
        let hours = hours.unwrap_or_default();
        crate::stations::hours::model::check_special(from, to, &hours, &note)
            .map_err(|k| AppError::bad(Msg::new(k)))?;
        if to < crate::time::today_local() {
            return Err(AppError::bad(Msg::new("hours.special_past")));
        }
        let sp = crate::stations::hours::model::SpecialHours {
            id: 0,
            station_id,
            from,
            to,
            hours: hours.trim().to_string(),
            note: note.trim().to_string(),
        };
        let state = crate::state::app_state()?;
        let actor = crate::audit::model::Actor {
            id: user.id,
            community_id: Some(s.community_id),
        };
        crate::stations::hours::service::add_special_hours(
            &state.db,
            actor,
            &s,
            &sp,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(format!("{back}?ok=hours.saved")))
}

/// Removes a special date range.
#[server(prefix = "/api", endpoint = "stations/hours/special/delete")]
pub async fn delete_special(station_id: i64, id: i64) -> Result<(), AppError> {
    let back = format!("/station/{station_id}/hours");
    let r = async {
        let (user, s) = kept_station(station_id).await?;
        let state = crate::state::app_state()?;
        if !crate::stations::hours::service::delete_special_hours(
            &state.db,
            user.id,
            &s,
            id,
            crate::time::now_ts(),
        )
        .await?
        {
            return Err(AppError::NotFound(Msg::new("hours.what_special")));
        }
        Ok(())
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(format!("{back}?ok=hours.saved")))
}
