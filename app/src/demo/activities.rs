//! The demo's activities: about 3,100 micro-projects and Red-Saturday activities, past
//! and coming, and for 300 past ones a record of who came (hours and points).
//! `generate` is pure; `write` goes through the stores.

use crate::activities::store::ActivityRow;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TITLES: [&str; 8] = [
    "红色星期六·小区环境整治",
    "红色星期六·助老送餐",
    "四点半课堂志愿辅导",
    "文明交通劝导",
    "义务理发进社区",
    "家电义务维修",
    "垃圾分类宣传",
    "老年人智能手机教学",
];
const PLACES: [&str; 4] = [
    "社区党群服务中心门前广场",
    "社区党群服务中心二楼活动室",
    "小区中心花园",
    "红色驿站",
];

#[derive(Debug, Clone, PartialEq)]
pub struct DemoActivity {
    pub community: i64,
    pub kind: &'static str,
    pub title: &'static str,
    pub day: String,
    /// Days from today (negative: in the past).
    pub offset: i64,
    pub place: &'static str,
    pub capacity: i64,
    pub hours: i64,
    pub points: i64,
    /// Who came (past activities only), in sign-up order.
    pub attendees: Vec<i64>,
}

pub fn generate(
    seed: u64,
    communities: &[i64],
    users: &[i64],
    today: NaiveDate,
) -> Vec<DemoActivity> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xAC71);
    let mut out = Vec::with_capacity(3100);
    if communities.is_empty() {
        return out;
    }
    let mut attended = 0;
    for i in 0..3100 {
        let offset = rng.gen_range(-60..30);
        let day = crate::time::ymd(today + chrono::Duration::days(offset));
        // Red Saturday falls on Saturdays; the rest are micro-projects.
        let kind = if i % 3 == 0 {
            "project"
        } else {
            "red_saturday"
        };
        let mut a = DemoActivity {
            community: communities[rng.gen_range(0..communities.len())],
            kind,
            title: TITLES[rng.gen_range(0..TITLES.len())],
            day,
            offset,
            place: PLACES[rng.gen_range(0..PLACES.len())],
            capacity: rng.gen_range(5..30i64),
            hours: rng.gen_range(1..4i64),
            points: 5,
            attendees: Vec::new(),
        };
        if offset < 0 && attended < 300 && !users.is_empty() {
            attended += 1;
            for _ in 0..4 {
                let u = users[rng.gen_range(0..users.len())];
                if !a.attendees.contains(&u) {
                    a.attendees.push(u);
                }
            }
        }
        out.push(a);
    }
    out
}

/// Writes the activities, their attendance and the points it earned, inside the seed's
/// transaction, in multi-row statements (activities belong to communities, so a city
/// without streets has none yet: they are numbered from 1 here).
pub async fn write(
    conn: &mut sqlx::AnyConnection,
    dialect: crate::db::Dialect,
    activities: &[DemoActivity],
    now: i64,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, ActivityRow<'_>)> = activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let row = ActivityRow {
                community: a.community,
                kind: a.kind,
                title: a.title,
                day: &a.day,
                place: a.place,
                capacity: a.capacity,
                hours: a.hours,
                points: a.points,
                created_at: now,
            };
            (i as i64 + 1, row)
        })
        .collect();
    crate::activities::store::insert_rows_with_ids(conn, &rows).await?;
    crate::db::after_explicit_ids(conn, dialect, "activities").await?;
    let mut attendance = Vec::new();
    let mut credits = Vec::new();
    for (i, a) in activities.iter().enumerate() {
        let id = i as i64 + 1;
        let at = now + a.offset * 86_400;
        for (k, u) in a.attendees.iter().enumerate() {
            let position = k as i64 + 1;
            attendance.push((id, *u, position, format!("P{id}-{position}"), at, a.hours));
            credits.push((*u, a.points, "参加志愿活动", format!("activity:{id}"), at));
        }
    }
    crate::activities::store::insert_attendance_rows(conn, &attendance).await?;
    crate::points::store::credit_many(conn, &credits).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_activities() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let c: Vec<i64> = (1..=293).collect();
        let u: Vec<i64> = (1..=200).collect();
        let a = generate(7, &c, &u, today);
        assert_eq!(a, generate(7, &c, &u, today));
        assert_eq!(a.len(), 3100);
        let with_attendance = a.iter().filter(|x| !x.attendees.is_empty()).count();
        assert_eq!(with_attendance, 300);
        assert!(a.iter().all(|x| x.attendees.is_empty() || x.offset < 0));
    }
}
