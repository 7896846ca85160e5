//! Imports as a service: an upload kept for its preview (decoded or refused with the
//! reason), the preview that writes nothing, and the apply that writes all rows or none
//! in one audited transaction.

use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::stations::model::Station;
use crate::stations::transfer::store;

/// The largest file accepted for import (10,000 stations in CSV are about 1.5 MB).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// Keeps an uploaded file for its preview: decoded (or refused, with the reason), its
/// format told by its name or its first character. Nothing else is written.
pub async fn upload_import(
    db: &Db,
    actor: crate::audit::model::Actor,
    file_name: &str,
    bytes: &[u8],
    encoding: crate::stations::transfer::model::Encoding,
    datum: crate::stations::transfer::model::Datum,
    now: i64,
) -> Result<i64, crate::error::AppError> {
    use crate::error::AppError;
    use crate::stations::transfer::model::decode;
    if bytes.is_empty() {
        return Err(AppError::bad(Msg::new("transfer.empty")));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(AppError::TooLarge(Msg::new("transfer.too_large")));
    }
    let (text, used) = decode(bytes, encoding).map_err(AppError::BadRequest)?;
    if text.contains('\0') {
        return Err(AppError::bad(Msg::new("transfer.unknown_encoding")));
    }
    let name: String = file_name.chars().take(100).collect();
    let lower = name.to_lowercase();
    let format = if lower.ends_with(".geojson")
        || lower.ends_with(".json")
        || text.trim_start().starts_with('{')
    {
        "geojson"
    } else {
        "csv"
    };
    let mut tx = db.begin_write().await?;
    let id = store::insert_import(
        &mut tx,
        &store::NewImport {
            created_by: actor.id,
            created_at: now,
            file_name: &name,
            format,
            encoding: used.code(),
            datum: datum.code(),
            body: &text,
        },
    )
    .await?;
    crate::audit::store::record_step(
        &mut tx,
        actor,
        "upload_import",
        &format!("import:{id}"),
        None,
        Some(serde_json::json!({ "file": name, "format": format, "encoding": used.code(), "datum": datum.code(), "bytes": bytes.len() })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Reads and checks a stored upload: every row's problems, or the file's one problem.
fn check_import(
    i: &store::StoredImport,
    bounds: Option<crate::stations::model::BBox>,
) -> Result<crate::stations::transfer::model::Checked, Msg> {
    use crate::stations::transfer::model::{parse_csv, parse_geojson, Datum};
    let datum = Datum::parse(&i.datum).unwrap_or(Datum::Wgs84);
    let hours = |s: &str| crate::stations::hours::chinese::to_osm(s).map(|c| c.osm);
    if i.format == "geojson" {
        parse_geojson(&i.body, datum, bounds, &hours)
    } else {
        parse_csv(&i.body, datum, bounds, &hours)
    }
}

fn time_text(ts: i64) -> String {
    crate::time::local_of(ts)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The preview of an upload: nothing is written.
pub async fn import_report(
    db: &Db,
    id: i64,
    bounds: Option<crate::stations::model::BBox>,
) -> Result<crate::stations::transfer::views::ImportReport, crate::error::AppError> {
    use crate::error::AppError;
    let i = store::import_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("transfer.this_import")))?;
    let mut r = crate::stations::transfer::views::ImportReport {
        id: i.id,
        file_name: i.file_name.clone(),
        format: i.format.clone(),
        encoding: i.encoding.clone(),
        datum: i.datum.clone(),
        uploaded_at: time_text(i.created_at),
        applied_at: i.applied_at.map(time_text),
        result: serde_json::from_str(&i.result).ok(),
        ..Default::default()
    };
    match check_import(&i, bounds) {
        Err(e) => r.error = Some(e),
        Ok(c) => {
            let (counts, clashes) = store::diff_import(db, &c.rows).await?;
            r.rows_ok = c.rows.len();
            r.problems = c.problems;
            r.more_problems = c.more_problems;
            r.conversions = c.conversions;
            r.clashes = clashes;
            r.counts = counts;
        }
    }
    Ok(r)
}

/// Applies a checked upload: all rows or none, in one transaction, audited with its
/// counts. A file with any problem is refused (400); one already applied is a 409.
pub async fn apply_import(
    db: &Db,
    id: i64,
    actor: crate::audit::model::Actor,
    bounds: Option<crate::stations::model::BBox>,
    now: i64,
) -> Result<crate::stations::transfer::views::ImportCounts, crate::error::AppError> {
    use crate::error::AppError;
    let i = store::import_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("transfer.this_import")))?;
    if i.applied_at.is_some() {
        return Err(AppError::Conflict(Msg::new("transfer.already_applied")));
    }
    let c = check_import(&i, bounds).map_err(AppError::BadRequest)?;
    if !c.ok() || c.rows.is_empty() {
        return Err(AppError::bad(Msg::new("transfer.fix_first")));
    }
    let (_, clashes) = store::diff_import(db, &c.rows).await?;
    if let Some((row, community)) = clashes.first() {
        return Err(AppError::Conflict(
            Msg::new("transfer.centre_clash")
                .arg("row", row)
                .arg("community", community),
        ));
    }
    let mut tx = db.begin_write().await?;
    // The import's row first: of two concurrent applies, one waits and then finds it
    // applied.
    if !store::mark_import_applied(&mut tx, id, actor.id, "", now).await? {
        return Err(AppError::Conflict(Msg::new("transfer.already_applied")));
    }
    let counts = store::apply_import(&mut tx, &c.rows, now).await?;
    let result = serde_json::to_string(&counts).unwrap_or_default();
    store::set_import_result(&mut tx, id, &result).await?;
    crate::audit::store::record_step(
        &mut tx,
        actor,
        "apply_import",
        &format!("import:{id}"),
        None,
        Some(serde_json::json!({ "file": i.file_name, "rows": c.rows.len(), "counts": counts })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

/// Every station with the external id it was imported under (for the exports, which
/// import back unchanged).
pub async fn stations_with_external_ids(db: &Db) -> Result<Vec<(Station, String)>, AppError> {
    Ok(store::stations_with_external_ids(db).await?)
}
