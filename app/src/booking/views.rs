//! What the booking pages show: the confirmation, the choices of the booking page and the
//! staff desk. Plain data shared by the server functions and the pages (and the `.ics`
//! writer), with no I/O.

use crate::booking::model::{Action, Schedule, Status};
use serde::{Deserialize, Serialize};

/// A booking as its pages show it (the store's row plus names and the QR picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    pub code: String,
    pub status: Status,
    pub item_code: String,
    pub item_name: String,
    pub center_id: i64,
    pub center_name: String,
    pub center_address: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub slot_closed: bool,
    pub close_reason: String,
    /// Whether the slot is still ahead.
    pub upcoming: bool,
    /// The resident's steps now (cancel, reschedule): from `booking::model::actions_for`,
    /// the same rule that decides them when posted.
    pub actions: Vec<Action>,
    /// Inline SVG of the QR code carrying the confirmation code.
    pub qr_svg: String,
    /// What to bring: (material, originals, copies, required).
    pub bring: Vec<(String, u32, u32, bool)>,
}

/// One slot as the booking page offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotOption {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub seats_left: i64,
    pub closed: bool,
    pub close_reason: String,
    /// Overlaps one of the signed-in resident's own active bookings (it would be refused).
    pub overlaps_mine: bool,
}

/// A centre that takes the item in extended hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CenterOption {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub community_id: i64,
    pub street: String,
    pub distance_m: Option<f64>,
}

/// How many centres the "nearest" list shows when a point is given.
pub const NEAREST_SHOWN: usize = 5;

/// The centres in the order an elderly resident can use: their own community's first,
/// the nearest few when they shared a point, then every centre grouped by street (the
/// page folds each street, so the list is never thousands of pixels long). A search
/// (`q`: part of a name, community, street or address) replaces the groups by the
/// matches.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CenterList {
    pub mine: Vec<CenterOption>,
    pub nearest: Vec<CenterOption>,
    /// (street, its centres), streets in the order of their first centre.
    pub streets: Vec<(String, Vec<CenterOption>)>,
    /// The search and its matches, when a search was made.
    pub query: String,
    pub found: Option<Vec<CenterOption>>,
    pub total: usize,
}

impl CenterList {
    pub fn arrange(all: Vec<CenterOption>, my_community: Option<i64>, q: &str) -> CenterList {
        let query = q.trim().chars().take(40).collect::<String>();
        let mine = all
            .iter()
            .filter(|c| Some(c.community_id) == my_community)
            .cloned()
            .collect();
        let mut nearest: Vec<CenterOption> = all
            .iter()
            .filter(|c| c.distance_m.is_some())
            .cloned()
            .collect();
        nearest.sort_by(|a, b| {
            a.distance_m
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_m.unwrap_or(f64::MAX))
        });
        nearest.truncate(NEAREST_SHOWN);
        let found = (!query.is_empty()).then(|| {
            let needle = query.to_lowercase();
            all.iter()
                .filter(|c| {
                    [&c.name, &c.address, &c.street]
                        .iter()
                        .any(|f| f.to_lowercase().contains(&needle))
                })
                .cloned()
                .collect()
        });
        let mut streets: Vec<(String, Vec<CenterOption>)> = Vec::new();
        for c in &all {
            match streets.iter_mut().find(|(s, _)| *s == c.street) {
                Some((_, list)) => list.push(c.clone()),
                None => streets.push((c.street.clone(), vec![c.clone()])),
            }
        }
        CenterList {
            mine,
            nearest,
            streets,
            query,
            found,
            total: all.len(),
        }
    }
}

/// Everything the booking page needs for the choices made so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingChoices {
    pub item_code: String,
    pub item_name: String,
    pub centers: CenterList,
    pub center: Option<CenterOption>,
    /// (day `YYYY-MM-DD`, label `MM-DD 周X`, seats left that day, holiday name)
    pub days: Vec<(String, String, i64, Option<String>)>,
    pub day: Option<String>,
    pub slots: Vec<SlotOption>,
    pub signed_in: bool,
}

/// The staff desk: today's (or a given day's) slots and bookings at the staff member's
/// centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    pub center_id: i64,
    pub center_name: String,
    pub day: String,
    /// Each slot with the bookings in it.
    pub slots: Vec<(SlotOption, Vec<DeskEntry>)>,
    pub schedule: Option<Schedule>,
    pub figures: DeskFigures,
    /// Today, and the days before and after the one shown (the day switcher).
    #[serde(default)]
    pub today: String,
    #[serde(default)]
    pub prev_day: String,
    #[serde(default)]
    pub next_day: String,
    /// The items that may be done in extended hours, for the pickers:
    /// (category, code, name in the reader's language).
    #[serde(default)]
    pub items: Vec<(String, String, String)>,
}

/// One booking on the desk list. Staff of the centre see the resident's number: they
/// call when someone does not come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskEntry {
    pub code: String,
    pub item: String,
    pub status: Status,
    /// The desk's steps now (check in, done, no-show), from `booking::model::actions_for`.
    pub actions: Vec<Action>,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeskFigures {
    pub served: i64,
    pub walk_ins: i64,
    pub by_week: Vec<(String, i64)>,
    pub by_item: Vec<(String, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, community: i64, street: &str, d: Option<f64>) -> CenterOption {
        CenterOption {
            id,
            name: format!("{street}第{id}社区党群服务中心"),
            address: format!("{street}路{id}号"),
            community_id: community,
            street: street.to_string(),
            distance_m: d,
        }
    }

    #[test]
    fn own_community_first_then_nearest_then_streets() {
        let all = vec![
            c(1, 10, "东街", Some(900.0)),
            c(2, 11, "西街", Some(100.0)),
            c(3, 12, "东街", Some(500.0)),
            c(4, 13, "南街", Some(2000.0)),
            c(5, 14, "西街", Some(50.0)),
            c(6, 15, "南街", Some(3000.0)),
            c(7, 16, "北街", Some(10.0)),
        ];
        let l = CenterList::arrange(all, Some(12), "");
        assert_eq!(l.mine.iter().map(|c| c.id).collect::<Vec<_>>(), [3]);
        assert_eq!(
            l.nearest.iter().map(|c| c.id).collect::<Vec<_>>(),
            [7, 5, 2, 3, 1]
        );
        let streets: Vec<_> = l
            .streets
            .iter()
            .map(|(s, v)| (s.as_str(), v.iter().map(|c| c.id).collect::<Vec<_>>()))
            .collect();
        assert_eq!(
            streets,
            [
                ("东街", vec![1, 3]),
                ("西街", vec![2, 5]),
                ("南街", vec![4, 6]),
                ("北街", vec![7])
            ]
        );
        assert_eq!((l.total, l.found), (7, None));
    }

    #[test]
    fn without_a_point_or_community_only_the_streets_and_a_search_narrows() {
        let all = vec![c(1, 10, "东街", None), c(2, 11, "西街", None)];
        let l = CenterList::arrange(all.clone(), None, "");
        assert!(l.mine.is_empty() && l.nearest.is_empty());
        let l = CenterList::arrange(all.clone(), None, "  西街 ");
        assert_eq!(l.query, "西街");
        assert_eq!(
            l.found.map(|f| f.iter().map(|c| c.id).collect::<Vec<_>>()),
            Some(vec![2])
        );
        let l = CenterList::arrange(all, None, "不存在");
        assert_eq!(l.found, Some(vec![]));
    }
}
