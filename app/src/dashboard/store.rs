//! The dashboard's counts, in SQL: the only place they are queried. Dates are the
//! events' own local days (a booking's slot day, an activity's day); times are the
//! rows' Unix seconds between the range's first midnight and the midnight after its
//! last day, Asia/Shanghai (the caller passes both).

use crate::dashboard::model::{median, BookingRow, Count, Figures, StreetStations};
use crate::db::Db;
use crate::stations::model::{Amenity, StationKind};
use sqlx::Row;
use std::collections::BTreeMap;

/// What the figures cover.
#[derive(Debug, Clone)]
pub struct Range {
    /// `YYYY-MM-DD`, both inclusive.
    pub from_day: String,
    pub to_day: String,
    /// Unix seconds: `from_ts` inclusive, `to_ts` exclusive.
    pub from_ts: i64,
    pub to_ts: i64,
    /// One community, or the whole city.
    pub community: Option<i64>,
    /// `YYYY-MM-DD` 90 days before today: stations checked since count as verified.
    pub verified_since: String,
    /// Whether the outbox figures are included (admins).
    pub messages: bool,
}

/// The ISO week of a day (`2026-W48`, the key weeks are ordered by).
fn iso_week(day: &str) -> Option<String> {
    use chrono::Datelike;
    let d = crate::calendar_types::Day::parse(day)?.date();
    let w = d.iso_week();
    Some(format!("{}-W{:02}", w.year(), w.week()))
}

/// A week as a clerk reads it: its Monday and Sunday (`11/23–11/29`).
fn week_words(key: &str) -> String {
    let parsed = key.split_once("-W").and_then(|(y, w)| {
        chrono::NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)
    });
    match parsed {
        Some(monday) => format!(
            "{}–{}",
            monday.format("%m/%d"),
            (monday + chrono::Duration::days(6)).format("%m/%d")
        ),
        None => key.to_string(),
    }
}

