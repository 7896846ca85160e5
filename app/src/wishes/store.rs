//! SQL for wishes, their photos and the demo's teams and wishes: the only place these
//! tables are queried. Every step a race could decide is a conditional statement on the
//! wish's status (a claim is `… WHERE status = 'published'`: of concurrent claims exactly
//! one matches), and a step's notice and points commit in the same transaction as the step.

use crate::accounts::store::notify;
use crate::db::Db;
use crate::error::AppError;
use crate::points::store::credit;
use crate::wishes::model::{NewWish, PhotoKind, WishStatus, CLAIM_DAYS, WISH_POINTS};
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
     (SELECT COUNT(*) FROM wish_photos p WHERE p.wish_id = w.id) AS photos \
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
    let sql = format!(
        "{WISH_SELECT} WHERE w.status IN ('published', 'claimed', 'fulfilled', 'confirmed') \
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

fn step_failed(what: &str) -> AppError {
    AppError::Conflict(what.to_string())
}

/// Moves a wish from one status to another if it is still in `from` (and, for steps of
/// the claimant, still theirs), returning its poster, claimant and title; `None` when
/// the wish moved on first. The SET clause is the caller's.
async fn step(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    set: &str,
    from: &str,
    claimant: Option<i64>,
    now: i64,
) -> Result<Option<(i64, Option<i64>, String)>, sqlx::Error> {
    let sql = format!(
        "UPDATE wishes SET {set}, updated_at = $1 WHERE id = $2 AND status = '{from}' \
         AND ($3 IS NULL OR claimant_id = $3) RETURNING poster_id, claimant_id, title"
    );
    let row = sqlx::query(&sql)
        .bind(now)
        .bind(id)
        .bind(claimant)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok((
            r.try_get("poster_id")?,
            r.try_get("claimant_id")?,
            r.try_get("title")?,
        ))
    })
    .transpose()
}

pub async fn review(
    db: &Db,
    id: i64,
    approve: bool,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let q = if approve {
        sqlx::query("UPDATE wishes SET status = 'published', updated_at = $1 WHERE id = $2 AND status = 'pending' RETURNING poster_id, title")
    } else {
        sqlx::query("UPDATE wishes SET status = 'rejected', reject_reason = $3, updated_at = $1 WHERE id = $2 AND status = 'pending' RETURNING poster_id, title")
    };
    let q = q.bind(now).bind(id);
    let q = if approve { q } else { q.bind(reason) };
    let row = q
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| step_failed("只有待审核的心愿可以审核"))?;
    let (poster, title): (i64, String) = (row.try_get("poster_id")?, row.try_get("title")?);
    let text = if approve {
        format!("您的心愿「{title}」已通过审核并公开，等待志愿者认领。")
    } else {
        format!("您的心愿「{title}」未通过审核：{reason}")
    };
    notify(&mut tx, poster, &text, now).await?;
    tx.commit().await?;
    Ok(())
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
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE wishes SET status = 'claimed', claimant_id = $1, claim_team_id = $2, claimed_at = $3, claim_expires_at = $4, \
         updated_at = $3 WHERE id = $5 AND status = 'published' AND poster_id <> $1 RETURNING poster_id, title",
    )
    .bind(user)
    .bind(team)
    .bind(now)
    .bind(now + claim_days * 86_400)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| step_failed("这个心愿已被认领或暂不能认领"))?;
    let (poster, title): (i64, String) = (row.try_get("poster_id")?, row.try_get("title")?);
    notify(
        &mut tx,
        poster,
        &format!("您的心愿「{title}」已被志愿者认领，志愿者会与您联系。"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn withdraw(db: &Db, id: i64, user: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (poster, _, title) = step(
        &mut tx,
        id,
        "status = 'published', claimant_id = NULL, claim_team_id = NULL, claimed_at = NULL, claim_expires_at = NULL",
        "claimed",
        Some(user),
        now,
    )
    .await?
    .ok_or_else(|| step_failed("只有您认领中的心愿可以放弃"))?;
    notify(
        &mut tx,
        poster,
        &format!("志愿者放弃了认领，您的心愿「{title}」已重新等待认领。"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
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

/// A photo already written to disk (see `wishes::photo`), to be recorded with the step.
pub struct StoredPhoto<'a> {
    pub file: &'a str,
    pub kind: PhotoKind,
    pub bytes: i64,
    pub sha256: &'a str,
}

/// The claimant says it is done, with a note and optionally a photo, in one transaction.
pub async fn fulfil(
    db: &Db,
    id: i64,
    user: i64,
    note: &str,
    photo: Option<&StoredPhoto<'_>>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let sql = "UPDATE wishes SET status = 'fulfilled', fulfil_note = $1, updated_at = $2 \
               WHERE id = $3 AND status = 'claimed' AND claimant_id = $4 RETURNING poster_id, title";
    let row = sqlx::query(sql)
        .bind(note)
        .bind(now)
        .bind(id)
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| step_failed("只有您认领中的心愿可以提交完成"))?;
    let (poster, title): (i64, String) = (row.try_get("poster_id")?, row.try_get("title")?);
    if let Some(p) = photo {
        sqlx::query(
            "INSERT INTO wish_photos (wish_id, file, mime, bytes, sha256, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(p.file)
        .bind(p.kind.mime())
        .bind(p.bytes)
        .bind(p.sha256)
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    notify(
        &mut tx,
        poster,
        &format!("志愿者已完成您的心愿「{title}」，请到心愿页面确认。"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A wish's photo: (file name in the upload folder, kind).
pub async fn photo(db: &Db, id: i64) -> Result<Option<(String, PhotoKind)>, sqlx::Error> {
    let row = sqlx::query("SELECT file, mime FROM wish_photos WHERE wish_id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        let mime: String = r.try_get("mime")?;
        let kind = PhotoKind::from_mime(&mime)
            .ok_or_else(|| sqlx::Error::Decode(format!("photo type {mime}").into()))?;
        Ok((r.try_get("file")?, kind))
    })
    .transpose()
}

/// Confirms a fulfilled wish and credits the volunteer, in one transaction.
pub async fn confirm(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (_, claimant, title) = step(&mut tx, id, "status = 'confirmed'", "fulfilled", None, now)
        .await?
        .ok_or_else(|| step_failed("只有待确认的心愿可以确认"))?;
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
        notify(
            &mut tx,
            u,
            &format!("心愿「{title}」已确认圆梦，您获得{WISH_POINTS}积分。谢谢您！"),
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

/// The demo's teams, wishes across every state, their points, and (through the other
/// parts) the rewards and activities, in one transaction.
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
    crate::points::store::seed_rewards(&mut tx).await?;
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
    // Some residents serve in a team.
    for u in users.iter().step_by(3) {
        sqlx::query("UPDATE users SET volunteer = 1, team_id = $1 WHERE id = $2")
            .bind(team_ids[rng.gen_range(0..team_ids.len())])
            .bind(*u)
            .execute(&mut *tx)
            .await?;
    }
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
    crate::activities::store::seed_demo(&mut tx, &mut rng, &communities, &users, today, now)
        .await?;
    tx.commit().await
}
