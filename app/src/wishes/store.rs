//! SQL for wishes, activities and points: the only place these tables are queried.
//! Every outcome a race could decide is a conditional statement: a claim is
//! `… WHERE status = 'published'` (one winner); a sign-up or a withdrawal takes the
//! activity's row first (so the capacity and the waitlist order hold); a redemption takes
//! the user's row first, then checks the ledger's sum and takes stock with
//! `stock = stock - 1 WHERE stock > 0`.

use crate::db::Db;
use crate::error::AppError;
use crate::wishes::model::{NewWish, WishStatus, CLAIM_DAYS, WISH_POINTS};
use rand::Rng;
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
    pub claim_expires_at: Option<i64>,
    pub fulfil_note: String,
    pub created_at: i64,
    pub lat: f64,
    pub lng: f64,
}

const WISH_SELECT: &str = "SELECT w.id, w.community_id, c.name AS community, w.poster_id, w.category, w.title, w.story, \
     w.needs, w.value_yuan, w.deadline, w.contact, w.address, w.status, w.reject_reason, w.claimant_id, t.name AS team, \
     w.claim_expires_at, w.fulfil_note, w.created_at, c.lat, c.lng \
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
        claim_expires_at: r.try_get("claim_expires_at")?,
        fulfil_note: r.try_get("fulfil_note")?,
        created_at: r.try_get("created_at")?,
        lat: r.try_get("lat")?,
        lng: r.try_get("lng")?,
    })
}

/// One line of the points ledger: the only way points are given or spent.
async fn credit(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    delta: i64,
    reason: &str,
    reference: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO points_ledger (user_id, delta, reason, ref, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user)
        .bind(delta)
        .bind(reason)
        .bind(reference)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
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

/// Public wishes (published, claimed, fulfilled, confirmed), newest first, optionally by
/// community, category and status; at most `limit`.
pub async fn public(
    db: &Db,
    community: Option<i64>,
    category: Option<&str>,
    open_only: bool,
    limit: i64,
) -> Result<Vec<Wish>, sqlx::Error> {
    let sql = format!(
        "{WISH_SELECT} WHERE w.status IN ('published', 'claimed', 'fulfilled', 'confirmed') \
         AND ($1 IS NULL OR w.community_id = $1) AND ($2 IS NULL OR w.category = $2) AND ($3 = 0 OR w.status = 'published') \
         ORDER BY w.id DESC LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(community)
        .bind(category)
        .bind(i64::from(open_only))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
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

/// The wishes a person posted or claimed.
pub async fn of_user(db: &Db, user: i64) -> Result<Vec<Wish>, sqlx::Error> {
    let sql = format!(
        "{WISH_SELECT} WHERE w.poster_id = $1 OR w.claimant_id = $1 ORDER BY w.id DESC LIMIT 50"
    );
    let rows = sqlx::query(&sql).bind(user).fetch_all(&db.pool).await?;
    rows.iter().map(wish_from).collect()
}

fn step_failed(what: &str) -> AppError {
    AppError::Conflict(what.to_string())
}

pub async fn review(
    db: &Db,
    id: i64,
    approve: bool,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let to = if approve { "published" } else { "rejected" };
    let r = sqlx::query("UPDATE wishes SET status = $1, reject_reason = $2, updated_at = $3 WHERE id = $4 AND status = 'pending'")
        .bind(to)
        .bind(reason)
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(step_failed("只有待审核的心愿可以审核"))
    }
}

/// One claimant, decided by the database: of concurrent claims exactly one matches
/// `status = 'published'`.
pub async fn claim(
    db: &Db,
    id: i64,
    user: i64,
    team: Option<i64>,
    now: i64,
    claim_days: i64,
) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE wishes SET status = 'claimed', claimant_id = $1, claim_team_id = $2, claimed_at = $3, claim_expires_at = $4, \
         updated_at = $3 WHERE id = $5 AND status = 'published' AND poster_id <> $1",
    )
    .bind(user)
    .bind(team)
    .bind(now)
    .bind(now + claim_days * 86_400)
    .bind(id)
    .execute(&db.pool)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(step_failed("这个心愿已被认领或暂不能认领"))
    }
}

pub async fn withdraw(db: &Db, id: i64, user: i64, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE wishes SET status = 'published', claimant_id = NULL, claim_team_id = NULL, claimed_at = NULL, \
         claim_expires_at = NULL, updated_at = $1 WHERE id = $2 AND status = 'claimed' AND claimant_id = $3",
    )
    .bind(now)
    .bind(id)
    .bind(user)
    .execute(&db.pool)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(step_failed("只有您认领中的心愿可以放弃"))
    }
}

