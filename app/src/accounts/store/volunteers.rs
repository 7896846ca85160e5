//! SQL for volunteering: opting in, asking to join a team and its settlement, the
//! verification by real name, the lists staff and team leaders work from, and teams.

use crate::accounts::model::{TeamInfo, VolunteerRow};
use crate::db::Db;
use sqlx::Row;

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
    db.wrote();
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
    volunteer_rows(db, community, team, false, limit).await
}

/// The volunteers still to be verified (of one community, if given), oldest first: the
/// people page lists them without reading every verified one first.
pub async fn awaiting_verification(
    db: &Db,
    community: Option<i64>,
    limit: i64,
) -> Result<Vec<VolunteerRow>, sqlx::Error> {
    volunteer_rows(db, community, None, true, limit).await
}

async fn volunteer_rows(
    db: &Db,
    community: Option<i64>,
    team: Option<i64>,
    unverified_only: bool,
    limit: i64,
) -> Result<Vec<VolunteerRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.phone, u.real_name, u.verified_at, t.name AS team, \
                p.name AS pending FROM users u \
         LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN teams p ON p.id = u.team_pending \
         WHERE (u.volunteer = 1 OR u.team_pending IS NOT NULL) \
           AND ($1 IS NULL OR u.community_id = $1 OR p.community_id = $1) \
           AND ($2 IS NULL OR u.team_id = $2 OR u.team_pending = $2) \
           AND ($4 = 0 OR u.verified_at IS NULL) \
         ORDER BY u.verified_at IS NOT NULL, u.id LIMIT $3",
    )
    .bind(community)
    .bind(team)
    .bind(limit)
    .bind(i32::from(unverified_only))
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

/// A resident of `community` (else of the city) who serves in no team and asks to join
/// none, other than
/// `not` (the demo leader's request to decide: a person of the demo city, never a demo
/// identity of the 199 0000 000x range).
pub async fn resident_outside_teams(
    db: &Db,
    community: Option<i64>,
    not: i64,
) -> Result<Option<i64>, sqlx::Error> {
    // One of the community if there is one, else of the city.
    sqlx::query_scalar(
        "SELECT COALESCE( \
           (SELECT MIN(id) FROM users WHERE role = 'resident' AND team_id IS NULL \
              AND team_pending IS NULL AND id <> $1 AND phone NOT LIKE '1990000000%' \
              AND community_id = $2), \
           (SELECT MIN(id) FROM users WHERE role = 'resident' AND team_id IS NULL \
              AND team_pending IS NULL AND id <> $1 AND phone NOT LIKE '1990000000%'))",
    )
    .bind(not)
    .bind(community)
    .fetch_one(&db.pool)
    .await
}

/// The team `user` leads, if any.
pub async fn team_led_by(db: &Db, user: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(id) FROM teams WHERE leader_id = $1")
        .bind(user)
        .fetch_one(&db.pool)
        .await
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

/// The first team of a community (else the first team of the city).
pub async fn first_team_of(db: &Db, community: Option<i64>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE((SELECT MIN(id) FROM teams WHERE community_id = $1), (SELECT MIN(id) FROM teams))",
    )
    .bind(community)
    .fetch_one(&db.pool)
    .await
}

pub async fn team_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}
