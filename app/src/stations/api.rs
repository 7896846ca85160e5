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
