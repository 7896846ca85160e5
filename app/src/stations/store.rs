//! SQL for streets, communities and stations: the only place these tables are queried.
//!
//! Placeholders are `$1…` on both dialects (sqlx's SQLite driver maps `$N` to the N-th
//! argument), so one query serves both unless a comment says otherwise.

use crate::db::{Db, Dialect};
use crate::stations::model::{
    Amenity, BBox, City, CitySummary, CommunityRow, LatLng, Station, StationKind, StationRow,
    StreetRow,
};
use crate::stations::transfer::ImportRow;
use crate::stations::views::ImportCounts;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::placeholders;

// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 400;

pub async fn street_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM streets")
        .fetch_one(&db.pool)
        .await
}

/// Writes a city's geography with the ids it comes with, inside the caller's
/// transaction (all of it or nothing), and marks the stations changed.
pub async fn insert_geography(
    conn: &mut AnyConnection,
    dialect: Dialect,
    streets: &[StreetRow],
    communities: &[CommunityRow],
    stations: &[StationRow],
    now: i64,
) -> Result<(), sqlx::Error> {
    insert_streets(conn, streets).await?;
    insert_communities(conn, communities).await?;
    insert_stations(conn, stations, now).await?;
    bump_version(conn).await?;
    if dialect == Dialect::Postgres {
        // Rows came with explicit ids; move the identity sequences past them.
        for t in ["streets", "communities", "stations"] {
            let q = format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}))"
            );
            sqlx::query(&q).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// The city's identity, if it has been set.
pub async fn city(db: &Db) -> Result<Option<City>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT name, center_lat, center_lng, min_lat, min_lng, max_lat, max_lng FROM city WHERE id = 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(City {
            name: r.try_get("name")?,
            center: LatLng {
                lat: r.try_get("center_lat")?,
                lng: r.try_get("center_lng")?,
            },
            bbox: BBox {
                min_lat: r.try_get("min_lat")?,
                min_lng: r.try_get("min_lng")?,
                max_lat: r.try_get("max_lat")?,
                max_lng: r.try_get("max_lng")?,
            },
        })
    })
    .transpose()
}

/// Sets (or replaces) the city's identity.
pub async fn set_city(conn: &mut AnyConnection, c: &City, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO city (id, name, center_lat, center_lng, min_lat, min_lng, max_lat, max_lng, updated_at) \
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET name = $1, center_lat = $2, \
         center_lng = $3, min_lat = $4, min_lng = $5, max_lat = $6, max_lng = $7, updated_at = $8",
    )
    .bind(&c.name)
    .bind(c.center.lat)
    .bind(c.center.lng)
    .bind(c.bbox.min_lat)
    .bind(c.bbox.min_lng)
    .bind(c.bbox.max_lat)
    .bind(c.bbox.max_lng)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // The city travels with the stations' cache: every process sees the change at once.
    bump_version(conn).await
}

