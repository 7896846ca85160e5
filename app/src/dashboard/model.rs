//! The dashboard's figures as plain data, and the date range they cover.

use serde::{Deserialize, Serialize};

/// Bookings of one ISO week (`2026-W48`) or one centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BookingRow {
    pub label: String,
    /// The street and community of a centre's row (empty for a week).
    pub street: String,
    pub community: String,
    /// Booked and served (`done`).
    pub served: i64,
    pub no_show: i64,
    pub walk_ins: i64,
}

/// A name and a count (an item, a state, a reward…), with a second count where one
/// applies (points spent, claims fulfilled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Count {
    pub label: String,
    pub n: i64,
    pub m: i64,
}

/// Stations of one street, by kind (in `StationKind::ALL` order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StreetStations {
    pub street: String,
    pub by_kind: Vec<i64>,
}

/// The figures as the page shows them (items named in the reader's language) with their
/// charts: `(table name, SVG)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Board {
    pub figures: Figures,
    pub charts: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Figures {
    pub bookings_by_week: Vec<BookingRow>,
    pub bookings_by_center: Vec<BookingRow>,
    pub bookings_by_item: Vec<Count>,
    pub wishes_by_state: Vec<Count>,
    /// Median hours from posting to the first claim, and from a claim to fulfilment.
    pub median_claim_hours: Option<f64>,
    pub median_fulfil_hours: Option<f64>,
    /// Volunteers by claims (`n`) and fulfilled (`m`).
    pub claims_by_volunteer: Vec<Count>,
    pub activities: i64,
    pub signups: i64,
    pub checked_in: i64,
    pub volunteer_hours: i64,
    pub points_issued: i64,
    /// Rewards by vouchers (`n`) and points spent (`m`).
    pub redeemed_by_reward: Vec<Count>,
    pub stations_by_street: Vec<StreetStations>,
    pub stations_total: i64,
    /// Amenity code, stations with it.
    pub amenity_counts: Vec<Count>,
    /// Stations checked on site in the last 90 days.
    pub verified_recent: i64,
    /// Outgoing messages created in the range: sent, failed, waiting (admins only).
    pub messages: Option<(i64, i64, i64)>,
}

/// The median of some values (`None` for none).
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A share as a whole percentage.
pub fn percent(n: i64, of: i64) -> u32 {
    if of <= 0 {
        0
    } else {
        ((n as f64) * 100.0 / of as f64).round() as u32
    }
}

/// The tables a CSV download may name.
pub const TABLES: [&str; 7] = [
    "bookings_week",
    "bookings_center",
    "bookings_item",
    "wishes",
    "volunteers",
    "points",
    "stations",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_shares() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 0), 0);
    }
}
