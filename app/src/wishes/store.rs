//! SQL for wishes and their photos: the only place these tables are queried. Every step
//! a race could decide is a conditional statement on the wish's status (a claim is
//! `… WHERE status = 'published'`: of concurrent claims exactly one matches); the
//! service runs it in a transaction with the step's notices and points.

use crate::db::Db;
use crate::wishes::model::{NewWish, PhotoKind, WishStatus};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A wish with everything, private parts included: the API decides who sees what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wish {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub poster_id: i64,
    pub category: String,
    pub title: String,
    pub story: String,
    pub needs: String,
    pub value_yuan: i64,
    pub deadline: String,
    pub contact: String,
    pub address: String,
    pub status: WishStatus,
    pub reject_reason: String,
    pub claimant_id: Option<i64>,
    pub team: Option<String>,
    pub claim_team_id: Option<i64>,
    pub claim_expires_at: Option<i64>,
    pub fulfil_note: String,
    pub has_photo: bool,
    pub created_at: i64,
    pub lat: f64,
    pub lng: f64,
}

const WISH_SELECT: &str = "SELECT w.id, w.community_id, c.name AS community, w.poster_id, w.category, w.title, w.story, \
     w.needs, w.value_yuan, w.deadline, w.contact, w.address, w.status, w.reject_reason, w.claimant_id, t.name AS team, w.claim_team_id, \
     w.claim_expires_at, w.fulfil_note, w.created_at, c.lat, c.lng, \
     (SELECT COUNT(*) FROM photos p WHERE p.wish_id = w.id) AS photos \
     FROM wishes w JOIN communities c ON c.id = w.community_id LEFT JOIN teams t ON t.id = w.claim_team_id";

fn wish_from(r: &AnyRow) -> Result<Wish, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Wish {
        id: r.try_get("id")?,
        community_id: r.try_get("community_id")?,
        community: r.try_get("community")?,
        poster_id: r.try_get("poster_id")?,
        category: r.try_get("category")?,
        title: r.try_get("title")?,
        story: r.try_get("story")?,
        needs: r.try_get("needs")?,
        value_yuan: r.try_get("value_yuan")?,
        deadline: r.try_get("deadline")?,
        contact: r.try_get("contact")?,
        address: r.try_get("address")?,
        status: WishStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("wish status {status}").into()))?,
        reject_reason: r.try_get("reject_reason")?,
        claimant_id: r.try_get("claimant_id")?,
        team: r.try_get("team")?,
        claim_team_id: r.try_get("claim_team_id")?,
        claim_expires_at: r.try_get("claim_expires_at")?,
        fulfil_note: r.try_get("fulfil_note")?,
        has_photo: r.try_get::<i64, _>("photos")? > 0,
        created_at: r.try_get("created_at")?,
        lat: r.try_get("lat")?,
        lng: r.try_get("lng")?,
    })
}

