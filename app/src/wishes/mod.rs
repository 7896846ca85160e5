//! Micro-wishes (微心愿) claimed by volunteers, micro-projects and Red-Saturday
//! activities with waitlists, and the points ledger with its redemption catalogue.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
