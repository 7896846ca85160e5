//! SQL for a station's regular hours and its special date ranges, in the caller's
//! transaction; each write moves the stations' version so every process re-evaluates.

use crate::db::Db;
use crate::stations::model::Station;
use crate::stations::store::bump_version;
use sqlx::{AnyConnection, Row};

fn special_from(
    r: &sqlx::any::AnyRow,
) -> Result<crate::stations::hours::model::SpecialHours, sqlx::Error> {
    let day =
        |k: &str| crate::calendar_types::day_column(r, k).map(crate::calendar_types::Day::date);
    Ok(crate::stations::hours::model::SpecialHours {
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
) -> Result<Vec<crate::stations::hours::model::SpecialHours>, sqlx::Error> {
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
) -> Result<Vec<crate::stations::hours::model::SpecialHours>, sqlx::Error> {
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

/// How many of a station's special ranges end on or after `from_day`, in the caller's
/// transaction (the cap on them is checked where the next one is added).
pub async fn count_special_hours_from(
    conn: &mut AnyConnection,
    station_id: i64,
    from_day: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM station_special_hours WHERE station_id = $1 AND to_day >= $2",
    )
    .bind(station_id)
    .bind(from_day)
    .fetch_one(conn)
    .await
}

/// Adds a special date range to a station in the caller's transaction; every process
/// sees it at once (the stations' version moves).
pub async fn add_special_hours(
    conn: &mut AnyConnection,
    created_by: i64,
    station: &Station,
    sp: &crate::stations::hours::model::SpecialHours,
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
) -> Result<Option<crate::stations::hours::model::SpecialHours>, sqlx::Error> {
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