async fn insert_streets(
    conn: &mut AnyConnection,
    streets: &[StreetRow],
) -> Result<(), sqlx::Error> {
    for chunk in streets.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO streets (id, name, district, lat, lng) VALUES {}",
            placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(s.id)
                .bind(&s.name)
                .bind(&s.district)
                .bind(s.lat)
                .bind(s.lng);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_communities(
    conn: &mut AnyConnection,
    communities: &[CommunityRow],
) -> Result<(), sqlx::Error> {
    for chunk in communities.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO communities (id, street_id, name, lat, lng) VALUES {}",
            placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q
                .bind(c.id)
                .bind(c.street_id)
                .bind(&c.name)
                .bind(c.lat)
                .bind(c.lng);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_stations(
    conn: &mut AnyConnection,
    stations: &[StationRow],
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in stations.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO stations (id, kind, name, community_id, address, lat, lng, amenities, \
             opening_hours, phone, verified_on, updated_at, follows_workdays) VALUES {}",
            placeholders(chunk.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(s.id)
                .bind(s.kind.code())
                .bind(&s.name)
                .bind(s.community_id)
                .bind(&s.address)
                .bind(s.lat)
                .bind(s.lng)
                .bind(Amenity::join(&s.amenities))
                .bind(&s.opening_hours)
                .bind(&s.phone)
                .bind(&s.verified_on)
                .bind(now)
                .bind(i64::from(s.follows_workdays));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Marks the stations changed, so that every process rebuilds its index.
async fn bump_version(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'stations_version'")
        .execute(conn)
        .await?;
    Ok(())
}

/// The stations' and the calendar's versions.
pub async fn versions(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT key, value FROM app_meta WHERE key IN ('stations_version', 'calendar_version')",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut v = (0, 0);
    for r in rows {
        let key: String = r.try_get("key")?;
        let value: i64 = r.try_get::<String, _>("value")?.parse().unwrap_or(0);
        if key == "stations_version" {
            v.0 = value;
        } else {
            v.1 = value;
        }
    }
    Ok(v)
}

/// The home page's overview: the city's streets and communities, stations per kind (the
/// city's name is the caller's, from the state).
pub async fn summary(db: &Db, city: &str) -> Result<CitySummary, sqlx::Error> {
    let streets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM streets")
        .fetch_one(&db.pool)
        .await?;
    let communities: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM communities")
        .fetch_one(&db.pool)
        .await?;
    let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM stations GROUP BY kind")
        .fetch_all(&db.pool)
        .await?;
    let mut by_kind = Vec::new();
    for r in rows {
        let code: String = r.try_get("kind")?;
        if let Some(k) = StationKind::parse(&code) {
            by_kind.push((k, r.try_get::<i64, _>("n")?));
        }
    }
    by_kind.sort();
    Ok(CitySummary {
        city: city.to_string(),
        streets,
        communities,
        by_kind,
    })
}

const STATION_COLUMNS: &str = "s.id, s.kind, s.name, s.community_id, c.name AS community, \
     st.name AS street, s.address, s.lat, s.lng, s.amenities, s.opening_hours, s.phone, \
     s.verified_on, s.follows_workdays, s.version";
const STATION_JOIN: &str = "stations s JOIN communities c ON c.id = s.community_id \
     JOIN streets st ON st.id = c.street_id";

fn station_from_row(r: &AnyRow) -> Result<Station, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let amen: String = r.try_get("amenities")?;
    Ok(Station {
        id: r.try_get("id")?,
        kind: StationKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown station kind {kind}").into()))?,
        name: r.try_get("name")?,
        community_id: r.try_get("community_id")?,
        community: r.try_get("community")?,
        street: r.try_get("street")?,
        address: r.try_get("address")?,
        lat: r.try_get("lat")?,
        lng: r.try_get("lng")?,
        amenities: Amenity::split(&amen).map_err(|e| sqlx::Error::Decode(e.key.into()))?,
        opening_hours: r.try_get("opening_hours")?,
        phone: r.try_get("phone")?,
        verified_on: r.try_get("verified_on")?,
        follows_workdays: crate::db::flag(r, "follows_workdays")?,
        version: r.try_get("version")?,
    })
}

/// Every station, in id order (the spatial index and exports are built from this).
pub async fn all_stations(db: &Db) -> Result<Vec<Station>, sqlx::Error> {
    let sql = format!("SELECT {STATION_COLUMNS} FROM {STATION_JOIN} ORDER BY s.id");
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter().map(station_from_row).collect()
}

pub async fn station(db: &Db, id: i64) -> Result<Option<Station>, sqlx::Error> {
    let sql = format!("SELECT {STATION_COLUMNS} FROM {STATION_JOIN} WHERE s.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(station_from_row).transpose()
}

/// Saves a station's edit in the caller's transaction if it is still at the version
/// `before` was read at; false (nothing written) if someone saved first.
pub async fn update_station(
    conn: &mut AnyConnection,
    before: &Station,
    phone: &str,
    amenities: &[Amenity],
    verified_on: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let saved = sqlx::query(
        "UPDATE stations SET phone = $1, amenities = $2, verified_on = $3, updated_at = $4, \
         version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(phone)
    .bind(Amenity::join(amenities))
    .bind(verified_on)
    .bind(now)
    .bind(before.id)
    .bind(before.version)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if saved {
        bump_version(conn).await?;
    }
    Ok(saved)
}

/// Every community with its street, in street order (for pickers).
pub async fn communities(
    db: &Db,
) -> Result<Vec<crate::stations::model::CommunityOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, s.name AS street FROM communities c JOIN streets s ON s.id = c.street_id ORDER BY s.id, c.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::stations::model::CommunityOption {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                street: r.try_get("street")?,
            })
        })
        .collect()
}

/// Every community's centre point, with its street (the coverage's residential points).
pub async fn community_points(
    db: &Db,
) -> Result<Vec<crate::stations::model::CommunityPoint>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, s.name AS street, c.lat, c.lng FROM communities c \
         JOIN streets s ON s.id = c.street_id ORDER BY s.id, c.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::stations::model::CommunityPoint {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                street: r.try_get("street")?,
                lat: r.try_get("lat")?,
                lng: r.try_get("lng")?,
            })
        })
        .collect()
}

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

