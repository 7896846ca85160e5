//! SQL for teams and their records: the only place the team queries live.

use crate::db::Db;
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub community: Option<String>,
    pub members: i64,
}

const TEAM_SELECT: &str = "SELECT t.id, t.name, t.unit, c.name AS community, \
     (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id) AS members \
     FROM teams t LEFT JOIN communities c ON c.id = t.community_id";

fn team_from(r: &sqlx::any::AnyRow) -> Result<TeamRow, sqlx::Error> {
    Ok(TeamRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        community: r.try_get("community")?,
        members: r.try_get("members")?,
    })
}

/// `%` and `_` typed by a person are matched as themselves.
fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Teams whose name or unit contains `q` (all when empty), in a community if given.
pub async fn search(
    db: &Db,
    q: &str,
    community: Option<i64>,
    limit: i64,
) -> Result<Vec<TeamRow>, sqlx::Error> {
    let sql = format!(
        "{TEAM_SELECT} WHERE (t.name LIKE $1 ESCAPE '\\' OR t.unit LIKE $1 ESCAPE '\\') \
         AND ($2 IS NULL OR t.community_id = $2) ORDER BY t.id LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_pattern(q.trim()))
        .bind(community)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(team_from).collect()
}

/// Names a team's leader and whether the team is verified (by the community's staff);
/// a verified team's leader may verify its members as volunteers.
pub async fn set_leader(
    db: &Db,
    team: i64,
    leader: Option<i64>,
    verified: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE teams SET leader_id = $1, verified = $2 WHERE id = $3")
        .bind(leader)
        .bind(i64::from(verified))
        .bind(team)
        .execute(&db.pool)
        .await?;
    db.wrote();
    Ok(())
}

pub async fn team(db: &Db, id: i64) -> Result<Option<TeamRow>, sqlx::Error> {
    let sql = format!("{TEAM_SELECT} WHERE t.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(team_from).transpose()
}

/// How many wishes claimed for the team are in each status (public statuses only).
pub async fn wish_counts(db: &Db, team: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM wishes WHERE claim_team_id = $1 \
         AND status IN ('claimed', 'fulfilled', 'confirmed') GROUP BY status ORDER BY status",
    )
    .bind(team)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
        .collect()
}

/// The volunteer hours of the team's members, recorded at activity check-ins.
pub async fn member_hours(db: &Db, team: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(s.hours), 0) AS BIGINT) FROM signups s \
         JOIN users u ON u.id = s.user_id WHERE u.team_id = $1",
    )
    .bind(team)
    .fetch_one(&db.pool)
    .await
}

/// Adds teams with the ids given (a bulk load into a city without teams): (id, name,
/// unit, community), in multi-row statements.
pub async fn insert_teams_with_ids(
    conn: &mut sqlx::AnyConnection,
    rows: &[(i64, String, String, i64)],
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::BULK_ROWS) {
        let sql = format!(
            "INSERT INTO teams (id, name, unit, community_id, created_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for (id, name, unit, community) in chunk {
            q = q
                .bind(*id)
                .bind(name.as_str())
                .bind(unit.as_str())
                .bind(*community)
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_wildcards_match_themselves() {
        assert_eq!(super::like_pattern("双报到"), "%双报到%");
        assert_eq!(super::like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
