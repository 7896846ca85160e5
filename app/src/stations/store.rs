//! SQL for streets, communities and stations: the only place these tables are queried
//! (imports, hours and the city row have their own stores in their folders).
//!
//! Placeholders are `$1…` on both dialects (sqlx's SQLite driver maps `$N` to the N-th
//! argument), so one query serves both unless a comment says otherwise.

use crate::db::{Db, Dialect};
use crate::stations::model::{
    Amenity, CitySummary, CommunityRow, Station, StationKind, StationRow, StreetRow,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::placeholders;

// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
pub(crate) const CHUNK: usize = 400;

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
pub(crate) async fn bump_version(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
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

pub(crate) const STATION_COLUMNS: &str =
    "s.id, s.kind, s.name, s.community_id, c.name AS community, \
     st.name AS street, s.address, s.lat, s.lng, s.amenities, s.opening_hours, s.phone, \
     s.verified_on, s.follows_workdays, s.version";
pub(crate) const STATION_JOIN: &str = "stations s JOIN communities c ON c.id = s.community_id \
     JOIN streets st ON st.id = c.street_id";

pub(crate) fn station_from_row(r: &AnyRow) -> Result<Station, sqlx::Error> {
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