/// Claims not fulfilled in time return to the pool. Returns how many did.
pub async fn expire_claims(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE wishes SET status = 'published', claimant_id = NULL, claim_team_id = NULL, claimed_at = NULL, \
         claim_expires_at = NULL, updated_at = $1 WHERE status = 'claimed' AND claim_expires_at < $1",
    )
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected())
}

pub async fn fulfil(db: &Db, id: i64, user: i64, note: &str, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE wishes SET status = 'fulfilled', fulfil_note = $1, updated_at = $2 WHERE id = $3 AND status = 'claimed' AND claimant_id = $4",
    )
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(user)
    .execute(&db.pool)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(step_failed("只有您认领中的心愿可以提交完成"))
    }
}

/// Confirms a fulfilled wish and credits the volunteer, in one transaction.
pub async fn confirm(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("UPDATE wishes SET status = 'confirmed', updated_at = $1 WHERE id = $2 AND status = 'fulfilled' RETURNING claimant_id")
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        return Err(step_failed("只有待确认的心愿可以确认"));
    };
    let claimant: Option<i64> = row.try_get("claimant_id")?;
    if let Some(u) = claimant {
        credit(
            &mut tx,
            u,
            WISH_POINTS,
            "圆梦微心愿",
            &format!("wish:{id}"),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn close(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    let r = sqlx::query("UPDATE wishes SET status = 'closed', updated_at = $1 WHERE id = $2 AND status IN ('pending', 'published')")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(step_failed("已认领的心愿不能关闭，请先与志愿者沟通"))
    }
}

// ---- activities: capacity and an ordered waitlist ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub kind: String,
    pub title: String,
    pub day: String,
    pub place: String,
    pub capacity: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub points: i64,
}

const ACTIVITY_SELECT: &str = "SELECT a.id, a.community_id, c.name AS community, a.kind, a.title, a.day, a.place, a.capacity, a.points, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'confirmed') AS confirmed, \
     (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted') AS waitlisted \
     FROM activities a JOIN communities c ON c.id = a.community_id";

fn activity_from(r: &AnyRow) -> Result<Activity, sqlx::Error> {
    Ok(Activity {
        id: r.try_get("id")?,
        community_id: r.try_get("community_id")?,
        community: r.try_get("community")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        day: r.try_get("day")?,
        place: r.try_get("place")?,
        capacity: r.try_get("capacity")?,
        confirmed: r.try_get("confirmed")?,
        waitlisted: r.try_get("waitlisted")?,
        points: r.try_get("points")?,
    })
}

pub async fn upcoming(db: &Db, from_day: &str, limit: i64) -> Result<Vec<Activity>, sqlx::Error> {
    let sql = format!("{ACTIVITY_SELECT} WHERE a.day >= $1 ORDER BY a.day, a.id LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(from_day)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(activity_from).collect()
}

pub async fn activity(db: &Db, id: i64) -> Result<Option<Activity>, sqlx::Error> {
    let sql = format!("{ACTIVITY_SELECT} WHERE a.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(activity_from).transpose()
}

/// A micro-project or Red-Saturday activity as staff post it.
pub struct NewActivity<'a> {
    pub community: i64,
    /// `project` or `red_saturday`.
    pub kind: &'a str,
    pub title: &'a str,
    /// `YYYY-MM-DD`.
    pub day: &'a str,
    pub place: &'a str,
    pub capacity: i64,
}

pub async fn create_activity(db: &Db, a: &NewActivity<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO activities (community_id, kind, title, day, place, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(a.community)
    .bind(a.kind)
    .bind(a.title)
    .bind(a.day)
    .bind(a.place)
    .bind(a.capacity)
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

/// Signs up: confirmed while seats remain, else next on the waitlist. Returns the status.
pub async fn sign_up(db: &Db, activity: i64, user: i64, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    let cap: Option<i64> =
        sqlx::query_scalar("UPDATE activities SET seq = seq + 1 WHERE id = $1 RETURNING capacity")
            .bind(activity)
            .fetch_optional(&mut *tx)
            .await?;
    let cap = cap.ok_or_else(|| AppError::NotFound("该活动".into()))?;
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND user_id = $2 AND status <> 'withdrawn'")
        .bind(activity)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    if already > 0 {
        return Err(AppError::Conflict("您已报名这个活动".into()));
    }
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND status = 'confirmed'",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM signups WHERE activity_id = $1",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let status = if confirmed < cap {
        "confirmed"
    } else {
        "waitlisted"
    };
    sqlx::query("INSERT INTO signups (activity_id, user_id, status, position, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(activity)
        .bind(user)
        .bind(status)
        .bind(position)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(status.to_string())
}

/// Withdraws; if a confirmed seat is freed, the first on the waitlist is promoted (once).
/// Returns the promoted user, if any.
pub async fn withdraw_signup(db: &Db, activity: i64, user: i64) -> Result<Option<i64>, AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE activities SET seq = seq + 1 WHERE id = $1")
        .bind(activity)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(
        "UPDATE signups SET status = 'withdrawn' WHERE activity_id = $1 AND user_id = $2 AND status <> 'withdrawn' RETURNING status",
    )
    .bind(activity)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_none() {
        return Err(AppError::Conflict("您没有报名这个活动".into()));
    }
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups WHERE activity_id = $1 AND status = 'confirmed'",
    )
    .bind(activity)
    .fetch_one(&mut *tx)
    .await?;
    let cap: i64 = sqlx::query_scalar("SELECT capacity FROM activities WHERE id = $1")
        .bind(activity)
        .fetch_one(&mut *tx)
        .await?;
    let mut promoted = None;
    if confirmed < cap {
        let first: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM signups WHERE activity_id = $1 AND status = 'waitlisted' ORDER BY position LIMIT 1",
        )
        .bind(activity)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(sid) = first {
            promoted = sqlx::query_scalar("UPDATE signups SET status = 'confirmed' WHERE id = $1 AND status = 'waitlisted' RETURNING user_id")
                .bind(sid)
                .fetch_optional(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(promoted)
}

/// (user, status, position) of an activity's sign-ups, in order.
pub async fn signups(db: &Db, activity: i64) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let rows = sqlx::query("SELECT user_id, status, position FROM signups WHERE activity_id = $1 AND status <> 'withdrawn' ORDER BY position")
        .bind(activity)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("user_id")?,
                r.try_get("status")?,
                r.try_get("position")?,
            ))
        })
        .collect()
}

