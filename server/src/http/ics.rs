//! `GET /bookings/{CODE}/ics`: the booking as an iCalendar file, for its owner (or staff
//! of its centre's community) only.

use app::booking::model::parse_code;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap};

pub async fn booking_ics(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let user = app::accounts::session::user_from_headers(&state, &headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let code = parse_code(&code).map_err(AppError::BadRequest)?;
    let b = app::booking::service::booking_for(&state.db, &code, &user).await?;
    let view = app::booking::api::ssr::view(&state, &b).await?;
    let ics = app::booking::ics::render(&view).ok_or(AppError::Internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"booking-{code}.ics\""),
            ),
        ],
        ics,
    )
        .into_response())
}
