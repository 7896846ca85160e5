//! Server functions of the holiday calendar page (admins): a year's days, one day set
//! or removed, a pasted year's list checked line by line and saved all or none.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HolidayLine {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// 1–7, Monday first.
    pub weekday: u32,
    pub holiday: bool,
    pub name: String,
    /// For a make-up workday: the weekday (1–7) it is worked as.
    pub as_weekday: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HolidaysView {
    pub year: i32,
    pub days: Vec<HolidayLine>,
}

#[server(prefix = "/api", endpoint = "admin/holidays")]
pub async fn holidays(year: Option<i32>) -> Result<HolidaysView, AppError> {
    let r = async {
        use chrono::Datelike;
        crate::accounts::session::require_admin().await?;
        let year = year.unwrap_or_else(|| crate::time::today_local().year());
        if !(2000..=2100).contains(&year) {
            return Err(AppError::bad(Msg::new("error.date_format")));
        }
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        let days = set
            .calendar
            .days()
            .filter(|d| d.date.year() == year)
            .map(|d| HolidayLine {
                date: d.date.format("%Y-%m-%d").to_string(),
                weekday: d.date.weekday().number_from_monday(),
                holiday: d.kind == crate::calendar::model::DayKind::Holiday,
                name: d.name.clone(),
                as_weekday: d.as_weekday.map(|w| w.number_from_monday()),
            })
            .collect();
        Ok(HolidaysView { year, days })
    }
    .await;
    crate::reply::read(r, "/admin/holidays")
}

/// Adds or changes one day.
#[server(prefix = "/api", endpoint = "admin/holidays/set")]
pub async fn set_holiday(
    date: String,
    kind: String,
    name: String,
    as_weekday: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let user = crate::accounts::session::require_admin().await?;
        let line = format!(
            "{},{},{},{}",
            date.replace([',', '\t'], ""),
            kind.replace([',', '\t'], ""),
            name.replace([',', '\t'], ""),
            as_weekday.unwrap_or_default().replace([',', '\t'], "")
        );
        let days = crate::calendar::model::parse_list(&line)
            .map_err(|p| AppError::bad(Msg::new(p.first().map(|x| x.1).unwrap_or("banner.bad"))))?;
        let state = crate::state::app_state()?;
        crate::calendar::service::set_days(&state.db, user.id, &days, crate::time::now_ts())
            .await?;
        Ok(())
    }
    .await;
    crate::reply::reply(r, "/admin/holidays", |_| {
        Some("/admin/holidays?ok=holidays.saved".into())
    })
}

/// Removes one day.
#[server(prefix = "/api", endpoint = "admin/holidays/remove")]
pub async fn remove_holiday(date: String) -> Result<(), AppError> {
    let r = async {
        let user = crate::accounts::session::require_admin().await?;
        let day = crate::calendar::model::parse_date(&date).map_err(AppError::BadRequest)?;
        let state = crate::state::app_state()?;
        if !crate::calendar::service::remove_day(&state.db, user.id, day, crate::time::now_ts())
            .await?
        {
            return Err(AppError::NotFound(Msg::new("holidays.title")));
        }
        Ok(())
    }
    .await;
    crate::reply::reply(r, "/admin/holidays", |_| {
        Some("/admin/holidays?ok=holidays.saved".into())
    })
}

/// Saves a pasted list (a year from the State Council's notice): every line checked,
/// all saved or none; the problems say which line and why.
#[server(prefix = "/api", endpoint = "admin/holidays/import")]
pub async fn import_holidays(list: String) -> Result<usize, AppError> {
    let r = async {
        let user = crate::accounts::session::require_admin().await?;
        if list.len() > 64 * 1024 {
            return Err(AppError::bad(Msg::new("holidays.too_many_lines")));
        }
        let days = crate::calendar::model::parse_list(&list).map_err(|problems| {
            let list = problems.iter().take(8).map(|(line, key)| {
                Msg::new("holidays.line_error")
                    .arg("line", line)
                    .arg_msg("reason", Msg::new(key))
            });
            AppError::bad(Msg::join(list).unwrap_or_else(|| Msg::new("banner.bad")))
        })?;
        if days.is_empty() {
            return Err(AppError::bad(Msg::new("holidays.columns_invalid")));
        }
        let state = crate::state::app_state()?;
        crate::calendar::service::set_days(&state.db, user.id, &days, crate::time::now_ts())
            .await?;
        Ok(days.len())
    }
    .await;
    crate::reply::reply(r, "/admin/holidays", |n| {
        Some(format!("/admin/holidays?ok=holidays.imported|n={n}"))
    })
}