/// Staff check a confirmed volunteer in at the event (by the QR text or a list): hours
/// and points are credited once.
pub async fn check_in(db: &Db, activity: i64, user: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let r = sqlx::query(
        "UPDATE signups SET checked_in_at = $1 WHERE activity_id = $2 AND user_id = $3 AND status = 'confirmed' AND checked_in_at IS NULL",
    )
    .bind(now)
    .bind(activity)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::Conflict("未找到待签到的报名，或已签到".into()));
    }
    let points: i64 = sqlx::query_scalar("SELECT points FROM activities WHERE id = $1")
        .bind(activity)
        .fetch_one(&mut *tx)
        .await?;
    credit(
        &mut tx,
        user,
        points,
        "参加志愿活动",
        &format!("activity:{activity}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- points ----

pub async fn balance(db: &Db, user: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger WHERE user_id = $1",
    )
    .bind(user)
    .fetch_one(&db.pool)
    .await
}

/// (delta, reason, time) newest first.
pub async fn ledger(db: &Db, user: i64) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let rows = sqlx::query("SELECT delta, reason, created_at FROM points_ledger WHERE user_id = $1 ORDER BY id DESC LIMIT 50")
        .bind(user)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("delta")?,
                r.try_get("reason")?,
                r.try_get("created_at")?,
            ))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reward {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub cost: i64,
    pub stock: i64,
}

pub async fn rewards(db: &Db) -> Result<Vec<Reward>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, category, cost, stock FROM rewards ORDER BY cost, id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Reward {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                category: r.try_get("category")?,
                cost: r.try_get("cost")?,
                stock: r.try_get("stock")?,
            })
        })
        .collect()
}

/// Redeems a reward: never a negative balance, never beyond stock, whatever the
/// concurrency. Returns the voucher code.
pub async fn redeem(db: &Db, user: i64, reward: i64, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET points_seq = points_seq + 1 WHERE id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let cost: Option<i64> = sqlx::query_scalar("SELECT cost FROM rewards WHERE id = $1")
        .bind(reward)
        .fetch_optional(&mut *tx)
        .await?;
    let cost = cost.ok_or_else(|| AppError::NotFound("该兑换项目".into()))?;
    let balance: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger WHERE user_id = $1",
    )
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    if balance < cost {
        return Err(AppError::Conflict(format!(
            "积分不足：需要{cost}分，您现有{balance}分"
        )));
    }
    let r = sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = $1 AND stock > 0")
        .bind(reward)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::Conflict("该项目已兑完".into()));
    }
    credit(
        &mut tx,
        user,
        -cost,
        "积分兑换",
        &format!("reward:{reward}"),
        now,
    )
    .await?;
    let mut rng = rand::rngs::OsRng;
    let alphabet = crate::booking::model::CODE_ALPHABET;
    for _ in 0..8 {
        let code: String = (0..8)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
            .collect();
        let ok = sqlx::query(
            "INSERT INTO vouchers (code, user_id, reward_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id",
        )
        .bind(&code)
        .bind(user)
        .bind(reward)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if ok.is_some() {
            tx.commit().await?;
            return Ok(code);
        }
    }
    Err(AppError::internal("no free voucher code"))
}

