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
    let b = app::booking::store::by_code(&state.db, &code)
        .await?
        .ok_or_else(|| AppError::NotFound("该预约".into()))?;
    let community = app::stations::store::station(&state.db, b.center_id)
        .await?
        .map(|s| s.community_id)
        .unwrap_or(0);
    if b.user_id != user.id && !user.may_act_in(community) {
        return Err(AppError::NotFound("该预约".into()));
    }
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
