//! The rules of points, without a database: what a balance is, whether a redemption may
//! go ahead, and what a voucher code looks like.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

/// Voucher codes use the booking codes' alphabet (no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes).
pub const VOUCHER_LEN: usize = 8;

/// A balance is the sum of the ledger; it is never stored, so it cannot drift.
pub fn balance(entries: &[i64]) -> i64 {
    entries.iter().sum()
}

/// Whether a redemption of `cost` may go ahead with this balance and stock. The store
/// asks this under the user's row lock; the stock is taken by a conditional update.
pub fn check_redeem(balance: i64, cost: i64, stock: i64) -> Result<(), Msg> {
    if stock <= 0 {
        Err(Msg::new("points.reward_sold_out"))
    } else if balance < cost {
        Err(Msg::new("points.not_enough")
            .arg("cost", cost)
            .arg("balance", balance))
    } else {
        Ok(())
    }
}

/// A typed or scanned voucher code: spaces and dashes ignored, case folded.
pub fn parse_voucher(input: &str) -> Result<String, Msg> {
    let c: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    let alphabet = crate::booking::model::CODE_ALPHABET;
    if c.len() == VOUCHER_LEN && c.bytes().all(|b| alphabet.contains(&b)) {
        Ok(c)
    } else {
        Err(Msg::new("points.voucher_format"))
    }
}

/// One line of a person's ledger, as shown to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub delta: i64,
    pub reason: String,
    /// `YYYY-MM-DD`, Asia/Shanghai.
    pub date: String,
}

/// A redemption scenario with what is left of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reward {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub cost: i64,
    pub stock: i64,
    /// Who accepts its vouchers: a community's centre or a merchant (their name).
    #[serde(default)]
    pub accepted_by: String,
}

/// Days a voucher stays valid after it is issued.
pub const VOUCHER_DAYS: i64 = 90;

/// A voucher as its holder sees it: where it is accepted and until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoucherView {
    pub code: String,
    pub reward: String,
    pub used: bool,
    pub accepted_by: String,
    /// Last day it may be used (`YYYY-MM-DD`).
    pub valid_until: String,
    pub expired: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balance_is_the_sum_of_its_ledger() {
        assert_eq!(balance(&[10, 10, -15]), 5);
        assert_eq!(balance(&[]), 0);
    }

    #[test]
    fn redemptions_need_points_and_stock() {
        assert!(check_redeem(20, 20, 1).is_ok());
        assert_eq!(
            check_redeem(19, 20, 5).unwrap_err().zh(),
            "积分不足：需要20分，您现有19分"
        );
        assert_eq!(check_redeem(100, 20, 0).unwrap_err().zh(), "该项目已兑完");
    }

    #[test]
    fn voucher_codes_are_read_as_people_type_them() {
        assert_eq!(parse_voucher(" acde-fghj ").unwrap(), "ACDEFGHJ");
        assert!(parse_voucher("ACDEFGH").is_err());
        assert!(
            parse_voucher("ACDEFGH0").is_err(),
            "0 is not in the alphabet"
        );
        assert!(parse_voucher("").is_err());
    }
}
