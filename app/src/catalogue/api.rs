//! Server functions for the catalogue. The guides are read from the database through a
//! per-process cache checked against a version row, like the stations.

use crate::catalogue::model::{Category, Item, ItemSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The categories with their items (summaries), for the 办事 tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueView {
    pub categories: Vec<(Category, Vec<ItemSummary>)>,
}

/// One guide, with when it was last changed and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuideView {
    pub item: Item,
    pub category: String,
    pub version: i64,
    /// `YYYY-MM-DD`, Asia/Shanghai.
    pub updated_on: String,
    /// Whether the viewer may edit it (staff and admins).
    pub editable: bool,
}

#[server(prefix = "/api", endpoint = "catalogue/list")]
pub async fn get_catalogue() -> Result<CatalogueView, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        let c = state.catalogue().await?;
        Ok(CatalogueView {
            categories: c.summaries(),
        })
    }
    .await;
    crate::reply::read(r, "/services")
}

#[server(prefix = "/api", endpoint = "catalogue/search")]
pub async fn search_catalogue(q: String) -> Result<Vec<ItemSummary>, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        if q.chars().count() > 50 {
            return Err(AppError::bad(crate::i18n::tr("msg.catalogue_api.m1")));
        }
        let c = state.catalogue().await?;
        Ok(c.search(&q))
    }
    .await;
    crate::reply::read(r, "/services")
}

#[server(prefix = "/api", endpoint = "catalogue/guide")]
pub async fn get_guide(code: String) -> Result<GuideView, AppError> {
    let state = crate::state::app_state()?;
    let r: Result<GuideView, AppError> = async {
        let c = state.catalogue().await?;
        let s = c
            .item(&code)
            .ok_or_else(|| AppError::NotFound(crate::i18n::tr("msg.catalogue_api.m4")))?;
        let editable = crate::accounts::session::current_user()
            .await?
            .is_some_and(|u| u.role != crate::accounts::model::Role::Resident);
        Ok(GuideView {
            item: s.item.clone(),
            category: c.category_name(&s.category),
            version: s.version,
            updated_on: crate::time::date_of(s.updated_at),
            editable,
        })
    }
    .await;
    crate::reply::page(r)
}

/// Staff and admins publish a new version of a guide. `guide` is the whole guide as
/// JSON (the edit form's text), `base` the version the editor started from: if someone
/// saved in between, nothing is overwritten (409). Every rule of a guide is checked.
#[server(prefix = "/api", endpoint = "catalogue/update")]
pub async fn update_guide(
    code: String,
    base: i64,
    guide: String,
    note: String,
) -> Result<i64, AppError> {
    let back = format!("/services/{code}/edit");
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_user().await?;
        if user.role == crate::accounts::model::Role::Resident {
            return Err(AppError::Forbidden);
        }
        let item: Item = serde_json::from_str(&guide).map_err(|e| {
            AppError::bad(crate::i18n::tr_args(
                "msg.catalogue_api.m6",
                &[("e", e.to_string())],
            ))
        })?;
        if item.code != code {
            return Err(AppError::bad(crate::i18n::tr("msg.catalogue_api.m2")));
        }
        let problems = item.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(problems.join("；")));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 100 {
            return Err(AppError::bad(crate::i18n::tr("msg.catalogue_api.m3")));
        }
        let c = state.catalogue().await?;
        if c.item(&code).is_none() {
            return Err(AppError::NotFound(crate::i18n::tr("msg.catalogue_api.m4")));
        }
        crate::catalogue::store::save_version(
            &state.db,
            &item,
            base,
            user.id,
            note,
            crate::time::now_ts(),
        )
        .await?
        .ok_or_else(|| AppError::Conflict(crate::i18n::tr("msg.catalogue_api.m5")))
    }
    .await;
    let ok = format!("/services/{code}?saved=1");
    crate::reply::reply(r, &back, |_| Some(ok.to_string()))
}

/// Every version of a guide: (version, date, note), newest first.
#[server(prefix = "/api", endpoint = "catalogue/history")]
pub async fn guide_history(code: String) -> Result<Vec<(i64, String, String)>, AppError> {
    let state = crate::state::app_state()?;
    let r = crate::catalogue::store::history(&state.db, &code)
        .await
        .map(|v| {
            v.into_iter()
                .map(|(n, at, note)| (n, crate::time::date_of(at), note))
                .collect()
        })
        .map_err(AppError::from);
    crate::reply::read(r, "/services")
}
