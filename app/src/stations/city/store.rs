//! The `city` row's SQL: the city's identity (name, centre, bounds), read by every process and
//! set in the caller's transaction (the stations' version moves with it).

use crate::db::Db;
use crate::stations::model::{BBox, City, LatLng};
use crate::stations::store::bump_version;
use sqlx::{AnyConnection, Row};

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