pub async fn post(
    db: &Db,
    poster: i64,
    community: i64,
    w: &NewWish,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO wishes (community_id, poster_id, category, title, story, needs, value_yuan, deadline, contact, address, \
         status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11) RETURNING id",
    )
    .bind(community)
    .bind(poster)
    .bind(w.category.trim())
    .bind(w.title.trim())
    .bind(w.story.trim())
    .bind(w.needs.trim())
    .bind(w.value_yuan)
    .bind(w.deadline.trim())
    .bind(w.contact.trim())
    .bind(w.address.trim())
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Wish>, sqlx::Error> {
    let sql = format!("{WISH_SELECT} WHERE w.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(wish_from).transpose()
}

/// What the public list may be narrowed to and ordered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community: Option<i64>,
    pub category: Option<String>,
    /// Claimed for this team.
    pub team: Option<i64>,
    /// Unclaimed (published) only.
    pub open_only: bool,
    pub order: Order,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Order {
    #[default]
    Newest,
    Deadline,
    /// Nearest the point first (by the wish's community centre).
    Nearest {
        lat: f64,
        lng: f64,
    },
}

/// Public wishes (published, claimed, fulfilled, confirmed) by the filter; at most `limit`.
///
/// "Nearest" is ordered in SQL by the equirectangular distance (Δlat² + (Δlng·cos φ)²,
/// with cos² φ bound as a number), plain arithmetic that both dialects evaluate and that
/// ranks like the true distance at a city's scale.
pub async fn public(db: &Db, f: &Filter, limit: i64) -> Result<Vec<Wish>, sqlx::Error> {
    let (lat, lng, k) = match f.order {
        Order::Nearest { lat, lng } => (lat, lng, lat.to_radians().cos().powi(2)),
        _ => (0.0, 0.0, 0.0),
    };
    let order = match f.order {
        Order::Newest => "w.id DESC",
        Order::Deadline => "w.deadline, w.id DESC",
        Order::Nearest { .. } => {
            "((c.lat - $6) * (c.lat - $6) + (c.lng - $7) * (c.lng - $7) * $8), w.id DESC"
        }
    };
    // `(w.status || '')`: the status is compared but not used to pick an index. With the
    // `wishes_status` index SQLite fetched every public wish (about 5,000 in the demo
    // city), counted each one's photos and sorted them all to keep 50; walking the
    // table by id (newest) or `wishes_deadline` (deadline) stops after 50 rows.
    let sql = format!(
        "{WISH_SELECT} WHERE (w.status || '') IN ('published', 'claimed', 'fulfilled', 'confirmed') \
         AND ($1 IS NULL OR w.community_id = $1) AND ($2 IS NULL OR w.category = $2) AND ($3 = 0 OR w.status = 'published') \
         AND ($5 IS NULL OR w.claim_team_id = $5) ORDER BY {order} LIMIT $4"
    );
    let q = sqlx::query(&sql)
        .bind(f.community)
        .bind(f.category.as_deref())
        .bind(i64::from(f.open_only))
        .bind(limit)
        .bind(f.team);
    let q = match f.order {
        Order::Nearest { .. } => q.bind(lat).bind(lng).bind(k),
        _ => q,
    };
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter().map(wish_from).collect()
}

/// Wishes of a community waiting for review.
pub async fn pending(db: &Db, community: i64) -> Result<Vec<Wish>, sqlx::Error> {
    let sql =
        format!("{WISH_SELECT} WHERE w.status = 'pending' AND w.community_id = $1 ORDER BY w.id");
    let rows = sqlx::query(&sql)
        .bind(community)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(wish_from).collect()
}

/// The wishes a person posted or claimed, newest first.
pub async fn of_user(db: &Db, user: i64) -> Result<Vec<Wish>, sqlx::Error> {
    let sql = format!(
        "{WISH_SELECT} WHERE w.poster_id = $1 OR w.claimant_id = $1 ORDER BY w.id DESC LIMIT 50"
    );
    let rows = sqlx::query(&sql).bind(user).fetch_all(&db.pool).await?;
    rows.iter().map(wish_from).collect()
}

/// What a step changes besides the status. Each variant is one fixed statement: the
/// store executes the transition the model decided, and is never handed SQL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change<'a> {
    /// Only the status.
    Status,
    /// A refusal with the reason the poster sees.
    Reject { reason: &'a str },
    /// A volunteer (never the poster) takes the wish on until `expires_at`.
    Claim {
        claimant: i64,
        team: Option<i64>,
        expires_at: i64,
    },
    /// The claimant gives the claim back; only if they still hold it.
    Unclaim { claimant: i64 },
    /// The claim ran out; only if `claimant` still holds it and it expired before `now`.
    Expire { claimant: i64 },
    /// The claimant's note on how it was done; only if they still hold it.
    Fulfil { claimant: i64, note: &'a str },
}

/// Who a moved wish concerns, for its notices.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub poster: i64,
    pub title: String,
}

/// Moves a wish from `from` to `to` with `change`, if it is still in `from` (and, for a
/// claimant's step, still theirs): a conditional update, so that of racing steps exactly
/// one matches. `None` when the wish moved on first.
pub async fn transition(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    from: WishStatus,
    to: WishStatus,
    change: Change<'_>,
    now: i64,
) -> Result<Option<Moved>, sqlx::Error> {
    let q = match change {
        Change::Status => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code()),
        Change::Reject { reason } => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2, reject_reason = $5 WHERE id = $3 AND status = $4 \
             RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(reason),
        Change::Claim {
            claimant,
            team,
            expires_at,
        } => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2, claimant_id = $5, claim_team_id = $6, claimed_at = $2, \
             claim_expires_at = $7 WHERE id = $3 AND status = $4 AND poster_id <> $5 RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(claimant)
        .bind(team)
        .bind(expires_at),
        Change::Unclaim { claimant } => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2, claimant_id = NULL, claim_team_id = NULL, claimed_at = NULL, \
             claim_expires_at = NULL WHERE id = $3 AND status = $4 AND claimant_id = $5 RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(claimant),
        Change::Expire { claimant } => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2, claimant_id = NULL, claim_team_id = NULL, claimed_at = NULL, \
             claim_expires_at = NULL WHERE id = $3 AND status = $4 AND claimant_id = $5 AND claim_expires_at < $2 \
             RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(claimant),
        Change::Fulfil { claimant, note } => sqlx::query(
            "UPDATE wishes SET status = $1, updated_at = $2, fulfil_note = $6 WHERE id = $3 AND status = $4 \
             AND claimant_id = $5 RETURNING poster_id, title",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(claimant)
        .bind(note),
    };
    let row = q.fetch_optional(&mut *conn).await?;
    row.map(|r| {
        Ok(Moved {
            poster: r.try_get("poster_id")?,
            title: r.try_get("title")?,
        })
    })
    .transpose()
}

/// Orders a volunteer's claims: bumps their row, so that concurrent claims by one
/// person are counted one after another (the limits below hold on both databases).
pub async fn lock_claimer(conn: &mut sqlx::AnyConnection, user: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET claim_seq = claim_seq + 1 WHERE id = $1")
        .bind(user)
        .execute(conn)
        .await?;
    Ok(())
}

/// A volunteer's open claims, and claims made since `since`.
pub async fn claim_counts(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM wishes WHERE claimant_id = $1 AND status = 'claimed'",
    )
    .bind(user)
    .fetch_one(&mut *conn)
    .await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM wish_claims WHERE user_id = $1 AND claimed_at > $2",
    )
    .bind(user)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((open, recent))
}

