//! Server functions of the import pages (admins only): an upload's preview, applying
//! it, and the recent uploads. The upload itself and the exports are plain handlers
//! (`server::http::transfer`): their bodies are files.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use crate::stations::transfer::views::{ImportCounts, ImportLine, ImportReport};
use leptos::prelude::*;

/// The address of the upload form's handler (multipart: `file`, `encoding`, `datum`).
pub const UPLOAD_PATH: &str = "/admin/import/upload";

/// The city's bounds, which every imported point must fall inside: the city is set up
/// first (`/admin/city` or `linli city set`).
#[cfg(feature = "ssr")]
async fn city_bounds(
    state: &crate::state::AppState,
) -> Result<Option<crate::stations::model::BBox>, AppError> {
    match state.stations().await?.city.as_ref() {
        Some(c) => Ok(Some(c.bbox)),
        None => Err(AppError::bad(Msg::new("city.set_first"))),
    }
}

/// An upload checked row by row, and what applying it would do; writes nothing.
#[server(prefix = "/api", endpoint = "import/get")]
pub async fn get_import(id: i64) -> Result<ImportReport, AppError> {
    let r = async {
        crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let bounds = city_bounds(&state).await?;
        crate::stations::transfer::service::import_report(&state.db, id, bounds).await
    }
    .await;
    crate::reply::page(r)
}

/// Applies a checked upload (all rows or none).
#[server(prefix = "/api", endpoint = "import/apply")]
pub async fn apply_import(id: i64) -> Result<ImportCounts, AppError> {
    let back = format!("/admin/import/{id}");
    let r = async {
        let user = crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let bounds = city_bounds(&state).await?;
        let actor = crate::audit::model::Actor {
            id: user.id,
            community_id: None,
        };
        crate::stations::transfer::service::apply_import(
            &state.db,
            id,
            actor,
            bounds,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(r, &back, |_| Some(format!("{back}?ok=1")))
}

/// The latest uploads, newest first.
#[server(prefix = "/api", endpoint = "import/list")]
pub async fn list_imports() -> Result<Vec<ImportLine>, AppError> {
    let r = async {
        crate::accounts::session::require_admin().await?;
        let state = crate::state::app_state()?;
        let fmt = |ts: i64| {
            crate::time::local_of(ts)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        Ok(
            crate::stations::transfer::store::recent_imports(&state.db, 20)
                .await?
                .into_iter()
                .map(|i| ImportLine {
                    id: i.id,
                    file_name: i.file_name,
                    uploaded_at: fmt(i.created_at),
                    applied_at: i.applied_at.map(fmt),
                })
                .collect(),
        )
    }
    .await;
    crate::reply::page(r)
}
