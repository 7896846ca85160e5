//! Points 积分: an append-only ledger (earned for a confirmed wish or an attended
//! activity, spent on redemption), the redemption catalogue with its stock, and the
//! vouchers that staff or a merchant verify once.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
