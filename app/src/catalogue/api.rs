//! Server functions for the catalogue. The guides are read from the database through a
//! per-process cache checked against a version row, like the stations.

use crate::catalogue::model::{Category, Item, ItemSummary};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
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
    /// Whether `item`'s texts are the reviewed English translation of this version (an
    /// English reader); false: the published Chinese text.
    #[serde(default)]
    pub translated: bool,
}

#[server(prefix = "/api", endpoint = "catalogue/list")]
pub async fn get_catalogue() -> Result<CatalogueView, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        let c = state.catalogue().await?;
        let mut categories = c.summaries();
        if crate::i18n::current_locale() == crate::prefs::Locale::En {
            for (cat, _) in &mut categories {
                if let Some(s) = crate::catalogue::english::category_summary(&cat.code) {
                    cat.summary = s.to_string();
                }
            }
        }
        Ok(CatalogueView { categories })
    }
    .await;
    crate::reply::read(r, "/services")
}

#[server(prefix = "/api", endpoint = "catalogue/search")]
pub async fn search_catalogue(q: String) -> Result<Vec<ItemSummary>, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        if q.chars().count() > 50 {
            return Err(AppError::bad(Msg::new("guide.search_too_long")));
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
            .ok_or_else(|| AppError::NotFound(Msg::new("guide.what_item")))?;
        let editable = crate::accounts::session::current_user()
            .await?
            .is_some_and(|u| u.is_staff());
        // An English reader gets the reviewed English text where it is current.
        let english = (crate::i18n::current_locale() == crate::prefs::Locale::En)
            .then(|| c.english(&code))
            .flatten();
        Ok(GuideView {
            item: english.unwrap_or(&s.item).clone(),
            category: c.category_name(&s.category),
            version: s.version,
            updated_on: crate::time::date_of(s.updated_at),
            editable,
            translated: english.is_some(),
        })
    }
    .await;
    crate::reply::page(r)
}

/// Guides are city-wide: an admin publishes a new version directly; staff propose one,
/// which an admin approves (`catalogue/decide`). `guide` is the whole guide as JSON (the
/// edit form's text), `base` the version the editor started from: if someone saved in
/// between, nothing is overwritten (409). Every rule of a guide is checked. Returns the
/// new version (an admin) or the proposal's number (staff).
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
        if !user.is_staff() {
            return Err(AppError::Forbidden);
        }
        let item: Item = serde_json::from_str(&guide)
            .map_err(|e| AppError::bad(Msg::new("guide.json_invalid").arg("e", e)))?;
        if item.code != code {
            return Err(AppError::bad(Msg::new("guide.code_unchangeable")));
        }
        let problems = item.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(
                Msg::join(problems).unwrap_or_else(|| Msg::new("banner.bad")),
            ));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 100 {
            return Err(AppError::bad(Msg::new("guide.edit_note_length")));
        }
        let c = state.catalogue().await?;
        if c.item(&code).is_none() {
            return Err(AppError::NotFound(Msg::new("guide.what_item")));
        }
        crate::catalogue::service::edit_guide(
            &state.db,
            &user,
            &item,
            base,
            note,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    let ok = format!("/services/{code}?saved=1");
    crate::reply::reply(r, &back, |_| Some(ok.to_string()))
}

/// Admins: guide changes proposed by staff, waiting for approval.
#[server(prefix = "/api", endpoint = "catalogue/proposals")]
pub async fn guide_proposals() -> Result<Vec<crate::catalogue::model::ProposalView>, AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        crate::accounts::session::require_admin().await?;
        Ok(crate::catalogue::store::pending_proposals(&state.db, 100)
            .await?
            .into_iter()
            .map(|p| crate::catalogue::model::ProposalView {
                id: p.id,
                code: p.code,
                base: p.base,
                note: p.note,
                proposer: p.proposer,
                date: crate::time::date_of(p.proposed_at),
            })
            .collect())
    }
    .await;
    crate::reply::read(r, "/admin")
}

/// Admins approve (publish) or reject a staff proposal. Approving checks the guide's
/// rules again and that nobody published since the proposal's base version (409).
#[server(prefix = "/api", endpoint = "catalogue/decide")]
pub async fn decide_guide(id: i64, approve: bool) -> Result<(), AppError> {
    let r = async {
        let state = crate::state::app_state()?;
        let user = crate::accounts::session::require_admin().await?;
        crate::catalogue::service::decide_guide(
            &state.db,
            user.id,
            id,
            approve,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(r, "/admin", |_| Some("/admin?ok=1".to_string()))
}

/// Every version of a guide: (version, date, note), newest first.
#[server(prefix = "/api", endpoint = "catalogue/history")]
pub async fn guide_history(code: String) -> Result<Vec<(i64, String, String)>, AppError> {
    let state = crate::state::app_state()?;
    let r = crate::catalogue::store::history(&state.db, &code)
        .await
        .map(|v| {
            v.into_iter()
                .map(|h| {
                    let by = match (&h.proposed_by, &h.published_by) {
                        (Some(p), Some(a)) => crate::i18n::tr_args(
                            "guide.proposed_by",
                            &[("proposer", p.clone()), ("approver", a.clone())],
                        ),
                        (None, Some(a)) => {
                            crate::i18n::tr_args("guide.published_by", &[("by", a.clone())])
                        }
                        _ => String::new(),
                    };
                    let note = if by.is_empty() {
                        h.note
                    } else {
                        format!("{}（{by}）", h.note)
                    };
                    (h.version, crate::time::date_of(h.at), note)
                })
                .collect()
        })
        .map_err(AppError::from);
    crate::reply::read(r, "/services")
}
