//! The audit trail: every staff action and every staff read of personal data, recorded
//! in the same transaction as what it records, so that an action and its record stand or
//! fall together; read back with filters on `/admin/audit` and exported as CSV.
//!
//! Why a feature of its own: one place writes `audit_log` (`store`), and the layer check
//! (`scripts/layers.py`) fails on a write anywhere else or a call from outside a service.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
