//! The catalogue as the server answers questions about it: every guide with its search
//! index, kept per process and rebuilt when the catalogue's version row moves (see
//! [`crate::cache`]).

use crate::catalogue::model::{Category, ItemSummary};
use crate::catalogue::search::Entry;
use crate::catalogue::store::{self, StoredItem};
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use std::sync::Arc;

pub struct Loaded {
    pub categories: Vec<Category>,
    pub items: Vec<StoredItem>,
    pub entries: Vec<Entry>,
    /// The guides in English, by code (only those whose English is current).
    pub english: std::collections::HashMap<String, crate::catalogue::model::Item>,
}

impl Loaded {
    /// The guide in English, if its English text translates its published version.
    pub fn english(&self, code: &str) -> Option<&crate::catalogue::model::Item> {
        self.english.get(code)
    }

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
    cache
        .get_checked(
            db.commits(),
            || store::version_stamp(db),
            || async move {
                let (categories, items) = store::load(db).await?;
                // The English guides, where a guide's English translates its published
                // Chinese (see `catalogue::english`), kept with the rest.
                let english: std::collections::HashMap<String, crate::catalogue::model::Item> =
                    items
                        .iter()
                        .filter_map(|i| {
                            crate::catalogue::english::english_guide(&i.item)
                                .map(|e| (i.item.code.clone(), e))
                        })
                        .collect();
                let entries = items
                    .iter()
                    .map(|i| Entry::new(&i.item, english.get(&i.item.code)))
                    .collect();
                Ok(Loaded {
                    categories,
                    items,
                    entries,
                    english,
                })
            },
        )
        .await
}

/// Seeds the shipped catalogue into an empty database in one transaction (each guide's
/// first version with `note`); false if a catalogue is already there.
pub async fn seed_if_empty(
    db: &Db,
    seed: &crate::catalogue::model::Catalogue,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let attempt = async {
        let mut tx = db.begin_write().await?;
        let seeded = store::seed_if_empty(&mut tx, seed, note, now).await?;
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(seeded)
    }
    .await;
    match attempt {
        // Two processes starting at once on an empty PostgreSQL database both saw no
        // catalogue; the first commit won and the unique keys refused the second copy
        // whole (its transaction rolled back). The catalogue is there: nothing to do.
        Err(e) if crate::db::is_unique_violation(&e) && store::is_seeded(db).await? => Ok(false),
        other => other,
    }
}

/// An admin's guide change published at once, or a staff member's proposed for an admin
/// to approve: the new version (admin) or the proposal's number (staff). Audited in the
/// same transaction; a version saved by someone else since `base` is a 409.
pub async fn edit_guide(
    db: &Db,
    user: &crate::accounts::model::CurrentUser,
    item: &crate::catalogue::model::Item,
    base: i64,
    note: &str,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let out = if user.is_admin() {
        let (version, before) =
            store::save_version_in(&mut tx, item, base, user.id, None, note, now)
                .await?
                .ok_or_else(|| AppError::Conflict(Msg::new("guide.edited_meanwhile")))?;
        record_version(&mut tx, user.id, "update_guide", item, before, now).await?;
        version
    } else {
        let id = store::insert_proposal(&mut tx, item, base, note, user.id, now).await?;
        crate::audit::store::record_step(
            &mut tx,
            crate::audit::model::Actor {
                id: user.id,
                community_id: user.community_id,
            },
            "propose_guide",
            &format!("catalogue:{}", item.code),
            None,
            Some(serde_json::json!({ "proposal": id, "base": base, "note": note })),
            now,
        )
        .await?;
        id
    };
    tx.commit().await?;
    Ok(out)
}

/// An admin approves (publishes) or rejects a staff proposal, audited. Approving checks
/// that nobody published since the proposal's base version (409).
pub async fn decide_guide(
    db: &Db,
    admin_id: i64,
    id: i64,
    approve: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let p = store::settle_proposal(&mut tx, id, approve, admin_id, now)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("guide.what_proposal")))?;
    if approve {
        let item: crate::catalogue::model::Item = serde_json::from_str(&p.item_json)
            .map_err(|_| AppError::Conflict(Msg::new("guide.proposal_unreadable")))?;
        let problems = item.problems();
        if !problems.is_empty() {
            return Err(AppError::BadRequest(
                Msg::join(problems).unwrap_or_else(|| Msg::new("banner.bad")),
            ));
        }
        let (_, before) = store::save_version_in(
            &mut tx,
            &item,
            p.base,
            admin_id,
            Some(p.proposed_by),
            &p.note,
            now,
        )
        .await?
        .ok_or_else(|| AppError::Conflict(Msg::new("guide.edited_meanwhile")))?;
        record_version(&mut tx, admin_id, "approve_guide", &item, before, now).await?;
    } else {
        crate::audit::store::record_step(
            &mut tx,
            crate::audit::model::Actor {
                id: admin_id,
                community_id: None,
            },
            "reject_guide",
            &format!("catalogue:{}", p.code),
            None,
            Some(serde_json::json!({ "proposal": p.id })),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The audit record of a published version: the guide before and after.
async fn record_version(
    conn: &mut sqlx::AnyConnection,
    actor_id: i64,
    action: &str,
    item: &crate::catalogue::model::Item,
    before: Option<String>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let before = before.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok());
    let after = serde_json::to_value(item).ok();
    let target = format!("catalogue:{}", item.code);
    crate::audit::store::record(
        &mut *conn,
        crate::audit::store::AuditRecord {
            actor_id: Some(actor_id),
            action,
            target: &target,
            community_id: None,
            before: before.as_ref(),
            after: after.as_ref(),
            at: now,
        },
    )
    .await
}
