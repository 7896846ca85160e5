//! Server functions of the city's settings (admins only): its name, the centre maps
//! open on, and the bounds imported points must fall inside. The first step of setting
//! up a real city (README, "A city's own data"); `linli city set` does the same from
//! the shell.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The settings as the form shows them: WGS-84, `lng,lat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CitySettings {
    pub name: String,
    pub center: String,
    pub bbox: String,
    pub is_set: bool,
}

#[cfg(feature = "ssr")]
impl CitySettings {
    pub fn of(c: Option<&crate::stations::model::City>) -> Self {
        match c {
            None => CitySettings::default(),
            Some(c) => CitySettings {
                name: c.name.clone(),
                center: format!("{:.6},{:.6}", c.center.lng, c.center.lat),
                bbox: format!(
                    "{:.6},{:.6};{:.6},{:.6}",
                    c.bbox.min_lng, c.bbox.min_lat, c.bbox.max_lng, c.bbox.max_lat
                ),
                is_set: true,
            },
        }
    }
}

#[server(prefix = "/api", endpoint = "admin/city")]
pub async fn get_city_settings() -> Result<CitySettings, AppError> {
    let r = async {
        crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let set = state.stations().await?;
        Ok(CitySettings::of(set.city.as_ref()))
    }
    .await;
    crate::reply::read(r, "/admin/city")
}

/// Sets the city (audited). `datum` says what the coordinates were copied from.
#[server(prefix = "/api", endpoint = "admin/city/set")]
pub async fn set_city(
    name: String,
    center: String,
    bbox: String,
    datum: String,
) -> Result<(), AppError> {
    let r = async {
        let user = crate::accounts::session::require_admin().await?;
        if name.len() > 200 || center.len() > 100 || bbox.len() > 200 {
            return Err(AppError::bad(Msg::new("city.point_format")));
        }
        let datum = crate::stations::transfer::model::Datum::parse(&datum)
            .ok_or_else(|| AppError::bad(Msg::new("transfer.bad_datum")))?;
        let city = crate::stations::transfer::model::parse_city(&name, &center, &bbox, datum)
            .map_err(|k| AppError::bad(Msg::new(k)))?;
        let state = crate::state::app_state()?;
        let actor = crate::audit::model::Actor {
            id: user.id,
            community_id: None,
        };
        crate::stations::city::service::set_city(
            &state.db,
            Some(actor),
            &city,
            crate::time::now_ts(),
        )
        .await?;
        Ok(())
    }
    .await;
    crate::reply::reply(r, "/admin/city", |_| {
        Some("/admin/city?ok=city.saved".into())
    })
}
