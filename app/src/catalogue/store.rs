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
pub async fn seed_if_empty(
    db: &Db,
    seed: &Catalogue,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_categories")
        .fetch_one(&db.pool)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    let mut tx = db.begin_write().await?;
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
    tx.commit().await?;
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

/// Saves a new version of a guide if the editor started from the current one (`base`);
/// returns the new version, or None when someone else saved first. The old text stays
/// in `catalogue_versions`; the change is audited.
pub async fn save_version(
    db: &Db,
    item: &Item,
    base: i64,
    actor_id: i64,
    note: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let guide = serde_json::to_string(item).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let mut tx = db.begin_write().await?;
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
        "INSERT INTO catalogue_versions (code, version, guide, changed_by, changed_at, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&item.code)
    .bind(version)
    .bind(&guide)
    .bind(actor_id)
    .bind(now)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'catalogue_version'")
        .execute(&mut *tx)
        .await?;
    let before = before.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok());
    let after = serde_json::from_str::<serde_json::Value>(&guide).ok();
    let target = format!("catalogue:{}", item.code);
    crate::accounts::store::audit(
        &mut *tx,
        crate::accounts::store::AuditRecord {
            actor_id: Some(actor_id),
            action: "update_guide",
            target: &target,
            community_id: None,
            before: before.as_ref(),
            after: after.as_ref(),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(version))
}

/// (version, changed_at, note) of every version of an item, newest first.
pub async fn history(db: &Db, code: &str) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT version, changed_at, note FROM catalogue_versions WHERE code = $1 ORDER BY version DESC")
        .bind(code)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("version")?,
                r.try_get("changed_at")?,
                r.try_get("note")?,
            ))
        })
        .collect()
}
