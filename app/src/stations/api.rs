//! Server functions for stations. Thin: read the state, call the store, map errors.

use crate::error::AppError;
use crate::stations::model::CitySummary;
use leptos::prelude::*;

/// The overview shown on the home page.
#[server(prefix = "/api", endpoint = "stations/summary")]
pub async fn get_city_summary() -> Result<CitySummary, AppError> {
    let state = crate::state::app_state()?;
    crate::stations::store::summary(&state.db).await.map_err(|e| {
        let e = AppError::from(e);
        e.set_response_status();
        e
    })
}

/// Staff keep their community's station data true: the phone number and the amenities,
/// and the date they checked it on site (today, Asia/Shanghai). Staff act only in their
/// own community; admins anywhere. Recorded in the audit log with before and after.
#[server(prefix = "/api", endpoint = "stations/update")]
pub async fn update_station(
    station_id: i64,
    phone: String,
    amenities: String,
) -> Result<crate::stations::model::Station, AppError> {
    use crate::stations::model::{parse_station_phone, Amenity};
    let back = format!("/station/{station_id}");
    let result = async {
        let state = crate::state::app_state()?;
        let caller = crate::accounts::session::require_user().await?;
        let db = &state.db;
        let before = crate::stations::store::station(db, station_id)
            .await?
            .ok_or_else(|| AppError::NotFound("驿站".into()))?;
        if !caller.may_act_in(before.community_id) {
            return Err(AppError::Forbidden);
        }
        let phone = parse_station_phone(&phone).map_err(AppError::BadRequest)?;
        let amenities = Amenity::split(&amenities).map_err(AppError::BadRequest)?;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
        crate::stations::store::update_station(db, caller.id, &before, &phone, &amenities, &today).await?;
        crate::stations::store::station(db, station_id).await?.ok_or(AppError::Internal)
    }
    .await;
    AppError::form_result(result, Some(&back), &back)
}
