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

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::catalogue::search::Entry;
    use crate::catalogue::store::{self, StoredItem};
    use crate::db::Db;
    use std::sync::{Arc, RwLock};

    pub struct Loaded {
        stamp: i64,
        pub categories: Vec<Category>,
        pub items: Vec<StoredItem>,
        pub entries: Vec<Entry>,
    }

    impl Loaded {
        pub fn item(&self, code: &str) -> Option<&StoredItem> {
            self.items.iter().find(|i| i.item.code == code)
        }

        pub fn category_name(&self, code: &str) -> String {
            self.categories
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        }

        pub fn summaries(&self) -> Vec<(Category, Vec<ItemSummary>)> {
            self.categories
                .iter()
                .map(|c| {
                    let items = self
                        .items
                        .iter()
                        .filter(|i| i.category == c.code)
                        .map(|i| ItemSummary::of(&i.item, &c.name))
                        .collect();
                    (c.clone(), items)
                })
                .collect()
        }

        pub fn search(&self, q: &str) -> Vec<ItemSummary> {
            crate::catalogue::search::search(&self.entries, q)
                .into_iter()
                .filter_map(|(code, _)| self.item(&code))
                .map(|s| ItemSummary::of(&s.item, &self.category_name(&s.category)))
                .collect()
        }
    }

    #[derive(Clone, Default)]
    pub struct CatalogueCache(Arc<RwLock<Option<Arc<Loaded>>>>);

    impl std::fmt::Debug for CatalogueCache {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("CatalogueCache")
        }
    }

    impl CatalogueCache {
        pub async fn get(&self, db: &Db) -> Result<Arc<Loaded>, sqlx::Error> {
            let stamp = store::version_stamp(db).await?;
            if let Ok(g) = self.0.read() {
                if let Some(l) = g.as_ref().filter(|l| l.stamp == stamp) {
                    return Ok(l.clone());
                }
            }
            let (categories, items) = store::load(db).await?;
            let entries = items.iter().map(|i| Entry::new(&i.item)).collect();
            let loaded = Arc::new(Loaded {
                stamp,
                categories,
                items,
                entries,
            });
            if let Ok(mut g) = self.0.write() {
                *g = Some(loaded.clone());
            }
            Ok(loaded)
        }
    }

    pub fn date_of(ts: i64) -> String {
        chrono::DateTime::from_timestamp(ts, 0)
            .map(|t| {
                t.with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

#[server(prefix = "/api", endpoint = "catalogue/list")]
pub async fn get_catalogue() -> Result<CatalogueView, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        let c = state.catalogue.get(&state.db).await?;
        Ok(CatalogueView {
            categories: c.summaries(),
        })
    }
    .await;
    AppError::form_result(r, None, "/services")
}

#[server(prefix = "/api", endpoint = "catalogue/search")]
pub async fn search_catalogue(q: String) -> Result<Vec<ItemSummary>, AppError> {
    let state = crate::state::app_state()?;
    let r = async {
        if q.chars().count() > 50 {
            return Err(AppError::bad("搜索词最多50个字"));
        }
        let c = state.catalogue.get(&state.db).await?;
        Ok(c.search(&q))
    }
    .await;
    AppError::form_result(r, None, "/services")
}

#[server(prefix = "/api", endpoint = "catalogue/guide")]
pub async fn get_guide(code: String) -> Result<GuideView, AppError> {
    let state = crate::state::app_state()?;
    let r: Result<GuideView, AppError> = async {
        let c = state.catalogue.get(&state.db).await?;
        let s = c
            .item(&code)
            .ok_or_else(|| AppError::NotFound("该事项".into()))?;
        let editable = crate::accounts::session::current_user()
            .await?
            .is_some_and(|u| u.role != crate::accounts::model::Role::Resident);
        Ok(GuideView {
            item: s.item.clone(),
            category: c.category_name(&s.category),
            version: s.version,
            updated_on: ssr::date_of(s.updated_at),
            editable,
        })
    }
    .await;
    if let Err(e) = &r {
        e.set_response_status();
    }
    r
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
        let item: Item = serde_json::from_str(&guide)
            .map_err(|e| AppError::bad(format!("办事指南格式有误：{e}")))?;
        if item.code != code {
            return Err(AppError::bad("不能修改事项编码"));
        }
        let problems = item.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(problems.join("；")));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 100 {
            return Err(AppError::bad("请用100字以内说明本次修改"));
        }
        let c = state.catalogue.get(&state.db).await?;
        if c.item(&code).is_none() {
            return Err(AppError::NotFound("该事项".into()));
        }
        crate::catalogue::store::save_version(&state.db, &item, base, user.id, note)
            .await?
            .ok_or_else(|| {
                AppError::Conflict("该事项已被他人修改，请刷新后在最新版本上修改".into())
            })
    }
    .await;
    let ok = format!("/services/{code}?saved=1");
    AppError::form_result(r, Some(&ok), &back)
}

/// Every version of a guide: (version, date, note), newest first.
#[server(prefix = "/api", endpoint = "catalogue/history")]
pub async fn guide_history(code: String) -> Result<Vec<(i64, String, String)>, AppError> {
    let state = crate::state::app_state()?;
    let r = crate::catalogue::store::history(&state.db, &code)
        .await
        .map(|v| {
            v.into_iter()
                .map(|(n, at, note)| (n, ssr::date_of(at), note))
                .collect()
        })
        .map_err(AppError::from);
    AppError::form_result(r, None, "/services")
}
