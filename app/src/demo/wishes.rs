//! The demo's volunteering: 1,300 teams of the 双报到 units, a third of the residents
//! serving in one, about 5,000 micro-wishes across their life cycle with the points
//! their confirmations earned. `generate` is pure (same seed, same data); `write` goes
//! through the stores.

use crate::wishes::model::{WishStatus, CLAIM_DAYS, WISH_POINTS};
use crate::wishes::store::WishRow;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const TEAM_KINDS: [&str; 10] = [
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

pub const WISH_SAMPLES: &[(&str, &str, &str, i64)] = &[
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

/// A team to write: (name, unit, community).
pub type TeamSeed = (String, String, i64);

/// The teams: each unit with each kind, up to 1,300, in random communities.
pub fn teams(seed: u64, units: &[String], communities: &[i64]) -> Vec<TeamSeed> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7EA4);
    let mut out = Vec::new();
    if communities.is_empty() {
        return out;
    }
    'outer: for kind in TEAM_KINDS {
        for unit in units {
            if out.len() >= 1300 {
                break 'outer;
            }
            let community = communities[rng.gen_range(0..communities.len())];
            out.push((format!("{unit}{kind}"), unit.clone(), community));
        }
    }
    out
}

/// Which residents serve in which team: every third resident, in a random team.
pub fn memberships(seed: u64, users: &[i64], teams: &[i64]) -> Vec<(i64, i64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3E3B);
    if teams.is_empty() {
        return Vec::new();
    }
    users
        .iter()
        .step_by(3)
        .map(|u| (*u, teams[rng.gen_range(0..teams.len())]))
        .collect()
}

/// One demo wish, owned (the store's [`WishRow`] borrows from it).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoWish {
    pub community: i64,
    pub poster: i64,
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
    pub claimant: Option<i64>,
    pub team: Option<i64>,
    pub claimed_at: Option<i64>,
    pub claim_expires_at: Option<i64>,
    pub fulfil_note: String,
    pub created_at: i64,
}

impl DemoWish {
    pub fn row(&self) -> WishRow<'_> {
        WishRow {
            community: self.community,
            poster: self.poster,
            category: &self.category,
            title: &self.title,
            story: &self.story,
            needs: &self.needs,
            value_yuan: self.value_yuan,
            deadline: &self.deadline,
            contact: &self.contact,
            address: &self.address,
            status: self.status,
            reject_reason: &self.reject_reason,
            claimant: self.claimant,
            team: self.team,
            claimed_at: self.claimed_at,
            claim_expires_at: self.claim_expires_at,
            fulfil_note: &self.fulfil_note,
            created_at: self.created_at,
        }
    }
}

/// About 5,000 wishes in every state, posted by the residents in random communities.
pub fn wishes(
    seed: u64,
    users: &[i64],
    communities: &[i64],
    teams: &[i64],
    today: NaiveDate,
    now: i64,
) -> Vec<DemoWish> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3715);
    if users.len() < 2 || communities.is_empty() {
        return Vec::new();
    }
    use WishStatus::*;
    let states = [
        Published, Published, Claimed, Fulfilled, Confirmed, Confirmed, Confirmed, Pending,
        Rejected, Closed,
    ];
    let mut out = Vec::with_capacity(5000);
    let mut open: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for i in 0..5000 {
        let (cat, title, needs, value) = WISH_SAMPLES[rng.gen_range(0..WISH_SAMPLES.len())];
        let mut status = states[i % states.len()];
        let poster = users[rng.gen_range(0..users.len())];
        // A claimant is never the poster, and holds at most MAX_OPEN_CLAIMS open claims,
        // as the live claim step allows; a wish no one may still claim stays published.
        let mut claimant = None;
        if matches!(status, Claimed | Fulfilled | Confirmed) {
            for _ in 0..64 {
                let u = users[rng.gen_range(0..users.len())];
                let full = status == Claimed
                    && open.get(&u).copied().unwrap_or(0) >= crate::wishes::model::MAX_OPEN_CLAIMS;
                if u != poster && !full {
                    claimant = Some(u);
                    break;
                }
            }
            match claimant {
                Some(u) if status == Claimed => *open.entry(u).or_insert(0) += 1,
                Some(_) => {}
                None => status = Published,
            }
        }
        let team = claimant
            .filter(|_| !teams.is_empty() && rng.gen_bool(0.3))
            .map(|_| teams[rng.gen_range(0..teams.len())]);
        let created = now - rng.gen_range(1..120) * 86_400;
        let deadline = crate::time::ymd(today + chrono::Duration::days(rng.gen_range(7..90)));
        out.push(DemoWish {
            community: communities[rng.gen_range(0..communities.len())],
            poster,
            category: cat.to_string(),
            title: title.to_string(),
            story: format!("{title}。家里有实际困难，希望得到邻里的帮助，谢谢大家。"),
            needs: needs.to_string(),
            value_yuan: value,
            deadline,
            contact: format!("171{:08}", rng.gen_range(1..200)),
            address: format!(
                "{}号楼{}单元{}室",
                rng.gen_range(1..30),
                rng.gen_range(1..5),
                rng.gen_range(101..1202)
            ),
            status,
            reject_reason: if status == Rejected {
                "内容不属于微心愿范围，建议联系社区申请临时救助".into()
            } else {
                String::new()
            },
            claimant,
            team,
            claimed_at: claimant.map(|_| created + 86_400),
            claim_expires_at: claimant.map(|_| now + CLAIM_DAYS * 86_400),
            fulfil_note: if matches!(status, Fulfilled | Confirmed) {
                "已送达，老人很满意".into()
            } else {
                String::new()
            },
            created_at: created,
        });
    }
    out
}

