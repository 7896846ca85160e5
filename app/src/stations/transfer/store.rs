//! SQL of imports: the uploads kept for their preview and apply, the difference an
//! upload makes to the stations, and applying it in the caller's transaction.

use crate::db::placeholders;
use crate::db::Db;
use crate::stations::model::{Amenity, Station, StationKind};
use crate::stations::store::{
    bump_version, station_from_row, CHUNK, STATION_COLUMNS, STATION_JOIN,
};
use crate::stations::transfer::model::ImportRow;
use crate::stations::transfer::views::ImportCounts;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A station's external id as export writes it: the city's own, else `LINLI-<id>`.
const EXTERNAL_ID: &str = "COALESCE(s.external_id, 'LINLI-' || CAST(s.id AS TEXT))";

/// An uploaded file kept for its preview and its apply.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredImport {
    pub id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub file_name: String,
    pub format: String,
    pub encoding: String,
    pub datum: String,
    pub body: String,
    pub applied_at: Option<i64>,
    pub result: String,
}

/// The upload fields of an import (its text already decoded).
pub struct NewImport<'a> {
    pub created_by: i64,
    pub created_at: i64,
    pub file_name: &'a str,
    pub format: &'a str,
    pub encoding: &'a str,
    pub datum: &'a str,
    pub body: &'a str,
}