/// Whether `user` withdrew from `wish` since `since`.
pub async fn withdrew_since(
    conn: &mut sqlx::AnyConnection,
    wish: i64,
    user: i64,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM wish_claims WHERE wish_id = $1 AND user_id = $2 \
         AND outcome = 'withdrawn' AND ended_at > $3",
    )
    .bind(wish)
    .bind(user)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Records a claim in the claims history.
pub async fn record_claim(
    conn: &mut sqlx::AnyConnection,
    wish: i64,
    user: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO wish_claims (wish_id, user_id, claimed_at) VALUES ($1, $2, $3)")
        .bind(wish)
        .bind(user)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the claims history that wishes loaded in bulk (the demo city, a history import)
/// already imply, inside the caller's transaction: an open claim for each claimed wish,
/// one ended `fulfilled` for each fulfilled or confirmed one, as the live steps write them.
pub async fn record_implied_claims(conn: &mut sqlx::AnyConnection) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO wish_claims (wish_id, user_id, claimed_at, ended_at, outcome) \
         SELECT w.id, w.claimant_id, COALESCE(w.claimed_at, w.created_at), \
                CASE WHEN w.status = 'claimed' THEN NULL ELSE w.updated_at END, \
                CASE WHEN w.status = 'claimed' THEN NULL ELSE 'fulfilled' END \
         FROM wishes w WHERE w.claimant_id IS NOT NULL \
           AND w.status IN ('claimed', 'fulfilled', 'confirmed') \
           AND NOT EXISTS (SELECT 1 FROM wish_claims c WHERE c.wish_id = w.id)",
    )
    .execute(conn)
    .await?
    .rows_affected())
}

