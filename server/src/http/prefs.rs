//! `POST /prefs`: sets the language or care-mode cookie and goes back to the page.
//! A plain form target, so both switches work before (or without) WebAssembly.

use app::error::AppError;
use app::message::Msg;
use app::prefs::{safe_next, Locale, CARE_COOKIE, LANG_COOKIE};
use axum::response::{IntoResponse, Response};
use axum::Form;
use http::header::{HeaderValue, LOCATION, SET_COOKIE};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PrefsForm {
    lang: Option<String>,
    care: Option<String>,
    next: Option<String>,
}

const ONE_YEAR: u32 = 365 * 24 * 3600;

pub async fn set_prefs(Form(form): Form<PrefsForm>) -> Result<Response, AppError> {
    let mut cookies = Vec::new();
    if let Some(lang) = form.lang.as_deref() {
        let locale =
            Locale::parse(lang).ok_or_else(|| AppError::bad(Msg::new("prefs.bad_lang")))?;
        cookies.push(format!("{LANG_COOKIE}={}", locale.tag()));
    }
    if let Some(care) = form.care.as_deref() {
        let on = match care {
            "1" => "1",
            "0" => "0",
            _ => return Err(AppError::bad(Msg::new("prefs.bad_care"))),
        };
        cookies.push(format!("{CARE_COOKIE}={on}"));
    }
    if cookies.is_empty() {
        return Err(AppError::bad(Msg::new("prefs.nothing")));
    }
    let next = safe_next(form.next.as_deref());
    let mut res = StatusCode::SEE_OTHER.into_response();
    for c in cookies {
        let v = format!("{c}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax");
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    let loc =
        HeaderValue::from_str(&next).map_err(|_| AppError::bad(Msg::new("prefs.bad_next")))?;
    res.headers_mut().insert(LOCATION, loc);
    Ok(res)
}