/// Writes the teams, memberships and wishes (with the points confirmed wishes earned)
/// through the stores, inside the seed's transaction, in multi-row statements. A city
/// without streets has no teams or wishes yet (both belong to communities), so they are
/// numbered from 1 here. Returns the teams' ids.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    conn: &mut sqlx::AnyConnection,
    dialect: crate::db::Dialect,
    seed: u64,
    units: &[String],
    users: &[i64],
    communities: &[i64],
    today: NaiveDate,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let team_rows: Vec<(i64, String, String, i64)> = teams(seed, units, communities)
        .into_iter()
        .enumerate()
        .map(|(i, (name, unit, community))| (i as i64 + 1, name, unit, community))
        .collect();
    crate::teams::store::insert_teams_with_ids(conn, &team_rows, now).await?;
    crate::db::after_explicit_ids(conn, dialect, "teams").await?;
    let team_ids: Vec<i64> = team_rows.iter().map(|t| t.0).collect();
    for (user, team) in memberships(seed, users, &team_ids) {
        crate::accounts::store::join_team_in(conn, user, team).await?;
    }
    let all = wishes(seed, users, communities, &team_ids, today, now);
    let rows: Vec<(i64, WishRow<'_>)> = all
        .iter()
        .enumerate()
        .map(|(i, w)| (i as i64 + 1, w.row()))
        .collect();
    crate::wishes::store::insert_rows_with_ids(conn, &rows).await?;
    crate::db::after_explicit_ids(conn, dialect, "wishes").await?;
    // The claims history the states imply, as the live claim and fulfil steps write it.
    crate::wishes::store::record_implied_claims(conn).await?;
    let credits: Vec<(i64, i64, &str, String, i64)> = all
        .iter()
        .enumerate()
        .filter_map(|(i, w)| match (w.status, w.claimant) {
            (WishStatus::Confirmed, Some(u)) => Some((
                u,
                WISH_POINTS,
                "圆梦微心愿",
                format!("wish:{}", i + 1),
                w.created_at + 3 * 86_400,
            )),
            _ => None,
        })
        .collect();
    crate::points::store::credit_many(conn, &credits).await?;
    Ok(team_ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_wishes_in_every_state() {
        let users: Vec<i64> = (1..=200).collect();
        let communities: Vec<i64> = (1..=293).collect();
        let teams: Vec<i64> = (1..=50).collect();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let a = wishes(7, &users, &communities, &teams, today, 1_800_000_000);
        let b = wishes(7, &users, &communities, &teams, today, 1_800_000_000);
        assert_eq!(a, b);
        assert_eq!(a.len(), 5000);
        for s in [
            WishStatus::Pending,
            WishStatus::Published,
            WishStatus::Claimed,
            WishStatus::Fulfilled,
            WishStatus::Confirmed,
            WishStatus::Rejected,
            WishStatus::Closed,
        ] {
            assert!(a.iter().any(|w| w.status == s), "{s:?}");
        }
        // Nobody claims their own wish; only claimed states have a claimant.
        for w in &a {
            assert_ne!(w.claimant, Some(w.poster));
            assert_eq!(
                w.claimant.is_some(),
                matches!(
                    w.status,
                    WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Confirmed
                )
            );
        }
        assert_ne!(
            a,
            wishes(8, &users, &communities, &teams, today, 1_800_000_000)
        );
    }

    #[test]
    fn teams_and_memberships_are_deterministic() {
        let units: Vec<String> = (0..200).map(|i| format!("单位{i}")).collect();
        let t = teams(7, &units, &[1, 2, 3]);
        assert_eq!(t.len(), 1300);
        assert_eq!(t, teams(7, &units, &[1, 2, 3]));
        let m = memberships(7, &(1..=200).collect::<Vec<_>>(), &[10, 11]);
        assert_eq!(m.len(), 67);
    }
}