/// Verifies a voucher once: true the first time, false ever after.
pub async fn use_voucher(db: &Db, code: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE vouchers SET used_at = $1 WHERE code = $2 AND used_at IS NULL RETURNING reward_id",
    )
    .bind(now)
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let id: i64 = r.try_get("reward_id")?;
            sqlx::query_scalar("SELECT name FROM rewards WHERE id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await
        }
    }
}

/// 32 redemption scenarios (the report: 30余种积分兑换应用场景), with stock.
pub const REWARDS: &[(&str, &str, i64, i64)] = &[
    ("物业费减免10元", "物业", 20, 500),
    ("物业费减免50元", "物业", 90, 100),
    ("长者食堂午餐一份", "长者食堂", 15, 800),
    ("长者食堂月度餐券", "长者食堂", 120, 50),
    ("超市代金券10元", "商户", 20, 600),
    ("超市代金券20元", "商户", 38, 300),
    ("理发一次", "便民", 15, 400),
    ("停车1小时", "停车", 5, 2000),
    ("停车半天", "停车", 12, 500),
    ("洗衣一次", "便民", 10, 300),
    ("家电清洗一次", "便民", 60, 80),
    ("修鞋一次", "便民", 8, 200),
    ("配钥匙一把", "便民", 5, 500),
    ("图书借阅月卡", "文化", 10, 200),
    ("健身房单次", "文体", 12, 300),
    ("游泳单次", "文体", 15, 200),
    ("社区电影票", "文化", 10, 300),
    ("手机贴膜一次", "便民", 8, 300),
    ("磨刀一次", "便民", 3, 500),
    ("家政服务1小时", "家政", 40, 100),
    ("水电维修上门一次", "维修", 30, 150),
    ("早餐券一份", "商户", 6, 1000),
    ("牛奶一箱", "商户", 45, 100),
    ("鸡蛋一盒", "商户", 20, 200),
    ("大米一袋（5公斤）", "商户", 50, 100),
    ("食用油一桶", "商户", 60, 80),
    ("洗衣液一瓶", "商户", 25, 150),
    ("体检优惠券", "健康", 50, 100),
    ("中医推拿一次", "健康", 40, 100),
    ("儿童托管半天", "托育", 30, 60),
    ("四点半课堂一次", "托育", 10, 300),
    ("公交卡充值10元", "出行", 22, 300),
    ("绿植一盆", "生活", 15, 200),
];

const TEAM_KINDS: [&str; 10] = [
    "党员志愿服务队",
    "红色星期六服务队",
    "双报到服务队",
    "暖民心志愿队",
    "青年突击队",
    "助老服务队",
    "文明创建服务队",
    "平安巡逻队",
    "环境整治服务队",
    "便民维修服务队",
];

const WISH_SAMPLES: &[(&str, &str, &str, i64)] = &[
    ("学习用品", "想要一套课外读物", "适合三年级的课外书5本", 80),
    ("学习用品", "需要一个护眼台灯", "学习用护眼台灯一盏", 120),
    ("学习用品", "想要一个新书包", "小学生书包一个", 100),
    ("生活物资", "冬天需要一床厚棉被", "双人厚棉被一床", 200),
    ("生活物资", "想要一台电饭煲", "小容量电饭煲一台", 150),
    ("助老助残", "需要一副助行拐杖", "四脚助行拐杖一副", 90),
    ("助老助残", "希望有人帮忙买药", "每月代购慢病药一次", 0),
    ("陪伴", "想找人陪我下棋聊天", "每周陪伴聊天一次", 0),
    ("陪伴", "孩子周末想有人辅导作业", "周末辅导数学两小时", 0),
    ("维修", "厨房水龙头漏水", "更换水龙头一个", 60),
    ("维修", "家里电灯不亮了", "检修线路、更换灯管", 40),
    ("维修", "轮椅刹车坏了", "修理轮椅刹车", 50),
];

