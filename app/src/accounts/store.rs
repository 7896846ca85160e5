//! SQL for users, codes, sessions and teams: the only place these tables
//! are queried. Every limit is decided by one conditional statement, so that concurrent
//! requests on any number of server processes cannot slip past it.

use crate::accounts::model::{CurrentUser, Notice, Role, TeamInfo, VolunteerRow};
use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Counts one code request for this IP in this hour; false when the hour's quota is used.
pub async fn take_ip_quota(db: &Db, ip: &str, hour: i64, max: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO ip_throttle (ip, hour, n) VALUES ($1, $2, 1) \
         ON CONFLICT (ip, hour) DO UPDATE SET n = ip_throttle.n + 1 WHERE ip_throttle.n < $3 \
         RETURNING n",
    )
    .bind(ip)
    .bind(hour)
    .bind(max)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Claims the right to send a code to this number now; false if one went out less than
/// `resend_secs` ago.
pub async fn take_phone_slot(
    db: &Db,
    phone: &str,
    now: i64,
    resend_secs: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO code_throttle (phone, last_sent_at) VALUES ($1, $2) \
         ON CONFLICT (phone) DO UPDATE SET last_sent_at = excluded.last_sent_at \
         WHERE code_throttle.last_sent_at <= $3 RETURNING phone",
    )
    .bind(phone)
    .bind(now)
    .bind(now - resend_secs)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Gives the slot back when the message could not be sent, so the resident can retry.
pub async fn release_phone_slot(db: &Db, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM code_throttle WHERE phone = $1")
        .bind(phone)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_code(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    hash: &str,
    now: i64,
    expires: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(phone)
    .bind(hash)
    .bind(now)
    .bind(expires)
    .execute(conn)
    .await?;
    Ok(())
}

/// Codes sent to a number since `since`.
pub async fn codes_sent_since(db: &Db, phone: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_codes WHERE phone = $1 AND created_at > $2")
        .bind(phone)
        .bind(since)
        .fetch_one(&db.pool)
        .await
}

/// The times of a number's wrong codes since `since` (newest first, at most 50).
pub async fn failures_since(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    since: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE phone = $1 AND at > $2 ORDER BY at DESC LIMIT 50",
    )
    .bind(phone)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Records a wrong code for a number.
pub async fn record_failure(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (phone, at) VALUES ($1, $2)")
        .bind(phone)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Housekeeping (run by the jobs): expired sessions and codes, old throttle rows and
/// failure records, photos staged but never tied to a wish. Returns rows removed.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let day_ago = now - 86_400;
    let mut n = 0;
    for (sql, at) in [
        ("DELETE FROM sessions WHERE expires_at < $1", now),
        ("DELETE FROM login_codes WHERE expires_at < $1", day_ago),
        ("DELETE FROM code_throttle WHERE last_sent_at < $1", day_ago),
        ("DELETE FROM ip_throttle WHERE hour < $1", day_ago / 3600),
        ("DELETE FROM login_failures WHERE at < $1", day_ago),
        (
            "DELETE FROM photos WHERE wish_id IS NULL AND created_at < $1",
            now - 3600,
        ),
    ] {
        n += sqlx::query(sql)
            .bind(at)
            .execute(&db.pool)
            .await?
            .rows_affected();
    }
    Ok(n)
}

/// Ends every session of a demo account (demo mode is off); returns how many.
pub async fn end_demo_sessions(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE demo = 1)")
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}

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

/// Spends one try on the number's latest code, if it is still live (unused, unexpired,
/// under the try limit). Returns its id, hash and tries so far.
pub async fn spend_attempt(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    now: i64,
    max_attempts: i64,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE login_codes SET attempts = attempts + 1 \
         WHERE id = (SELECT MAX(id) FROM login_codes WHERE phone = $1) \
           AND used_at IS NULL AND expires_at > $2 AND attempts < $3 \
         RETURNING id, code_hash, attempts",
    )
    .bind(phone)
    .bind(now)
    .bind(max_attempts)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("code_hash")?,
            r.try_get("attempts")?,
        ))
    })
    .transpose()
}

