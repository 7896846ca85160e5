//! SQL for the holiday calendar: the only place the `special_days` table is queried.

use crate::calendar::model::{parse_weekday, weekday_code, Calendar, DayKind, SpecialDay};
use crate::db::Db;
use sqlx::Row;

pub async fn load(db: &Db) -> Result<Calendar, sqlx::Error> {
    let rows = sqlx::query("SELECT day, kind, name, as_weekday FROM special_days ORDER BY day")
        .fetch_all(&db.pool)
        .await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let as_weekday: Option<String> = r.try_get("as_weekday")?;
        let date = crate::calendar_types::day_column(&r, "day")?.date();
        let kind = DayKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("day kind {kind}").into()))?;
        days.push(SpecialDay {
            date,
            kind,
            name: r.try_get("name")?,
            as_weekday: as_weekday.as_deref().and_then(parse_weekday),
        });
    }
    Ok(Calendar::new(days))
}

/// Inserts or replaces days, inside the caller's transaction (staff maintain the
/// calendar; the shipped year is seeded at the first start).
pub async fn upsert_in(
    tx: &mut sqlx::AnyConnection,
    days: &[SpecialDay],
) -> Result<(), sqlx::Error> {
    for s in days {
        sqlx::query(
            "INSERT INTO special_days (day, kind, name, as_weekday) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
             as_weekday = excluded.as_weekday",
        )
        .bind(s.date.format("%Y-%m-%d").to_string())
        .bind(s.kind.code())
        .bind(&s.name)
        .bind(s.as_weekday.map(weekday_code))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'calendar_version'")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Removes a day, inside the caller's transaction (the calendar's version moves with
/// it); false if there was none.
pub async fn delete_in(
    conn: &mut sqlx::AnyConnection,
    day: chrono::NaiveDate,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM special_days WHERE day = $1")
        .bind(day.format("%Y-%m-%d").to_string())
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE app_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'calendar_version'")
        .execute(&mut *conn)
        .await?;
    Ok(true)
}