/// Ends `user`'s open claim of `wish` with an outcome (`withdrawn`, `expired`,
/// `fulfilled`).
pub async fn end_claim(
    conn: &mut sqlx::AnyConnection,
    wish: i64,
    user: i64,
    outcome: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE wish_claims SET ended_at = $1, outcome = $2 \
         WHERE wish_id = $3 AND user_id = $4 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(outcome)
    .bind(wish)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims past their time: (wish, claimant), at most `limit`, oldest first.
pub async fn expired_claims(db: &Db, now: i64, limit: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, claimant_id FROM wishes WHERE status = 'claimed' AND claim_expires_at < $1 \
         AND claimant_id IS NOT NULL ORDER BY claim_expires_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("claimant_id")?)))
        .collect()
}

/// Ties a staged photo (see `wishes::photo`) to its wish, inside the step's
/// transaction; false if the photo is not a staged one of this uploader.
pub async fn attach_photo(
    conn: &mut sqlx::AnyConnection,
    wish: i64,
    photo: i64,
    user: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE photos SET wish_id = $1 WHERE id = $2 AND wish_id IS NULL AND uploaded_by = $3 AND bytes > 0",
    )
    .bind(wish)
    .bind(photo)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A wish's photo: (photo id, kind, size in bytes).
pub async fn photo(db: &Db, wish: i64) -> Result<Option<(i64, PhotoKind, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, mime, bytes FROM photos WHERE wish_id = $1")
        .bind(wish)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        let mime: String = r.try_get("mime")?;
        let kind = PhotoKind::from_mime(&mime)
            .ok_or_else(|| sqlx::Error::Decode(format!("photo type {mime}").into()))?;
        Ok((r.try_get("id")?, kind, r.try_get("bytes")?))
    })
    .transpose()
}

/// A wish written whole, in any state (history imports, the demo).
pub struct WishRow<'a> {
    pub community: i64,
    pub poster: i64,
    pub category: &'a str,
    pub title: &'a str,
    pub story: &'a str,
    pub needs: &'a str,
    pub value_yuan: i64,
    pub deadline: &'a str,
    pub contact: &'a str,
    pub address: &'a str,
    pub status: WishStatus,
    pub reject_reason: &'a str,
    pub claimant: Option<i64>,
    pub team: Option<i64>,
    pub claimed_at: Option<i64>,
    pub claim_expires_at: Option<i64>,
    pub fulfil_note: &'a str,
    pub created_at: i64,
}

/// Writes wishes as they are given, with the ids given (a bulk load into a city without
/// wishes: history imports, the demo), inside the caller's transaction, in multi-row
/// statements. The caller moves the id sequence on (`db::after_explicit_ids`).
pub async fn insert_rows_with_ids(
    conn: &mut sqlx::AnyConnection,
    rows: &[(i64, WishRow<'_>)],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(crate::db::BULK_ROWS) {
        let sql = format!(
            "INSERT INTO wishes (id, community_id, poster_id, category, title, story, needs, value_yuan, deadline, contact, \
             address, status, reject_reason, claimant_id, claim_team_id, claimed_at, claim_expires_at, fulfil_note, created_at, \
             updated_at) VALUES {}",
            crate::db::placeholders(chunk.len(), 20)
        );
        let mut q = sqlx::query(&sql);
        for (id, w) in chunk {
            q = q
                .bind(*id)
                .bind(w.community)
                .bind(w.poster)
                .bind(w.category)
                .bind(w.title)
                .bind(w.story)
                .bind(w.needs)
                .bind(w.value_yuan)
                .bind(w.deadline)
                .bind(w.contact)
                .bind(w.address)
                .bind(w.status.code())
                .bind(w.reject_reason)
                .bind(w.claimant)
                .bind(w.team)
                .bind(w.claimed_at)
                .bind(w.claim_expires_at)
                .bind(w.fulfil_note)
                .bind(w.created_at)
                .bind(w.created_at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
