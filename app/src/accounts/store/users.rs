//! SQL for people: created on first sign-in or in bulk, found by id or number, their role,
//! community and profile, the staff list of the people page, and the demo identities.

use crate::accounts::model::{CurrentUser, Role};
use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Marks accounts as demo accounts, inside the caller's transaction.
pub async fn mark_demo(conn: &mut sqlx::AnyConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(crate::db::BULK_ROWS) {
        let sql = format!(
            "UPDATE users SET demo = 1 WHERE id IN {}",
            crate::db::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The user with this number, created as a resident on first sign-in.
pub async fn upsert_user(
    db: &Db,
    phone: &str,
    display_name: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (phone, display_name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (phone) DO NOTHING",
    )
    .bind(phone)
    .bind(display_name)
    .bind(now)
    .execute(&db.pool)
    .await?;
    sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(phone)
        .fetch_one(&db.pool)
        .await
}

pub(super) const USER_COLUMNS: &str =
    "u.id, u.phone, u.display_name, u.role, u.volunteer, u.team_id, \
     t.name AS team_name, u.community_id, c.name AS community_name, u.verified_at, \
     u.team_pending, u.demo";
pub(super) const USER_EXTRAS: &str = "LEFT JOIN teams t ON t.id = u.team_id \
     LEFT JOIN communities c ON c.id = u.community_id";

pub(super) fn user_from_row(r: &AnyRow) -> Result<CurrentUser, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(CurrentUser {
        id: r.try_get("id")?,
        phone: r.try_get("phone")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("role {role}").into()))?,
        volunteer: r.try_get::<i64, _>("volunteer")? != 0,
        team_id: r.try_get("team_id")?,
        team_name: r.try_get("team_name")?,
        community_id: r.try_get("community_id")?,
        community_name: r.try_get("community_name")?,
        verified: r.try_get::<Option<i64>, _>("verified_at")?.is_some(),
        team_pending: r.try_get("team_pending")?,
        demo: r.try_get::<i64, _>("demo")? != 0,
    })
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_EXTRAS} WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_by_phone(db: &Db, phone: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u {USER_EXTRAS} WHERE u.phone = $1");
    let row = sqlx::query(&sql)
        .bind(phone)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn community_id_by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM communities WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await
}

pub async fn community_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM communities WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Sets a user's role (and, for staff, community) inside the caller's transaction; the
/// row is locked first (a no-op update: a row lock on PostgreSQL; SQLite's write
/// transaction holds the whole database), so the state before is the one replaced.
/// Returns the role and community before (for the service's audit record).
pub async fn set_role_in(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    role: Role,
    community_id: Option<i64>,
) -> Result<(String, Option<i64>), sqlx::Error> {
    sqlx::query("UPDATE users SET role = role WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let before = sqlx::query("SELECT role, community_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    let before_role: String = before.try_get("role")?;
    let before_community: Option<i64> = before.try_get("community_id")?;
    sqlx::query("UPDATE users SET role = $1, community_id = $2 WHERE id = $3")
        .bind(role.code())
        .bind(community_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok((before_role, before_community))
}

/// A staff member or admin as the people page lists them.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub id: i64,
    pub display_name: String,
    pub phone: String,
    pub role: String,
    pub community_id: Option<i64>,
    pub community: Option<String>,
    pub street: Option<String>,
    /// Sessions still live at `now`.
    pub sessions: i64,
}

/// Staff and admins (of one community, if given), by street and community.
pub async fn staff_accounts(
    db: &Db,
    community: Option<i64>,
    now: i64,
) -> Result<Vec<StaffAccount>, sqlx::Error> {
    staff_page(db, community, now, 0, 2000).await
}

/// `limit` staff accounts from the `offset`th, in the order of [`staff_accounts`]: the
/// people page shows a city's staff a page at a time.
pub async fn staff_page(
    db: &Db,
    community: Option<i64>,
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<StaffAccount>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.phone, u.role, u.community_id, c.name AS community, \
                s.name AS street, \
                (SELECT COUNT(*) FROM sessions x WHERE x.user_id = u.id AND x.expires_at > $2) AS live \
         FROM users u LEFT JOIN communities c ON c.id = u.community_id \
         LEFT JOIN streets s ON s.id = c.street_id \
         WHERE u.role IN ('staff', 'admin') AND ($1 IS NULL OR u.community_id = $1) \
         ORDER BY u.role, s.name, c.name, u.id LIMIT $3 OFFSET $4",
    )
    .bind(community)
    .bind(now)
    .bind(limit.clamp(1, 2000))
    .bind(offset.max(0))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffAccount {
                id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                phone: r.try_get("phone")?,
                role: r.try_get("role")?,
                community_id: r.try_get("community_id")?,
                community: r.try_get("community")?,
                street: r.try_get("street")?,
                sessions: r.try_get("live")?,
            })
        })
        .collect()
}

