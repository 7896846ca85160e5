//! The catalogue as the server answers questions about it: every guide with its search
//! index, kept per process and rebuilt when the catalogue's version row moves (see
//! [`crate::cache`]).

use crate::catalogue::model::{Category, ItemSummary};
use crate::catalogue::search::Entry;
use crate::catalogue::store::{self, StoredItem};
use crate::db::Db;
use std::sync::Arc;

pub struct Loaded {
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
            .map(|c| c.title())
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
                    .map(|i| ItemSummary::of(&i.item, &c.title()))
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

pub type CatalogueCache = crate::cache::VersionedCache<i64, Loaded>;

/// The catalogue as of now: from the cache, rebuilt if a guide changed.
pub async fn catalogue(cache: &CatalogueCache, db: &Db) -> Result<Arc<Loaded>, sqlx::Error> {
    let stamp = store::version_stamp(db).await?;
    cache
        .get(stamp, || async move {
            let (categories, items) = store::load(db).await?;
            let entries = items.iter().map(|i| Entry::new(&i.item)).collect();
            Ok(Loaded {
                categories,
                items,
                entries,
            })
        })
        .await
}
