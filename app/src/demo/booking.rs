//! The demo's extended-hours service: schedules for the centres whose hours run into the
//! evening or the weekend, 200 residents, and four weeks of past bookings and walk-ins
//! for the desk's figures. `generate` is pure; `write` goes through the stores.

use super::city::{pick, DemoCity, NamePools};
use crate::booking::model::{Schedule, Status, Window, CODE_ALPHABET, CODE_LEN};
use crate::booking::store::{self, PastBooking};
use crate::stations::model::StationKind;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Extended-hours schedules for the centres whose hours run into the evening or the
/// weekend, and a few weeks of past bookings and walk-ins for the figures.
pub struct DemoBooking {
    pub schedules: Vec<(i64, crate::booking::model::Schedule)>,
    pub residents: Vec<(String, String)>,
    /// (centre, days before today, start minute, resident index, item, status)
    pub history: Vec<(i64, i64, u32, usize, String, Status)>,
    /// (centre, days before today, item)
    pub walk_ins: Vec<(i64, i64, String)>,
}

pub fn generate_booking(
    seed: u64,
    city: &DemoCity,
    pools: &NamePools,
    items: &[String],
) -> DemoBooking {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB00C);
    let mut schedules = Vec::new();
    for st in city
        .stations
        .iter()
        .filter(|s| s.kind == StationKind::Center)
    {
        let h = &st.opening_hours;
        if !h.contains("20:00") {
            continue;
        }
        let mut windows = vec![Window {
            days: vec![1, 2, 3, 4, 5],
            start: "17:30".into(),
            end: "20:00".into(),
        }];
        if h.contains("Sa,Su") {
            windows.push(Window {
                days: vec![6, 7],
                start: "09:00".into(),
                end: "12:00".into(),
            });
        } else if h.contains("Sa ") {
            windows.push(Window {
                days: vec![6],
                start: "09:00".into(),
                end: "12:00".into(),
            });
        }
        let capacity = *pick(&mut rng, &[2u32, 2, 3]);
        schedules.push((
            st.id,
            Schedule {
                windows,
                slot_minutes: 30,
                capacity,
                items: items.to_vec(),
            },
        ));
    }
    let residents: Vec<(String, String)> = (0..200)
        .map(|i| {
            let name = format!(
                "{}{}{}",
                pick(&mut rng, &pools.surnames),
                pick(&mut rng, &pools.given_name_chars),
                if rng.gen_bool(0.5) {
                    pick(&mut rng, &pools.given_name_chars).as_str()
                } else {
                    ""
                }
            );
            (format!("171{:08}", i + 1), name)
        })
        .collect();
    let mut history = Vec::new();
    let mut taken = HashSet::new();
    for _ in 0..1200 {
        if schedules.is_empty() || items.is_empty() {
            break;
        }
        let (center, sched) = &schedules[rng.gen_range(0..schedules.len())];
        let days_ago = rng.gen_range(1..=28i64);
        let start = 17 * 60 + 30 + 30 * rng.gen_range(0..5u32);
        let _ = sched;
        let who = rng.gen_range(0..residents.len());
        if !taken.insert((*center, days_ago, start, who)) {
            continue;
        }
        let status = *pick(
            &mut rng,
            &[
                Status::Done,
                Status::Done,
                Status::Done,
                Status::Done,
                Status::NoShow,
                Status::Cancelled,
            ],
        );
        history.push((
            *center,
            days_ago,
            start,
            who,
            pick(&mut rng, items).clone(),
            status,
        ));
    }
    let walk_ins = (0..400)
        .filter_map(|_| {
            let (center, _) = schedules.get(rng.gen_range(0..schedules.len().max(1)))?;
            Some((
                *center,
                rng.gen_range(1..=28i64),
                pick(&mut rng, items).clone(),
            ))
        })
        .collect();
    DemoBooking {
        schedules,
        residents,
        history,
        walk_ins,
    }
}

/// The confirmation code of the `i`-th demo booking: fixed by its number, so the same
/// seed gives the same codes, and in the alphabet live codes use.
pub fn demo_code(i: usize) -> String {
    let n = CODE_ALPHABET.len();
    let head: String = (0..2)
        .map(|k| CODE_ALPHABET[(i * 7 + k * 13 + (i / 25)) % n] as char)
        .collect();
    let tail: String = format!("{i:0width$}", width = CODE_LEN - 2)
        .chars()
        .map(|c| CODE_ALPHABET[c.to_digit(10).unwrap_or(0) as usize % n] as char)
        .collect();
    format!("{head}{tail}")
}

/// Writes the schedules, residents and history through the stores (inside the seed's
/// transaction); returns the residents' ids in order.
pub async fn write(
    conn: &mut sqlx::AnyConnection,
    demo: &DemoBooking,
    today: NaiveDate,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    for (center, s) in &demo.schedules {
        store::insert_schedule(conn, *center, s, now).await?;
    }
    let users = crate::accounts::store::insert_users(conn, &demo.residents, now).await?;
    // The demo's people are demo accounts: refused sign-in whenever demo mode is off.
    crate::accounts::store::mark_demo(conn, &users).await?;
    let capacity = |center: i64| {
        demo.schedules
            .iter()
            .find(|(c, _)| *c == center)
            .map(|(_, s)| i64::from(s.capacity))
            .unwrap_or(2)
    };
    for (i, (center, days_ago, start, who, item, status)) in demo.history.iter().enumerate() {
        let day = today - chrono::Duration::days(*days_ago);
        let code = demo_code(i);
        let booking = PastBooking {
            center: *center,
            day,
            start_min: *start,
            end_min: start + 30,
            capacity: capacity(*center),
            code: &code,
            user: users[*who % users.len().max(1)],
            item,
            status: *status,
            created_at: crate::time::local_ts(day, *start) - 86_400,
        };
        store::insert_past_booking(conn, &booking).await?;
    }
    for (center, days_ago, item) in &demo.walk_ins {
        let day = crate::time::ymd(today - chrono::Duration::days(*days_ago));
        store::insert_walk_in(conn, *center, item, &day, now).await?;
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_codes_are_unique_and_well_formed() {
        let codes: HashSet<String> = (0..1200).map(demo_code).collect();
        assert_eq!(codes.len(), 1200);
        for c in &codes {
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
        }
    }

    #[test]
    fn over_seventy_percent_of_centres_keep_extended_hours() {
        let p = super::super::city::pools();
        let city = super::super::city::generate(20231, &p);
        let demo = generate_booking(20231, &city, &p, &["MZ-01".to_string()]);
        assert!(
            demo.schedules.len() * 100 > 293 * 70,
            "{}",
            demo.schedules.len()
        );
        for (_, s) in &demo.schedules {
            assert!(s.problems().is_empty());
        }
        assert!(demo.history.len() > 1000);
        // Same seed, same history.
        let again = generate_booking(20231, &city, &p, &["MZ-01".to_string()]);
        assert_eq!(demo.history, again.history);
    }
}