pub async fn set_profile(
    db: &Db,
    user_id: i64,
    name: &str,
    community_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    // Staff keep the community they were granted; only residents choose theirs.
    sqlx::query(
        "UPDATE users SET display_name = $1, \
         community_id = CASE WHEN role = 'staff' THEN community_id ELSE $2 END WHERE id = $3",
    )
    .bind(name)
    .bind(community_id)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    db.wrote();
    Ok(())
}

/// Adds people in bulk (history imports, the demo), inside the caller's transaction;
/// returns their ids in order.
pub async fn insert_users(
    conn: &mut sqlx::AnyConnection,
    people: &[(String, String)],
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(people.len());
    for (phone, name) in people {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (phone, display_name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(phone)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// A resident for a bulk load into a city without people (the province generator).
/// A volunteer comes verified under their display name, as a demo volunteer does.
pub struct PersonSeed {
    pub id: i64,
    pub phone: String,
    pub name: String,
    pub community: i64,
    pub volunteer: bool,
    pub created_at: i64,
}

/// Writes residents with the ids given, inside the caller's transaction, in multi-row
/// statements. The caller moves the id sequence on (`db::after_explicit_ids`).
pub async fn insert_people_with_ids(
    conn: &mut sqlx::AnyConnection,
    rows: &[PersonSeed],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::large_bulk_rows(8)) {
        let sql = format!(
            "INSERT INTO users (id, phone, display_name, community_id, volunteer, verified_at, real_name, created_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(p.id)
                .bind(p.phone.as_str())
                .bind(p.name.as_str())
                .bind(p.community)
                .bind(i64::from(p.volunteer))
                .bind(p.volunteer.then_some(p.created_at))
                .bind(if p.volunteer { p.name.as_str() } else { "" })
                .bind(p.created_at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The first community whose centre keeps a booking schedule (else the first
/// community).
pub async fn first_community_with_schedule(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    first_community_with_schedule_in(&mut conn).await
}

/// [`first_community_with_schedule`], inside the caller's transaction.
pub async fn first_community_with_schedule_in(
    conn: &mut sqlx::AnyConnection,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE((SELECT MIN(s.community_id) FROM stations s \
         JOIN booking_schedules b ON b.center_id = s.id), (SELECT MIN(id) FROM communities))",
    )
    .fetch_one(conn)
    .await
}

/// Sets a person's role, volunteering, community and team at once (no audit: for the
/// demo identities, which exist only in demo mode).
pub async fn set_identity(
    db: &Db,
    user: i64,
    role: Role,
    volunteer: bool,
    community: Option<i64>,
    team: Option<i64>,
) -> Result<(), sqlx::Error> {
    // A demo volunteer comes verified, so that the demo shows claiming.
    sqlx::query(
        "UPDATE users SET role = $1, volunteer = $2, community_id = $3, team_id = $4, \
         verified_at = CASE WHEN $2 = 1 THEN COALESCE(verified_at, created_at) ELSE verified_at END, \
         real_name = CASE WHEN $2 = 1 AND real_name = '' THEN display_name ELSE real_name END \
         WHERE id = $5",
    )
    .bind(role.code())
    .bind(i64::from(volunteer))
    .bind(community)
    .bind(team)
    .bind(user)
    .execute(&db.pool)
    .await?;
    db.wrote();
    Ok(())
}
