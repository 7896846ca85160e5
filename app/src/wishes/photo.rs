//! Fulfilment photos in the database (tables `photos` and `photo_chunks`), so that any
//! number of stateless servers share them with no shared folder.
//!
//! An upload is staged while it is read: a `photos` row without a wish, and its bytes
//! in chunks of [`CHUNK_BYTES`], each written as it arrives (no transaction is held open
//! while a weak 4G connection trickles a photo in). The fulfilment's transaction then
//! ties the staged photo to the wish (`store::attach_photo`); a staged photo never tied
//! is removed by the jobs' purge. Reading streams the chunks one by one.

use crate::db::Db;
use crate::wishes::model::PhotoKind;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::path::Path;

/// Bytes per stored chunk.
pub const CHUNK_BYTES: usize = 256 * 1024;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A photo being written: chunks go to the database as they fill.
pub struct Staging {
    pub id: i64,
    seq: i64,
    buf: Vec<u8>,
    hash: Sha256,
    total: usize,
}

impl Staging {
    /// Starts a staged photo for `uploader`.
    pub async fn begin(db: &Db, uploader: i64, now: i64) -> Result<Self, sqlx::Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO photos (uploaded_by, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(uploader)
        .bind(now)
        .fetch_one(&db.pool)
        .await?;
        Ok(Staging {
            id,
            seq: 0,
            buf: Vec::with_capacity(CHUNK_BYTES),
            hash: Sha256::new(),
            total: 0,
        })
    }

    /// Bytes received so far.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Appends bytes, writing every full chunk.
    pub async fn push(&mut self, db: &Db, mut bytes: &[u8]) -> Result<(), sqlx::Error> {
        self.hash.update(bytes);
        self.total += bytes.len();
        while !bytes.is_empty() {
            let room = CHUNK_BYTES - self.buf.len();
            let take = room.min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.buf.len() == CHUNK_BYTES {
                self.flush(db).await?;
            }
        }
        Ok(())
    }

    async fn flush(&mut self, db: &Db) -> Result<(), sqlx::Error> {
        if self.buf.is_empty() {
            return Ok(());
        }
        sqlx::query("INSERT INTO photo_chunks (photo_id, seq, data) VALUES ($1, $2, $3)")
            .bind(self.id)
            .bind(self.seq)
            .bind(std::mem::take(&mut self.buf))
            .execute(&db.pool)
            .await?;
        self.seq += 1;
        self.buf = Vec::with_capacity(CHUNK_BYTES);
        Ok(())
    }

    /// Writes the last chunk and records the type, size and SHA-256.
    pub async fn finish(mut self, db: &Db, kind: PhotoKind) -> Result<i64, sqlx::Error> {
        self.flush(db).await?;
        let sha = hex(&self.hash.clone().finalize());
        sqlx::query("UPDATE photos SET mime = $1, bytes = $2, sha256 = $3 WHERE id = $4")
            .bind(kind.mime())
            .bind(self.total as i64)
            .bind(sha)
            .bind(self.id)
            .execute(&db.pool)
            .await?;
        Ok(self.id)
    }
}

/// Removes a staged photo that will not be used (a refused step).
pub async fn discard(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM photo_chunks WHERE photo_id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM photos WHERE id = $1 AND wish_id IS NULL")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// One chunk of a stored photo, by number (`None` past the last).
pub async fn chunk(db: &Db, photo: i64, seq: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT data FROM photo_chunks WHERE photo_id = $1 AND seq = $2")
        .bind(photo)
        .bind(seq)
        .fetch_optional(&db.pool)
        .await
}

/// A photo that an older version kept as a file (table `wish_photos`), not yet moved
/// into the database.
pub struct LegacyPhoto {
    pub wish: i64,
    pub file: String,
    pub mime: String,
    pub uploaded_by: i64,
    pub created_at: i64,
}

/// The photos still kept as files.
pub async fn legacy_photos(db: &Db) -> Result<Vec<LegacyPhoto>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT w.wish_id, w.file, w.mime, w.uploaded_by, w.created_at FROM wish_photos w \
         WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.wish_id = w.wish_id)",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LegacyPhoto {
                wish: r.try_get("wish_id")?,
                file: r.try_get("file")?,
                mime: r.try_get("mime")?,
                uploaded_by: r.try_get("uploaded_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A legacy photo's file in `dir`, if its name is safe and it holds bytes.
pub fn read_legacy_file(dir: &Path, file: &str) -> Option<Vec<u8>> {
    let safe = file
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !file.starts_with('.');
    match safe.then(|| std::fs::read(dir.join(file))) {
        Some(Ok(b)) if !b.is_empty() => Some(b),
        _ => None,
    }
}

/// Stores a legacy photo's bytes in the database and drops its file row, inside the
/// caller's transaction.
pub async fn store_legacy(
    tx: &mut sqlx::AnyConnection,
    p: &LegacyPhoto,
    bytes: &[u8],
) -> Result<(), sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO photos (wish_id, mime, bytes, sha256, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(p.wish)
    .bind(&p.mime)
    .bind(bytes.len() as i64)
    .bind(hex(&Sha256::digest(bytes)))
    .bind(p.uploaded_by)
    .bind(p.created_at)
    .fetch_one(&mut *tx)
    .await?;
    for (seq, part) in bytes.chunks(CHUNK_BYTES).enumerate() {
        sqlx::query("INSERT INTO photo_chunks (photo_id, seq, data) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(seq as i64)
            .bind(part.to_vec())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM wish_photos WHERE wish_id = $1")
        .bind(p.wish)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