fn special_from(
    r: &sqlx::any::AnyRow,
) -> Result<crate::stations::hours::SpecialHours, sqlx::Error> {
    let day = |k: &str| -> Result<chrono::NaiveDate, sqlx::Error> {
        let s: String = r.try_get(k)?;
        chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(e.into()))
    };
    Ok(crate::stations::hours::SpecialHours {
        id: r.try_get("id")?,
        station_id: r.try_get("station_id")?,
        from: day("from_day")?,
        to: day("to_day")?,
        hours: r.try_get("hours")?,
        note: r.try_get("note")?,
    })
}

/// Every station's special dates, by station and start (the stations' cache folds them
/// into each station's evaluated hours).
pub async fn special_hours_all(
    db: &Db,
) -> Result<Vec<crate::stations::hours::SpecialHours>, sqlx::Error> {
    sqlx::query(
        "SELECT id, station_id, from_day, to_day, hours, note FROM station_special_hours \
         ORDER BY station_id, from_day, id",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(special_from)
    .collect()
}

/// One station's special dates ending on or after `from_day` (`YYYY-MM-DD`).
pub async fn special_hours_of(
    db: &Db,
    station_id: i64,
    from_day: &str,
) -> Result<Vec<crate::stations::hours::SpecialHours>, sqlx::Error> {
    sqlx::query(
        "SELECT id, station_id, from_day, to_day, hours, note FROM station_special_hours \
         WHERE station_id = $1 AND to_day >= $2 ORDER BY from_day, id",
    )
    .bind(station_id)
    .bind(from_day)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(special_from)
    .collect()
}

/// Adds a special date range to a station in the caller's transaction; every process
/// sees it at once (the stations' version moves).
pub async fn add_special_hours(
    conn: &mut AnyConnection,
    created_by: i64,
    station: &Station,
    sp: &crate::stations::hours::SpecialHours,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO station_special_hours (station_id, from_day, to_day, hours, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(station.id)
    .bind(sp.from.format("%Y-%m-%d").to_string())
    .bind(sp.to.format("%Y-%m-%d").to_string())
    .bind(sp.hours.trim())
    .bind(sp.note.trim())
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    bump_version(conn).await?;
    Ok(id)
}

/// Removes a station's special date range in the caller's transaction; the range as it
/// was, or `None` if there was none.
pub async fn delete_special_hours(
    conn: &mut AnyConnection,
    station: &Station,
    id: i64,
) -> Result<Option<crate::stations::hours::SpecialHours>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, station_id, from_day, to_day, hours, note FROM station_special_hours \
         WHERE id = $1 AND station_id = $2",
    )
    .bind(id)
    .bind(station.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let before = special_from(&row)?;
    let gone = sqlx::query("DELETE FROM station_special_hours WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    if !gone {
        return Ok(None);
    }
    bump_version(conn).await?;
    Ok(Some(before))
}

/// Saves a station's regular hours in the caller's transaction if it is still at the
/// version `before` was read at (false: someone saved first, nothing written).
pub async fn set_station_hours(
    conn: &mut AnyConnection,
    before: &Station,
    hours: &str,
    follows_workdays: bool,
    verified_on: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let saved = sqlx::query(
        "UPDATE stations SET opening_hours = $1, follows_workdays = $2, verified_on = $3, \
         updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(hours)
    .bind(i64::from(follows_workdays))
    .bind(verified_on)
    .bind(now)
    .bind(before.id)
    .bind(before.version)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if saved {
        bump_version(conn).await?;
    }
    Ok(saved)
}
