//! SQL for the catalogue: categories, the current guide of each item, and every earlier
//! version of it (append-only). The only place these tables are queried.

use crate::catalogue::model::{Catalogue, Category, Item};
use crate::db::Db;
use sqlx::Row;

/// One stored guide with its version and date.
#[derive(Debug, Clone)]
pub struct StoredItem {
    pub item: Item,
    pub category: String,
    pub version: i64,
    pub updated_at: i64,
}

/// Seeds the shipped catalogue into an empty database (one transaction), each guide's
/// first version with `note`. Returns false if a catalogue is already there.
/// How many items (guides) the catalogue holds.
pub async fn item_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_items")
        .fetch_one(&db.pool)
        .await
}

/// Whether the catalogue holds any category.
pub async fn is_seeded(db: &Db) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_categories")
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn seed_if_empty(
    tx: &mut sqlx::AnyConnection,
    seed: &Catalogue,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_categories")
        .fetch_one(&mut *tx)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    for (ci, c) in seed.categories.iter().enumerate() {
        sqlx::query("INSERT INTO catalogue_categories (code, position, name, name_en, summary) VALUES ($1, $2, $3, $4, $5)")
            .bind(&c.code)
            .bind(ci as i64)
            .bind(&c.name)
            .bind(&c.name_en)
            .bind(&c.summary)
            .execute(&mut *tx)
            .await?;
        for (ii, item) in c.items.iter().enumerate() {
            let guide = serde_json::to_string(item).map_err(|e| sqlx::Error::Encode(e.into()))?;
            sqlx::query(
                "INSERT INTO catalogue_items (code, category_code, position, name, version, guide, updated_at) \
                 VALUES ($1, $2, $3, $4, 1, $5, $6)",
            )
            .bind(&item.code)
            .bind(&c.code)
            .bind(ii as i64)
            .bind(&item.name)
            .bind(&guide)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO catalogue_versions (code, version, guide, changed_by, changed_at, note) \
                 VALUES ($1, 1, $2, NULL, $3, $4)",
            )
            .bind(&item.code)
            .bind(&guide)
            .bind(now)
            .bind(note)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(true)
}

/// The whole catalogue, categories and items in their published order.
pub async fn load(db: &Db) -> Result<(Vec<Category>, Vec<StoredItem>), sqlx::Error> {
    let cats = sqlx::query(
        "SELECT code, name, name_en, summary FROM catalogue_categories ORDER BY position",
    )
    .fetch_all(&db.pool)
    .await?;
    let categories = cats
        .iter()
        .map(|r| {
            Ok(Category {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                name_en: r.try_get("name_en")?,
                summary: r.try_get("summary")?,
                items: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let rows = sqlx::query(
        "SELECT i.category_code, i.version, i.guide, i.updated_at FROM catalogue_items i \
         JOIN catalogue_categories c ON c.code = i.category_code ORDER BY c.position, i.position",
    )
    .fetch_all(&db.pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            let guide: String = r.try_get("guide")?;
            Ok(StoredItem {
                item: serde_json::from_str(&guide).map_err(|e| sqlx::Error::Decode(e.into()))?,
                category: r.try_get("category_code")?,
                version: r.try_get("version")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((categories, items))
}

pub async fn version_stamp(db: &Db) -> Result<i64, sqlx::Error> {
    let v: Option<String> =
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'catalogue_version'")
            .fetch_optional(&db.pool)
            .await?;
    Ok(v.and_then(|s| s.parse().ok()).unwrap_or(0))
}

/// Saves a new version of a guide in the caller's transaction if the editor started from
/// the current one (`base`): the new version and the guide as it was before (for the
/// audit record), or None when someone else saved first. The old text stays in
/// `catalogue_versions`; `proposed_by` names the staff member whose proposal an admin
/// (`actor_id`) approved.
pub async fn save_version_in(
    tx: &mut sqlx::AnyConnection,
    item: &Item,
    base: i64,
    actor_id: i64,
    proposed_by: Option<i64>,
    note: &str,
    now: i64,
) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    let guide = serde_json::to_string(item).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT guide FROM catalogue_items WHERE code = $1")
            .bind(&item.code)
            .fetch_optional(&mut *tx)
            .await?;
    let r = sqlx::query(
        "UPDATE catalogue_items SET version = version + 1, guide = $1, name = $2, updated_at = $3 \
         WHERE code = $4 AND version = $5",
    )
    .bind(&guide)
    .bind(&item.name)
    .bind(now)
    .bind(&item.code)
    .bind(base)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(None);
    }
    let version = base + 1;
    sqlx::query(
        "INSERT INTO catalogue_versions (code, version, guide, changed_by, changed_at, note, proposed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&item.code)
    .bind(version)
    .bind(&guide)
    .bind(actor_id)
    .bind(now)
    .bind(note)
    .bind(proposed_by)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'catalogue_version'")
        .execute(&mut *tx)
        .await?;
    Ok(Some((version, before)))
}

/// A staff member's proposed change to a guide.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proposal {
    pub id: i64,
    pub code: String,
    pub base: i64,
    pub item_json: String,
    pub note: String,
    pub proposed_by: i64,
    pub proposer: String,
    pub proposed_at: i64,
}

/// Records a proposal, in the caller's transaction; returns its id.
pub async fn insert_proposal(
    tx: &mut sqlx::AnyConnection,
    item: &Item,
    base: i64,
    note: &str,
    by: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(item).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query_scalar(
        "INSERT INTO guide_proposals (code, base, item_json, note, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&item.code)
    .bind(base)
    .bind(json)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(tx)
    .await
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.code, p.base, p.item_json, p.note, p.proposed_by, \
     u.display_name AS proposer, p.proposed_at FROM guide_proposals p JOIN users u ON u.id = p.proposed_by";

fn proposal_from(r: &sqlx::any::AnyRow) -> Result<Proposal, sqlx::Error> {
    Ok(Proposal {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        base: r.try_get("base")?,
        item_json: r.try_get("item_json")?,
        note: r.try_get("note")?,
        proposed_by: r.try_get("proposed_by")?,
        proposer: r.try_get("proposer")?,
        proposed_at: r.try_get("proposed_at")?,
    })
}

/// Proposals waiting for an admin, oldest first.
pub async fn pending_proposals(db: &Db, limit: i64) -> Result<Vec<Proposal>, sqlx::Error> {
    let sql = format!("{PROPOSAL_SELECT} WHERE p.status = 'pending' ORDER BY p.id LIMIT $1");
    let rows = sqlx::query(&sql).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(proposal_from).collect()
}

/// Settles a pending proposal (conditional on it still pending); the proposal, or None
/// if it was settled first or does not exist.
pub async fn settle_proposal(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    approve: bool,
    by: i64,
    now: i64,
) -> Result<Option<Proposal>, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE guide_proposals SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(None);
    }
    let sql = format!("{PROPOSAL_SELECT} WHERE p.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(&mut *tx).await?;
    proposal_from(&row).map(Some)
}

/// One version in a guide's history: who published it and, when it came from a
/// proposal, who proposed it.
pub struct VersionRow {
    pub version: i64,
    pub at: i64,
    pub note: String,
    pub published_by: Option<String>,
    pub proposed_by: Option<String>,
}

/// Every version of an item, newest first.
pub async fn history(db: &Db, code: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.version, v.changed_at, v.note, a.display_name AS approver, p.display_name AS proposer \
         FROM catalogue_versions v LEFT JOIN users a ON a.id = v.changed_by \
         LEFT JOIN users p ON p.id = v.proposed_by WHERE v.code = $1 ORDER BY v.version DESC",
    )
    .bind(code)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VersionRow {
                version: r.try_get("version")?,
                at: r.try_get("changed_at")?,
                note: r.try_get("note")?,
                published_by: r.try_get("approver")?,
                proposed_by: r.try_get("proposer")?,
            })
        })
        .collect()
}