/// The demo's teams, wishes across every state, activities and a points history.
pub async fn seed_demo(db: &Db, seed: u64, team_units: &[String]) -> Result<(), sqlx::Error> {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x3715);
    let now = chrono::Utc::now().timestamp();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let mut tx = db.begin_write().await?;
    let users: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    let communities: Vec<i64> = sqlx::query_scalar("SELECT id FROM communities ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    if users.len() < 2 || communities.is_empty() {
        return Ok(());
    }
    for (name, cat, cost, stock) in REWARDS {
        sqlx::query("INSERT INTO rewards (name, category, cost, stock) VALUES ($1, $2, $3, $4)")
            .bind(*name)
            .bind(*cat)
            .bind(*cost)
            .bind(*stock)
            .execute(&mut *tx)
            .await?;
    }
    // 1,300 teams of the 双报到 units.
    let mut teams = 0;
    'outer: for kind in TEAM_KINDS {
        for unit in team_units {
            if teams >= 1300 {
                break 'outer;
            }
            let community = communities[rng.gen_range(0..communities.len())];
            sqlx::query(
                "INSERT INTO teams (name, unit, community_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(format!("{unit}{kind}"))
            .bind(unit)
            .bind(community)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            teams += 1;
        }
    }
    let team_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM teams ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    // About 5,000 wishes across their life cycle.
    let states = [
        "published",
        "published",
        "claimed",
        "fulfilled",
        "confirmed",
        "confirmed",
        "confirmed",
        "pending",
        "rejected",
        "closed",
    ];
    for i in 0..5000 {
        let (cat, title, needs, value) = WISH_SAMPLES[rng.gen_range(0..WISH_SAMPLES.len())];
        let status = states[i % states.len()];
        let poster = users[rng.gen_range(0..users.len())];
        let claimant = (matches!(status, "claimed" | "fulfilled" | "confirmed")).then(|| loop {
            let u = users[rng.gen_range(0..users.len())];
            if u != poster {
                break u;
            }
        });
        let team = claimant
            .filter(|_| rng.gen_bool(0.3))
            .map(|_| team_ids[rng.gen_range(0..team_ids.len())]);
        let created = now - rng.gen_range(1..120) * 86_400;
        let deadline = (today + chrono::Duration::days(rng.gen_range(7..90)))
            .format("%Y-%m-%d")
            .to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wishes (community_id, poster_id, category, title, story, needs, value_yuan, deadline, contact, address, status, \
             reject_reason, claimant_id, claim_team_id, claimed_at, claim_expires_at, fulfil_note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
        )
        .bind(communities[rng.gen_range(0..communities.len())])
        .bind(poster)
        .bind(cat)
        .bind(title)
        .bind(format!("{title}。家里有实际困难，希望得到邻里的帮助，谢谢大家。"))
        .bind(needs)
        .bind(value)
        .bind(deadline)
        .bind(format!("171{:08}", rng.gen_range(1..200)))
        .bind(format!("{}号楼{}单元{}室", rng.gen_range(1..30), rng.gen_range(1..5), rng.gen_range(101..1202)))
        .bind(status)
        .bind(if status == "rejected" { "内容不属于微心愿范围，建议联系社区申请临时救助" } else { "" })
        .bind(claimant)
        .bind(team)
        .bind(claimant.map(|_| created + 86_400))
        .bind(claimant.map(|_| now + CLAIM_DAYS * 86_400))
        .bind(if matches!(status, "fulfilled" | "confirmed") { "已送达，老人很满意" } else { "" })
        .bind(created)
        .fetch_one(&mut *tx)
        .await?;
        if status == "confirmed" {
            if let Some(u) = claimant {
                credit(
                    &mut tx,
                    u,
                    WISH_POINTS,
                    "圆梦微心愿",
                    &format!("wish:{id}"),
                    created + 3 * 86_400,
                )
                .await?;
            }
        }
    }
    // About 3,100 micro-projects and Red-Saturday activities, past and coming.
    let titles = [
        "红色星期六·小区环境整治",
        "红色星期六·助老送餐",
        "四点半课堂志愿辅导",
        "文明交通劝导",
        "义务理发进社区",
        "家电义务维修",
        "垃圾分类宣传",
        "老年人智能手机教学",
    ];
    for i in 0..3100 {
        let day = today + chrono::Duration::days(rng.gen_range(-60..30));
        let kind = if i % 3 == 0 {
            "project"
        } else {
            "red_saturday"
        };
        sqlx::query(
            "INSERT INTO activities (community_id, kind, title, day, place, capacity, hours, points, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(communities[rng.gen_range(0..communities.len())])
        .bind(kind)
        .bind(titles[rng.gen_range(0..titles.len())])
        .bind(day.format("%Y-%m-%d").to_string())
        .bind("社区党群服务中心门前广场")
        .bind(rng.gen_range(5..30i64))
        .bind(rng.gen_range(1..4i64))
        .bind(5i64)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