/// Marks a code used; false if a concurrent request used it first.
pub async fn consume_code(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE login_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
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

pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_user_sessions(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected())
}

const USER_COLUMNS: &str = "u.id, u.phone, u.display_name, u.role, u.volunteer, u.team_id, \
     t.name AS team_name, u.community_id, c.name AS community_name, u.verified_at, \
     u.team_pending, u.demo";
const USER_EXTRAS: &str = "LEFT JOIN teams t ON t.id = u.team_id \
     LEFT JOIN communities c ON c.id = u.community_id";

fn user_from_row(r: &AnyRow) -> Result<CurrentUser, sqlx::Error> {
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

/// The user behind a live session, if any.
/// A demo account's session counts only while demo mode is on (`demo_on`).
pub async fn session_user(
    db: &Db,
    token_hash: &str,
    now: i64,
    demo_on: bool,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id {USER_EXTRAS} \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND (u.demo = 0 OR $3 = 1)"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now)
        .bind(i64::from(demo_on))
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
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

/// Ends every session of a user, inside the caller's transaction.
pub async fn end_sessions_in(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
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
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.phone, u.role, u.community_id, c.name AS community, \
                s.name AS street, \
                (SELECT COUNT(*) FROM sessions x WHERE x.user_id = u.id AND x.expires_at > $2) AS live \
         FROM users u LEFT JOIN communities c ON c.id = u.community_id \
         LEFT JOIN streets s ON s.id = c.street_id \
         WHERE u.role IN ('staff', 'admin') AND ($1 IS NULL OR u.community_id = $1) \
         ORDER BY u.role, s.name, c.name, u.id LIMIT 2000",
    )
    .bind(community)
    .bind(now)
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

/// Opts in or out of volunteering. Naming a team asks to join it (the leader or staff
/// approve: `settle_join`); opting in again without a team keeps one's team; opting out
/// leaves it and withdraws a request.
pub async fn set_volunteer(
    db: &Db,
    user_id: i64,
    on: bool,
    team_request: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET volunteer = $1, \
         team_id = CASE WHEN $1 = 0 THEN NULL ELSE team_id END, \
         team_pending = CASE WHEN $1 = 0 THEN NULL WHEN $2 IS NULL THEN team_pending \
                             WHEN team_id = $2 THEN NULL ELSE $2 END \
         WHERE id = $3",
    )
    .bind(i64::from(on))
    .bind(team_request)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Settles a pending request to join `team`: joins it or drops the request. False if
/// the request is no longer pending (settled by someone else first).
pub async fn settle_join(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    team: i64,
    approve: bool,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET team_id = CASE WHEN $1 = 1 THEN team_pending ELSE team_id END, \
         team_pending = NULL WHERE id = $2 AND team_pending = $3",
    )
    .bind(i64::from(approve))
    .bind(user_id)
    .bind(team)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A team's leader and community.
pub async fn team_leader_and_community(
    db: &Db,
    team: i64,
) -> Result<Option<(Option<i64>, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query("SELECT leader_id, community_id FROM teams WHERE id = $1")
        .bind(team)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get("leader_id")?, r.try_get("community_id")?)))
        .transpose()
}

/// Whether `user` leads `team` and the team is verified.
pub async fn verified_team_led_by(db: &Db, team: i64, user: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM teams WHERE id = $1 AND leader_id = $2 AND verified = 1",
    )
    .bind(team)
    .bind(user)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// A person's verification as recorded (for the audit's before and after).