/// Keeps an upload, in the caller's transaction; returns its id.
pub async fn insert_import(
    conn: &mut AnyConnection,
    i: &NewImport<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO imports (created_by, created_at, file_name, format, encoding, datum, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(i.created_by)
    .bind(i.created_at)
    .bind(i.file_name)
    .bind(i.format)
    .bind(i.encoding)
    .bind(i.datum)
    .bind(i.body)
    .fetch_one(conn)
    .await
}

/// Records what applying an import did, in the caller's transaction.
pub async fn set_import_result(
    conn: &mut AnyConnection,
    id: i64,
    result: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE imports SET result = $1 WHERE id = $2")
        .bind(result)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

const IMPORT_COLUMNS: &str =
    "id, created_by, created_at, file_name, format, encoding, datum, body, applied_at, result";

fn import_from(r: &AnyRow) -> Result<StoredImport, sqlx::Error> {
    Ok(StoredImport {
        id: r.try_get("id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        file_name: r.try_get("file_name")?,
        format: r.try_get("format")?,
        encoding: r.try_get("encoding")?,
        datum: r.try_get("datum")?,
        body: r.try_get("body")?,
        applied_at: r.try_get("applied_at")?,
        result: r.try_get("result")?,
    })
}

pub async fn import_by_id(db: &Db, id: i64) -> Result<Option<StoredImport>, sqlx::Error> {
    let sql = format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    r.as_ref().map(import_from).transpose()
}

/// The latest uploads, newest first, without their text.
pub async fn recent_imports(db: &Db, limit: i64) -> Result<Vec<StoredImport>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, created_by, created_at, file_name, format, encoding, datum, '' AS body, \
         applied_at, result FROM imports ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(import_from).collect()
}

/// Marks an upload applied, in the caller's transaction; false if it already was (the
/// row lock makes two concurrent applies one after the other).
pub async fn mark_import_applied(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    result: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE imports SET applied_at = $1, applied_by = $2, result = $3 WHERE id = $4 AND applied_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(result)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Every station with its external id (`LINLI-<id>` when the city's list gave it
/// none, so that an export of any city imports back onto the same stations), for
/// export and for comparing an import with what is stored.
pub async fn stations_with_external_ids(db: &Db) -> Result<Vec<(Station, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT {STATION_COLUMNS}, {EXTERNAL_ID} AS external_id FROM {STATION_JOIN} ORDER BY s.id"
    );
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok((station_from_row(r)?, r.try_get("external_id")?)))
        .collect()
}

/// How an imported row compares with a stored station (same external id).
fn same(s: &Station, r: &ImportRow) -> bool {
    s.kind == r.kind
        && s.name == r.name
        && s.community == r.community
        && s.address == r.address
        // Within about a centimetre: a datum's round trip is not exact to the last bit.
        && (s.lat - r.lat).abs() < 2e-6
        && (s.lng - r.lng).abs() < 2e-6
        && s.opening_hours == r.opening_hours
        && s.phone == r.phone
        && s.amenities == r.amenities
        && s.verified_on == r.verified_on
        && s.follows_workdays == r.follows_workdays
}

/// Compares checked rows with what is stored, without writing: the counts an apply
/// would give, and the rows that would break the one-centre-per-community rule.
pub async fn diff_import(
    db: &Db,
    rows: &[ImportRow],
) -> Result<(ImportCounts, Vec<(usize, String)>), sqlx::Error> {
    let stored = stations_with_external_ids(db).await?;
    let streets: std::collections::HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT name FROM streets")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let communities: std::collections::HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT name FROM communities")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let by_id: std::collections::HashMap<&str, &Station> =
        stored.iter().map(|(s, e)| (e.as_str(), s)).collect();
    // A centre already there (in a community) under another external id, or none.
    let centres: std::collections::HashMap<&str, &str> = stored
        .iter()
        .filter(|(s, _)| s.kind == StationKind::Center)
        .map(|(s, e)| (s.community.as_str(), e.as_str()))
        .collect();
    let mut counts = ImportCounts::default();
    let mut clashes = Vec::new();
    let mut new_streets = std::collections::HashSet::new();
    let mut new_communities = std::collections::HashSet::new();
    for r in rows {
        match by_id.get(r.external_id.as_str()) {
            None => counts.created += 1,
            Some(s) if same(s, r) => counts.unchanged += 1,
            Some(_) => counts.updated += 1,
        }
        if !streets.contains(&r.street) {
            new_streets.insert(r.street.clone());
        }
        if !communities.contains(&r.community) {
            new_communities.insert(r.community.clone());
        }
        if r.kind == StationKind::Center {
            if let Some(other) = centres.get(r.community.as_str()) {
                if *other != r.external_id {
                    clashes.push((r.row, r.community.clone()));
                }
            }
        }
    }
    counts.new_streets = new_streets.len();
    counts.new_communities = new_communities.len();
    Ok((counts, clashes))
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an imported row's columns in the order both the insert and the update name
/// them (kind … verified_on, follows_workdays, updated_at, external_id).
fn bind_import<'q>(q: AnyQuery<'q>, r: &'q ImportRow, community: i64, now: i64) -> AnyQuery<'q> {
    q.bind(r.kind.code())
        .bind(&r.name)
        .bind(community)
        .bind(&r.address)
        .bind(r.lat)
        .bind(r.lng)
        .bind(Amenity::join(&r.amenities))
        .bind(&r.opening_hours)
        .bind(&r.phone)
        .bind(&r.verified_on)
        .bind(i64::from(r.follows_workdays))
        .bind(now)
        .bind(&r.external_id)
}

/// The id of a row's community (made before its stations are written).
fn community_of(
    communities: &std::collections::HashMap<String, i64>,
    r: &ImportRow,
) -> Result<i64, sqlx::Error> {
    communities
        .get(&r.community)
        .copied()
        .ok_or(sqlx::Error::RowNotFound)
}

/// Writes checked rows in the caller's transaction: streets and communities by name
/// (created when new, at their first station's point), stations by external id
/// (created, updated when anything differs, left alone when equal). All or nothing:
/// the caller commits.
pub async fn apply_import(
    conn: &mut AnyConnection,
    rows: &[ImportRow],
    now: i64,
) -> Result<ImportCounts, sqlx::Error> {
    use std::collections::HashMap;
    let mut counts = ImportCounts::default();
    let mut streets: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT id, name FROM streets")
        .fetch_all(&mut *conn)
        .await?
    {
        streets.insert(r.try_get("name")?, r.try_get("id")?);
    }
    let mut communities: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT id, name FROM communities")
        .fetch_all(&mut *conn)
        .await?
    {
        communities.insert(r.try_get("name")?, r.try_get("id")?);
    }
    for r in rows {
        if !streets.contains_key(&r.street) {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO streets (name, district, lat, lng) VALUES ($1, '', $2, $3) RETURNING id",
            )
            .bind(&r.street)
            .bind(r.lat)
            .bind(r.lng)
            .fetch_one(&mut *conn)
            .await?;
            streets.insert(r.street.clone(), id);
            counts.new_streets += 1;
        }
        if !communities.contains_key(&r.community) {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO communities (street_id, name, lat, lng) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(streets.get(&r.street).copied().ok_or(sqlx::Error::RowNotFound)?)
            .bind(&r.community)
            .bind(r.lat)
            .bind(r.lng)
            .fetch_one(&mut *conn)
            .await?;
            communities.insert(r.community.clone(), id);
            counts.new_communities += 1;
        }
    }
    let sql = format!("SELECT {STATION_COLUMNS}, {EXTERNAL_ID} AS external_id FROM {STATION_JOIN}");
    let mut stored: HashMap<String, Station> = HashMap::new();
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
        stored.insert(r.try_get("external_id")?, station_from_row(&r)?);
    }
    let mut fresh: Vec<&ImportRow> = Vec::new();
    for r in rows {
        match stored.get(&r.external_id) {
            None => fresh.push(r),
            Some(s) if same(s, r) => counts.unchanged += 1,
            Some(s) => {
                let q = sqlx::query(
                    "UPDATE stations SET kind = $1, name = $2, community_id = $3, address = $4, lat = $5, \
                     lng = $6, amenities = $7, opening_hours = $8, phone = $9, verified_on = $10, \
                     follows_workdays = $11, updated_at = $12, external_id = $13, version = version + 1 WHERE id = $14",
                );
                bind_import(q, r, community_of(&communities, r)?, now)
                    .bind(s.id)
                    .execute(&mut *conn)
                    .await?;
                counts.updated += 1;
            }
        }
    }
    for chunk in fresh.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO stations (kind, name, community_id, address, lat, lng, amenities, \
             opening_hours, phone, verified_on, follows_workdays, updated_at, external_id) VALUES {}",
            placeholders(chunk.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = bind_import(q, r, community_of(&communities, r)?, now);
        }
        q.execute(&mut *conn).await?;
        counts.created += chunk.len();
    }
    if counts.created + counts.updated > 0 {
        bump_version(conn).await?;
    }
    Ok(counts)
}
