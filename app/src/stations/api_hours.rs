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
use serde::{Deserialize, Serialize};

/// One day of the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewDay {
    /// `MM-DD`.
    pub date: String,
    /// 1–7, Monday first.
    pub weekday: u32,
    /// A public holiday's or make-up workday's name, or the station's special note.
    pub note: Option<String>,
    pub intervals: Vec<String>,
}

/// A special date range as the editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialLine {
    pub id: i64,
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursForm {
    pub station_id: i64,
    pub name: String,
    pub community: String,
    pub version: i64,
    /// What the form holds: the proposal being previewed, else the saved hours.
    pub hours: String,
    pub follows_workdays: bool,
    /// Whether `hours` is a proposal (not yet saved).
    pub proposed: bool,
    /// Why the proposal cannot be evaluated (then there is no preview).
    pub error: Option<crate::message::Msg>,
    pub preview: Vec<PreviewDay>,
    pub specials: Vec<SpecialLine>,
}

/// The days shown ahead.
pub const PREVIEW_DAYS: i64 = 14;

/// A special range in words: `12-07 至 12-09 闭馆维修：全天关闭`.
#[cfg(feature = "ssr")]
pub fn special_words(sp: &crate::stations::hours::SpecialHours) -> String {
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
        use chrono::Datelike;
        let (_, s) = kept_station(station_id).await?;
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
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
        let today = crate::time::today_local();
        let (error, preview) = match crate::stations::hours::validate(&hours) {
            Err(e) => (Some(e), Vec::new()),
            Ok(()) => {
                let ctx = crate::stations::hours::context(&set.calendar);
                let eff = crate::stations::hours::effective(&hours, specials);
                match crate::stations::hours::Hours::parse(&eff, &ctx, follows) {
                    None => (
                        Some(crate::message::Msg::new("hours.not_evaluable")),
                        Vec::new(),
                    ),
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
            error,
            preview,
            specials: specials
                .iter()
                .filter(|sp| sp.to >= today)
                .map(|sp| SpecialLine {
                    id: sp.id,
                    words: special_words(sp),
                })
                .collect(),
        })
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
        let hours = opening_hours.trim().to_string();
        crate::stations::hours::validate(&hours).map_err(AppError::BadRequest)?;
        let state = crate::state::app_state()?;
        s.version = version;
        let follows = matches!(follows_workdays.as_deref(), Some("on" | "true" | "1"));
        if !crate::stations::service::set_station_hours(
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
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::bad(Msg::new("error.date_format")))
        };
        let (from, to) = (day(&from)?, day(&to)?);
        let hours = hours.unwrap_or_default();
        crate::stations::hours::check_special(from, to, &hours, &note)
            .map_err(|k| AppError::bad(Msg::new(k)))?;
        if to < crate::time::today_local() {
            return Err(AppError::bad(Msg::new("hours.special_past")));
        }
        let sp = crate::stations::hours::SpecialHours {
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
        Ok(crate::stations::service::add_special_hours(
            &state.db,
            actor,
            &s,
            &sp,
            crate::time::now_ts(),
        )
        .await?)
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
        if !crate::stations::service::delete_special_hours(
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