pub async fn verification_of(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<serde_json::Value, sqlx::Error> {
    let r = sqlx::query("SELECT real_name, verified_at, verified_by FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await?;
    Ok(serde_json::json!({
        "real_name": r.try_get::<String, _>("real_name")?,
        "verified_at": r.try_get::<Option<i64>, _>("verified_at")?,
        "verified_by": r.try_get::<Option<i64>, _>("verified_by")?,
    }))
}

/// Records a verification with the real name, or (`None`) withdraws it.
pub async fn set_verification(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    real_name: Option<&str>,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    match real_name {
        Some(name) => sqlx::query(
            "UPDATE users SET real_name = $1, verified_at = $2, verified_by = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(now)
        .bind(by)
        .bind(user_id),
        None => {
            sqlx::query("UPDATE users SET verified_at = NULL, verified_by = NULL WHERE id = $1")
                .bind(user_id)
        }
    }
    .execute(conn)
    .await?;
    Ok(())
}

/// Volunteers of a community (or of a team), and people waiting to join its teams.
pub async fn volunteers_of(
    db: &Db,
    community: Option<i64>,
    team: Option<i64>,
    limit: i64,
) -> Result<Vec<VolunteerRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.phone, u.real_name, u.verified_at, t.name AS team, \
                p.name AS pending FROM users u \
         LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN teams p ON p.id = u.team_pending \
         WHERE (u.volunteer = 1 OR u.team_pending IS NOT NULL) \
           AND ($1 IS NULL OR u.community_id = $1 OR p.community_id = $1) \
           AND ($2 IS NULL OR u.team_id = $2 OR u.team_pending = $2) \
         ORDER BY u.verified_at IS NOT NULL, u.id LIMIT $3",
    )
    .bind(community)
    .bind(team)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VolunteerRow {
                id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                masked_phone: crate::accounts::model::mask_phone(&r.try_get::<String, _>("phone")?),
                real_name: r.try_get("real_name")?,
                verified: r.try_get::<Option<i64>, _>("verified_at")?.is_some(),
                team: r.try_get("team")?,
                team_pending: r.try_get("pending")?,
            })
        })
        .collect()
}

/// The team `user` leads, if any.
pub async fn team_led_by(db: &Db, user: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(id) FROM teams WHERE leader_id = $1")
        .bind(user)
        .fetch_one(&db.pool)
        .await
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
    Ok(())
}

pub async fn teams(db: &Db) -> Result<Vec<TeamInfo>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, unit FROM teams ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TeamInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                unit: r.try_get("unit")?,
            })
        })
        .collect()
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

/// Makes a person a volunteer serving in a team, inside the caller's transaction (a
/// roster loaded in bulk: the team's own list vouches for its members, so they are
/// recorded as verified under their display name).
pub async fn join_team_in(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    team: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET volunteer = 1, team_id = $1, verified_at = COALESCE(verified_at, created_at), \
         real_name = CASE WHEN real_name = '' THEN display_name ELSE real_name END WHERE id = $2",
    )
        .bind(team)
        .bind(user)
        .execute(conn)
        .await?;
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

/// The first team of a community (else the first team of the city).
pub async fn first_team_of(db: &Db, community: Option<i64>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE((SELECT MIN(id) FROM teams WHERE community_id = $1), (SELECT MIN(id) FROM teams))",
    )
    .bind(community)
    .fetch_one(&db.pool)
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
    Ok(())
}

/// Leaves a notice for a user (shown under 我的), inside the caller's transaction so that
/// it is written exactly when what it tells of is. Stored as key and arguments.
pub async fn notify(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    notice: &Notice,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notices (user_id, text, msg_key, msg_args, created_at) VALUES ($1, '', $2, $3, $4)",
    )
    .bind(user)
    .bind(&notice.key)
    .bind(notice.args_json())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's newest notices: (the notice, or the text of one written before notices
/// had keys; when).
pub async fn notices(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(Result<Notice, String>, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT text, msg_key, msg_args, created_at FROM notices WHERE user_id = $1 ORDER BY id DESC LIMIT 20",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let key: String = r.try_get("msg_key")?;
            let notice = if key.is_empty() {
                Err(r.try_get("text")?)
            } else {
                Ok(Notice::from_stored(
                    &key,
                    &r.try_get::<String, _>("msg_args")?,
                ))
            };
            Ok((notice, r.try_get("created_at")?))
        })
        .collect()
}

pub async fn team_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}