pub async fn figures(db: &Db, r: &Range) -> Result<Figures, sqlx::Error> {
    let pool = &db.pool;
    // Bookings served and missed, by slot day and centre.
    let rows = sqlx::query(
        "SELECT s.day AS day, b.center_id AS center, b.status AS status, COUNT(*) AS n \
         FROM bookings b JOIN booking_slots s ON s.id = b.slot_id JOIN stations c ON c.id = b.center_id \
         WHERE s.day >= $1 AND s.day <= $2 AND ($3 IS NULL OR c.community_id = $3) \
           AND b.status IN ('done', 'no_show') \
         GROUP BY s.day, b.center_id, b.status",
    )
    .bind(&r.from_day)
    .bind(&r.to_day)
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    let walk = sqlx::query(
        "SELECT w.day AS day, w.center_id AS center, COUNT(*) AS n FROM walk_ins w \
         JOIN stations c ON c.id = w.center_id \
         WHERE w.day >= $1 AND w.day <= $2 AND ($3 IS NULL OR c.community_id = $3) \
         GROUP BY w.day, w.center_id",
    )
    .bind(&r.from_day)
    .bind(&r.to_day)
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    let mut weeks: BTreeMap<String, BookingRow> = BTreeMap::new();
    let mut centers: BTreeMap<i64, BookingRow> = BTreeMap::new();
    for row in &rows {
        let day: String = row.try_get("day")?;
        let center: i64 = row.try_get("center")?;
        let status: String = row.try_get("status")?;
        let n: i64 = row.try_get("n")?;
        let week = iso_week(&day).unwrap_or(day);
        for e in [
            weeks.entry(week.clone()).or_insert_with(|| BookingRow {
                label: week.clone(),
                ..Default::default()
            }),
            centers.entry(center).or_default(),
        ] {
            if status == "done" {
                e.served += n;
            } else {
                e.no_show += n;
            }
        }
    }
    for row in &walk {
        let day: String = row.try_get("day")?;
        let center: i64 = row.try_get("center")?;
        let n: i64 = row.try_get("n")?;
        let week = iso_week(&day).unwrap_or(day);
        weeks
            .entry(week.clone())
            .or_insert_with(|| BookingRow {
                label: week.clone(),
                ..Default::default()
            })
            .walk_ins += n;
        centers.entry(center).or_default().walk_ins += n;
    }
    let names = sqlx::query(
        "SELECT s.id, s.name, c.name AS community, st.name AS street FROM stations s \
         JOIN communities c ON c.id = s.community_id JOIN streets st ON st.id = c.street_id \
         WHERE s.kind = 'center' AND ($1 IS NULL OR s.community_id = $1)",
    )
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    for row in &names {
        let id: i64 = row.try_get("id")?;
        if let Some(e) = centers.get_mut(&id) {
            e.label = row.try_get("name")?;
            e.community = row.try_get("community")?;
            e.street = row.try_get("street")?;
        }
    }
    let mut by_center: Vec<BookingRow> = centers.into_values().collect();
    by_center.sort_by(|a, b| {
        (&a.street, &a.community, &a.label).cmp(&(&b.street, &b.community, &b.label))
    });

    let counts = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<Count>, sqlx::Error> {
        rows.iter()
            .map(|row| {
                Ok(Count {
                    label: row.try_get("k")?,
                    n: row.try_get("n")?,
                    m: row.try_get("m")?,
                })
            })
            .collect()
    };
    let by_item = counts(
        sqlx::query(
            "SELECT b.item_code AS k, COUNT(*) AS n, CAST(0 AS BIGINT) AS m FROM bookings b \
             JOIN booking_slots s ON s.id = b.slot_id JOIN stations c ON c.id = b.center_id \
             WHERE b.status = 'done' AND s.day >= $1 AND s.day <= $2 \
               AND ($3 IS NULL OR c.community_id = $3) \
             GROUP BY b.item_code ORDER BY n DESC, b.item_code",
        )
        .bind(&r.from_day)
        .bind(&r.to_day)
        .bind(r.community)
        .fetch_all(pool)
        .await?,
    )?;

    // Micro-wishes posted in the range.
    let wishes_by_state = counts(
        sqlx::query(
            "SELECT status AS k, COUNT(*) AS n, CAST(0 AS BIGINT) AS m FROM wishes \
             WHERE created_at >= $1 AND created_at < $2 AND ($3 IS NULL OR community_id = $3) \
             GROUP BY status ORDER BY status",
        )
        .bind(r.from_ts)
        .bind(r.to_ts)
        .bind(r.community)
        .fetch_all(pool)
        .await?,
    )?;
    let first_claims = sqlx::query(
        "SELECT w.created_at AS posted, MIN(c.claimed_at) AS claimed FROM wishes w \
         JOIN wish_claims c ON c.wish_id = w.id \
         WHERE w.created_at >= $1 AND w.created_at < $2 AND ($3 IS NULL OR w.community_id = $3) \
         GROUP BY w.id, w.created_at",
    )
    .bind(r.from_ts)
    .bind(r.to_ts)
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    let mut to_claim = Vec::new();
    for row in &first_claims {
        let posted: i64 = row.try_get("posted")?;
        let claimed: i64 = row.try_get("claimed")?;
        to_claim.push((claimed - posted) as f64 / 3600.0);
    }
    let fulfilled = sqlx::query(
        "SELECT c.claimed_at AS claimed, c.ended_at AS ended FROM wish_claims c \
         JOIN wishes w ON w.id = c.wish_id \
         WHERE c.outcome = 'fulfilled' AND c.ended_at IS NOT NULL \
           AND w.created_at >= $1 AND w.created_at < $2 AND ($3 IS NULL OR w.community_id = $3)",
    )
    .bind(r.from_ts)
    .bind(r.to_ts)
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    let mut to_fulfil = Vec::new();
    for row in &fulfilled {
        let claimed: i64 = row.try_get("claimed")?;
        let ended: i64 = row.try_get("ended")?;
        to_fulfil.push((ended - claimed) as f64 / 3600.0);
    }
    let claims_by_volunteer = counts(
        sqlx::query(
            "SELECT u.display_name AS k, COUNT(*) AS n, \
                    CAST(COALESCE(SUM(CASE WHEN c.outcome = 'fulfilled' THEN 1 ELSE 0 END), 0) AS BIGINT) AS m \
             FROM wish_claims c JOIN wishes w ON w.id = c.wish_id JOIN users u ON u.id = c.user_id \
             WHERE c.claimed_at >= $1 AND c.claimed_at < $2 AND ($3 IS NULL OR w.community_id = $3) \
             GROUP BY u.id, u.display_name ORDER BY n DESC, u.display_name LIMIT 20",
        )
        .bind(r.from_ts)
        .bind(r.to_ts)
        .bind(r.community)
        .fetch_all(pool)
        .await?,
    )?;

    // Activities on days in the range, and the volunteer hours of those who came.
    let act = sqlx::query(
        "SELECT COUNT(*) AS n FROM activities a \
         WHERE a.day >= $1 AND a.day <= $2 AND ($3 IS NULL OR a.community_id = $3)",
    )
    .bind(&r.from_day)
    .bind(&r.to_day)
    .bind(r.community)
    .fetch_one(pool)
    .await?;
    let signup = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN s.status = 'confirmed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS signups, \
                CAST(COALESCE(SUM(CASE WHEN s.checked_in_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS came, \
                CAST(COALESCE(SUM(CASE WHEN s.checked_in_at IS NOT NULL THEN a.hours ELSE 0 END), 0) AS BIGINT) AS hours \
         FROM signups s JOIN activities a ON a.id = s.activity_id \
         WHERE a.day >= $1 AND a.day <= $2 AND ($3 IS NULL OR a.community_id = $3)",
    )
    .bind(&r.from_day)
    .bind(&r.to_day)
    .bind(r.community)
    .fetch_one(pool)
    .await?;

    // Points issued to residents (of the community), and rewards redeemed.
    let points_issued: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(p.delta), 0) AS BIGINT) FROM points_ledger p \
         JOIN users u ON u.id = p.user_id \
         WHERE p.delta > 0 AND p.created_at >= $1 AND p.created_at < $2 \
           AND ($3 IS NULL OR u.community_id = $3)",
    )
    .bind(r.from_ts)
    .bind(r.to_ts)
    .bind(r.community)
    .fetch_one(pool)
    .await?;
    let redeemed_by_reward = counts(
        sqlx::query(
            "SELECT rw.name AS k, COUNT(*) AS n, CAST(COALESCE(SUM(rw.cost), 0) AS BIGINT) AS m \
             FROM vouchers v JOIN rewards rw ON rw.id = v.reward_id JOIN users u ON u.id = v.user_id \
             WHERE v.created_at >= $1 AND v.created_at < $2 AND ($3 IS NULL OR u.community_id = $3) \
             GROUP BY rw.name ORDER BY n DESC, rw.name",
        )
        .bind(r.from_ts)
        .bind(r.to_ts)
        .bind(r.community)
        .fetch_all(pool)
        .await?,
    )?;

    // Stations as they are now.
    let st = sqlx::query(
        "SELECT st.name AS street, s.kind AS kind, s.amenities AS amenities, s.verified_on AS verified \
         FROM stations s JOIN communities c ON c.id = s.community_id JOIN streets st ON st.id = c.street_id \
         WHERE ($1 IS NULL OR s.community_id = $1) ORDER BY st.id",
    )
    .bind(r.community)
    .fetch_all(pool)
    .await?;
    let mut streets: Vec<StreetStations> = Vec::new();
    let mut amenity = vec![0i64; Amenity::ALL.len()];
    let mut verified_recent = 0;
    for row in &st {
        let street: String = row.try_get("street")?;
        let kind: String = row.try_get("kind")?;
        let amenities: String = row.try_get("amenities")?;
        let verified: String = row.try_get("verified")?;
        if streets.last().map(|s| s.street.as_str()) != Some(street.as_str()) {
            streets.push(StreetStations {
                street,
                by_kind: vec![0; StationKind::ALL.len()],
            });
        }
        if let (Some(last), Some(k)) = (
            streets.last_mut(),
            StationKind::ALL.iter().position(|k| k.code() == kind),
        ) {
            last.by_kind[k] += 1;
        }
        for code in amenities.split(',') {
            if let Some(a) = Amenity::ALL.iter().position(|a| a.code() == code) {
                amenity[a] += 1;
            }
        }
        if verified >= r.verified_since {
            verified_recent += 1;
        }
    }
    let messages = if r.messages {
        let m = sqlx::query(
            "SELECT CAST(COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS sent, \
                    CAST(COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed, \
                    CAST(COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS waiting \
             FROM outbox WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(r.from_ts)
        .bind(r.to_ts)
        .fetch_one(pool)
        .await?;
        Some((
            m.try_get("sent")?,
            m.try_get("failed")?,
            m.try_get("waiting")?,
        ))
    } else {
        None
    };
    Ok(Figures {
        bookings_by_week: weeks
            .into_values()
            .map(|mut w| {
                w.label = week_words(&w.label);
                w
            })
            .collect(),
        bookings_by_center: by_center,
        bookings_by_item: by_item,
        wishes_by_state,
        median_claim_hours: median(to_claim),
        median_fulfil_hours: median(to_fulfil),
        claims_by_volunteer,
        activities: act.try_get("n")?,
        signups: signup.try_get("signups")?,
        checked_in: signup.try_get("came")?,
        volunteer_hours: signup.try_get("hours")?,
        points_issued,
        redeemed_by_reward,
        stations_total: st.len() as i64,
        stations_by_street: streets,
        amenity_counts: Amenity::ALL
            .iter()
            .zip(amenity)
            .map(|(a, n)| Count {
                label: a.code().to_string(),
                n,
                m: 0,
            })
            .collect(),
        verified_recent,
        messages,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_are_said_by_their_dates() {
        assert_eq!(super::iso_week("2026-12-02").as_deref(), Some("2026-W49"));
        assert_eq!(super::week_words("2026-W49"), "11/30–12/06");
        assert_eq!(super::week_words("nonsense"), "nonsense");
    }
}
